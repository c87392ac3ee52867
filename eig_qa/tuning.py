"""The tuning constants of the pipeline in one documented place, each with why it has its value.

Values were measured on the `tune` split of the dev questions (README, "Qualité mesurée"); a sweep replaces some
with `python -m eig_qa eval --set name=value` (or `dataclasses.replace(TUNING, ...)`) and the copy is passed down
(`Assistant.open(tuning=...)`). Definitional constants (patterns, word lists, the meaning of a scorer feature) stay
in their modules; the abstention rule is `answer.answering.AbstentionRule`.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from eig_qa.errors import ConfigError


@dataclass(frozen=True)
class Tuning:
    """The values someone might sweep, by stage: search, answer, scorer training, key figures."""

    # --- search/ ---
    # BM25 (Lucene variant): k1 from 0.9 to 1.6 and b from 0.4 to 0.9 moved ±1 question, so the usual values stay.
    bm25_k1: float = 1.2
    # BM25's length normalisation, measured with k1 above.
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
    # The off-topic bound, in spreads below the titles' mean: the answer stage abstains below it (AbstentionRule's
    # default) and a corpus with few titles has its spread widened for it (Student's t). Measured: README.
    topic_reference_bound: float = 1.5

    # --- answer/ ---
    # Fused candidates read sentence by sentence; measured on the dev questions (README): 20 and 30 rank alike.
    rerank_depth: int = 20
    # Weight of the best sentence's score against the retrieval score (scaled to 1 for the top passage); measured on
    # both dev sets (README): 0.7 lifts MRR@10 without losing hit@5, 1.0 and more lose hit@5 on the EIG questions.
    sentence_weight: float = 0.7
    # Sentences an answer quotes at most: the best one and a few that complete it, still short to read.
    max_highlights: int = 3
    # A further sentence is quoted only when its probability is at least this share of the best one's.
    highlight_ratio: float = 0.7
    # Items of a list quoted after the sentence announcing it ("les 6 facteurs : …"), so a long list stays short.
    max_list_items: int = 8
    # Share of their words (Jaccard of terms) from which two sentences holding figures, from documents of different
    # years, are versions of one rule and are shown most recent first. On the dev answers, versions of a rule (the
    # salary of 2020 and 2021, deadlines of two calls) share 0.41-0.58; unrelated figures 0.18 at most.
    same_rule_overlap: float = 0.3
    # Similarity (0-1) from which an FAQ entry's passages join the candidates. On the tune split, the paraphrase of an
    # FAQ question scores 1.0 and the next closest questions 0.62 (another entry) and 0.57 (its entry); an added
    # entry is only a candidate (the scorer reads the similarity as a feature), so a wrong one costs little.
    entry_min_similarity: float = 0.6
    # rapidfuzz token sort ratio (0-1) of the content words from which an FAQ question is the user's very question,
    # whose answer then leads (with the same numbers and interrogative words). No dev question comes within 0.8 of
    # one: their paraphrases are measured by `entry_min_similarity`; the corpus's own questions are at 1.0.
    entry_asked_similarity: float = 0.9
    # rapidfuzz ratio (0-1) from which two words of two questions are the same but for a typo or an inflection.
    same_word_similarity: float = 0.8
    # A question word no passage holds is a typo of a corpus word (not unknown) only from this length…
    unknown_typo_min_chars: int = 6
    # …and from this rapidfuzz ratio (0-1): one edit in 7 letters or more ("colectiv" for "collectiv").
    unknown_typo_similarity: float = 0.85
    # A question word no passage holds is a clipped corpus word ("visio" for "visioconférence") from this length;
    # shorter beginnings start too many words.
    unknown_clipped_min_chars: int = 5

    # --- scorer training (train-scorer, and each corpus's own scorer when its index is first opened) ---
    # A corpus with fewer question/answer pairs (FAQ entries, headings phrased as questions) keeps the shipped scorer.
    corpus_scorer_min_entries: int = 5
    # Inverse regularisation of the logistic regression; measured on the tune split (out-of-fold, best sentence
    # right): 1.0 gives 0.523, 0.1 gives 0.492.
    train_c: float = 1.0
    # The target share of answerable questions refused; the abstention threshold is the highest that keeps it.
    train_max_false_abstention: float = 0.05
    # "haute" confidence where the best sentence answers this often among out-of-fold answered questions.
    train_high_precision: float = 0.9

    # --- figures/ ---
    # A question word is corrected to a word of the data's vocabulary only from this length (short words collide)…
    figure_typo_min_chars: int = 5
    # …and from this difflib ratio (0-1).
    figure_typo_similarity: float = 0.85
    # A défi is recognised despite a typo only when its name has this many letters: short names match ordinary words
    # too easily ("Recrues", "recrutés")…
    figure_name_min_chars: int = 8
    # …and from this rapidfuzz ratio (0-1) between the name and a run of the question's unknown words.
    figure_name_similarity: float = 0.85
    # A word left over that is this close (difflib, 0-1) to a word of a défi found despite a typo was understood.
    figure_understood_similarity: float = 0.8
    # More unknown words than this: a question for the documents, not a figure with an unknown condition (notice).
    figure_max_unknown_words: int = 3
    # A count comes with the names counted when there are this few.
    figure_max_listed: int = 10
    # Figures stated in the passages shown beside the computed ones, at most.
    figure_max_published: int = 3


TUNING = Tuning()


def with_overrides(assignments: Sequence[str], base: Tuning = TUNING) -> Tuning:
    """`base` with fields replaced by "name=value" assignments, each checked against the field's type; ConfigError
    with a French message for an unknown name or a bad value."""
    types = typing.get_type_hints(Tuning)
    changes: dict[str, int | float] = {}
    for assignment in assignments:
        name, equals, raw = (part.strip() for part in assignment.partition("="))
        if name not in types:
            names = ", ".join(types)
            raise ConfigError(f"Réglage inconnu : « {name} ». Réglages possibles : {names} "
                              "(valeurs : `python -m eig_qa tuning`, raisons : eig_qa/tuning.py).")
        if not equals:
            raise ConfigError(f"Valeur manquante pour {name} : écrivez --set {name}=valeur.")
        changes[name] = _value(name, raw, types[name])
    return replace(base, **changes)


def _value(name: str, raw: str, kind: type) -> int | float:
    """A field's new value read from text: a finite number of the field's type, zero or more ("0,5" as "0.5")."""
    try:
        value = kind(raw.replace(",", ".") if kind is float else raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < 0:
        expected = "un entier" if kind is int else "un nombre"
        raise ConfigError(f"Valeur invalide pour {name} : « {raw} » ; {expected} positif ou nul est attendu "
                          f"(défaut {getattr(TUNING, name)}).")
    return value


def describe(tuning: Tuning = TUNING) -> str:
    """One line per field: its name, value, and the default when overridden; the reasons are in eig_qa/tuning.py."""
    lines = []
    for item in fields(Tuning):
        value, default = getattr(tuning, item.name), getattr(TUNING, item.name)
        lines.append(f"{item.name:<30} {value}" + (f"  (défaut {default})" if value != default else ""))
    return "\n".join(lines)


def describe_changes(tuning: Tuning) -> str:
    """The fields that differ from the defaults, as "name=value, …" ("" when none does)."""
    return ", ".join(f"{item.name}={getattr(tuning, item.name)}" for item in fields(Tuning)
                     if getattr(tuning, item.name) != getattr(TUNING, item.name))
