"""Markdown of answers and of the exported conversation: escaped text, highlights, citations."""

import re
from dataclasses import replace
from datetime import datetime

import pytest

from eig_qa.answer.answering import Answer, Highlight
from eig_qa.app.conversation import Turn
from eig_qa.app.export import (
    answer_markdown,
    citation_details,
    citation_link,
    conversation_markdown,
    corpus_description,
    escape_markdown,
    escape_text,
    figure_value,
    french_date,
    highlighted_markdown,
    kind_label,
    passage_markdown,
    relevance_label,
    safe_url,
)
from eig_qa.figures.catalogue import Figure
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit

PASSAGE_TEXT = "Le programme dure 10 mois. La date limite est le 28 février 2020. Les défis commencent en septembre."
ANSWER_SENTENCE = "La date limite est le 28 février 2020."
URL = "https://entrepreneur-interet-general.etalab.gouv.fr/docs/AAP_EIG4.pdf#page=6"


def make_turn(question: str = "Quelle est la date limite ?", understood_as: str | None = None) -> Turn:
    """A turn citing two passages, the first holding the answering sentence, with one key figure."""
    cited = Passage(id=0, source="documents/application/AAP_EIG4.pdf", page=6, title="Appel à projets EIG 4",
                    date="2019-11-05", kind="application", url=URL, heading=None, text=PASSAGE_TEXT, start=0,
                    end=len(PASSAGE_TEXT))
    other = Passage(id=1, source="documents/blog/recap.md", page=None, title="Récap [promo] *3*", date="2019",
                    kind="blog", url=None, heading=None, text="Un autre passage.", start=0, end=17)
    start = PASSAGE_TEXT.index(ANSWER_SENTENCE)
    highlight = Highlight(0, start, start + len(ANSWER_SENTENCE), ANSWER_SENTENCE, 1.2)
    figure = Figure("Défis de la promotion 3", 15, "défis", "Promotion EIG 3 (2019)",
                    "Nombre d'entrées de defis.yml avec promotion == 3.", "data/defis.yml")
    answer = Answer(question, ANSWER_SENTENCE, False, [Hit(cited, 0.033, 4.0, 0.9), Hit(other, 0.02, 1.0, 0.8)],
                    [highlight], figures=[figure], confidence="haute")
    return Turn(question, answer, understood_as)


def rendered_text(markdown: str) -> str:
    """What a reader sees of escaped Markdown: the backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "# titre *gras* _it_ `code` $x$ ~barré~ | table | :red[rouge] :smile: &amp; 1. liste - puce + plus !",
        "\\[déjà échappé\\]",
    ],
)
def test_escaped_text_reads_as_written(text):
    escaped = escape_markdown(text)
    assert rendered_text(escaped) == text
    assert not re.search(r"(?<!\\)[\[\]()<>*_`$~|#:&]", escaped)


def test_escaping_keeps_paragraphs_and_joins_lines():
    assert escape_markdown("Ligne un\nligne deux\n\n    Paragraphe") == "Ligne un ligne deux\n\nParagraphe"


def test_highlighted_sentence_is_emphasised_and_the_rest_escaped():
    text = "Avant (1). Phrase [clé] ici. Après *."
    start = text.index("Phrase")
    end = text.index(" Après")
    markdown = highlighted_markdown(text, [(start, end)])
    assert markdown == r"Avant \(1\)\. :blue-background[**Phrase \[clé\] ici\.**] Après \*\."


def test_overlapping_or_empty_spans_are_ignored():
    assert highlighted_markdown("abc def", [(0, 3), (1, 5), (4, 4)]) == ":blue-background[**abc**] def"


def test_answer_and_passage_markdown_highlight_the_answering_sentence():
    turn = make_turn()
    assert answer_markdown(replace(turn.answer, figures=[])) == (
        r":blue-background[**La date limite est le 28 février 2020\.**] — *d'après « Appel à projets EIG 4 », page 6*"
    )
    abstention = Answer("Q ?", "Je ne trouve pas *cela*.", True, turn.answer.hits, [], kind="abstention")
    assert answer_markdown(abstention) == r"Je ne trouve pas \*cela\*\."
    assert r":blue-background[**La date limite est le 28 février 2020\.**]" in passage_markdown(turn.answer, 0)
    assert passage_markdown(turn.answer, 1) == r"Un autre passage\."


def test_unsafe_urls_are_not_links():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" data:text/html,x") is None
    assert safe_url(None) is None
    assert safe_url("https://exemple.fr/a b(c).pdf#page=2") == "https://exemple.fr/a%20b%28c%29.pdf#page=2"


def test_citation_link_says_where_it_goes():
    turn = make_turn()
    link = citation_link(turn.answer.hits[0].passage)
    assert link == rf"[Ouvrir « Appel à projets EIG 4 », page 6 \(nouvel onglet\)]({URL})"
    assert citation_link(turn.answer.hits[1].passage) == (
        r"« Récap \[promo\] \*3\* » \(document sans lien public\)"
    )


def test_labels_dates_and_numbers_are_french():
    assert kind_label("working_paper") == "Rapport d'évaluation"
    assert kind_label("podcast") == "podcast"
    assert french_date("2019-11-05") == "5 novembre 2019"
    assert french_date("2022-05") == "mai 2022"
    assert french_date("2019") == "2019"
    assert citation_details(make_turn().answer.hits[0].passage) == "Candidature · 5 novembre 2019 · page 6"
    percent = Figure("Part", 63.5, "%", "", "", "")
    assert figure_value(percent) == "63,5\u202f%"
    assert figure_value(Figure("Déclarations", 20000000, "", "", "", "")) == "20\u202f000\u202f000"
    assert figure_value(Figure("Défis", "Alphabet, Maritux", "", "", "", "")) == "Alphabet, Maritux"


def test_relevance_is_relative_to_the_best_passage():
    # Fused scores of the real retriever sit close together: 0.0328 for the best, 0.028 for the fifth.
    assert relevance_label(1, 0.0328, 0.0328) == "Passage n° 1 · pertinence élevée"
    assert relevance_label(3, 0.0300, 0.0328) == "Passage n° 3 · pertinence moyenne"
    assert relevance_label(5, 0.0237, 0.0328) == "Passage n° 5 · pertinence faible"
    assert relevance_label(1, 0.0, 0.0) == "Passage n° 1 · pertinence faible"


def test_corpus_description_counts_documents_by_kind():
    kinds = {"blog": 51, "defi": 71, "faq": 2, "guide": 2, "slides": 1, "podcast": 1}
    assert corpus_description(128, kinds, "2021-04-08") == (
        "128 documents publics du programme, publiés jusqu'au 8 avril 2021 (71 fiches de défis, 51 articles de blog, "
        "2 FAQ, 2 guides, 1 podcast, 1 présentation)"
    )
    assert corpus_description(3, {"guide": 3}, "2021-04").endswith("publiés jusqu'en avril 2021 (3 guides)")
    assert corpus_description(3, {"guide": 3}, "2021").endswith("publiés jusqu'en 2021 (3 guides)")
    assert corpus_description(3, {"guide": 3}, None) == "3 documents publics du programme (3 guides)"


def test_conversation_export_has_answers_figures_and_citations():
    turns = [make_turn(), make_turn("et pour <b>EIG 5</b> ?", understood_as="Quelle est la date limite EIG 5 ?")]
    markdown = conversation_markdown(turns, exported_at=datetime(2025, 11, 23, 18, 30))
    assert markdown.startswith("# Conversation avec l'assistant documentaire")
    assert "Exportée le 23/11/2025 à 18:30" in markdown
    assert "## 1. Quelle est la date limite ?" in markdown
    assert r"## 2. et pour \<b\>EIG 5\</b\> ?" in markdown
    assert r"*Question comprise comme : Quelle est la date limite EIG 5 ?*" in markdown
    assert "**La date limite est le 28 février 2020.**" in markdown
    assert "- **Défis de la promotion 3** : 15 défis (Promotion EIG 3 (2019))" in markdown
    assert f"1. [Ouvrir « Appel à projets EIG 4 », page 6 (nouvel onglet)]({URL})" in markdown
    assert "   > La date limite est le 28 février 2020." in markdown
    assert markdown.count("### Sources") == 2


def test_the_export_reads_cleanly_as_text():
    question = "Qu'est-ce que le programme (EIG) : 1,5 M€ ? *gras* <b> snake_case"
    passage = make_turn().answer.hits[0].passage
    sentence = "- Les défis durent 10 mois (de septembre à juin)."
    answer = Answer(question, sentence, False, [Hit(replace(passage, text=sentence), 0.03, 1.0, 0.9)],
                    [Highlight(0, 0, len(sentence), sentence, 1.0)])
    markdown = conversation_markdown([Turn(question, answer)])
    assert r"## 1. Qu'est-ce que le programme (EIG) : 1,5 M€ ? \*gras\* \<b\> snake_case" in markdown
    assert r"**\- Les défis durent 10 mois (de septembre à juin).**" in markdown
    assert "   > \\- Les défis durent 10 mois (de septembre à juin)." in markdown
    assert escape_text("1. liste") == r"1\. liste" and escape_text("# titre &amp; ~x~") == r"\# titre \&amp; \~x\~"
    assert escape_text("snake_case _mot_") == r"snake_case \_mot\_"


def test_abstentions_list_the_nearest_documents():
    turn = make_turn()
    abstention = Answer(turn.question, "Je ne trouve pas cela dans les documents.", True, turn.answer.hits, [],
                        kind="abstention")
    markdown = conversation_markdown([Turn(turn.question, abstention)])
    assert "### Documents proches" in markdown
    assert "### Sources" not in markdown
    assert "Je ne trouve pas cela dans les documents." in markdown
