"""Every figure function on the hand-counted fixture, the published figures and the evaluation rule."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from eig_qa.figures import catalogue as fig
from eig_qa.figures.catalogue import ALL, Figure, Selection
from eig_qa.figures.data import load_structured_data

FIXTURE_CORPUS = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def data():
    return load_structured_data(FIXTURE_CORPUS)


def promotions(*codes: str) -> Selection:
    return Selection(promotions=frozenset(codes))


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (ALL, 6),
        (promotions("1"), 2),
        (promotions("2"), 1),
        (promotions("3"), 0),
        (promotions("4"), 2),
        (promotions("dig"), 1),
        (Selection(year=2017), 2),
        (Selection(administration="Ministère de l’Intérieur"), 2),  # Alpha and Beta, one of its directions
        (Selection(administration="Cour des comptes"), 2),
        (Selection(city="Paris"), 1),
        (Selection(skill="datascience"), 3),
        (Selection(duration_months=10), 4),
        (Selection(with_source_code=True), 3),
        (Selection(promotions=frozenset({"4"}), city="Saint-Denis"), 1),
        (Selection(defis=frozenset({"Alpha", "Zeta"})), 2),
    ],
)
def test_defi_count(data, selection, expected):
    figure = fig.defi_count(data, selection)
    assert figure.value == expected
    assert figure.unit in ("défi", "défis")
    assert figure.source == "data/defis.yml"


def test_defi_count_says_what_it_counts(data):
    figure = fig.defi_count(data, Selection(promotions=frozenset({"4"}), city="Paris"))
    assert figure.label == "Nombre de défis de la promotion EIG 4 situés à Paris"
    assert "promotion ∈ {4}" in figure.computation and "ville = Paris" in figure.computation
    assert fig.defi_count(data, fig.eig_promotions(data)).label.endswith("(hors DIG)")


def test_defi_names(data):
    assert fig.defi_names(data, Selection(duration_months=10)).value == "Alpha, Beta, Delta, Zeta"
    assert fig.defi_names(data, Selection(duration_months=7)).value == "aucun"


def test_exact_administration_count(data):
    assert fig.exact_administration_count(data, "Ministère de l’Intérieur").value == 1


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (ALL, 7),  # Ada Dev works on two défis
        (promotions("1"), 3),
        (promotions("4"), 2),
        (promotions("dig"), 1),
        (Selection(profile="designer"), 3),  # Designer and Designeuse
        (Selection(profile="développeur"), 2),
        (Selection(promotions=frozenset({"4"}), profile="designer"), 0),
        (Selection(administration="Cour des comptes"), 3),
    ],
)
def test_eig_count(data, selection, expected):
    assert fig.eig_count(data, selection).value == expected


def test_eig_count_names_the_programme(data):
    assert fig.eig_count(data).label == "Nombre d’EIG et designers DIG distincts"
    assert fig.eig_count(data, promotions("1")).label == "Nombre d’EIG distincts de la promotion EIG 1"
    assert "Designer, Designeuse" in fig.eig_count(data, Selection(profile="designer")).computation


def test_eig_share(data):
    share = fig.eig_share(data, Selection(profile="designer"))
    assert share.value == 42.9 and share.unit == "%"


def test_team_names(data):
    only_alpha = Selection(defis=frozenset({"Alpha"}))
    assert fig.team_names(data, only_alpha).value == "Ada Dev (Développeuse), Bea Data (Data scientist)"
    assert fig.team_names(data, Selection(defis=frozenset({"Zeta"})), "mentor").value == "Rita Absente"


def test_mentor_counts(data):
    assert fig.mentor_count(data).value == 5
    assert "class = 5" in fig.mentor_count(data).computation
    assert fig.defi_mentor_count(data).value == 6  # Rita Absente is only in defis.yml
    assert fig.defi_mentor_count(data, promotions("1")).value == 2


def test_source_code_shares_with_and_without_dig(data):
    assert [share.value for share in fig.source_code_shares(data)] == [50.0, 60.0]
    assert [share.value for share in fig.source_code_shares(data, promotions("4"))] == [50.0]
    assert "3 défis sur 6" in fig.source_code_shares(data)[0].computation


def test_defi_share(data):
    share = fig.defi_share(data, Selection(skill="datascience"), promotions("1"))
    assert share.value == 50.0
    assert share.label == "Part des défis de la promotion EIG 1 faisant appel à la compétence « data science »"


def test_administrations(data):
    assert fig.administration_count(data).value == 5
    names = fig.administration_names(data, promotions("4"))
    assert names.value == "Cour des comptes (1 défi), Haute Autorité de Santé (1 défi)"
    top = fig.top_administrations(data)
    assert [figure.value for figure in top] == ["Cour des comptes (2 défis)"]


def test_breakdown_and_distribution(data):
    assert [figure.value for figure in fig.breakdown(data, fig.defi_count, "promotions")] == [2, 1, 2, 1]
    assert [figure.value for figure in fig.breakdown(data, fig.eig_count, "profile", promotions("1"))] == [1, 1, 1]
    skills = fig.distribution(data, fig.defi_count, "skill")
    assert skills.value == "développement (4 défis), data science (3 défis), design (2 défis)"
    durations = fig.distribution(data, fig.defi_count, "duration_months", limit=1)
    assert durations.value == "10 mois (4 défis)"
    assert "2 autres catégories" in durations.computation
    ministries = fig.distribution(data, fig.defi_count, "administration")
    assert ministries.value == "Ministère de l’Intérieur (2 défis)"


def test_promotions_years_and_people(data):
    assert fig.category_count(data, "promotions").value == 4  # EIG 3 has no défi here
    assert fig.category_count(data, "promotions", fig.eig_promotions(data)).value == 3
    assert fig.category_count(data, "city").value == 2
    assert fig.category_count(data, "profile", promotions("4")).value == 2
    assert fig.years_covered(data).value == "2017 à 2020 (4 années)"
    assert fig.people_total(data).value == 13


def test_defi_facts(data):
    facts = {figure.label: figure.value for figure in fig.defi_facts(data, "Alpha")}
    assert facts == {
        "Administration du défi Alpha": "Ministère de l’Intérieur",
        "Promotion du défi Alpha": "EIG 1 (2017)",
        "EIG du défi Alpha": "Ada Dev (Développeuse), Bea Data (Data scientist)",
        "Mentors du défi Alpha": "Marc Mentor (Mentor)",
        "Durée du défi Alpha": 10,
        "Code source du défi Alpha": "https://example.org/alpha",
        "Compétences du défi Alpha": "développement, data science",
        "agents formés (défi Alpha)": 120,
    }
    assert [figure.value for figure in fig.defi_facts(data, "Beta", ["source_code"])] == ["non publié"]


def test_catalogue_is_complete_and_json_ready(data):
    figures = fig.catalogue(data)
    assert len(figures) > 30
    assert all(figure.computation and figure.scope and figure.source for figure in figures)
    json.dumps([figure.to_dict() for figure in figures])
    # The public fields stay; the query and its pandas steps are added, the rows stay out of JSON.
    assert {"label", "value", "unit", "scope", "computation", "source"} <= set(figures[0].to_dict())
    assert "rows" not in figures[0].to_dict()
    assert fig.figures_contain(figures, {"défis": 6, "EIG": 7, "mentors": 5, "code": 50.0})


@dataclass
class FakePassage:
    text: str
    title: str = "Cartographie des défis"
    date: str = "2021-03"
    source: str = "documents/slides/cartographie.txt"
    url: str = ""


def test_published_figures_keep_the_sentence_and_the_document():
    passage = FakePassage(
        "- 172 talents EIG recrutés dont 8 coachs\n- 87 projets numériques dont 4 défis coachs\n"
        "- 6 promotions\n- 63% des livrables en open source\nLa sécurité (13 défis). En 2019, une promotion. "
        "Les 24 défis ont-ils réussi ? Une promotion similaire (15 défis, 32 EIG). "
        "Il y a 24,3 % d'agents et 1 288 usagers."
    )
    figures = fig.published_figures([passage])
    assert [(figure.value, figure.unit) for figure in figures] == [
        (172, "talents"), (87, "projets"), (6, "promotions"), (63, "%"), (24.3, "%")
    ]
    assert figures[1].label == "87 projets numériques dont 4 défis coachs"
    assert figures[1].scope == "Selon Cartographie des défis (2021)"
    assert figures[1].source == "documents/slides/cartographie.txt"
    assert [fig.figure_topic(figure) for figure in figures] == ["people", "defis", "promotions", "open_source", "share"]


def test_a_table_row_is_not_read_as_one_big_number():
    row = FakePassage("Sélection Candidats EIG 115 208 170 493 Défis proposés 9 43 42 85")
    assert fig.published_figures([row]) == []
    assert [f.value for f in fig.published_figures([FakePassage("En 2019, 1 288 usagers et 15 défis.")])] == [15]


def test_published_figures_of_nothing():
    assert fig.published_figures([]) == []
    assert fig.published_figures([FakePassage("Aucun chiffre ici.")]) == []


def figure(label: str, value, unit: str = "") -> Figure:
    return Figure(label, value, unit, "portée", "calcul", "source")


@pytest.mark.parametrize(
    ("figures", "expected", "holds"),
    [
        ([figure("Nombre de défis", 15, "défis")], 15, True),
        ([figure("Nombre de défis", 15, "défis")], 16, False),
        ([figure("Part", 46.5, "%")], 46.5, True),
        ([figure("Part", 46.5, "%")], 0.465, True),
        ([figure("Part", 46.5, "%")], 46.46, True),
        ([figure("Part", 46.5, "%")], 46.4, False),
        ([figure("Le plus", "Ministère de l’Intérieur (3 défis)")], 3, True),
        ([figure("Le plus", "Ministère de l’Intérieur (3 défis)")], "ministère de l'intérieur", True),
        ([figure("Le plus", "Ministère de l’Intérieur (3 défis)")], ["Ministère de l'Intérieur", 3], True),
        ([figure("Le plus", "Ministère de l’Intérieur (3 défis)")], ["Ministère de l'Intérieur", 4], False),
        ([figure("Défis de 12 mois", "Alpha, ID numérique"), figure("Autre", 1)], ["Alpha", "ID numérique"], True),
        ([figure("Nombre de défis de la promotion EIG 3", 15)], {"promotion": "EIG 3", "défis": 15}, True),
        ([figure("Talents", "1 288 talents")], 1288, True),
        ([], 1, False),
    ],
)
def test_figures_contain(figures, expected, holds):
    assert fig.figures_contain(figures, expected) is holds
