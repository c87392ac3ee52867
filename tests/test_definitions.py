"""Definition questions: what they ask to define, the sentences that define it, and the passages added for them."""

import pytest

from eig_qa.answer.definitions import MAX_ADDED, extra_words, subject_forms, with_defining_passages
from eig_qa.answer.expectation import defining_head, expectation
from eig_qa.french import fold_accents
from eig_qa.ingest.chunking import Passage
from eig_qa.search.analyzer import term_set
from eig_qa.search.passage_analysis import with_analysis
from eig_qa.search.retrieval import Hit, Retrieval
from tests.scoring_helpers import profile


@pytest.mark.parametrize(("question", "subject"), [
    ("Qu'est-ce que le programme EIG ?", "programme EIG"),
    ("Qu’est-ce qu’un mentor ?", "mentor"),
    ("Un défi, c'est quoi ?", "défi"),
    ("c'est quoi un bootcamp", "bootcamp"),
    ("Que signifie open data ?", "open data"),
])
def test_a_definition_question_names_its_subject(question, subject):
    assert expectation(question).defined == term_set(subject)


@pytest.mark.parametrize("question", [
    "Qu'est-ce qui a le plus agacé les EIG ?", "Quel est le salaire des EIG ?", "Combien de défis en promotion 3 ?",
])
def test_other_questions_ask_no_definition(question):
    assert expectation(question).defined == frozenset()


def test_a_defining_sentence_opens_with_its_subject_then_a_defining_verb():
    assert defining_head(fold_accents("Un mentor est un agent public qui porte le défi.")) == ("mentor",)
    assert defining_head(fold_accents("Le programme EIG permet d'intégrer des profils.")) == ("programm", "eig")
    assert defining_head(fold_accents("Autour du programme, d'autres initiatives font écho.")) == ()


def test_only_sentences_that_define_the_subject_fit_a_definition_question():
    asked = expectation("Qu'est-ce qu'un mentor ?")

    def fits(sentence):
        folded = fold_accents(sentence)
        return asked.met_by(folded, term_set(sentence), frozenset())

    assert fits("Les mentors sont des agents publics qui accompagnent les EIG.")
    assert not fits("Plus de 90 % des mentors sont satisfaits.")
    assert not fits("Les EIG rencontrent leurs mentors en septembre.")


def test_the_subject_is_defined_by_its_head_not_the_words_that_place_it():
    asked = expectation("Qu'est-ce qu'un mentor dans le programme EIG ?")
    assert asked.defined_head == "mentor"
    assert asked.met_by(fold_accents("Un mentor est un agent public."), frozenset(), frozenset())
    assert not asked.met_by(fold_accents("Le programme EIG permet de recruter."), frozenset(), frozenset())


def _definition_answer(sentences):
    from eig_qa.answer.answering import build_answer
    from tests.scoring_helpers import simple_scorer

    text = " ".join(sentences)
    passage = with_analysis([_passage(0, text)])[0]
    return build_answer(profile("Qu'est-ce qu'un mentor ?"), Retrieval([Hit(passage, 1.0, 1.0, 0.9)], 1.0, 2.0),
                        simple_scorer(abstain_below=0.01))


def test_a_definition_question_quotes_only_defining_sentences_and_abstains_without_one():
    answer = _definition_answer(["Les mentors rencontrent les EIG chaque mois en atelier.",
                                 "Un mentor est un agent public qui porte le défi."])
    assert not answer.abstained
    assert [item.text for item in answer.highlights] == ["Un mentor est un agent public qui porte le défi."]
    assert _definition_answer(["Les mentors rencontrent les EIG chaque mois en atelier."]).abstained


def test_an_acronym_subject_also_matches_its_long_form():
    forms = subject_forms(term_set("programme EIG"), {"EIG": "entrepreneurs d'intérêt général", "DINUM": "direction"})
    assert forms == [term_set("programme EIG"), term_set("programme entrepreneurs d'intérêt général")]


def _passage(number, text):
    return Passage(id=number, source=f"doc{number}.md", page=None, title="Doc", date=None, kind=None, url=None,
                   heading=None, text=text, start=0, end=0)


def test_the_closest_definition_counts_the_fewest_other_words():
    forms = [term_set("programme EIG")]
    text = "Le programme EIG 4 est lancé. Le programme EIG est un programme de l'État."
    assert extra_words(_passage(0, text), forms) == 0
    assert extra_words(with_analysis([_passage(0, text)])[0], forms) == 0
    assert extra_words(_passage(0, "Le programme EIG 4 est lancé."), forms) == 1
    assert extra_words(_passage(0, "On parle du programme EIG."), forms) is None


def test_passages_defining_the_subject_join_the_candidates_as_the_best_hit():
    passages = [_passage(0, "Les EIG rencontrent leurs mentors."),
                *[_passage(number, f"Un mentor est un agent public numéro {number}.") for number in range(1, 6)],
                _passage(6, "Un mentor expérimenté est un agent public.")]
    retrieval = Retrieval([Hit(passages[0], 0.9, 2.0, 0.8)], 1.0, 1.0)
    widened = with_defining_passages(profile("Qu'est-ce qu'un mentor ?"), retrieval, passages, {})
    added = widened.hits[1:]
    assert [hit.passage.id for hit in added] == [1, 2, 3][:MAX_ADDED]
    assert all(hit.score == 0.9 and hit.dense == 0.8 for hit in added)
    assert with_defining_passages(profile("Quel est le rôle d'un mentor ?"), retrieval, passages, {}) is retrieval
