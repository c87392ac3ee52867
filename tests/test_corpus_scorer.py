"""Each corpus's own answer scorer: labelled rows saved and read back, trained from a corpus's question/answer pairs,
kept in the index folder, and the shipped scorer when the corpus offers too little or is the one it was trained on."""

import json

import numpy as np
import pytest

from eig_qa.answer.corpus_scorer import (
    SCORER_FILE,
    corpus_scorer,
    load_rows,
    merged,
    pairs_fingerprint,
    save_rows,
)
from eig_qa.answer.features import FEATURE_NAMES, QuestionProfile
from eig_qa.answer.question_match import QuestionEntry
from eig_qa.answer.scorer import load_scorer
from eig_qa.answer.training import Example, collect
from eig_qa.search.retrieval import Retrieval
from tests.scoring_helpers import synthetic_corpus


def _profile(question):
    return QuestionProfile.of(question, {}, 100)


@pytest.fixture
def made_up(tmp_path):
    """Labelled rows of the made-up corpus in a file, its questions as the corpus's own pairs, and its retrieval."""
    topics, hits_of = synthetic_corpus()

    def candidates_of(profile):
        return Retrieval(hits_of[profile.text], 1.0, 1.0)

    examples = [Example(question, (f"Le {topic} est",), frozenset({f"{topic}.md"}))
                for topic, question in zip(topics, hits_of, strict=True)]
    rows = tmp_path / "rows.npz"
    save_rows(collect(examples, _profile, candidates_of), rows)
    entries = [QuestionEntry(question, question, (number,)) for number, question in enumerate(hits_of)]
    return rows, entries, candidates_of


def test_labelled_rows_round_trip(made_up):
    rows, *_ = made_up
    loaded = load_rows(rows)
    assert loaded.matrix.shape == (len(loaded.labels), len(FEATURE_NAMES))
    assert loaded.labels.sum() == 8 and len(loaded.examples) == 8 and set(loaded.groups) == set(range(8))
    assert all(example.origin == "tune" and not example.unanswerable for example in loaded.examples)


def test_rows_of_other_features_are_refused(made_up, tmp_path):
    rows, *_ = made_up
    with np.load(rows) as stored:
        data = dict(stored)
    data["names"] = np.array(["autre"] * len(FEATURE_NAMES))
    other = tmp_path / "other.npz"
    np.savez(other, **data)
    with pytest.raises(ValueError, match="features"):
        load_rows(other)


def test_merged_sets_number_the_second_ones_questions_after_the_first():
    rows = load_rows()  # the shipped rows of the tune questions
    both = merged(rows, rows)
    assert len(both.examples) == 2 * len(rows.examples)
    assert both.groups.max() == 2 * len(rows.examples) - 1 and both.matrix.shape[0] == 2 * rows.matrix.shape[0]


def test_the_fingerprint_depends_on_the_pairs_not_their_order():
    first = [QuestionEntry("Qui ?", "qui", (1,)), QuestionEntry("Quand ?", "quand", (2, 3))]
    assert pairs_fingerprint(first) == pairs_fingerprint(first[::-1])
    assert pairs_fingerprint(first) != pairs_fingerprint([*first, QuestionEntry("Où ?", "ou", (4,))])


def test_a_corpus_scorer_is_trained_once_then_read_from_the_index_folder(made_up, tmp_path, monkeypatch):
    rows, entries, candidates_of = made_up
    model = corpus_scorer(tmp_path, entries, _profile, candidates_of, rows=rows)
    saved = json.loads((tmp_path / SCORER_FILE).read_text(encoding="utf-8"))
    assert saved["corpus"] == pairs_fingerprint(entries) and saved["basis"] == model.basis
    assert "8 questions étiquetées, 16 questions tirées" in model.trained_on

    def no_training(*_args, **_kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr("eig_qa.answer.corpus_scorer.train_corpus_scorer", no_training)
    assert corpus_scorer(tmp_path, entries, _profile, candidates_of, rows=rows) == model


def test_a_corpus_with_too_few_pairs_keeps_the_shipped_scorer(made_up, tmp_path):
    rows, entries, candidates_of = made_up
    assert corpus_scorer(tmp_path, entries[:2], _profile, candidates_of, rows=rows) == load_scorer()
    assert not (tmp_path / SCORER_FILE).exists()


def test_the_corpus_the_shipped_scorer_was_trained_on_keeps_it(made_up, tmp_path, monkeypatch):
    rows, entries, candidates_of = made_up
    monkeypatch.setattr("eig_qa.answer.corpus_scorer.pairs_fingerprint", lambda _entries: load_scorer().corpus)
    assert corpus_scorer(tmp_path, entries, _profile, candidates_of, rows=rows) == load_scorer()


def test_unusable_rows_fall_back_to_the_shipped_scorer_and_a_read_only_folder_still_answers(made_up, tmp_path):
    rows, entries, candidates_of = made_up
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"pas un fichier numpy")
    assert corpus_scorer(tmp_path, entries, _profile, candidates_of, rows=broken) == load_scorer()
    absent_folder = tmp_path / "absent"
    model = corpus_scorer(absent_folder, entries, _profile, candidates_of, rows=rows)
    assert model.corpus == pairs_fingerprint(entries) and not absent_folder.exists()
