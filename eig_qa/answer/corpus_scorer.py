"""The answer scorer of one corpus: the shipped labelled rows (the `tune` questions' candidates) and the corpus's own
question/answer pairs (FAQ entries, headings phrased as questions), trained when the index is first opened and kept
in its build folder; the shipped weights when the corpus offers too few pairs."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from eig_qa.answer.features import FEATURE_NAMES
from eig_qa.answer.question_match import QuestionEntry
from eig_qa.answer.scorer import SCORER_VERSION, ScorerModel, load_scorer
from eig_qa.answer.training import (
    CandidatesOf,
    Example,
    ProfileOf,
    QuestionOutcome,
    TrainingSet,
    collect,
    corpus_examples,
    train,
)
from eig_qa.search.index_store import write_atomically
from eig_qa.tuning import TUNING, Tuning

log = logging.getLogger(__name__)

LABELLED_ROWS = Path(__file__).with_name("scorer_rows.npz")
SCORER_FILE = "scorer.json"


def save_rows(training: TrainingSet, path: Path) -> None:
    """Write the candidates' features, labels and questions of a training set (atomically)."""
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, names=np.array(FEATURE_NAMES), matrix=training.matrix.astype(np.float32), labels=training.labels,
        groups=training.groups.astype(np.int32), questions=np.array([e.question for e in training.examples]),
        unanswerable=np.array([e.unanswerable for e in training.examples], dtype=bool))
    write_atomically(path, buffer.getvalue())


def load_rows(path: Path = LABELLED_ROWS) -> TrainingSet:
    """Read rows written by `save_rows` as labelled examples; ValueError when they hold other features."""
    with np.load(path, allow_pickle=False) as stored:
        if tuple(stored["names"].tolist()) != FEATURE_NAMES:
            raise ValueError(f"rows of features {tuple(stored['names'].tolist())}")
        examples = [Example(str(question), unanswerable=bool(flag))
                    for question, flag in zip(stored["questions"], stored["unanswerable"], strict=True)]
        return TrainingSet(stored["matrix"].astype(np.float64), stored["labels"].astype(bool),
                           stored["groups"].astype(np.int64), examples)


def merged(first: TrainingSet, second: TrainingSet) -> TrainingSet:
    """Both training sets in one, the second's questions numbered after the first's."""
    return TrainingSet(np.vstack([first.matrix, second.matrix]), np.concatenate([first.labels, second.labels]),
                       np.concatenate([first.groups, second.groups + len(first.examples)]),
                       [*first.examples, *second.examples])


def scorer_basis(tuning: Tuning, rows: Path = LABELLED_ROWS) -> str:
    """What a corpus scorer depends on besides the corpus: its features, the labelled rows and the constants."""
    digest = hashlib.sha256(f"{SCORER_VERSION}|{FEATURE_NAMES}|{tuning!r}|".encode())
    digest.update(rows.read_bytes())
    return digest.hexdigest()[:16]


def pairs_fingerprint(entries: Sequence[QuestionEntry]) -> str:
    """A digest of a corpus's question/answer pairs: the questions and how many passages answer each."""
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda entry: (entry.question, len(entry.passage_ids))):
        digest.update(f"{entry.question}|{len(entry.passage_ids)}\n".encode())
    return digest.hexdigest()[:16]


def train_corpus_scorer(entries: Sequence[QuestionEntry], profile_of: ProfileOf, candidates_of: CandidatesOf,
                        labelled: TrainingSet, tuning: Tuning = TUNING) -> tuple[ScorerModel, list[QuestionOutcome]]:
    """A scorer fitted on the labelled rows and this corpus's pairs, its thresholds set on the labelled questions;
    with the labelled questions' out-of-fold outcomes (its calibration)."""
    generated = collect(corpus_examples(entries), profile_of, candidates_of)
    training = merged(labelled, generated)
    trained_on = (f"{len(labelled.examples)} questions étiquetées, {len(generated.examples)} questions tirées des "
                  f"questions-réponses du corpus, {len(training.labels)} phrases candidates dont "
                  f"{int(training.labels.sum())} qui répondent")
    model, found = train(training, trained_on, tuning)
    return replace(model, corpus=pairs_fingerprint(entries)), found


def corpus_scorer(folder: Path | None, entries: Sequence[QuestionEntry], profile_of: ProfileOf,
                  candidates_of: CandidatesOf, tuning: Tuning = TUNING, rows: Path = LABELLED_ROWS) -> ScorerModel:
    """The scorer trained for the index in `folder`, read from it or trained and saved there (default constants
    only: a sweep's scorer stays in memory); the shipped one when it was trained on these very pairs, when the corpus
    has fewer than `tuning.corpus_scorer_min_entries` pairs, or when training is impossible."""
    shipped = load_scorer()
    if len(entries) < tuning.corpus_scorer_min_entries or shipped.corpus == pairs_fingerprint(entries):
        return shipped
    try:
        basis = scorer_basis(tuning, rows)
        saved = _saved(folder, basis)
        if saved is not None:
            return saved
        model, _found = train_corpus_scorer(entries, profile_of, candidates_of, load_rows(rows), tuning)
        model = replace(model, basis=basis)
    except (OSError, ValueError, KeyError) as error:
        log.warning("Classement des réponses propre au corpus impossible (%s) : poids livrés utilisés.", error)
        return shipped
    if folder is not None and tuning == TUNING:
        try:
            write_atomically(folder / SCORER_FILE, model.to_json())
        except OSError as error:  # a read-only index still answers, with the scorer kept in memory
            log.warning("Classement des réponses non enregistré dans %s (%s).", folder, error)
    return model


def _saved(folder: Path | None, basis: str) -> ScorerModel | None:
    """The scorer saved in the index folder, if it was trained on the same basis."""
    if folder is None or not (folder / SCORER_FILE).is_file():
        return None
    try:
        model = ScorerModel.from_json((folder / SCORER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return model if model.basis == basis else None
