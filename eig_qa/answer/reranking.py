"""Second-stage ranking: passages whose best sentence answers the question move up."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from eig_qa.answer.answering import Highlight, score_sentences
from eig_qa.answer.features import QuestionProfile
from eig_qa.answer.scorer import AnswerScorer
from eig_qa.search.retrieval import Retrieval


@dataclass(frozen=True)
class Reranked:
    """The k best hits in their new order, with their sentences already scored (best first), for the answer."""

    retrieval: Retrieval
    scored: list[Highlight]


@runtime_checkable
class Reranker(Protocol):
    """Reorders the retrieved passages of a question and keeps the k best, with their sentences scored."""

    def __call__(self, profile: QuestionProfile, retrieval: Retrieval, model: AnswerScorer, k: int) -> Reranked:
        ...


def rerank_by_sentences(profile: QuestionProfile, retrieval: Retrieval, model: AnswerScorer, k: int) -> Reranked:
    """Reorder the hits by retrieval score plus the probability that their best sentence answers, keep the k best.

    BM25 and dense vectors score a passage as a whole; a passage holding one sentence that covers the question
    (its rare words together, the number or amount it asks for) is the one that answers; the weight of the sentence
    against the retrieval score is `profile.tuning.sentence_weight`."""
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    hits = retrieval.hits
    scored = score_sentences(profile, retrieval, model)
    best: dict[int, float] = {}
    for highlight in scored:
        best.setdefault(highlight.hit_index, highlight.score)
    top = max((hit.score for hit in hits), default=1.0) or 1.0
    weight = profile.tuning.sentence_weight
    order = sorted(range(len(hits)), key=lambda i: (-(hits[i].score / top + weight * best.get(i, 0.0)), i))
    position = {old: new for new, old in enumerate(order[:k])}
    kept = [replace(item, hit_index=position[item.hit_index]) for item in scored if item.hit_index in position]
    return Reranked(replace(retrieval, hits=[hits[i] for i in order[:k]]), kept)
