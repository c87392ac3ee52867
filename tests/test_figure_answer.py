"""Answers led by key figures: the figure first, with its source; agreeing and differing figures explained."""

from eig_qa.answer.answering import Answer, Highlight
from eig_qa.app.export import answer_markdown, conversation_markdown
from eig_qa.app.figure_answer import adds_to_figures, document_of, figure_lead, stated_in_document
from eig_qa.app.formatting import format_number, with_unit
from eig_qa.figures.catalogue import Figure
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit
from tests.test_export import make_turn, rendered_text

COUNT = Figure("Nombre de défis de la promotion EIG 3", 15, "défis", "Données du site (dossier data/)",
               "defis.yml : nombre d’entrées dont promotion ∈ {3}.", "data/defis.yml")
SAME_IN_BLOG = Figure("Les 32 EIG vont relever les 15 défis de la promotion 3.", 15, "défis",
                      "Selon Qui sont les EIG de la promotion 3 ? (2019)", "Chiffre cité dans le document",
                      "documents/blog/2019-04-12-video.md")
OTHER_IN_BLOG = Figure("Pour la troisième promotion, 11 défis sur 15 expérimentent l'IA.", 11, "défis",
                       "Selon Tour d’horizon de l'IA (2019)", "Chiffre cité dans le document",
                       "documents/blog/2019-08-21-ia.md")
OTHER_COUNT = Figure("Nombre de mentors distincts cités dans les défis", 138, "mentors", "Données du site",
                     "defis.yml : listes mentors, noms distincts.", "data/defis.yml")
MENTORS = Figure("Nombre de mentors (agents publics porteurs de défis)", 126, "mentors", "Données du site",
                 "personnes.yml : entrées dont profil = « Mentor ».", "data/personnes.yml")
TEXT = "Le programme offre un tiers-lieu pour les 3 promotions. Les 32 EIG vont relever les 15 défis de la promotion 3."


def answer_with(figures, sentences=(), abstained=False, question="Combien de défis dans la promotion 3 ?",
                confidence="haute"):
    passage = Passage(id=0, source="documents/blog/b.md", page=None, title="Billet", date="2019-04-12", kind="blog",
                      url=None, heading=None, text=TEXT, start=0, end=len(TEXT))
    highlights = [Highlight(0, TEXT.index(sentence), TEXT.index(sentence) + len(sentence), sentence, 1.0)
                  for sentence in sentences]
    text = "Je ne trouve pas cela dans les documents." if abstained else " ".join(sentences)
    return Answer(question, text, abstained, [Hit(passage, 0.03, 1.0, 0.9)], highlights, figures=list(figures),
                  confidence=confidence)


def test_computed_and_stated_figures_are_told_apart_by_their_source():
    assert not stated_in_document(COUNT)
    assert not stated_in_document(Figure("x", 1, "", "", "", "data/defis.yml, data/personnes.yml"))
    assert not stated_in_document(Figure("x", 1, "", "", "pandas : …", ""))  # a computed figure without file
    assert stated_in_document(SAME_IN_BLOG)
    assert document_of(SAME_IN_BLOG) == "« Qui sont les EIG de la promotion 3 ? » (2019)"
    assert document_of(Figure("x", 1, "", "Un document", "", "a.md")) == "Un document"


def test_the_computed_figure_leads_and_others_agree_or_differ():
    lead = figure_lead([SAME_IN_BLOG, COUNT, OTHER_IN_BLOG, MENTORS])
    assert lead.figure is COUNT
    assert lead.agreeing == (SAME_IN_BLOG,)
    assert lead.differing == (OTHER_IN_BLOG,)
    assert figure_lead([SAME_IN_BLOG]) is None
    assert figure_lead([]) is None


def test_the_answer_starts_with_the_figure_and_its_source():
    markdown = answer_markdown(answer_with([COUNT, SAME_IN_BLOG], sentences=[TEXT.split(". ")[0] + "."]))
    assert markdown.startswith("Nombre de défis de la promotion EIG 3 : **15 défis** (calculé à partir de data/defis")
    assert "« Qui sont les EIG de la promotion 3 ? » \\(2019\\) dit aussi 15 défis" in markdown
    # "pour les 3 promotions": the question's own number, nothing more than the figure.
    assert "tiers" not in markdown


def test_sentences_that_add_a_number_follow_the_figure():
    sentence = "Le programme offre un tiers-lieu pour les 3 promotions."
    assert not adds_to_figures(sentence, "Combien de défis dans la promotion 3 ?", [COUNT])
    assert adds_to_figures("Il y a eu 112 dossiers en 2019.", "Combien de défis ?", [COUNT])
    assert not adds_to_figures("Le programme a commencé en 2017.", "Combien de défis ?", [COUNT])
    assert not adds_to_figures("Le 18 avril 2019, les mentors ont travaillé par paires.", "Combien de défis ?", [COUNT])
    assert adds_to_figures("Le 1er mars, 12 défis avaient démarré.", "Combien de défis ?", [COUNT])
    assert adds_to_figures("Le 18 avril, les défis ont démarré.", "Quand et combien de défis ?", [COUNT])
    stated = "Les 32 EIG vont relever les 15 défis de la promotion 3."
    assert not adds_to_figures(stated, "Combien de défis ?", [COUNT, SAME_IN_BLOG])
    markdown = answer_markdown(answer_with([COUNT], sentences=[stated]))
    lead, quotes = markdown.split("Ce que disent aussi les documents :")
    assert "**15 défis**" in lead and "Les 32 EIG vont relever" in quotes
    # Quoted after a figure only when the answer is confident: below, they were nearly all beside the point.
    assert "Ce que disent aussi" not in answer_markdown(answer_with([COUNT], sentences=[stated], confidence="moyenne"))


def test_differing_figures_come_with_what_they_count():
    markdown = rendered_text(answer_markdown(answer_with([MENTORS, OTHER_COUNT], question="combien de mentors ?")))
    assert markdown.startswith("Nombre de mentors (agents publics porteurs de défis) : **126 mentors**")
    assert "personnes.yml : entrées dont profil = « Mentor »." in markdown
    assert "- **138 mentors** — Nombre de mentors distincts cités dans les défis (defis.yml : listes" in markdown
    stated = rendered_text(answer_markdown(answer_with([COUNT, OTHER_IN_BLOG])))
    assert "- **11 défis** — Pour la troisième promotion" in stated
    assert "(« Tour d’horizon de l'IA » (2019), chiffre cité à sa date)" in stated


def test_an_abstention_with_figures_still_leads_with_the_figure():
    markdown = answer_markdown(answer_with([COUNT], abstained=True))
    assert markdown.startswith("Nombre de défis de la promotion EIG 3 : **15 défis**")
    assert "*Je ne trouve pas cela dans les documents\\.*" in markdown


def test_the_export_leads_with_the_figure_too():
    turn = make_turn("Combien de défis dans la promotion 3 ?")
    exported = conversation_markdown([turn])
    assert "Défis de la promotion 3 : **15 défis** (calculé à partir de data/defis" in exported


def test_numbers_are_french():
    assert format_number(77.8) == "77,8"
    assert format_number(1288) == "1\u202f288"
    assert format_number(12.0) == "12"
    assert format_number(True) == "True"
    assert with_unit(46.5, "%") == "46,5\u202f%"
    assert with_unit(15, " défis ") == "15 défis"
    assert with_unit("Alphabet", "") == "Alphabet"
