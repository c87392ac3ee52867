import pytest

from eig_qa.french import fold_accents
from eig_qa.search.analyzer import analyze, labelled_numbers, words


def test_accents_are_folded():
    assert fold_accents("Défi Intérieur Élysée") == "defi interieur elysee"
    assert analyze("défis") == analyze("DEFIS") == analyze("defis")


def test_elisions_are_split():
    assert analyze("l'administration") == analyze("administration")
    assert analyze("d’intérêt général") == analyze("intérêt général")
    assert analyze("jusqu'au") == []


def test_stopwords_and_question_words_are_dropped():
    assert analyze("Combien de défis y a-t-il dans la promotion ?") == analyze("défis promotion")
    # Adverbs and function words carry no topic either ("qui a le plus agacé", "faut-il beaucoup d'expérience").
    assert analyze("Concrètement, qui a le plus agacé tous les EIG chaque fois ?") == analyze("agacé EIG")


def test_plurals_share_a_stem():
    assert analyze("entrepreneurs")[0] == analyze("entrepreneur")[0]
    assert analyze("candidatures")[0] == analyze("candidature")[0]


def test_numbers_are_kept_and_thousands_joined():
    assert analyze("4 000 euros") == analyze("4000 euros")
    assert "2019" in analyze("en 2019")


def test_letters_and_digits_are_split():
    assert words("EIG3 et promo4") == ["eig", "3", "et", "promotion", "4"]
    assert analyze("EIG3") == analyze("EIG 3")


def test_hyphenated_compounds_also_match_their_joined_form():
    assert set(analyze("datascientists")) <= set(analyze("data-scientists"))


def test_typos_are_corrected_against_the_indexed_terms():
    from eig_qa.search.lexical import build_lexical_index, corrected_terms, lexical_scores

    index = build_lexical_index(["L'administration recrute.", "Le budget du programme.", "Une autre phrase."])
    assert corrected_terms(index, analyze("administation")) == analyze("administration")
    assert corrected_terms(index, analyze("xylophone")) == []
    scores = lexical_scores(index, "administation")
    assert scores.argmax() == 0 and scores[0] > 0


def test_ordinal_words_are_numbers():
    assert analyze("la troisième promotion") == analyze("la 3e promotion") == ["3", "promot"]
    assert analyze("3ème promotion") == ["3", "promot"]
    assert analyze("Deuxième") == ["2"]


def test_folding_in_place_keeps_offsets():
    from eig_qa.french import fold_in_place, plain_apostrophes

    text = "L’équipe Œuvre à Évry"
    assert len(fold_in_place(text)) == len(text)
    assert fold_in_place(text) == "l'equipe œuvre a evry"
    assert plain_apostrophes("l’œuvre") == "l'oeuvre"


def test_words_typed_without_accents_give_the_same_terms():
    assert analyze("données collectivité premières après activité") == \
        analyze("donnees collectivite premieres apres activite")


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("la promotion EIG 7", {("eig", "7")}),
        ("eig4 et la 3e promo", {("eig", "4"), ("promot", "3")}),
        ("la quatrième promotion", {("promot", "4")}),
        ("Article 12 du code", {("articl", "12")}),
        ("les 10 mois, le 7 juin 2020, en 2024, 3 500 euros", set()),
        ("un contrat 10 mois, un taux 25 %, EIG 8 administrations", {("eig", "8")}),
        ("(10 lignes maximum)\n\n7. Enjeux ; février - 7 avril ; juin, 8 juin", set()),
    ],
)
def test_labelled_numbers_name_a_thing_rather_than_count_it(text, pairs):
    assert labelled_numbers(text) == pairs
