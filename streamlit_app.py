"""The page of the EIG documentary assistant: a chat that quotes the programme's documents, and the statistics page."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from eig_qa.answer.answering import Answer, confidence_caption
from eig_qa.app.conversation import Turn
from eig_qa.app.examples import ExampleGroup, index_key, welcome_examples
from eig_qa.app.export import (
    answer_markdown,
    citation_details,
    citation_link,
    conversation_markdown,
    corpus_description,
    escape_markdown,
    figure_value,
    kind_label,
    passage_markdown,
    relevance_label,
    section_markdown,
)
from eig_qa.app.feedback import THUMBS, FeedbackError, append_feedback, feedback_record
from eig_qa.app.formatting import format_number
from eig_qa.app.page_view import render_pdf_page, section_of
from eig_qa.assistant import Assistant, CorpusSummary
from eig_qa.config import Settings, load_settings
from eig_qa.errors import user_message
from eig_qa.figures.statistics import rows_csv
from eig_qa.search.retrieval import SearchFilters

TITLE = "Entrepreneurs d'intérêt général — Assistant documentaire"
STATISTICS_PAGE = "app_pages/statistiques.py"
VIEW_HELP = "Montre le passage à sa place : la page du PDF, ou la section du fichier."
USER_AVATAR, ASSISTANT_AVATAR = ":material/person:", ":material/account_balance:"
# Streamlit keeps a chat scrolled to its end while it grows; once the page has stopped growing (same height for
# 3 checks 100 ms apart, at most 4 s), show the top of the new turn, or of the start page. Scrolling by script ends
# Streamlit's sticking to the end, so later growth (an expander opened) does not move the page. A newer answer's
# script stops an older one still waiting: an answer quicker than 4 s was otherwise scrolled back to the one before.
_KEEP_IN_VIEW = """<script>
(() => {
  const token = "NONCE";
  window.eigQaKeepInView = token;
  const box = document.querySelector('[data-testid="stAppScrollToBottomContainer"]');
  let last = -1, stable = 0, checks = 0;
  const settle = () => {
    if (window.eigQaKeepInView !== token) { return; }
    const height = box ? box.scrollHeight : document.body.scrollHeight;
    stable = height === last ? stable + 1 : 0;
    last = height;
    if (stable < 3 && checks++ < 40) { setTimeout(settle, 100); return; }
    const target = document.querySelector("TARGET");
    if (target) { target.scrollIntoView({block: "start"}); } else if (box) { box.scrollTop = 0; }
  };
  settle();
})();
</script>"""
_PROGRESS_STEP = 0.05  # each update is replayed by the cache on every rerun: keep them few


# No spinner from the cache: it covered the progress bar. The page says itself what it is loading.
@st.cache_resource(show_spinner=False)
def load_assistant(settings: Settings) -> Assistant:
    """Model, index and data, loaded once for every visitor; the index is built on the first start."""
    bar, shown = None, -1.0

    def on_progress(done: int, total: int) -> None:
        nonlocal bar, shown
        share = done / total if total else 1.0
        if bar is None:
            bar = st.progress(0.0)
            st.session_state.built_here = True  # this visitor waited for the build: tell them when it is done
        if share - shown >= _PROGRESS_STEP or share == 1.0:
            bar.progress(share, text="Première mise en route : indexation des documents "
                                     f"({format_number(done)} / {format_number(total)} passages)…")
            shown = share

    assistant = Assistant.open(settings, on_progress=on_progress)
    if bar is not None:
        bar.empty()
    return assistant


# Each example is asked once to check that it is answered well (about 1 s): once per index, for every visitor.
@st.cache_resource(show_spinner=False)
def load_examples(_assistant: Assistant, index: str) -> list[ExampleGroup]:
    """The welcome page's example questions, drawn from the corpus behind the index `index`."""
    return welcome_examples(_assistant)


def open_assistant() -> Assistant:
    """The assistant, or a French error that says how to fix the set-up, and the page stops."""
    loading = st.empty()
    if not st.session_state.get("loaded"):  # later runs find it in the cache at once: nothing to announce
        loading.info("Chargement du modèle et de l'index des documents…", icon=":material/hourglass_top:")
    try:
        assistant = load_assistant(load_settings())
    except Exception as error:  # the page must show a message, never a traceback
        loading.empty()
        st.error(user_message(error), icon=":material/error:")
        st.markdown("Une fois le problème corrigé, rechargez la page.")
        st.stop()
    loading.empty()
    st.session_state.loaded = True
    report = assistant.build_report
    if st.session_state.pop("built_here", False) and report is not None and report.built:
        st.success(f"Index construit : {format_number(report.passages)} passages de "
                   f"{format_number(report.documents)} documents, en {format_number(round(report.seconds))} s. "
                   "Vous pouvez poser vos questions.", icon=":material/check_circle:")
    return assistant


def reset_conversation() -> None:
    """Forget the conversation; new widget keys so that old 👍/👎 do not stick to new answers."""
    st.session_state.turns = []
    st.session_state.feedback_notes = {}
    st.session_state.conversation = st.session_state.get("conversation", 0) + 1


def ask_example(question: str) -> None:
    """Queue an example question for this run."""
    st.session_state.pending = question


def save_feedback(index: int, key: str) -> None:
    """Append the 👍/👎 just given to the feedback file."""
    value = st.session_state.get(key)
    if value is None:  # a vote taken back: the file is append-only, nothing to write
        return
    try:
        append_feedback(feedback_record(st.session_state.turns[index], THUMBS[value]))
        st.session_state.feedback_notes[index] = "Merci, votre avis est enregistré."
    except FeedbackError as error:
        st.session_state.feedback_notes[index] = error.message


def draw_sidebar(assistant: Assistant, kinds: list[str]) -> tuple[SearchFilters, int]:
    """Filters, number of passages, new conversation and export; returns what the search should use."""
    with st.sidebar:
        st.header("Affiner la recherche")
        chosen_kinds = st.multiselect("Types de documents", kinds, format_func=kind_label,
                                      placeholder="Tous les types de documents")
        years: dict[str, str] = {}
        if assistant.data is not None:
            years = {f"{row.label} ({row.year})": str(row.year) for row in assistant.data.promotions.itertuples()}
        chosen_promotions = st.multiselect(
            "Promotion (année des documents)", list(years), placeholder="Toutes les années",
            help="Garde les documents datés de l'année de la promotion choisie.",
        )
        top_k = st.slider("Nombre de passages cités", 3, 10, min(max(assistant.settings.top_k, 3), 10))
        st.divider()
        st.button("Nouvelle conversation", icon=":material/restart_alt:", on_click=reset_conversation,
                  width="stretch")
        st.download_button(
            "Exporter la conversation (Markdown)", conversation_markdown(st.session_state.turns),
            file_name="conversation-eig.md", mime="text/markdown", icon=":material/download:",
            disabled=not st.session_state.turns, width="stretch",
        )
    filters = SearchFilters(kinds=frozenset(chosen_kinds), years=frozenset(years[name] for name in chosen_promotions))
    # The same choice narrows the key figures, by promotion code.
    codes = {} if assistant.data is None else dict(zip(years, assistant.data.promotions["promotion"], strict=True))
    st.session_state.figure_promotions = [codes[name] for name in chosen_promotions]
    return filters, top_k


def draw_welcome(assistant: Assistant, summary: CorpusSummary) -> None:
    """What the assistant knows and does not, and example questions."""
    known = escape_markdown(corpus_description(summary.documents, summary.kinds, summary.latest_date))
    if assistant.data is not None:
        promotions = ", ".join(assistant.data.promotions["label"])
        figures = f"Les chiffres clés sont calculés à partir des données structurées ({escape_markdown(promotions)}). "
    else:
        figures = "Ce corpus n'a pas de données structurées : je n'affiche pas de chiffres clés. "
    st.markdown(
        f"Je réponds à vos questions à partir de **{known}**. "
        "Je ne rédige pas de texte : je cite les passages des documents qui répondent, avec un lien vers chacun. "
        f"{figures}Je ne connais pas les informations postérieures à ces documents."
    )
    if assistant.data_problem:
        st.warning(escape_markdown(assistant.data_problem), icon=":material/warning:")
    try:
        groups = load_examples(assistant, index_key(assistant))
    except Exception:  # the examples are a help: the page and its questions work without them
        groups = []
    if not groups:  # also when no question of the corpus is answered confidently enough to be offered
        return
    with st.expander("Exemples de questions", expanded=not st.session_state.turns, icon=":material/lightbulb:"):
        for position, (column, group) in enumerate(zip(st.columns(len(groups)), groups, strict=True)):
            with column:
                st.markdown(f"**{escape_markdown(group.title)}**")
                for number, question in enumerate(group.questions):
                    # A non-breaking space keeps the question mark with its last word, as French typography wants.
                    st.button(question.replace(" ?", "\u00a0?"), key=f"example_{position}_{number}",
                              on_click=ask_example, args=(question,), width="stretch", wrap=True)


def draw_figures(turn: Turn) -> None:
    """Key figures as cards, each with what it covers and how it is computed."""
    st.markdown("**Chiffres clés**")
    for position, figure in enumerate(turn.answer.figures):
        with st.container(border=True):
            # Label and lists are written in full: st.metric would cut long ones.
            st.markdown(escape_markdown(figure.label))
            if isinstance(figure.value, int | float):
                st.metric(escape_markdown(figure.label), figure_value(figure), label_visibility="collapsed")
            else:
                st.markdown(f"**{escape_markdown(figure_value(figure))}**")
            st.caption(escape_markdown(figure.scope))
            with st.expander("Comment c'est calculé"):
                st.markdown(escape_markdown(figure.computation))
                st.markdown(f"Source : {escape_markdown(figure.source)}")
                if figure.query is not None:  # a computed figure: its rows and its query go with it
                    st.download_button("Lignes utilisées (CSV)", rows_csv(figure), file_name="lignes-utilisees.csv",
                                       mime="text/csv", key=f"csv_{id(turn)}_{position}",
                                       icon=":material/download:")
                    st.page_link(STATISTICS_PAGE, label="Ouvrir dans l'explorateur", icon=":material/query_stats:",
                                 query_params={"requete": json.dumps(figure.query, ensure_ascii=False)})


def draw_passages(assistant: Assistant, turn_index: int, turn: Turn) -> None:
    """The cited passages (or the nearest documents after an abstention), answering sentences highlighted."""
    answer = turn.answer
    st.markdown("**Documents proches**" if answer.abstained else "**Sources citées**")
    best = max(hit.score for hit in answer.hits)
    cited = {item.hit_index for item in answer.highlights}
    for index, hit in enumerate(answer.hits):
        passage = hit.passage
        label = f"{index + 1}. {passage.title} — {citation_details(passage)}"
        with st.expander(escape_markdown(label), expanded=index in cited):
            st.markdown(citation_link(passage))
            st.caption(relevance_label(index + 1, hit.score, best))
            st.markdown(passage_markdown(answer, index))
            key = f"view_{st.session_state.conversation}_{turn_index}_{index}"
            if st.toggle("Voir dans le document", key=key, help=VIEW_HELP):
                draw_in_document(assistant, answer, index)


def draw_in_document(assistant: Assistant, answer: Answer, hit_index: int) -> None:
    """The PDF page as an image with the passage marked, or the section of a Markdown or FAQ file, highlighted."""
    passage = answer.hits[hit_index].passage
    sentences = [item.text for item in answer.highlights if item.hit_index == hit_index]
    if passage.page is None:
        section = section_of(assistant.retriever.passages, passage)
        st.caption(f"« {escape_markdown(passage.title)} », toute la section : le passage cité en retrait, "
                   "la phrase qui répond surlignée.")
        with st.container(height=420 if len(section) > 2 else "content", border=True):
            st.markdown(section_markdown(section, passage, answer, hit_index))
        return
    with st.spinner("Affichage de la page…"):
        rendered = render_pdf_page(assistant.settings.corpus_dir / passage.source, passage.page, passage.text,
                                   sentences)
    if rendered is None:
        st.warning("Cette page ne peut pas être affichée ; le lien ci-dessus ouvre le document.",
                   icon=":material/warning:")
        return
    where = f"Page {passage.page} de « {passage.title} »"
    if rendered.marked:
        caption = f"{where} : le passage cité sur fond bleu" + (
            ", la phrase qui répond surlignée en jaune." if sentences else ".")
    else:
        caption = f"{where} : le passage n'a pas été retrouvé dans l'image de la page."
    st.image(rendered.png, caption=caption, width="stretch", alt=caption)


def draw_turn(assistant: Assistant, index: int, turn: Turn) -> None:
    """One question and its answer: short answer, key figures beside it, cited passages, 👍/👎."""
    answer = turn.answer
    with st.chat_message("user", avatar=USER_AVATAR):
        st.markdown(escape_markdown(turn.question))
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
        if turn.understood_as:
            st.markdown(f"*Question comprise comme : {escape_markdown(turn.understood_as)}*")
        if answer.notice:
            st.info(escape_markdown(answer.notice), icon=":material/info:")
        text_column, figures_column = st.columns([3, 2]) if answer.figures else (st.container(), None)
        with text_column:
            if answer.kind == "invalid":
                st.warning(escape_markdown(answer.text), icon=":material/edit:")
            else:
                st.markdown(answer_markdown(answer))
                if caption := confidence_caption(answer):
                    st.caption(caption)
        if figures_column is not None:
            with figures_column:
                draw_figures(turn)
        if answer.hits:
            draw_passages(assistant, index, turn)
        if answer.kind in ("answer", "abstention"):
            key = f"feedback_{st.session_state.conversation}_{index}"
            st.markdown("Cette réponse vous a-t-elle aidé ?")
            st.feedback("thumbs", key=key, on_change=save_feedback, args=(index, key))
            note = st.session_state.feedback_notes.get(index)
            if note:
                st.caption(note)


def turn_key(index: int) -> str:
    """The widget key of a turn's container; Streamlit gives the container the class "st-key-<key>"."""
    return f"turn_{st.session_state.conversation}_{index}"


def keep_in_view(new_turn: int | None) -> None:
    """After an answer, show the top of its turn rather than the end of the page; the start page opens at its top."""
    if new_turn is None and st.session_state.turns:
        return
    target = f".st-key-{turn_key(new_turn)}" if new_turn is not None else "#no-target"
    nonce = f"{st.session_state.conversation}-{new_turn}"  # a new script body runs again; the same one does not
    st.html(_KEEP_IN_VIEW.replace("TARGET", target).replace("NONCE", nonce), unsafe_allow_javascript=True)


def answer_question(assistant: Assistant, question: str, filters: SearchFilters, top_k: int) -> None:
    """Ask with the conversation so far (follow-ups are rewritten), keep the turn; the rerun draws it."""
    history = [turn.question for turn in st.session_state.turns]
    with st.chat_message("user", avatar=USER_AVATAR):
        st.markdown(escape_markdown(question))
    try:
        with st.spinner("Recherche dans les documents…"):
            answer = assistant.ask(question, k=top_k, filters=filters, history=history,
                                   promotions=st.session_state.get("figure_promotions", []))
    except Exception as error:  # one failed question must not end the conversation
        st.error(user_message(error), icon=":material/error:")
        return
    # The turn keeps the question as the assistant read it: cut to the limit, control characters removed.
    st.session_state.turns.append(Turn(answer.question or question, answer, answer.understood_as))
    st.session_state.scroll_to = len(st.session_state.turns) - 1
    st.rerun()


def chat_page() -> None:
    """The chat: welcome, examples, conversation, question box."""
    st.session_state.setdefault("turns", [])
    st.session_state.setdefault("feedback_notes", {})
    st.session_state.setdefault("conversation", 0)
    st.caption("Programme de la direction interministérielle du numérique (DINUM) — Etalab")
    st.title(TITLE)
    assistant = open_assistant()
    summary = assistant.summary()
    # Passages without a kind are counted as "autre", which no kind filter can select.
    filters, top_k = draw_sidebar(assistant, sorted(kind for kind in summary.kinds if kind != "autre"))
    draw_welcome(assistant, summary)
    for index, turn in enumerate(st.session_state.turns):
        with st.container(key=turn_key(index)):
            draw_turn(assistant, index, turn)
    keep_in_view(st.session_state.pop("scroll_to", None))
    # No max_chars: the box would refuse a longer paste silently; the assistant cuts it and says so.
    typed = st.chat_input("Posez votre question sur le programme EIG")
    question = typed if typed is not None else st.session_state.pop("pending", None)
    if question is not None:  # a blank question gets the assistant's message, as in the command line
        answer_question(assistant, question, filters, top_k)


st.set_page_config(page_title="Assistant documentaire EIG", page_icon="🇫🇷", layout="wide")
pages = [st.Page(chat_page, title="Assistant", icon=":material/forum:", default=True)]
if (Path(__file__).resolve().parent / STATISTICS_PAGE).is_file():
    pages.append(st.Page(STATISTICS_PAGE, title="Statistiques", icon=":material/bar_chart:"))
st.navigation(pages).run()
