"""One documented Tuning object: each field has its reason, `--set` overrides are checked and reach the stages."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import pytest

import eig_qa.tuning as tuning_module
from eig_qa.cli import main
from eig_qa.errors import ConfigError
from eig_qa.tuning import TUNING, Tuning, describe, describe_changes, with_overrides


def test_every_field_says_why_it_has_its_value():
    """Each field sits right under a comment that is its reason (not a section title)."""
    documented, previous = set(), ""
    for line in Path(tuning_module.__file__).read_text(encoding="utf-8").splitlines():
        declared = re.match(r"    (\w+): \w+ = ", line)
        if declared and previous.startswith("#") and not previous.startswith("# ---"):
            documented.add(declared.group(1))
        previous = line.strip()
    assert {item.name for item in fields(Tuning)} - documented == set()


def test_overrides_are_read_with_the_field_type():
    tuned = with_overrides(["rrf_k=60", "dense_weight=0,5", " sentence_weight = 1 "])
    assert (tuned.rrf_k, tuned.dense_weight, tuned.sentence_weight) == (60, 0.5, 1.0)
    assert isinstance(tuned.rrf_k, int) and isinstance(tuned.sentence_weight, float)
    assert with_overrides([]) == TUNING and with_overrides(["rrf_k=10"]) == TUNING
    assert describe_changes(tuned) == "rrf_k=60, dense_weight=0.5, sentence_weight=1.0"
    assert describe_changes(TUNING) == ""


@pytest.mark.parametrize(("assignment", "said"), [
    ("rrf_kk=60", "Réglage inconnu : « rrf_kk »"),
    ("rrf_k", "Valeur manquante pour rrf_k"),
    ("rrf_k=1.5", "un entier positif ou nul"),
    ("rrf_k=dix", "un entier positif ou nul"),
    ("dense_weight=-1", "un nombre positif ou nul"),
    ("dense_weight=nan", "un nombre positif ou nul"),
    ("dense_weight=", "un nombre positif ou nul"),
])
def test_a_bad_override_is_refused_in_french(assignment, said):
    with pytest.raises(ConfigError) as raised:
        with_overrides([assignment])
    assert said in raised.value.message


def test_an_unknown_name_lists_the_valid_ones():
    with pytest.raises(ConfigError) as raised:
        with_overrides(["poids=1"])
    assert "rrf_k" in raised.value.message and "figure_max_listed" in raised.value.message


def test_training_constants_can_be_swept_too():
    # eval retrains the corpus's own scorer in memory with them (answer/corpus_scorer.py).
    assert with_overrides(["train_c=0.1"]).train_c == 0.1


def test_eval_refuses_a_bad_override_before_loading_anything(capsys):
    assert main(["eval", "absent.jsonl", "--set", "rrf_k=beaucoup"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Erreur : Valeur invalide pour rrf_k") and "Traceback" not in error


def test_the_tuning_command_shows_values_and_overrides(capsys):
    assert main(["tuning", "--set", "rrf_k=60"]) == 0
    shown = capsys.readouterr().out
    assert re.search(r"^rrf_k +60  \(défaut 10\)$", shown, flags=re.M)
    assert re.search(r"^bm25_k1 +1\.2$", shown, flags=re.M)
    assert len(describe().splitlines()) == len(fields(Tuning))


def test_the_assistant_passes_its_tuning_to_every_stage(tiny_settings, fake_embedder):
    from eig_qa.assistant import Assistant
    from eig_qa.search.indexing import build_index
    from tests.test_roles import SureScorer

    build_index(tiny_settings, fake_embedder)
    question = "Quel est le budget du programme ?"
    default = Assistant.open(tiny_settings, build=False, embedder=fake_embedder, scorer=SureScorer())
    tuned = replace(TUNING, max_highlights=1)
    assistant = Assistant.open(tiny_settings, build=False, embedder=fake_embedder, scorer=SureScorer(), tuning=tuned)
    assert default.tuning is TUNING
    assert assistant.tuning is tuned and assistant.retriever.lexical.tuning is tuned
    assert assistant.profile(question).tuning is tuned
    assert len({item.start for item in default.ask(question).highlights}) == TUNING.max_highlights
    assert len({item.start for item in assistant.ask(question).highlights}) == 1


def test_an_override_changes_what_the_real_retriever_finds(real_assistant):
    """`--set dense_weight=0` leaves BM25's order alone: the sweep reaches the retriever."""
    from eig_qa.search.retrieval import Retriever

    default = real_assistant.retriever
    lexical_only = Retriever(default.index, default.embedder, with_overrides(["dense_weight=0"]))
    question = "Qui peut candidater au programme EIG ?"
    hits = lexical_only.retrieve(question, 10).hits
    assert [hit.lexical for hit in hits] == sorted((hit.lexical for hit in hits), reverse=True)
    assert [hit.passage.id for hit in hits] != [hit.passage.id for hit in default.retrieve(question, 10).hits]


def test_eval_runs_with_the_overrides_and_says_so(tiny_settings, monkeypatch, tmp_path, capsys):
    from eig_qa import assistant as assistant_module
    from tests.conftest import FakeEmbedder

    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    monkeypatch.setenv("EIG_QA_CORPUS", str(tiny_settings.corpus_dir))
    monkeypatch.setenv("EIG_QA_INDEX", str(tiny_settings.index_dir))
    monkeypatch.setenv("EIG_QA_MODEL", "fake")
    questions = tmp_path / "questions.jsonl"
    questions.write_text('{"question": "Quel est le budget du programme ?", "answer_contains": ["budget"]}\n',
                         encoding="utf-8")
    assert main(["eval", str(questions), "--set", "rrf_k=60", "--set", "max_highlights=1"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Réglages modifiés : rrf_k=60, max_highlights=1\n") and "hit@5" in shown
