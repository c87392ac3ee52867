"""BM25 over French analyzed terms, with the bm25s library."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from eig_qa.analyzer import analyze


def build_lexical_index(texts: Sequence[str]) -> bm25s.BM25:
    """Index texts for BM25 (Lucene variant, k1=1.2, b=0.75)."""
    if not texts:
        raise ValueError("cannot build a BM25 index over zero texts")
    index = bm25s.BM25(k1=1.2, b=0.75)
    index.index([analyze(text) or [""] for text in texts], show_progress=False)
    return index


def lexical_scores(index: bm25s.BM25, query: str) -> np.ndarray:
    """BM25 score of every indexed text for the query (zeros when no query term is known)."""
    terms = [term for term in analyze(query) if term in index.vocab_dict]
    if not terms:
        return np.zeros(index.scores["num_docs"], dtype=np.float32)
    return np.asarray(index.get_scores(terms), dtype=np.float32)


def save_lexical_index(index: bm25s.BM25, folder: Path) -> None:
    """Write the BM25 index into folder."""
    index.save(str(folder))


def load_lexical_index(folder: Path) -> bm25s.BM25:
    """Read a BM25 index written by save_lexical_index."""
    return bm25s.BM25.load(str(folder), mmap=False)
