"""The chat page run by Streamlit's AppTest over the real corpus and the real default model."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from eig_qa.answer.questions import CUT_NOTICE
from eig_qa.app.export import answer_markdown, escape_markdown, passage_markdown
from eig_qa.config import MAX_QUESTION_CHARS, PROJECT_ROOT

pytestmark = pytest.mark.real

APP = str(PROJECT_ROOT / "streamlit_app.py")
# The first run loads the model; the index is already built by the `real_settings` fixture.
TIMEOUT_SECONDS = 300
DEADLINE_QUESTION = "Quelle est la date limite de dépôt des dossiers de l'appel à projets EIG 4 ?"
FIGURES_QUESTION = "Combien de défis dans la promotion 3 ?"
SERVICES = PROJECT_ROOT / "tests" / "fixtures" / "corpus_services"


@pytest.fixture
def feedback_file(tmp_path):
    return tmp_path / "avis" / "feedback.jsonl"


@pytest.fixture
def app(real_settings, monkeypatch, feedback_file) -> AppTest:
    """The page, first run done, over the real corpus, its feedback going to a temporary file."""
    monkeypatch.setenv("EIG_QA_CORPUS", str(real_settings.corpus_dir))
    monkeypatch.delenv("EIG_QA_MODEL", raising=False)
    monkeypatch.setenv("EIG_QA_FEEDBACK", str(feedback_file))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    assert not at.error, [error.value for error in at.error]
    return at


def markdown_of(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def test_page_renders_welcome_examples_and_filters(app):
    assert app.title[0].value == "Entrepreneurs d'intérêt général — Assistant documentaire"
    welcome = markdown_of(app)
    assert "documents publics du programme" in welcome
    assert "Je ne rédige pas de texte" in welcome
    # The examples come from the corpus: its two FAQs, whose titles say for whom, then the key figures.
    assert {"**FAQ administrations**", "**FAQ candidats EIG**", "**Chiffres clés**"} <= {
        element.value for element in app.markdown}
    assert app.button(key="example_2_0").label == "Combien de défis dans la promotion EIG 4\u00a0?"
    assert 6 <= sum((button.key or "").startswith("example_") for button in app.button) <= 9
    assert [widget.label for widget in app.sidebar.multiselect] == ["Types de documents",
                                                                    "Promotion (année des documents)"]
    assert "EIG 3 (2019)" in app.sidebar.multiselect[1].options
    assert app.sidebar.slider[0].label == "Nombre de passages cités"
    assert not app.chat_message


def test_question_gives_an_answer_with_linked_passages(app):
    ask(app, DEADLINE_QUESTION)
    answer = app.session_state["turns"][-1].answer
    assert answer.kind == "answer" and answer.highlights
    text = markdown_of(app)
    assert answer_markdown(answer) in text
    assert ":blue-background[**" in passage_markdown(answer, answer.highlights[0].hit_index)
    assert "#page=" in text and "[Ouvrir « " in text
    assert [message.name for message in app.chat_message] == ["user", "assistant"]
    assert len(app.feedback) == 1


def test_figures_question_shows_key_figures_with_their_computation(app):
    ask(app, FIGURES_QUESTION)
    assert app.metric, "no key figure shown"
    assert "15" in app.metric[0].value
    assert any(expander.label == "Comment c'est calculé" for expander in app.expander)


def test_see_in_document_shows_the_pdf_page_or_the_section(app):
    ask(app, DEADLINE_QUESTION)
    hits = app.session_state["turns"][-1].answer.hits
    pdf = next(index for index, hit in enumerate(hits) if hit.passage.page)
    app.toggle(key=f"view_0_0_{pdf}").set_value(True).run()
    assert not app.exception and len(app.get("image")) == 1
    caption = app.get("image")[0].proto.imgs[0].caption
    assert caption.startswith(f"Page {hits[pdf].passage.page} de « ") and "sur fond bleu" in caption

    app.sidebar.multiselect[0].set_value(["faq"]).run()  # a FAQ entry: its section, the passage quoted
    ask(app, "Qui peut devenir EIG ?")
    app.toggle(key="view_0_1_0").set_value(True).run()
    assert not app.exception
    assert any("toute la section" in caption.value for caption in app.caption)
    assert any(element.value.startswith("> ") or "\n\n> " in element.value for element in app.markdown)


def test_example_button_asks_its_question(app):
    app.button(key="example_2_0").click().run()
    assert not app.exception
    assert [turn.question for turn in app.session_state["turns"]] == ["Combien de défis dans la promotion EIG 4 ?"]
    assert app.metric


def test_another_corpus_gets_examples_from_its_own_questions(tmp_path, monkeypatch):
    monkeypatch.setenv("EIG_QA_CORPUS", str(SERVICES))
    monkeypatch.setenv("EIG_QA_INDEX", str(tmp_path / "index"))
    monkeypatch.delenv("EIG_QA_MODEL", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    assert not at.exception and not at.error
    titles = {element.value for element in at.markdown}
    assert {"**Faq**", r"**Immatriculer son véhicule \: la carte grise**"} <= titles
    assert "**Chiffres clés**" not in titles
    examples = [button for button in at.button if (button.key or "").startswith("example_")]
    assert 6 <= len(examples) <= 9 and "programme" not in " ".join(button.label for button in examples)
    at.button(key="example_1_0").click().run()
    assert not at.exception
    turn = at.session_state["turns"][0]
    assert turn.question == "Combien coûte une carte grise ?" and not turn.answer.abstained
    assert "51" in turn.answer.highlights[0].text and "51 euros" in turn.answer.text


def test_figures_question_leads_with_the_figure(app):
    ask(app, FIGURES_QUESTION)
    first = app.chat_message[1].markdown[0].value
    assert first.startswith("Nombre de défis de la promotion EIG 3 : **15 défis** (calculé à partir de data"), first


def test_blank_question_gets_the_command_line_message(app):
    ask(app, "   ")
    assert [warning.value for warning in app.warning] == [escape_markdown(
        "La question est vide : écrivez une question, par exemple « Qui peut devenir EIG ? ».")]
    assert not app.feedback


def test_long_paste_is_cut_with_a_note(app):
    pasted = DEADLINE_QUESTION + " " + "détail " * 200  # about 1 500 characters
    ask(app, pasted)
    assert [info.value for info in app.info] == [escape_markdown(CUT_NOTICE)]
    assert len(app.session_state["turns"][-1].question) <= MAX_QUESTION_CHARS


def test_follow_up_is_rewritten_and_shown(app):
    ask(app, FIGURES_QUESTION)
    ask(app, "et pour la promotion 4 ?")
    assert "*Question comprise comme : Combien de défis dans la promotion 4 ?*" in markdown_of(app)
    assert app.session_state["turns"][-1].understood_as == "Combien de défis dans la promotion 4 ?"


def test_kind_filter_changes_the_cited_passages(app):
    question = "Comment se passe le recrutement des entrepreneurs ?"
    ask(app, question)
    unfiltered = {hit.passage.kind for hit in app.session_state["turns"][-1].answer.hits}
    app.sidebar.multiselect[0].set_value(["blog"]).run()
    ask(app, question)
    filtered = {hit.passage.kind for hit in app.session_state["turns"][-1].answer.hits}
    assert filtered == {"blog"}
    assert unfiltered != filtered


def test_promotion_filter_keeps_documents_of_its_year(app):
    app.sidebar.multiselect[1].set_value(["EIG 1 (2017)"]).run()
    ask(app, "Comment se passe le recrutement des entrepreneurs ?")
    hits = app.session_state["turns"][-1].answer.hits
    assert hits and {hit.passage.date[:4] for hit in hits} == {"2017"}


def test_passage_count_follows_the_slider(app):
    app.sidebar.slider[0].set_value(8).run()
    ask(app, DEADLINE_QUESTION)
    assert len(app.session_state["turns"][-1].answer.hits) == 8


def test_export_contains_the_citations(app, monkeypatch):
    # AppTest keeps downloads in a media storage of its own for each run: record it to read the file back.
    storages = []

    class RecordingStorage(MemoryMediaFileStorage):
        def __init__(self, media_endpoint: str):
            super().__init__(media_endpoint)
            storages.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", RecordingStorage)
    ask(app, DEADLINE_QUESTION)
    download = app.sidebar.get("download_button")[0]
    assert not download.proto.disabled
    exported = storages[-1].get_file(download.proto.url.rsplit("/", 1)[1]).content.decode("utf-8")
    assert "## 1. Quelle est la date limite de dépôt des dossiers" in exported
    assert "### Sources" in exported and "#page=" in exported and "[Ouvrir « " in exported
    assert answer_markdown(app.session_state["turns"][-1].answer, page=False) in exported


def test_feedback_is_appended_with_the_cited_sources(app, feedback_file):
    ask(app, DEADLINE_QUESTION)
    app.feedback[0].set_value(1).run()
    assert "Merci, votre avis est enregistré." in [caption.value for caption in app.caption]
    records = [json.loads(line) for line in feedback_file.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    record = records[0]
    assert (record["rating"], record["question"]) == ("up", DEADLINE_QUESTION)
    assert record["answer"] == app.session_state["turns"][-1].answer.text
    assert any("#page=" in (source["url"] or "") for source in record["sources"])


def test_new_conversation_forgets_the_turns(app):
    ask(app, FIGURES_QUESTION)
    next(button for button in app.sidebar.button if button.label == "Nouvelle conversation").click().run()
    assert app.session_state["turns"] == []
    assert not app.chat_message


@pytest.mark.parametrize("question", ["<script>alert(1)</script>", "[x](javascript:alert(1))"])
def test_markup_in_a_question_is_shown_as_text(app, question):
    ask(app, question)
    shown = app.chat_message[0].markdown[0].value
    assert shown in (r"\<script\>alert\(1\)\</script\>", r"\[x\]\(javascript\:alert\(1\)\)")
    assert "<script>" not in markdown_of(app)
    assert "](javascript" not in markdown_of(app)
    # The only HTML is the page's own scrolling script, which holds nothing typed.
    assert all("alert" not in element.proto.body for element in app.get("html"))


def test_first_start_builds_the_index_behind_a_progress_bar(tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("EIG_QA_CORPUS", str(tiny_corpus))
    monkeypatch.setenv("EIG_QA_INDEX", str(tmp_path / "index"))
    monkeypatch.delenv("EIG_QA_MODEL", raising=False)
    shown = []
    progress = st.progress
    monkeypatch.setattr(st, "progress", lambda *args, **kwargs: shown.append(args) or progress(*args, **kwargs))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    assert not at.exception and not at.error
    assert shown, "no progress bar while the index was built"
    assert not at.get("progress"), "the progress bar stays after the build"
    assert (tmp_path / "index" / "CURRENT").is_file()
    assert at.chat_input
    assert at.success and at.success[0].value.startswith("Index construit : "), "no message when done"
    assert not at.info, "the loading note stays after the build"
    at.run()
    assert not at.success, "the build message is shown once"


def test_broken_data_hides_figures_but_the_chat_still_answers(tiny_corpus, tmp_path, monkeypatch):
    data = tiny_corpus / "data"
    data.mkdir()
    for name in ("defis.yml", "personnes.yml", "promos.yml"):
        (data / name).write_text("défis: [cassé", encoding="utf-8")
    monkeypatch.setenv("EIG_QA_CORPUS", str(tiny_corpus))
    monkeypatch.setenv("EIG_QA_INDEX", str(tmp_path / "index"))
    monkeypatch.delenv("EIG_QA_MODEL", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    assert not at.exception and not at.error
    assert at.warning and "yml" in at.warning[0].value
    at = ask(at, "Quelle est la date limite de candidature ?")
    assert not at.exception and "15 mars 2022" in markdown_of(at)


def test_a_corpus_without_data_says_it_has_no_figures(tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("EIG_QA_CORPUS", str(tiny_corpus))
    monkeypatch.setenv("EIG_QA_INDEX", str(tmp_path / "index"))
    monkeypatch.delenv("EIG_QA_MODEL", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    assert not at.exception and "pas de chiffres clés" in markdown_of(at)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [("EIG_QA_CORPUS", "{tmp}/absent", "introuvable"), ("EIG_QA_TOP_K", "beaucoup", "EIG_QA_TOP_K='beaucoup'")],
)
def test_setup_errors_are_shown_in_french_without_traceback(tmp_path, monkeypatch, variable, value, message):
    monkeypatch.setenv("EIG_QA_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv(variable, value.format(tmp=tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    assert not at.exception
    assert message in at.error[0].value
    assert not at.chat_input


@pytest.mark.skipif(not (PROJECT_ROOT / "app_pages" / "statistiques.py").is_file(), reason="page Statistiques absente")
def test_navigation_reaches_the_statistics_page(app):
    app.switch_page("app_pages/statistiques.py").run()
    assert not app.exception, app.exception
    assert not app.chat_input
