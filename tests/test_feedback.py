"""The append-only feedback store."""

import json
import multiprocessing
from datetime import UTC, datetime

import pytest

from eig_qa.app.feedback import FeedbackError, append_feedback, feedback_path, feedback_record
from eig_qa.config import PROJECT_ROOT
from tests.test_export import URL, make_turn


def test_path_comes_from_the_environment_or_defaults_to_the_ignored_data_folder(tmp_path):
    assert feedback_path({}) == PROJECT_ROOT / "data" / "feedback.jsonl"
    assert feedback_path({"EIG_QA_FEEDBACK": " "}) == PROJECT_ROOT / "data" / "feedback.jsonl"
    assert feedback_path({"EIG_QA_FEEDBACK": str(tmp_path / "avis.jsonl")}) == tmp_path / "avis.jsonl"


def test_record_keeps_question_answer_sources_and_time_only():
    turn = make_turn("et pour EIG 4 ?", understood_as="Quelle est la date limite EIG 4 ?")
    record = feedback_record(turn, "up", now=datetime(2025, 11, 23, 17, 30, tzinfo=UTC))
    assert record == {
        "timestamp": "2025-11-23T17:30:00+00:00",
        "rating": "up",
        "question": "et pour EIG 4 ?",
        "understood_as": "Quelle est la date limite EIG 4 ?",
        "answer": "La date limite est le 28 février 2020.",
        "kind": "answer",
        "sources": [
            {"source": "documents/application/AAP_EIG4.pdf", "page": 6, "url": URL},
            {"source": "documents/blog/recap.md", "page": None, "url": None},
        ],
    }
    with pytest.raises(ValueError):
        feedback_record(turn, "bof")


def test_appending_never_rewrites_earlier_lines(tmp_path):
    path = tmp_path / "sous-dossier" / "feedback.jsonl"
    append_feedback(feedback_record(make_turn(), "up"), path)
    first = path.read_bytes()
    append_feedback(feedback_record(make_turn("Deuxième ?"), "down"), path)
    content = path.read_bytes()
    assert content.startswith(first)
    lines = [json.loads(line) for line in content.decode("utf-8").splitlines()]
    assert [(line["question"], line["rating"]) for line in lines] == [("Quelle est la date limite ?", "up"),
                                                                      ("Deuxième ?", "down")]
    assert "février" in content.decode("utf-8")  # UTF-8 text, not \u escapes


def _append_many(path, worker):
    for number in range(25):
        append_feedback({"worker": worker, "number": number, "padding": "é" * 5000}, path)


def test_concurrent_processes_write_whole_lines(tmp_path):
    path = tmp_path / "feedback.jsonl"
    workers = [multiprocessing.get_context("fork").Process(target=_append_many, args=(path, worker))
               for worker in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert all(worker.exitcode == 0 for worker in workers)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert sorted((line["worker"], line["number"]) for line in lines) == [(w, n) for w in range(4) for n in range(25)]


def test_unwritable_place_gives_a_french_message(tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    with pytest.raises(FeedbackError, match=r"n'a pas pu être enregistré.*EIG_QA_FEEDBACK"):
        append_feedback({"rating": "up"}, blocker / "feedback.jsonl")
