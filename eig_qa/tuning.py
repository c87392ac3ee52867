"""The tuning constants of the pipeline in one documented place, each with why it has its value.

Values were measured on the `tune` split of the dev questions (README, "Qualité mesurée"); a sweep replaces some
with `dataclasses.replace(TUNING, ...)` and passes the copy down (see `search.retrieval.Retriever`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    """Retrieval constants of `search/`; the other stages will move theirs here."""

    # BM25 (Lucene variant): k1 from 0.9 to 1.6 and b from 0.4 to 0.9 moved ±1 question, so the usual values stay.
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # A typo is replaced by the closest indexed term only from this length (short words have too many neighbours)…
    typo_min_chars: int = 5
    # …among terms at most this many characters longer or shorter…
    typo_length_gap: int = 2
    # …and at least this similar (rapidfuzz's ratio, 0 to 1): 0.8 mends one or two letters, not a different word.
    typo_min_similarity: float = 0.8
    # Candidates taken from each ranker before fusion: far more than are shown, so fusion can reorder.
    candidates: int = 100
    # Reciprocal rank fusion constant: 10 (vs the usual 60) favours what either ranker puts on top (hit@5 +0.05).
    rrf_k: int = 10
    # Fusion weight of BM25, the stronger ranker on French questions about this kind of corpus.
    lexical_weight: float = 1.0
    # Fusion weight of the dense ranking, weaker than BM25 here (0.75 measured best between 0.5 and 1).
    dense_weight: float = 0.75
    # Fused candidates checked for the question's numbers ("promotion 4"): beyond 30 they never reach the top.
    number_checked: int = 30
    # Score bonus of a passage holding all of the question's numbers (BM25 weighs common numbers too little).
    number_bonus: float = 0.5
    # Characters of a question that are embedded: a pasted page costs seconds, its start says enough.
    embedded_query_chars: int = 300
    # An acronym in more than this share of passages already matches alone; expanding "EIG" (65 %) drowned the rest.
    rare_acronym_share: float = 0.02
    # …and in at most this many passages whatever the share, for small corpora.
    rare_acronym_min: int = 3
    # Fewer document titles than this say too little about the spread of on-topic questions (topicality).
    topic_min_titles: int = 3
    # Floor on the titles' spread, so a corpus of near-identical titles does not make every question an outlier.
    topic_min_spread: float = 0.02
    # The off-topic bound, in spreads, that the spread of a corpus with few titles is widened for (Student's t): the
    # answer stage's bound (answer/answering.py, AbstentionRule.min_topicality).
    topic_reference_bound: float = 1.5


TUNING = Tuning()
