"""BM25 over French analyzed terms, with the bm25s library."""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from eig_qa.search.analyzer import analyze
from eig_qa.tuning import TUNING, Tuning

# bm25s logs every index build at DEBUG level through its own handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)


def build_lexical_index(texts: Sequence[str], tuning: Tuning = TUNING) -> bm25s.BM25:
    """Index texts for BM25 (Lucene variant)."""
    if not texts:
        raise ValueError("cannot build a BM25 index over zero texts")
    index = bm25s.BM25(k1=tuning.bm25_k1, b=tuning.bm25_b)
    index.index([analyze(text) or [""] for text in texts], show_progress=False)
    return index


@functools.lru_cache(maxsize=4)
def _terms_by_initial(index: bm25s.BM25) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for term in index.vocab_dict:
        if term:
            groups[term[0]].append(term)
    return groups


def corrected_terms(index: bm25s.BM25, terms: Sequence[str], tuning: Tuning = TUNING) -> list[str]:
    """Keep known terms; replace an unknown word-term by its closest indexed term (typos), or drop it."""
    known = []
    for term in terms:
        if term in index.vocab_dict:
            known.append(term)
        elif len(term) >= tuning.typo_min_chars and not term.isdigit():
            candidates = [t for t in _terms_by_initial(index).get(term[0], ())
                          if abs(len(t) - len(term)) <= tuning.typo_length_gap]
            best = process.extractOne(term, candidates, scorer=fuzz.ratio,
                                      score_cutoff=100 * tuning.typo_min_similarity)
            known += [best[0]] if best else []
    return known


def lexical_scores(index: bm25s.BM25, query: str, tuning: Tuning = TUNING) -> np.ndarray:
    """BM25 score of every indexed text for the query (zeros when no query term is known)."""
    terms = corrected_terms(index, analyze(query), tuning)
    if not terms:
        return np.zeros(index.scores["num_docs"], dtype=np.float32)
    return np.asarray(index.get_scores(terms), dtype=np.float32)


@runtime_checkable
class LexicalRanker(Protocol):
    """Scores every indexed passage for a query by its words: the lexical half of the hybrid search."""

    def scores(self, query: str) -> np.ndarray:
        """One score per passage, in index order; higher is better, 0 for no match."""
        ...


@dataclass(frozen=True)
class BM25Ranker:
    """The default lexical ranker: BM25 over French analyzed terms, typos corrected against the index vocabulary."""

    index: bm25s.BM25
    tuning: Tuning = TUNING

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query."""
        return lexical_scores(self.index, query, self.tuning)


def document_frequencies(index: bm25s.BM25) -> dict[str, int]:
    """How many indexed texts contain each term (the sparse score matrix has one column of texts per term)."""
    counts = np.diff(index.scores["indptr"])
    return {term: int(counts[i]) for term, i in index.vocab_dict.items() if i < len(counts)}


def save_lexical_index(index: bm25s.BM25, folder: Path) -> None:
    """Write the BM25 index into folder."""
    index.save(str(folder))


def load_lexical_index(folder: Path) -> bm25s.BM25:
    """Read a BM25 index written by save_lexical_index."""
    return bm25s.BM25.load(str(folder), mmap=False)
