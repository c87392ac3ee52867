"""Loading the YAML data of défis, people and promotions, on a hand-counted fixture and on broken copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eig_qa.errors import DataError
from eig_qa.figures.data import fold, load_structured_data, profile_key

FIXTURE_CORPUS = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def data():
    return load_structured_data(FIXTURE_CORPUS)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus, to break."""
    shutil.copytree(FIXTURE_CORPUS / "data", tmp_path / "data")
    return tmp_path


def test_tables_have_one_row_per_entry(data):
    assert len(data.defis) == 6
    assert len(data.people) == 13
    assert list(data.promotions["label"]) == ["EIG 1", "EIG 2", "EIG 3", "EIG 4", "DIG"]
    assert list(data.promotions["year"]) == [2017, 2018, 2019, 2020, 2019]


def test_defis_are_typed_and_their_labels_cleaned(data):
    defis = data.defis.set_index("name")
    beta = "Ministère de l’Intérieur, Direction générale de la gendarmerie nationale (DGGN)"
    assert defis.loc["Beta", "administration"] == beta  # stray spaces gone, typographic apostrophe kept
    assert defis.loc["Epsilon", "promotion"] == "dig"
    assert defis.loc["Alpha", "promotion_label"] == "EIG 1"
    assert defis.loc["Delta", "city"] == "Paris"
    assert defis.loc["Delta", "ville"] == "Paris (75012)"
    assert defis.loc["Gamma", "duration_months"] == 12
    assert list(defis["has_source_code"]) == [True, False, True, True, False, False]
    assert defis.loc["Alpha", "key_figures"] == ((120, "agents formés"),)
    assert defis.loc["Beta", "ministry"] == "Ministère de l’Intérieur"


def test_people_keep_their_label_and_get_a_trade(data):
    people = data.people.set_index("name")
    assert people.loc["Ada Dev", "profile"] == "Développeuse"
    assert people.loc["Ada Dev", "profile_key"] == "développeur"
    assert people.loc["Dan Designeuse", "profile_key"] == "designer"
    assert people.loc["Gus Data", "profile"] == "Data scientist"
    assert people.loc["Dan Designeuse", "years"] == (2018, 2019)


def test_defi_people_has_one_row_per_defi_and_person(data):
    team = data.defi_people
    assert (team["role"] == "eig").sum() == 8
    assert (team["role"] == "mentor").sum() == 7
    assert team.loc[team["person"] == "Ada Dev", "defi"].tolist() == ["Alpha", "Gamma"]
    # A mentor absent from personnes.yml stays, without a profile.
    assert team.loc[team["person"] == "Rita Absente", "profile"].isna().all()


def test_defi_skills_has_one_row_per_defi_and_skill(data):
    skills = data.defi_skills
    assert len(skills) == 9
    assert skills.loc[skills["defi"] == "Alpha", "skill_label"].tolist() == ["développement", "data science"]


def test_fold_ignores_case_accents_apostrophes_and_punctuation():
    assert fold("  Ministère de l’Intérieur, ") == "ministere de l interieur"
    assert fold("EIG-3") == "eig 3"
    assert profile_key("Designeuse") == profile_key("designer") == "designer"


def test_corpus_without_data_has_no_figures(tmp_path: Path):
    assert load_structured_data(tmp_path) is None
    (tmp_path / "data").mkdir()
    assert load_structured_data(tmp_path) is None


def test_missing_file_is_an_error(corpus_copy: Path):
    (corpus_copy / "data" / "personnes.yml").unlink()
    with pytest.raises(DataError, match=r"personnes\.yml manquant"):
        load_structured_data(corpus_copy)


def test_broken_yaml_is_an_error_with_its_line(corpus_copy: Path):
    (corpus_copy / "data" / "defis.yml").write_text('"Alpha":\n  title: [Alpha\n  year: 2017\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"data/defis\.yml n'est pas un YAML valide \(ligne \d+\)") as caught:
        load_structured_data(corpus_copy)
    assert "corrigez" in caught.value.message


def test_missing_field_is_an_error_naming_the_entry(corpus_copy: Path):
    path = corpus_copy / "data" / "defis.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  promotion: 2\n", ""), encoding="utf-8")
    with pytest.raises(DataError, match="« Gamma » n'a pas de champ « promotion »"):
        load_structured_data(corpus_copy)


@pytest.mark.parametrize(
    ("file_name", "old", "new", "message"),
    [
        ("defis.yml", "promotion: 2\n", "promotion: 7\n", "promotion 7"),
        ("defis.yml", "year: 2018", "year: deux-mille", "nombre entier"),
        ("defis.yml", 'skills: ["dev"]', "skills: dev", "doit être une liste"),
        ("promos.yml", "class: 2018 eig-2", "class: eig-2", "ne contient pas d'année"),
        ("personnes.yml", "Zoé Coach: {profil: Accompagnement,", "Zoé Coach: {profil: ,", "« profil »"),
    ],
)
def test_invalid_values_are_errors(corpus_copy: Path, file_name: str, old: str, new: str, message: str):
    path = corpus_copy / "data" / file_name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_structured_data(corpus_copy)


def test_empty_or_list_file_is_an_error(corpus_copy: Path):
    (corpus_copy / "data" / "promos.yml").write_text("- EIG 1\n- EIG 2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"promos\.yml doit associer"):
        load_structured_data(corpus_copy)


def test_real_data_loads(real_corpus_dir: Path):
    data = load_structured_data(real_corpus_dir)
    assert (len(data.defis), len(data.people), len(data.promotions)) == (71, 262, 5)
    assert data.defi_people["role"].value_counts().to_dict() == {"mentor": 152, "eig": 131}
