"""Retrieval, answers and the command line on the tiny corpus with the fake embedder."""

import io
import json
import sys

import pytest

from eig_qa import assistant as assistant_module
from eig_qa.assistant import Assistant
from eig_qa.cli import main
from eig_qa.search.retrieval import SearchFilters
from tests.conftest import FakeEmbedder


@pytest.fixture
def tiny_assistant(tiny_settings, monkeypatch):
    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    return Assistant.open(tiny_settings)


def test_the_right_page_comes_first(tiny_assistant):
    answer = tiny_assistant.ask("Quelle est la rémunération mensuelle d'un lauréat ?")
    first = answer.hits[0].passage
    assert first.page == 2 and first.url.endswith("#page=2")
    assert "4 200 euros" in answer.text
    assert not answer.abstained


def test_faq_and_markdown_are_found(tiny_assistant):
    assert "15 mars 2022" in tiny_assistant.ask("date limite de candidature").text
    answer = tiny_assistant.ask("Combien de participants à la journée portes ouvertes de Lyon ?")
    assert answer.hits[0].passage.source.endswith(".md") and "85 participants" in answer.text


def test_highlights_point_into_their_passage(tiny_assistant):
    answer = tiny_assistant.ask("budget de la troisième promotion")
    assert answer.highlights
    for item in answer.highlights:
        passage = answer.hits[item.hit_index].passage
        assert passage.text[item.start:item.end] == item.text


def test_off_topic_question_abstains(tiny_assistant):
    answer = tiny_assistant.ask("Quelle est la recette de la tarte tatin aux pommes caramélisées ?")
    assert answer.abstained and answer.kind == "abstention"
    # Off topic by its meaning, or by its words: the fake embedder's topicality means little on five documents.
    assert answer.text.startswith(("Je ne trouve pas cela dans les documents", "Les documents ne parlent pas de"))


def test_an_abstention_points_to_the_figures_that_fit(tiny_assistant):
    from dataclasses import replace

    from eig_qa.figures.data import load_structured_data
    from tests.scoring_helpers import simple_scorer
    from tests.test_figures import FIXTURE_CORPUS

    # A scorer that finds no sentence likely enough: the text abstains, the figures remain.
    with_data = replace(tiny_assistant, data=load_structured_data(FIXTURE_CORPUS),
                        scorer=simple_scorer(abstain_below=0.9999))
    answer = with_data.ask("Combien de défis dans la promotion 3 ?")
    assert answer.abstained and answer.figures and answer.confidence is None
    assert answer.text.startswith("Aucune phrase des documents ne répond directement")
    assert "chiffres clés" in answer.text and "Je ne trouve pas" not in answer.text


def test_a_fault_in_the_figures_keeps_the_answer_from_the_documents(tiny_assistant, monkeypatch, caplog):
    from dataclasses import replace

    from eig_qa.figures.data import load_structured_data
    from tests.test_figures import FIXTURE_CORPUS

    def broken(*_args, **_kwargs):
        raise KeyError("Column not found: None")

    monkeypatch.setattr("eig_qa.assistant.figures_for_question", broken)
    with_data = replace(tiny_assistant, data=load_structured_data(FIXTURE_CORPUS))
    answer = with_data.ask("Quand ferment les candidatures ?")
    assert answer.kind in ("answer", "abstention") and answer.figures == [] and answer.notice is None
    assert "Chiffres clés impossibles à calculer" in caplog.text


def test_small_talk_and_empty_input(tiny_assistant):
    assert tiny_assistant.ask("Bonjour !").kind == "smalltalk"
    empty = tiny_assistant.ask("   ")
    assert empty.kind == "invalid" and "vide" in empty.text and not empty.hits


def test_filters_restrict_the_kinds(tiny_assistant):
    answer = tiny_assistant.ask("programme Horizon Numérique", k=10, filters=SearchFilters(kinds=frozenset({"report"})))
    assert answer.hits and all(hit.passage.kind == "report" for hit in answer.hits)


def test_ask_json_reads_stdin_and_keeps_one_line_per_question(tiny_settings, monkeypatch, capsys):
    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    monkeypatch.setenv("EIG_QA_CORPUS", str(tiny_settings.corpus_dir))
    monkeypatch.setenv("EIG_QA_INDEX", str(tiny_settings.index_dir))
    monkeypatch.setenv("EIG_QA_MODEL", "fake")
    lines = ["date limite de candidature", "", '{"question": "budget de la promotion"}', '{"pas": "une question"}',
             "<script>alert(1)</script>"]
    raw = ("\n".join(lines) + "\n").encode() + b"\xff\xfe invalide\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["ask", "--json", "-k", "3"]) == 0
    outputs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(outputs) == len(lines) + 1
    first = outputs[0]
    assert set(first) >= {"question", "answer", "abstained", "passages", "figures"}
    assert set(first["passages"][0]) == {"source", "page", "title", "date", "kind", "url", "text", "score"}
    assert len(first["passages"]) == 3 and first["figures"] == []
    assert outputs[1]["kind"] == "invalid" and outputs[3]["kind"] == "invalid"
    assert outputs[2]["question"] == "budget de la promotion"


def test_cli_reports_a_missing_corpus_without_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    monkeypatch.setenv("EIG_QA_CORPUS", str(tmp_path / "absent"))
    monkeypatch.setenv("EIG_QA_INDEX", str(tmp_path / "index"))
    assert main(["ask", "question"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Erreur :") and "Traceback" not in error and "EIG_QA_CORPUS" in error


def test_a_follow_up_uses_the_conversation(tiny_assistant):
    first = "Quel est le budget de la troisième promotion ?"
    answer = tiny_assistant.ask("et pour la première promotion ?", history=[first])
    assert answer.question == "et pour la première promotion ?"
    assert answer.understood_as and "budget" in answer.understood_as
    assert tiny_assistant.ask(first, history=["Bonjour"]).understood_as is None


def test_ask_conversation_rewrites_follow_ups_on_the_command_line(tiny_settings, monkeypatch, capsys):
    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    monkeypatch.setenv("EIG_QA_CORPUS", str(tiny_settings.corpus_dir))
    monkeypatch.setenv("EIG_QA_INDEX", str(tiny_settings.index_dir))
    raw = "Quel est le budget de la troisième promotion ?\net pour la première promotion ?\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["ask", "--json", "--conversation"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["understood_as"] is None and "budget" in second["understood_as"]


def test_a_rare_acronym_finds_the_passages_that_spell_it_out(tmp_path, monkeypatch):
    from eig_qa.config import Settings
    from tests.factories import write_text

    corpus = tmp_path / "corpus"
    write_text(corpus / "presentation.md", "# Présentation\n\nLa Délégation aux données publiques (DDP) coordonne "
               "l'ouverture des données de l'État.")
    write_text(corpus / "bilan.md", "# Bilan\n\nEn 2020, la délégation aux données publiques a publié 42 jeux.")
    write_text(corpus / "mairie.md", "# Mairie\n\nEn 2020, la mairie a publié 12 jeux.")
    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    assistant = Assistant.open(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model="fake"))
    answer = assistant.ask("Combien de jeux la DDP a-t-elle publiés en 2020 ?")
    assert answer.hits[0].passage.source.endswith("bilan.md") and "42 jeux" in answer.text
