"""FAQ files: a YAML list of question / answer entries (answers in HTML), one part per entry."""

from __future__ import annotations

import yaml

from eig_qa.ingest.markdown import markup_to_text, scalar_text
from eig_qa.ingest.records import Parsed, Part
from eig_qa.ingest.text import decode

FAQ_QUESTION_KEYS = ("question",)
FAQ_ANSWER_KEYS = ("reponse", "réponse", "answer")
FAQ_ANCHOR_KEYS = ("ancre", "anchor")


def _entry_value(entry: dict, keys: tuple[str, ...]) -> object:
    """The value of the first of keys present in a FAQ entry (keys compared without case)."""
    lowered = {str(key).strip().lower(): value for key, value in entry.items()}
    for key in keys:
        if lowered.get(key) not in (None, ""):
            return lowered[key]
    return None


def read_faq(data: bytes) -> Parsed:
    """One part per question / answer entry; its text is the question, a blank line, then the answer."""
    text, decoding_problem = decode(data)
    parsed = Parsed(problems=[decoding_problem] if decoding_problem else [])
    try:
        entries = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (ligne {mark.line + 1})" if mark is not None else ""
        parsed.skipped = f"FAQ YAML invalide{where} : fichier ignoré, corrigez la syntaxe YAML"
        return parsed
    if not isinstance(entries, list):
        parsed.skipped = "FAQ YAML qui n'est pas une liste de questions-réponses : ignoré"
        return parsed
    bad = []
    for number, entry in enumerate(entries, 1):
        question = _entry_value(entry, FAQ_QUESTION_KEYS) if isinstance(entry, dict) else None
        answer = _entry_value(entry, FAQ_ANSWER_KEYS) if isinstance(entry, dict) else None
        question_text = markup_to_text(str(question))[0].replace("\n", " ") if question is not None else ""
        if not question_text or answer is None:
            bad.append(number)
            continue
        answer_text = markup_to_text(str(answer))[0]
        anchor = scalar_text(_entry_value(entry, FAQ_ANCHOR_KEYS))
        body = question_text + ("\n\n" + answer_text if answer_text else "")
        parsed.parts.append(Part(body, ((0, question_text),), anchor=anchor.lstrip("#") if anchor else None))
    if not parsed.parts:
        parsed.skipped = "FAQ YAML sans aucune entrée question / réponse : ignoré"
    elif bad:
        numbers = ", ".join(map(str, bad))
        parsed.problems.append(f"entrée(s) n° {numbers} sans question ou sans réponse : ignorée(s)")
    return parsed
