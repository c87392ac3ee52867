"""The real corpus, the real default model: right pages come back and the dev-set quality stays above floors."""

import json
from pathlib import Path

import pytest

from eig_qa.config import PROJECT_ROOT
from eig_qa.evaluation import evaluate_item, load_questions, summarise

pytestmark = pytest.mark.real

DEV_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"
DEV_FIGURES = PROJECT_ROOT.parent / "shared" / "eval" / "figures.jsonl"


def test_index_covers_every_document_and_pdf_page(real_assistant):
    summary = real_assistant.summary()
    assert summary.documents >= 130 and summary.passages > 500
    pdf_pages = {(p.source, p.page) for p in real_assistant.retriever.passages if p.page}
    assert len(pdf_pages) >= 130


@pytest.mark.parametrize(("question", "source", "page"), [
    ("Quand l'appel à projets EIG 4 est-il ouvert ?", "AAPEIG4_Cahierdescharges.pdf", 4),
    ("Prototype Fund montant maximum du financement", "initiatives-recrutements-competences-numeriques.pdf", 17),
    ("Comment le jury note-t-il les candidats EIG de la promotion 5 ?", "AACEIG5_Reglement.pdf", 7),
    ("En quelle année a été lancé le Presidential Innovation Fellowship ?", "WorkingPaper.pdf", 6),
])
def test_the_right_pdf_page_comes_back_with_its_link(real_assistant, question, source, page):
    answer = real_assistant.ask(question, k=5)
    pages = [(hit.passage.source, hit.passage.page, hit.passage.url) for hit in answer.hits]
    match = [url for src, number, url in pages if src.endswith(source) and number == page]
    assert match, pages
    assert match[0].startswith("https://") and match[0].endswith(f".pdf#page={page}")


def test_off_topic_questions_get_an_honest_abstention(real_assistant):
    for question in ("Quelle est la population de Marseille ?", "Quelle est la capitale de l'Australie ?"):
        answer = real_assistant.ask(question)
        assert answer.abstained and "ne semblent pas traiter de ce sujet" in answer.text, question
    assert not real_assistant.ask("Qu'est-ce que le programme EIG ?").abstained


def test_figures_come_with_a_figure_question(real_assistant):
    answer = real_assistant.ask("Combien de défis dans la promotion 3 ?")
    assert any(figure.value == 15 for figure in answer.figures)
    assert real_assistant.ask("Comment le jury note-t-il les candidats ?").figures == []


@pytest.mark.skipif(not DEV_QUESTIONS.is_file(), reason="questions de développement absentes (../shared/eval)")
def test_dev_set_quality_stays_above_its_floors(real_assistant):
    items = load_questions([DEV_QUESTIONS, DEV_FIGURES])
    answer_k = real_assistant.settings.top_k
    report = summarise([evaluate_item(real_assistant, item, k=10, answer_k=answer_k) for item in items])
    print(json.dumps({k: v for k, v in vars(report).items() if k != "results"}, ensure_ascii=False))
    # Floors a little under today's measures on all 118 + 35 questions, answers as given with 5 cited passages
    # (README, 2 December: hit@5 0.8, MRR 0.65, answers 0.633, first highlighted sentence 0.5, abstention 0.643,
    # false abstentions 0.089, figures 1.0), so that a regression fails CI.
    assert report.hit_at_5 >= 0.75
    assert report.mrr_at_10 >= 0.6
    assert report.answer_contains >= 0.58
    assert report.first_sentence >= 0.45
    assert report.abstention >= 0.55
    assert report.false_abstention <= 0.11
    assert report.figures >= 0.9


def test_eval_command_prints_the_metrics(real_settings, monkeypatch, capsys, tmp_path):
    from eig_qa.cli import main

    monkeypatch.setenv("EIG_QA_CORPUS", str(real_settings.corpus_dir))
    monkeypatch.setenv("EIG_QA_INDEX", str(real_settings.index_dir))
    fixture = Path(tmp_path / "q.jsonl")
    fixture.write_text(json.dumps({"id": "x", "question": "Qui peut devenir EIG ?", "answer_contains": ["EIG"],
                                   "source": "documents/faq/faq-eig.yml"}) + "\n", encoding="utf-8")
    assert main(["eval", str(fixture), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["tune"]  # lines without a split count as tune
    assert report["answerable"] == 1 and report["hit_at_5"] is not None
    assert report["reliability"] and report["reliability"][0][1] == 1


def test_ask_json_states_confidence_and_missing_terms(real_settings, monkeypatch, capsys):
    from eig_qa.cli import main

    monkeypatch.setenv("EIG_QA_CORPUS", str(real_settings.corpus_dir))
    monkeypatch.setenv("EIG_QA_INDEX", str(real_settings.index_dir))
    assert main(["ask", "--json", "Les EIG ont-ils des tickets-restaurant ?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["abstained"] and answer["confidence"] == "faible"
    assert answer["missing_terms"] == ["tickets-restaurant"]
    assert answer["answer"].startswith("Les documents ne parlent pas de « tickets-restaurant ».")


@pytest.mark.parametrize("question", ["recette de la tarte tatin", "Existe-t-il un programme équivalent en Espagne ?"])
def test_questions_the_documents_do_not_cover_get_a_partial_answer(real_assistant, question):
    answer = real_assistant.ask(question)
    assert answer.abstained and answer.missing_terms and answer.text.startswith("Les documents ne parlent pas de")


def test_a_question_close_to_an_faq_entry_is_answered_from_it(real_assistant):
    answer = real_assistant.ask("qui paye les frais de déplacement des EIG ?")
    assert not answer.abstained and answer.confidence in ("haute", "moyenne")
    first = answer.highlights[0]
    assert answer.hits[first.hit_index].passage.kind == "faq" and "frais de déplacement" in first.text
