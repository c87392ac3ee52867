"""The welcome page's example questions, drawn from the corpus itself so that any folder of documents gets sensible
ones: its own questions (FAQ entries, headings phrased as questions) that the assistant answers confidently, from
the entry's own section, grouped by document, and key-figure questions when the structured data is there."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass

from rapidfuzz import fuzz

from eig_qa.answer.answering import Answer
from eig_qa.answer.question_match import QuestionEntry
from eig_qa.answer.scorer import HIGH
from eig_qa.assistant import Assistant
from eig_qa.figures.examples import figure_examples
from eig_qa.french import fold_accents
from eig_qa.ingest.chunking import Passage
from eig_qa.search.passage_analysis import content_words

FIGURES_TITLE = "Chiffres clés"
MAX_CHARS = 70  # longer questions wrap over three lines or more in a button of a three-column row
COLUMNS = 3  # groups shown side by side, key figures included
PER_GROUP = 6  # a document's questions at most, when few documents offer some
TOTAL = 9  # questions shown at most: a newcomer reads them at a glance
NEAR_DUPLICATE = 85  # rapidfuzz token-sort ratio from which two questions ask the same thing
# A question that leans on the text around it does not stand alone as a button: a demonstrative or a pronoun
# pointing back ("cette enquête", "ça"), the interviewer's "tu" or the author's "nous", "vous" addressed to the
# reader, or an opening connective ("Et maintenant ?", "Finalement, …", "Pour conclure, …").
_LEANING_WORDS = frozenset(["ce", "cet", "cette", "ces", "ca", "cela", "ceci", "tu", "toi", "ton", "ta", "tes", "vous",
                            "votre", "vos", "nous", "notre", "nos", "leur", "leurs"])
_OPENINGS = re.compile(r"^(?:et|mais|alors|finalement|concretement|enfin|donc|ensuite|bref|"
                       r"pour (?:commencer|conclure|finir)|en conclusion|au final)\b")


@dataclass(frozen=True)
class ExampleGroup:
    """A column of example buttons: its heading and its questions."""

    title: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """One of the corpus's own questions, with the document and the passages that answer it."""

    question: str
    source: str
    title: str
    passage_ids: frozenset[int]


def stands_alone(question: str) -> bool:
    """Whether a question reads as one short question without the text around it."""
    text = " ".join(question.split())
    folded = fold_accents(text).replace("’", "'")
    words = re.findall(r"\w+", folded.replace("est-ce", "est"))
    return (len(text) <= MAX_CHARS and text.count("?") == 1 and text.endswith("?")
            and bool(content_words(text)) and not _LEANING_WORDS.intersection(words)
            and not _OPENINGS.match(folded))


def candidates(entries: Sequence[QuestionEntry], passages: Sequence[Passage]) -> list[Candidate]:
    """The corpus's questions that stand alone, in corpus order, without near-duplicates of an earlier one."""
    kept: list[Candidate] = []
    for entry in entries:
        question = " ".join(entry.question.split())
        folded = fold_accents(question)
        if not stands_alone(question) or any(
                fuzz.token_sort_ratio(folded, fold_accents(other.question)) >= NEAR_DUPLICATE for other in kept):
            continue
        first = passages[entry.passage_ids[0]]
        kept.append(Candidate(question, first.source, first.title, frozenset(entry.passage_ids)))
    return kept


def answered_confidently(answer: Answer, candidate: Candidate) -> bool:
    """An answer, of high confidence, whose first highlighted sentence comes from the candidate's own section."""
    if answer.abstained or answer.kind != "answer" or answer.confidence != HIGH or not answer.highlights:
        return False
    return answer.hits[answer.highlights[0].hit_index].passage.id in candidate.passage_ids


def _next_confident(pending: Iterator[Candidate], ask: Callable[[str], Answer]) -> str | None:
    return next((item.question for item in pending if answered_confidently(ask(item.question), item)), None)


def document_examples(items: Sequence[Candidate], ask: Callable[[str], Answer], groups: int = COLUMNS,
                      total: int = TOTAL) -> list[ExampleGroup]:
    """Up to `groups` documents, those with the most questions first, each with the questions it answers
    confidently, taken in turn until `total`; questions are asked lazily, the fewest needed."""
    by_source: dict[str, list[Candidate]] = {}
    for item in items:
        by_source.setdefault(item.source, []).append(item)
    ranked = sorted(by_source.values(), key=lambda group: (-len(group), group[0].source))
    chosen: list[tuple[str, list[str], Iterator[Candidate]]] = []
    for group in ranked:
        if len(chosen) == groups:
            break
        pending = iter(group)
        if first := _next_confident(pending, ask):
            chosen.append((group[0].title, [first], pending))
    shown = len(chosen)
    while shown < total:
        added = 0
        for _title, questions, pending in chosen:
            if shown + added < total and len(questions) < PER_GROUP and (question := _next_confident(pending, ask)):
                questions.append(question)
                added += 1
        if not added:
            break
        shown += added
    return [ExampleGroup(title, tuple(questions)) for title, questions, _pending in chosen]


def welcome_examples(assistant: Assistant) -> list[ExampleGroup]:
    """The corpus's example groups, then the key-figure questions when the structured data is there."""
    figures = figure_examples(assistant.data)
    items = candidates(assistant.entries, assistant.retriever.passages)
    groups = document_examples(items, assistant.ask, COLUMNS - bool(figures), TOTAL - len(figures))
    return groups + ([ExampleGroup(FIGURES_TITLE, figures)] if figures else [])


def index_key(assistant: Assistant) -> str:
    """What the examples depend on: the index's manifest (files, model, versions) and the corpus folder."""
    manifest = json.dumps(asdict(assistant.retriever.index.manifest), sort_keys=True, default=str)
    return hashlib.sha256(f"{assistant.settings.corpus_dir}\n{manifest}".encode()).hexdigest()
