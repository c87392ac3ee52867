"""Definition questions ("qu'est-ce que le programme EIG ?"): the corpus's sentences that define their subject join
the candidates, since a question made of its most common words retrieves passages that only mention it.

Measured effect: none on the dev questions of either split (none asks a definition); "Qu'est-ce que le programme
Entrepreneurs d'intérêt général ?" and "Qu'est-ce que le programme EIG ?" cite the programme's definition instead of
sentences about its publicity. The passages are scanned at question time (tens of milliseconds, definition questions
only). Only the sentences that define the subject are quoted, and without one among the best the assistant
abstains (answering.AbstentionRule)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from eig_qa.answer.expectation import defining_head
from eig_qa.answer.features import QuestionProfile
from eig_qa.ingest.chunking import Passage
from eig_qa.search.analyzer import term_set
from eig_qa.search.passage_analysis import analysis_of
from eig_qa.search.retrieval import Hit, Retrieval

# Passages added at most: a subject defined in many places ("le programme") needs only its first definitions.
MAX_ADDED = 3


def subject_forms(defined: frozenset[str], acronyms: Mapping[str, str]) -> list[frozenset[str]]:
    """The subject's terms, and again with each acronym replaced by its long form ("EIG" → "entrepreneurs d'intérêt
    général"), as documents write either."""
    forms = [defined]
    for acronym, long_form in acronyms.items():
        short = term_set(acronym)
        if short and short <= defined:
            forms.append((defined - short) | term_set(long_form))
    return forms


def extra_words(passage: Passage, forms: Sequence[frozenset[str]]) -> int | None:
    """How many words beyond the subject the closest defining sentence of a passage names before its verb ("Le
    programme EIG 4 est…": 1), None when no sentence opens with the whole subject, in one of its forms, then a
    defining verb."""
    counts = []
    for sentence in analysis_of(passage).sentences:
        head = defining_head(sentence.folded)
        named = set(head)
        counts += [len(named - form) for form in forms if head and head[0] in form and form <= named]
    return min(counts, default=None)


def with_defining_passages(profile: QuestionProfile, retrieval: Retrieval, passages: Sequence[Passage],
                           acronyms: Mapping[str, str]) -> Retrieval:
    """Add, after the hits, up to `MAX_ADDED` passages defining what a definition question asks about, those naming
    the fewest other words first; they rank as the best hit did, the reranker then reads their sentences."""
    defined = profile.expected.defined
    if not defined:
        return retrieval
    forms = subject_forms(defined, acronyms)
    held = {hit.passage.id for hit in retrieval.hits}
    found = []
    for passage in passages:
        extra = extra_words(passage, forms) if passage.id not in held else None
        if extra is not None:
            found.append((extra, passage.id, passage))
    if not found:
        return retrieval
    first = retrieval.hits[0] if retrieval.hits else None
    added = [Hit(passage, first.score if first else 0.0, 0.0, first.dense if first else 0.0)
             for _extra, _id, passage in sorted(found, key=lambda item: item[:2])[:MAX_ADDED]]
    return replace(retrieval, hits=[*retrieval.hits, *added])
