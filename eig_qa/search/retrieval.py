"""Hybrid retrieval: French BM25 and dense vectors, fused by reciprocal rank."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from eig_qa.ingest.chunking import Passage
from eig_qa.search.acronyms import expand, mine_acronyms
from eig_qa.search.analyzer import analyze
from eig_qa.search.embedding import Embedder
from eig_qa.search.fusion import reciprocal_rank_fusion
from eig_qa.search.index_store import StoredIndex
from eig_qa.search.lexical import BM25Ranker, LexicalRanker, document_frequencies
from eig_qa.search.passage_analysis import analysis_of
from eig_qa.tuning import TUNING, Tuning


@dataclass(frozen=True)
class SearchFilters:
    """Restrict results to some kinds of document and some years (empty means no restriction)."""

    kinds: frozenset[str] = field(default_factory=frozenset)
    years: frozenset[str] = field(default_factory=frozenset)

    def allows(self, passage: Passage) -> bool:
        """Tell whether a passage passes the filters."""
        if self.kinds and passage.kind not in self.kinds:
            return False
        return not self.years or (passage.date or "")[:4] in self.years


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the raw scores behind it."""

    passage: Passage
    score: float
    lexical: float
    dense: float


@dataclass(frozen=True)
class Retrieval:
    """The hits of one search, with query-performance signals: how far the best score stands above the
    corpus-wide mean, for the dense and the lexical scores (see `standout`), and how close the question comes to
    what the corpus is about (see topicality.py; None when the corpus could not be profiled)."""

    hits: list[Hit]
    dense_standout: float
    lexical_standout: float
    topicality: float | None = None


def standout(scores: np.ndarray) -> float:
    """(max - mean) / std of the scores, divided by sqrt(2 ln n), the usual maximum of n standard normal draws,
    so that small and large corpora compare; 0 when all scores are equal."""
    spread = float(scores.std()) if scores.size > 1 else 0.0
    if spread == 0:
        return 0.0
    return float((scores.max() - scores.mean()) / spread / np.sqrt(2 * np.log(scores.size)))


class Retriever:
    """Searches one loaded index with one embedder; safe to share between threads."""

    def __init__(self, index: StoredIndex, embedder: Embedder, tuning: Tuning = TUNING,
                 lexical: LexicalRanker | None = None):
        self.index = index
        self.embedder = embedder
        self.tuning = tuning
        self.lexical = lexical or BM25Ranker(index.lexical, tuning)
        self._embed_lock = threading.Lock()
        # How many passages hold each term: IDF weights of the answer, rare acronyms here.
        self.document_frequency = document_frequencies(index.lexical)
        # Every acronym the corpus defines, with its long form; only the rare ones expand questions.
        self.acronyms = mine_acronyms(passage.text for passage in index.passages)
        self._acronyms = _rare_acronyms(self.acronyms, self.document_frequency, len(index.passages), tuning)

    @property
    def passages(self) -> list[Passage]:
        """All indexed passages, by id."""
        return self.index.passages

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        """Return the k best passages for the query."""
        return self.retrieve(query, k, filters).hits

    def retrieve(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> Retrieval:
        """Return the k best passages for the query and how clearly the best ones stand out."""
        if k <= 0:
            raise ValueError(f"k must be positive, got {k}")
        allowed = self._allowed_mask(filters)
        # Passages that spell out an acronym of the question ("la DINUM") match as well as those that use it.
        expanded = expand(query, self._acronyms)
        tuning = self.tuning
        lexical = self.lexical.scores(expanded)
        with self._embed_lock:  # native embedding runtimes are not all thread-safe
            query_vector = self.embedder.embed_query(expanded[: tuning.embedded_query_chars])
        dense = self._dense_scores(query_vector)
        rankings = [_top_ids(lexical, allowed, tuning.candidates, positive_only=True),
                    _top_ids(dense, allowed, tuning.candidates)]
        fused = reciprocal_rank_fusion(rankings, k=tuning.rrf_k, weights=(tuning.lexical_weight, tuning.dense_weight))
        fused = _favour_numbers(fused, query, self.index.passages, tuning)
        hits = [Hit(self.index.passages[i], score, float(lexical[i]), float(dense[i])) for i, score in fused[:k]]
        topic = self.index.topic
        return Retrieval(hits, standout(dense), standout(lexical),
                         topic.topicality(query_vector) if topic is not None else None)

    def _dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        total = self.index.dense.ntotal
        similarities, ids = self.index.dense.search(query_vector.reshape(1, -1).astype(np.float32), total)
        scores = np.full(total, -1.0, dtype=np.float32)
        valid = ids[0] >= 0
        scores[ids[0][valid]] = similarities[0][valid]
        return scores

    def _allowed_mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        if filters is None or (not filters.kinds and not filters.years):
            return None
        return np.array([filters.allows(passage) for passage in self.index.passages])


def _rare_acronyms(acronyms: dict[str, str], frequencies: dict[str, int], passages: int,
                   tuning: Tuning) -> dict[str, str]:
    """The acronyms the corpus defines and seldom uses, with their long forms."""
    limit = max(tuning.rare_acronym_share * passages, tuning.rare_acronym_min)
    return {acronym: form for acronym, form in acronyms.items()
            if all(frequencies.get(term, 0) <= limit for term in analyze(acronym))}


def _favour_numbers(fused: list[tuple[int, float]], query: str, passages: list[Passage],
                    tuning: Tuning) -> list[tuple[int, float]]:
    """Promote passages that carry the question's numbers ("EIG 4", "2019"): BM25 gives common numbers little
    weight, yet a passage about promotion 5 does not answer a question about promotion 4."""
    numbers = {term for term in analyze(query) if term.isdigit()}
    if not numbers:
        return fused
    rescored = []
    for position, (item, score) in enumerate(fused):
        terms = analysis_of(passages[item]).terms if position < tuning.number_checked else frozenset()
        rescored.append((item, score * (1 + tuning.number_bonus * len(numbers & terms) / len(numbers))))
    return sorted(rescored, key=lambda pair: (-pair[1], pair[0]))


def _top_ids(scores: np.ndarray, allowed: np.ndarray | None, count: int, positive_only: bool = False) -> list[int]:
    """Ids of the highest scores, best first, among allowed ones."""
    masked = scores if allowed is None else np.where(allowed, scores, -np.inf)
    order = np.argsort(-masked, kind="stable")[:count]
    keep = masked[order] > (0 if positive_only else -np.inf)
    return order[keep].tolist()
