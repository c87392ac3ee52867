"""Sentence extraction and abstention on tiny, hand-made inputs."""

import numpy as np
import pytest

from eig_qa.answer.answering import (
    AbstentionRule,
    Highlight,
    build_answer,
    coverage,
    expectation,
    question_terms,
    score_sentences,
    select_highlights,
    term_weights,
)
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit, Retrieval, standout


def _hit(text, title="Guide du programme", score=1.0, dense=0.9, heading=None):
    passage = Passage(id=0, source="guide.md", page=None, title=title, date=None, kind=None, url=None,
                      heading=heading, text=text, start=0, end=len(text))
    return Hit(passage, score, 1.0, dense)


def _weights(question, frequencies=None):
    return term_weights(question_terms(question), frequencies or {}, 100)


def test_the_sentence_covering_the_question_wins():
    text = ("Le programme accueille des profils variés. La rémunération est de 4 000 euros nets par mois. "
            "Les équipes travaillent en immersion.")
    question = "Quelle est la rémunération mensuelle ?"
    best = score_sentences(question, [_hit(text)], _weights(question))[0]
    assert best.text == "La rémunération est de 4 000 euros nets par mois."
    assert text[best.start:best.end] == best.text


def test_a_number_question_prefers_a_sentence_with_a_number():
    text = "Le jury évalue les candidats avec soin. Le jury compte 12 membres."
    question = "Combien de membres compte le jury ?"
    assert score_sentences(question, [_hit(text)], _weights(question))[0].text == "Le jury compte 12 membres."


def test_the_heading_supplies_the_subject():
    question = "Quelle est la date limite de candidature ?"
    hits = [_hit("Le dossier complet est attendu au plus tard le 15 mars 2022.", heading="Date limite de candidature"),
            _hit("Les candidatures sont étudiées par un jury.")]
    assert "15 mars 2022" in score_sentences(question, hits, _weights(question))[0].text


def test_a_sentence_about_another_number_loses():
    question = "Combien de défis dans la promotion 4 ?"
    text = "La promotion 3 comptait 15 défis. La promotion 4 comptait 17 défis."
    scored = score_sentences(question, [_hit(text)], _weights(question))
    assert scored[0].text == "La promotion 4 comptait 17 défis." and scored[0].fits
    assert not scored[1].fits


@pytest.mark.parametrize(("question", "sentence", "fits"), [
    ("Combien de dossiers ont été déposés en 2023 ?", "En 2023, la région a soutenu 37 projets.", False),
    ("Combien de dossiers ont été déposés en 2023 ?", "En 2023, 112 dossiers ont été déposés.", True),
    ("Combien coûte le goûter ?", "Le repas coûte 3,10 € par jour.", False),
    ("Combien coûte le goûter ?", "Le goûter coûte 0,80 €.", True),
    ("Quel est le budget annuel du programme ?", "Le programme accueille 8 fellows.", False),
    ("Quel est le budget annuel du programme ?", "Son budget est de 500 000 dollars.", True),
    ("Combien de mois de salaire la subvention couvre-t-elle ?", "La subvention couvre 3 mois.", True),
    ("Combien de temps dure le programme ?", "Le programme dure 10 mois.", True),
    ("Combien d'anciens EIG sont restés ?", "Plus de la moitié des EIG sont restés.", True),
    ("Combien de temps dure le programme ?", "Le programme recrute 30 personnes.", False),
    ("Qui porte le défi de la promotion 4 ?", "Le défi de la promotion 5 est porté par la DINUM.", False),
    # "Combien de" asks for a count: the question's own number, a date, a time or a rank is not one.
    ("Combien de candidatures pour la promotion 5 ?", "Les candidatures de la 5e promotion sont ouvertes.", False),
    ("Combien de candidatures pour la promotion 5 ?", "Les candidatures closent le 2 mai 2021 à 23h59.", False),
    ("Combien de candidatures pour la promotion 5 ?", "Article 1 – les candidatures de la promotion 5.", False),
    ("Combien de candidatures pour la promotion 5 ?", "La promotion 5 a reçu 1 200 candidatures.", True),
    ("Combien de candidatures pour la promotion 5 ?", "La promotion 5 a reçu trois cents candidatures.", True),
    ("Combien de gestes de navigation ?", "Il existe entre 50 et 60 gestuelles de navigation.", True),
    # A duration is not a count, unless time is what the question counts.
    ("Combien d'EIG sont restés ?", "Les EIG restent pendant 10 mois.", False),
    ("Combien d'EIG sont restés ?", "Les EIG restent pendant 10 mois ; 25 % sont restés.", True),
    ("Combien d'heures d'activités par semaine ?", "Il faut 15 heures d'activités par semaine.", True),
    ("Valable combien d'années ?", "La carte reste valable 15 ans.", True),
    ("Valable combien d'années ?", "La carte est délivrée en mairie depuis 2021.", False),
    # A year inside a span of years counts as the question's year.
    ("Délivrée en 2010, valable combien d'années ?", "Délivrées entre le 1er janvier 2004 et 2013, valables 15 ans.",
     True),
    ("Délivrée en 2010, valable combien d'années ?", "Délivrées entre 2014 et 2021, valables 10 ans.", False),
    # A sentence about a sibling of the name asked about does not answer.
    ("Quel est le budget de Code for Australia ?", "Code for Canada a un budget de 500 000 dollars.", False),
    ("Quel est le budget de Code for Australia ?", "Code For Australia a un budget de 500 000 dollars.", True),
    ("Quel est le budget de Code for Australia ?", "Le budget est de 500 000 dollars.", True),
])
def test_a_sentence_must_hold_what_the_question_asks_for(question, sentence, fits):
    best = score_sentences(question, [_hit(sentence, title="Guide")], _weights(question))[0]
    assert best.fits is fits, expectation(question)


def test_a_sentence_is_about_the_last_name_before_it():
    question = "Quel est le budget de Code for Australia ?"
    text = ("Code for Australia n'affiche pas ses financements. Code for Canada fonctionne depuis 2017. "
            "Son budget est de 500 000 dollars.")
    scored = score_sentences(question, [_hit(text)], _weights(question))
    assert not next(item for item in scored if item.text.startswith("Son budget")).fits
    heading = score_sentences(question, [_hit("Son budget est de 500 000 dollars.", heading="Code for Canada")],
                              _weights(question))
    assert not heading[0].fits


def test_an_unfit_best_sentence_is_an_abstention():
    question = "Combien de livres compte la médiathèque ?"
    retrieval = Retrieval([_hit("La médiathèque compte 3 salles de lecture et 12 postes.")], 1.0, 2.0)
    assert build_answer(question, retrieval, _weights(question)).abstained


def test_questions_in_the_text_are_not_answers():
    question = "Qui peut candidater ?"
    text = "Qui peut candidater ? Toute personne diplômée peut candidater au programme."
    assert score_sentences(question, [_hit(text)], _weights(question))[0].text.startswith("Toute personne")


def test_coverage_weighs_rare_terms_more():
    weights = term_weights(["budget", "programm"], {"programm": 90, "budget": 2}, 100)
    assert coverage({"budget"}, weights) > 0.5 > coverage({"programm"}, weights)
    assert coverage(set(), {}) == 0.0


def test_selection_keeps_close_sentences_only():
    scored = [Highlight(0, 0, 1, "a", 1.0), Highlight(0, 2, 3, "b", 0.9), Highlight(0, 4, 5, "c", 0.2)]
    assert [h.text for h in select_highlights(scored)] == ["a", "b"]
    assert select_highlights([]) == []


def test_standout_is_comparable_across_sizes_and_safe_on_flat_scores():
    assert standout(np.zeros(10)) == 0.0 and standout(np.array([1.0])) == 0.0
    peaked = np.r_[np.zeros(999), 10.0]
    assert standout(peaked) > standout(np.linspace(0, 1, 1000))


@pytest.mark.parametrize(("best", "dense", "dense_standout", "lexical_standout", "abstains"), [
    (None, 0.9, 1.0, 2.0, True),                                      # nothing to quote
    (Highlight(0, 0, 1, "x", 1.0, 0.8, False), 0.95, 1.0, 2.0, True),  # about another number
    (Highlight(0, 0, 1, "x", 1.0, 0.05, True), 0.80, 1.0, 2.0, True),  # hardly any word of the question
    (Highlight(0, 0, 1, "x", 1.0, 0.8, True), 0.90, 0.5, 1.0, True),   # nothing stands out of the corpus
    (Highlight(0, 0, 1, "x", 1.0, 0.8, True), 0.90, 0.5, 2.0, False),  # the words stand out
    (Highlight(0, 0, 1, "x", 1.0, 0.8, True), 0.90, 0.9, 1.0, False),  # the meaning stands out
])
def test_abstention_rule(best, dense, dense_standout, lexical_standout, abstains):
    retrieval = Retrieval([_hit("Texte.", dense=dense)], dense_standout, lexical_standout)
    assert AbstentionRule().should_abstain(best, retrieval) is abstains


def test_a_question_on_what_the_corpus_is_about_is_answered_though_nothing_stands_out():
    question = "Qu'est-ce que le programme ?"
    retrieval = Retrieval([_hit("Le programme recrute des profils numériques.")], 0.5, 0.5)
    assert not build_answer(question, retrieval, _weights(question, {"programm": 60})).abstained
    assert build_answer(question, retrieval, _weights(question, {"programm": 2})).abstained
    best = Highlight(0, 0, 1, "x", 1.0, 0.8, True)
    assert not AbstentionRule().should_abstain(best, retrieval, central=True)


def test_a_question_far_from_the_corpus_topic_is_an_abstention_that_says_so():
    question = "Quel est le programme ?"
    hit = _hit("Le programme recrute des profils numériques.")
    on_topic = build_answer(question, Retrieval([hit], 1.0, 2.0, topicality=-0.5), _weights(question))
    off_topic = build_answer(question, Retrieval([hit], 1.0, 2.0, topicality=-3.0), _weights(question))
    assert not on_topic.abstained
    assert off_topic.abstained and "ne semblent pas traiter de ce sujet" in off_topic.text and off_topic.hits


def test_an_abstention_keeps_the_nearest_passages_and_says_so():
    question = "Quelle est la recette de la tarte tatin ?"
    retrieval = Retrieval([_hit("Le programme dure dix mois.", dense=0.5)], 0.3, 0.3)
    answer = build_answer(question, retrieval, _weights(question))
    assert answer.abstained and answer.kind == "abstention" and answer.hits
    assert answer.text.startswith("Je ne trouve pas cela dans les documents.")
    assert answer.to_json()["abstained"] is True


def test_a_sentence_announcing_a_list_brings_its_items():
    question = "Quels outils sont mis à disposition ?"
    text = ("Les outils mis à disposition des équipes :\nun serveur de calcul ;\n"
            "un espace de fichiers partagés.\n\nAutre.")
    answer = build_answer(question, Retrieval([_hit(text)], 1.0, 2.0), _weights(question))
    assert "un serveur de calcul" in answer.text and "un espace de fichiers partagés" in answer.text
    assert "Autre" not in answer.text
    numbered = "Les 3 facteurs de réussite 1. Un périmètre clair 2. Des mentors investis 3. Un portage fort"
    answer = build_answer("facteurs de réussite", Retrieval([_hit(numbered)], 1.0, 2.0), _weights("facteurs réussite"))
    assert "Un périmètre clair" in answer.text and "Un portage fort" in answer.text
