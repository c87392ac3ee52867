"""Acronyms defined by the corpus, mined and used to expand questions."""

from eig_qa.search.acronyms import expand, mine_acronyms

TEXTS = [
    "La direction interministérielle du numérique (DINUM) pilote le programme.",
    "Les Entrepreneurs d’Intérêt Général (EIG) rejoignent une administration. Les EIG sont recrutés pour 10 mois.",
    "Le programme a fusionné avec celui des designers d'intérêt général (DIG).",
    "Les cartes graphiques (GPU) accélèrent les calculs.",
    "Une note (voir annexe) sans acronyme, et un sigle seul (ABC) sans forme longue devant : ( ABC ).",
]


def test_long_forms_spell_their_acronym_and_skip_linking_words():
    acronyms = mine_acronyms(TEXTS)
    assert acronyms["DINUM"] == "direction interministérielle du numérique"
    assert acronyms["EIG"] == "Entrepreneurs d Intérêt Général"
    assert acronyms["DIG"] == "designers d intérêt général"  # not "d'intérêt général"
    assert "GPU" not in acronyms  # one word does not spell three letters
    assert "ABC" not in acronyms


def test_the_most_frequent_long_form_wins():
    texts = ["La Commission nationale informatique et libertés (CNIL)."] * 2 + ["Le Centre National Info Libre (CNIL)."]
    assert mine_acronyms(texts)["CNIL"] == "Commission nationale informatique et libertés"


def test_a_question_gets_the_long_forms_of_its_acronyms_once():
    acronyms = {"DINUM": "direction interministérielle du numérique", "PIF": "Presidential Innovation Fellows"}
    assert expand("Que fait la DINUM ?", acronyms) == "Que fait la DINUM ? (direction interministérielle du numérique)"
    assert expand("DINUM et PIF", acronyms).endswith("(direction interministérielle du numérique ; "
                                                     "Presidential Innovation Fellows)")
    already = "La DINUM (direction interministérielle du numérique) ?"
    assert expand(already, acronyms) == already
    assert expand("que fait la dinum ?", acronyms) == "que fait la dinum ?"  # lower case is a word, not a sigle
