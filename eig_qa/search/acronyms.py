"""Acronyms the corpus defines ("Direction interministérielle du numérique (DINUM)"), to expand questions."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from eig_qa.french import fold_accents

# An acronym in brackets: two capitals or more, maybe with lowercase letters or digits ("BnF", "EIG2").
_BRACKETED = re.compile(r"\(([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*)\)")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ACRONYM_IN_QUESTION = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*\b")
_LOOK_BACK_CHARS = 200
# A long form does not start with a linking word ("d'intérêt général" is not DIG).
_LINKS = frozenset({"d", "de", "du", "des", "l", "la", "le", "les", "et", "a", "au", "aux", "en", "pour", "par",
                    "sur", "of", "for", "the", "and"})


def _long_form(before: str, acronym: str) -> str | None:
    """The shortest run of words ending `before` that spells the acronym (Schwartz & Hearst, 2003): its letters
    appear in order, the first one starting the first word ("direction interministérielle du numérique" for
    DINUM)."""
    letters = [char for char in fold_accents(acronym) if char.isalpha()]
    words = _WORD.findall(before.replace("’", " ").replace("'", " "))
    for start in range(len(words) - 1, max(-1, len(words) - 2 * len(letters) - 3), -1):
        candidate = words[start:]
        first = fold_accents(candidate[0])
        if first in _LINKS or first[0] != letters[0]:
            continue
        # A word per letter or two at least: "graphiques" does not spell GPU.
        content = [word for word in candidate if fold_accents(word) not in _LINKS]
        if 2 * len(content) >= len(letters) and _spells(fold_accents(" ".join(candidate)), letters):
            return " ".join(candidate)
    return None


def _spells(text: str, letters: list[str]) -> bool:
    """Whether the letters appear in order in the text, the first one at its start."""
    position = 1
    for letter in letters[1:]:
        position = text.find(letter, position) + 1
        if position == 0:
            return False
    return True


def mine_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Map each acronym the texts define to its most frequent long form."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for match in _BRACKETED.finditer(text):
            acronym = match.group(1)
            form = _long_form(text[max(0, match.start() - _LOOK_BACK_CHARS) : match.start()], acronym)
            if form:
                forms[acronym][form] += 1
    return {acronym: counts.most_common(1)[0][0] for acronym, counts in forms.items()}


def expand(question: str, acronyms: Mapping[str, str]) -> str:
    """The question with the long form of each acronym it uses added once ("la DINUM" → "la DINUM (direction
    interministérielle du numérique)"), so that passages spelling it out match too."""
    added = []
    for acronym in dict.fromkeys(_ACRONYM_IN_QUESTION.findall(question)):
        form = acronyms.get(acronym)
        if form and fold_accents(form) not in fold_accents(question):
            added.append(form)
    return f"{question} ({' ; '.join(added)})" if added else question
