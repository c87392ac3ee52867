"""Sentence extraction, abstention and partial answers on tiny, hand-made inputs."""

import numpy as np
import pytest

from eig_qa.answer.answering import (
    AbstentionRule,
    Highlight,
    absent_labels,
    absent_names,
    arrange,
    build_answer,
    dated_text,
    score_sentences,
    select_highlights,
    states_dated_figures,
    unknown_words,
)
from eig_qa.answer.expectation import expectation
from eig_qa.answer.features import coverage, term_weights
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit, Retrieval, standout
from tests.scoring_helpers import profile, simple_scorer

MODEL = simple_scorer()


def _hit(text, title="Guide du programme", score=1.0, dense=0.9, heading=None):
    passage = Passage(id=0, source="guide.md", page=None, title=title, date=None, kind=None, url=None,
                      heading=heading, text=text, start=0, end=len(text))
    return Hit(passage, score, 1.0, dense)


def _scored(question, hits, frequencies=None):
    return score_sentences(profile(question, frequencies), Retrieval(hits, 1.0, 2.0), MODEL)


def _answer(question, retrieval, frequencies=None, model=MODEL):
    return build_answer(profile(question, frequencies), retrieval, model)


def test_the_sentence_covering_the_question_wins():
    text = ("Le programme accueille des profils variés. La rémunération est de 4 000 euros nets par mois. "
            "Les équipes travaillent en immersion.")
    best = _scored("Quelle est la rémunération mensuelle ?", [_hit(text)])[0]
    assert best.text == "La rémunération est de 4 000 euros nets par mois."
    assert text[best.start:best.end] == best.text
    assert 0 < best.score < 1  # a probability


def test_a_number_question_prefers_a_sentence_with_a_number():
    text = "Le jury évalue les candidats avec soin. Le jury compte 12 membres."
    assert _scored("Combien de membres compte le jury ?", [_hit(text)])[0].text == "Le jury compte 12 membres."


def test_the_heading_supplies_the_subject():
    hits = [_hit("Le dossier complet est attendu au plus tard le 15 mars 2022.", heading="Date limite de candidature"),
            _hit("Les candidatures sont étudiées par un jury.")]
    assert "15 mars 2022" in _scored("Quelle est la date limite de candidature ?", hits)[0].text


def test_a_sentence_about_another_number_loses():
    text = "La promotion 3 comptait 15 défis. La promotion 4 comptait 17 défis."
    scored = _scored("Combien de défis dans la promotion 4 ?", [_hit(text)])
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
    # The count must count what is asked: a number a few content words from it, not anywhere in the sentence.
    ("Combien de candidatures pour la promotion 5 ?",
     "Si votre candidature est retenue, vous indiquerez vos 3 projets préférés.", False),
    ("Combien de personnes ont le statut de réfugié ?",
     "230 000 : c'est le nombre de personnes qui ont le statut de réfugié.", True),
    ("Combien de candidatures ?", "Candidatures reçues : 1 200.", True),
    # A number naming a part or an edition counts nothing.
    ("Combien de candidatures ?", "Répondez à l'appel à candidatures pour la promotion 4.", False),
    ("Combien de candidatures ?", "Les candidatures sont traitées à l'étape 2.", False),
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
    best = _scored(question, [_hit(sentence, title="Guide")])[0]
    assert best.fits is fits, expectation(question)


def test_a_sentence_is_about_the_last_name_before_it():
    question = "Quel est le budget de Code for Australia ?"
    text = ("Code for Australia n'affiche pas ses financements. Code for Canada fonctionne depuis 2017. "
            "Son budget est de 500 000 dollars.")
    scored = _scored(question, [_hit(text)])
    assert not next(item for item in scored if item.text.startswith("Son budget")).fits
    heading = _scored(question, [_hit("Son budget est de 500 000 dollars.", heading="Code for Canada")])
    assert not heading[0].fits


def test_a_shorter_form_of_the_name_is_not_a_sibling():
    text = "Team Digitale, Italie. Le budget alloué aux salaires est de 1 970 000 euros pour l'année 2019."
    scored = _scored("Team Digitale Italie : budget alloué aux salaires en 2019 ?", [_hit(text)])
    assert next(item for item in scored if item.text.startswith("Le budget")).fits


def test_an_unlikely_best_sentence_is_an_abstention():
    retrieval = Retrieval([_hit("La médiathèque compte 3 salles de lecture et 12 postes.")], 1.0, 2.0)
    answer = _answer("Combien de livres compte la médiathèque ?", retrieval)
    assert answer.abstained and answer.confidence == "faible" and answer.probability < MODEL.abstain_below
    assert answer.best_text  # what it would have said, for calibration


def test_questions_in_the_text_are_not_answers():
    text = "Qui peut candidater ? Toute personne diplômée peut candidater au programme."
    assert _scored("Qui peut candidater ?", [_hit(text)])[0].text.startswith("Toute personne")


def test_coverage_weighs_rare_terms_more():
    weights = term_weights(["budget", "programm"], {"programm": 90, "budget": 2}, 100)
    assert coverage({"budget"}, weights) > 0.5 > coverage({"programm"}, weights)
    assert coverage(set(), {}) == 0.0


def test_selection_keeps_close_sentences_above_the_threshold_only():
    scored = [Highlight(0, 0, 1, "a", 0.9), Highlight(0, 2, 3, "b", 0.8), Highlight(0, 4, 5, "c", 0.2)]
    assert [h.text for h in select_highlights(scored, 0.3)] == ["a", "b"]
    assert [h.text for h in select_highlights(scored, 0.85)] == ["a"]
    assert select_highlights([], 0.3) == []


def test_standout_is_comparable_across_sizes_and_safe_on_flat_scores():
    assert standout(np.zeros(10)) == 0.0 and standout(np.array([1.0])) == 0.0
    peaked = np.r_[np.zeros(999), 10.0]
    assert standout(peaked) > standout(np.linspace(0, 1, 1000))


@pytest.mark.parametrize(("question", "scored", "topicality", "absent", "abstains"), [
    ("Quel programme ?", [], None, (), True),  # nothing to quote
    ("Quel programme ?", [Highlight(0, 0, 1, "x", 0.2)], None, (), True),  # unlikely to answer
    ("Quel programme ?", [Highlight(0, 0, 1, "x", 0.9)], -3.0, (), True),  # far from what the corpus is about
    ("Quel programme ?", [Highlight(0, 0, 1, "x", 0.9)], -0.5, ("Espagne",), True),  # a name no passage holds
    ("Quel programme ?", [Highlight(0, 0, 1, "x", 0.9)], -0.5, (), False),
    ("Quel programme ?", [Highlight(0, 0, 1, "x", 0.9)], None, (), False),
    # A figure asked: one of the best sentences must hold it.
    ("Combien de livres ?", [Highlight(0, 0, 1, "x", 0.9, fits=False)], None, (), True),
    ("Combien de livres ?", [Highlight(0, 0, 1, "x", 0.9, fits=False), Highlight(0, 2, 3, "y", 0.5)], None, (),
     False),
])
def test_abstention_rule(question, scored, topicality, absent, abstains):
    retrieval = Retrieval([_hit("Texte.")], 1.0, 1.0, topicality)
    assert AbstentionRule().should_abstain(profile(question), scored, retrieval, MODEL, absent) is abstains


def test_a_question_mostly_of_words_the_corpus_never_uses_is_an_abstention():
    retrieval = Retrieval([_hit("Pas de recette toute prête pour réussir un défi.")], 1.0, 2.0)
    answer = _answer("recette de la tarte tatin", retrieval, {"recet": 3, "tart": 0, "tatin": 0})
    assert answer.abstained and answer.missing_terms == ("tarte", "tatin")


def test_a_question_far_from_the_corpus_topic_is_an_abstention_that_says_so():
    question = "Quel est le programme ?"
    hit = _hit("Le programme recrute des profils numériques.")
    on_topic = _answer(question, Retrieval([hit], 1.0, 2.0, topicality=-0.5))
    off_topic = _answer(question, Retrieval([hit], 1.0, 2.0, topicality=-3.0))
    assert not on_topic.abstained
    assert off_topic.abstained and "ne semblent pas traiter de ce sujet" in off_topic.text and off_topic.hits


def test_an_abstention_keeps_the_nearest_passages_and_says_so():
    retrieval = Retrieval([_hit("Le programme dure dix mois.", dense=0.5)], 0.3, 0.3)
    answer = _answer("Combien de temps dure le programme ?", retrieval, model=simple_scorer(abstain_below=0.9999))
    assert answer.abstained and answer.kind == "abstention" and answer.hits and not answer.missing_terms
    assert answer.text.startswith("Je ne trouve pas cela dans les documents.")
    assert answer.to_json()["abstained"] is True


def test_a_question_whose_key_word_the_documents_lack_gets_a_partial_answer():
    text = "La rémunération des EIG est de 4 000 euros nets par mois."
    retrieval = Retrieval([_hit(text, title="Rémunération des EIG")], 1.0, 2.0)
    frequencies = {"eig": 60, "remuner": 5}
    answer = _answer("Les EIG ont-ils des tickets-restaurant ?", retrieval, frequencies)
    assert answer.abstained and answer.missing_terms == ("tickets-restaurant",)
    elsewhere = _answer("Les EIG de Marseille ont-ils le même salaire ?", retrieval, frequencies)
    assert elsewhere.abstained and elsewhere.text.startswith("Les documents ne parlent pas de « Marseille »")
    # Named by other passages of the corpus, only the passages found lack it: saying the documents do would be false.
    elsewhere = _answer("Les EIG de Marseille ont-ils le même salaire ?", retrieval,
                        {**frequencies, "marseil": 2, "salair": 3})
    assert elsewhere.text.startswith("Les passages trouvés ne parlent pas de « Marseille ». Les plus proches portent")
    assert answer.text == ("Les documents ne parlent pas de « tickets-restaurant ». Les passages les plus proches "
                           "portent sur : Rémunération des EIG.")
    shown = answer.to_json()
    assert shown["missing_terms"] == ["tickets-restaurant"] and shown["confidence"] == "faible"


def test_absent_names_are_the_numbers_and_names_no_passage_holds():
    hits = [_hit("La promotion 6 commence en septembre."), _hit("Le programme existe en France.", title="Europe")]
    assert absent_names(profile("Quand commence la promotion 7 ?"), hits) == ("7",)
    assert absent_names(profile("Quand commence la promotion 6 ?"), hits) == ()
    assert absent_names(profile("Existe-t-il un programme en Espagne ?"), hits) == ("Espagne",)
    assert absent_names(profile("Existe-t-il un programme en France ?"), hits) == ()
    assert absent_names(profile("Combien de promotions ?"), []) == ()


def test_absent_labels_are_numbers_naming_a_thing_no_passage_names_so():
    hits = [_hit("Candidatures jusqu'au 7 juin pour la promotion 4. Voir l'article 8."),
            _hit("Les EIG 3 ont publié leur code.", title="Bilan de la 2e promotion")]
    assert absent_labels(profile("Quand démarre la promotion EIG 7 ?"), hits) == ("EIG 7",)
    assert absent_labels(profile("calendrier appel a projets EIG 8"), hits) == ("EIG 8",)
    assert absent_labels(profile("Quand démarre la promotion 4 ?"), hits) == ()
    assert absent_labels(profile("Le code des EIG de la promo 3 est-il publié ?"), hits) == ()
    assert absent_labels(profile("Combien de défis dans la deuxième promotion ?"), hits) == ()
    assert absent_labels(profile("Que dit l'article 8 ?"), hits) == ()
    assert absent_labels(profile("Que font les EIG pendant les 10 mois ?"), hits) == ()
    # An acronym's number names an edition of what it stands for, whatever the question calls it.
    assert absent_labels(profile("Combien a coûté la troisième promo ?"), hits) == ()
    # Shown as the user wrote it, not as a bare number.
    assert absent_labels(profile("Combien a coûté la cinquième promo ?"), hits) == ("cinquième promo",)
    assert absent_labels(profile("Combien de défis dans la 6e promo ?"), hits) == ("6e promo",)


def test_a_question_on_a_promotion_the_documents_never_name_gets_the_partial_answer():
    hits = [_hit("Jusqu'au 7 juin 2020, candidatez pour faire partie de la promotion 4.")]
    answer = _answer("Quand démarre la promotion 7 ?", Retrieval(hits, 1.0, 2.0))
    assert answer.abstained and "« promotion 7 »" in answer.text
    assert answer.to_json()["missing_terms"] == ["promotion 7"]


def test_unknown_words_are_those_no_passage_of_the_corpus_holds():
    frequencies = {"eig": 60, "remuner": 5}
    assert unknown_words(profile("Les EIG ont-ils des tickets-restaurant ?", frequencies)) == ("tickets-restaurant",)
    assert unknown_words(profile("rémunération des EIG", frequencies)) == ()


def test_an_answer_states_its_confidence():
    text = "La rémunération est de 4 000 euros nets par mois."
    retrieval = Retrieval([_hit(text)], 1.0, 2.0)
    sure = _answer("Quelle est la rémunération ?", retrieval, model=simple_scorer(0.1, 0.2))
    unsure = _answer("Quelle est la rémunération ?", retrieval, model=simple_scorer(0.1, 0.9999))
    assert (sure.confidence, unsure.confidence) == ("haute", "moyenne")
    assert not sure.abstained and sure.to_json()["confidence"] == "haute" and sure.to_json()["missing_terms"] == []
    assert sure.to_json()["highlights"][0]["probability"] == sure.highlights[0].score


def test_a_sentence_announcing_a_list_brings_its_items():
    question = "Quels outils sont mis à disposition ?"
    text = ("Les outils mis à disposition des équipes :\nun serveur de calcul ;\n"
            "un espace de fichiers partagés.\n\nAutre.")
    answer = _answer(question, Retrieval([_hit(text)], 1.0, 2.0))
    assert "un serveur de calcul" in answer.text and "un espace de fichiers partagés" in answer.text
    assert "Autre" not in answer.text
    numbered = "Les 3 facteurs de réussite 1. Un périmètre clair 2. Des mentors investis 3. Un portage fort"
    answer = _answer("facteurs de réussite", Retrieval([_hit(numbered)], 1.0, 2.0))
    assert "Un périmètre clair" in answer.text and "Un portage fort" in answer.text


def _dated_hit(text, date, passage_id=0):
    passage = Passage(id=passage_id, source=f"{passage_id}.md", page=None, title=f"Guide {date[:4]}", date=date,
                      kind=None, url=None, heading=None, text=text, start=0, end=len(text))
    return Hit(passage, 1.0, 1.0, 0.9)


def test_rules_of_different_years_come_most_recent_first_and_say_their_year():
    hits = [_dated_hit("Le salaire est fixé à 4 000 euros nets pour tous.", "2020-01-10", 0),
            _dated_hit("Le salaire est fixé à 3 500 euros nets par mois.", "2021-01-10", 1)]
    chosen = [Highlight(0, 0, 49, hits[0].passage.text, 0.6), Highlight(1, 0, 48, hits[1].passage.text, 0.5)]
    assert states_dated_figures(chosen, hits, names_its_time=False)
    ordered = arrange(chosen, hits, dated=True)
    assert [item.hit_index for item in ordered] == [1, 0]
    assert dated_text(ordered, hits, dated=True) == (
        "D'après « Guide 2021 » (2021) : Le salaire est fixé à 3 500 euros nets par mois. "
        "D'après « Guide 2020 » (2020) : Le salaire est fixé à 4 000 euros nets pour tous.")
    # A question that names its year or promotion keeps the scorer's order, without the years.
    assert not states_dated_figures(chosen, hits, names_its_time=True)
    assert [item.hit_index for item in arrange(chosen, hits, dated=False)] == [0, 1]
    assert not dated_text(chosen, hits, dated=False).startswith("D'après")


def test_sentences_that_are_not_versions_of_one_rule_keep_the_scorers_order_whatever_their_year():
    hits = [_dated_hit("Le programme EIG permet d'intégrer des talents du numérique.", "2019-01-10", 0),
            _dated_hit("Le blog a publié 19 articles sur le programme.", "2021-06-01", 1),
            _dated_hit("Le budget prévoit 800 000 euros pour les salaires.", "2021-06-01", 2)]
    salary = _dated_hit("Le salaire est fixé à 4 000 euros nets pour tous.", "2019-01-10", 3)
    chosen = [Highlight(0, 0, 60, hits[0].passage.text, 0.6), Highlight(1, 0, 46, hits[1].passage.text, 0.5)]
    assert not states_dated_figures(chosen, hits, names_its_time=False)
    figures = [Highlight(3, 0, 49, salary.passage.text, 0.6), Highlight(2, 0, 50, hits[2].passage.text, 0.5)]
    assert not states_dated_figures(figures, [*hits, salary], names_its_time=False)
    assert [item.hit_index for item in arrange(chosen, hits, dated=False)] == [0, 1]


def test_sentences_are_shown_best_first():
    text = "Le programme est ouvert à toute personne diplômée. Nous recherchons surtout des profils expérimentés."
    hits = [_dated_hit(text, "2021-01-10")]
    chosen = [Highlight(0, 51, len(text), text[51:], 0.6), Highlight(0, 0, 50, text[:50], 0.5)]
    assert [item.start for item in arrange(chosen, hits, dated=False)] == [51, 0]


def test_a_typo_of_a_corpus_word_is_not_unknown():
    from eig_qa.search.analyzer import analyze

    frequencies = dict.fromkeys(analyze("une collectivité territoriale peut candidater"), 4)
    assert profile("une colectivité territorialle peut candidater", frequencies).unknown == frozenset()
    assert profile("recette de la tarte", {"recet": 2, "cart": 5}).unknown == frozenset({"tart"})


def test_a_clipped_corpus_word_is_not_unknown():
    from eig_qa.search.analyzer import analyze

    frequencies = dict.fromkeys(analyze("entretien par visioconférence possible"), 3)
    assert profile("entretien en visio possible ?", frequencies).unknown == frozenset()
    assert profile("entretien en vis possible ?", frequencies).unknown == frozenset(analyze("vis"))


def test_the_corpus_answer_to_the_very_question_leads_in_reading_order_with_high_confidence():
    entry = Passage(id=7, source="faq.yml", page=None, title="FAQ", date=None, kind="faq", url=None,
                    heading="Qui peut devenir EIG ?", start=0, end=0,
                    text="Le programme est ouvert à toute personne diplômée. Nous recherchons surtout de l'expérience.")
    other = _hit("Les EIG peuvent devenir mentors ensuite, et les EIG expérimentés sont recherchés.")
    retrieval = Retrieval([other, Hit(entry, 0.9, 1.0, 0.8)], 1.0, 2.0)
    # A scorer that would abstain: the corpus asks this very question, so its answer is given.
    unsure = simple_scorer(abstain_below=0.9999)
    answer = build_answer(profile("Qui peut devenir EIG ?"), retrieval, unsure, asked=(7,))
    assert not answer.abstained and answer.confidence == "haute"
    assert [item.text for item in answer.highlights] == [
        "Le programme est ouvert à toute personne diplômée.", "Nous recherchons surtout de l'expérience."]
    assert build_answer(profile("Qui peut devenir EIG ?"), retrieval, unsure).abstained  # without the entry


def test_a_list_item_chosen_itself_is_quoted_once_after_its_announcing_sentence():
    text = "Le programme recrute les profils suivants :\n- des designers ;\n- des développeurs."
    passage = Passage(id=3, source="faq.yml", page=None, title="FAQ", date=None, kind="faq", url=None,
                      heading="Quels sont les profils recherchés ?", text=text, start=0, end=len(text))
    answer = build_answer(profile("Quels sont les profils recherchés ?"),
                          Retrieval([Hit(passage, 1.0, 1.0, 0.9)], 1.0, 2.0), MODEL, asked=(3,))
    texts = [item.text for item in answer.highlights]
    assert len(texts) == len(set(texts)) == 3 and texts[0].endswith(":")
