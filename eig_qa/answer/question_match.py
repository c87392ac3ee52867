"""Question-to-question matching: the corpus's own questions (FAQ entries, headings phrased as questions) matched
against the user's, typo-tolerant, so that an entry answering almost the same question is always a candidate."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from eig_qa.answer.features import QuestionProfile, content_words, similarity
from eig_qa.french import fold_accents
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit, Retrieval

# Words that say what kind of answer a question wants: two questions asking for different kinds are different,
# though their content words are the same ("Qui peut devenir EIG ?", "Comment devenir EIG ?").
_INTERROGATIVES = frozenset(("qui", "quoi", "quand", "comment", "combien", "pourquoi", "ou", "quel", "quelle",
                             "quels", "quelles", "lequel", "laquelle", "lesquels", "lesquelles"))


@dataclass(frozen=True)
class QuestionEntry:
    """A question the corpus itself asks, and the passages that follow it (its answer)."""

    question: str
    content: str  # folded content words
    passage_ids: tuple[int, ...]


def question_entries(passages: Sequence[Passage]) -> list[QuestionEntry]:
    """The corpus's entries: passages grouped by document and heading, where the heading is a question."""
    groups: dict[tuple[str, str], list[int]] = {}
    for passage in passages:
        heading = (passage.heading or "").strip()
        if heading.endswith("?") and content_words(heading):
            groups.setdefault((passage.source, heading), []).append(passage.id)
    return [QuestionEntry(heading, content_words(heading), tuple(ids)) for (_source, heading), ids in groups.items()]


def best_entry(profile: QuestionProfile, entries: Sequence[QuestionEntry]) -> tuple[QuestionEntry, float] | None:
    """The entry whose question is closest to the user's, with its similarity; None without entries."""
    if not entries or not profile.content:
        return None
    scores = [similarity(profile, entry.content) for entry in entries]
    best = max(range(len(entries)), key=lambda index: (scores[index], -len(entries[index].content)))
    return entries[best], scores[best]


def with_matching_entry(profile: QuestionProfile, retrieval: Retrieval, entries: Sequence[QuestionEntry],
                        passages: Sequence[Passage]) -> Retrieval:
    """Add the passages of the entry matching the question to the hits when retrieval missed them, from
    `profile.tuning.entry_min_similarity`. Their retrieval score is the best hit's times the questions' similarity:
    scored as the last hit, an entry asking the very question was cut by the second ranking before the answer
    ("Qu'est-ce que le programme EIG ?" answered from a sentence on the programme's agility). No dev question of
    either split changes (2 December)."""
    found = best_entry(profile, entries)
    if found is None or found[1] < profile.tuning.entry_min_similarity:
        return retrieval
    held = {hit.passage.id for hit in retrieval.hits}
    first, last = (retrieval.hits[0], retrieval.hits[-1]) if retrieval.hits else (None, None)
    score = first.score * found[1] if first else 0.0
    added = [Hit(passages[passage_id], score, 0.0, last.dense if last else 0.0)
             for passage_id in found[0].passage_ids if passage_id not in held]
    return replace(retrieval, hits=[*retrieval.hits, *added]) if added else retrieval


def asked_entry(profile: QuestionProfile, entries: Sequence[QuestionEntry]) -> QuestionEntry | None:
    """The entry asking the user's very question: the same content words but for typos and order (rapidfuzz token
    sort ratio from `profile.tuning.entry_asked_similarity`), the same numbers and the same interrogative words. Its
    answer leads the user's (answering.build_answer)."""
    if not profile.content:
        return None
    cutoff = 100 * profile.tuning.entry_asked_similarity
    asked = _interrogatives(profile.folded), _numbers(profile.content)
    matches = [entry for entry in entries
               if fuzz.token_sort_ratio(profile.content, entry.content) >= cutoff
               and (_interrogatives(fold_accents(entry.question)), _numbers(entry.content)) == asked]
    return max(matches, key=lambda entry: fuzz.token_sort_ratio(profile.content, entry.content), default=None)


def _interrogatives(folded: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+", folded)) & _INTERROGATIVES


def _numbers(content: str) -> frozenset[str]:
    return frozenset(word for word in content.split() if word.isdigit())
