"""The figures of the engine on the hand-counted fixture, the published figures and the evaluation rule."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from eig_qa.figures import catalogue as fig
from eig_qa.figures.catalogue import Figure
from eig_qa.figures.data import load_structured_data
from eig_qa.figures.engine import HORS_DIG, WITH_CODE, catalogue, defi_facts, run_query
from eig_qa.figures.query import Filter, Query

FIXTURE_CORPUS = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def data():
    return load_structured_data(FIXTURE_CORPUS)


def count(data, measure=None, *filters, **fields):
    return run_query(data, Query("defis", measure, filters=filters, **fields))


def promotion(*codes: str) -> Filter:
    return Filter("promotion", "in", codes)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ((), 6),
        ((promotion("1"),), 2),
        ((promotion("2"),), 1),
        ((promotion("3"),), 0),
        ((promotion("4"),), 2),
        ((promotion("dig"),), 1),
        ((HORS_DIG,), 5),
        ((Filter("year", "in", (2017,)),), 2),
        ((Filter("administration", "contains", ("Ministère de l’Intérieur",)),), 2),  # with one of its directions
        ((Filter("administration", "in", ("Ministère de l’Intérieur",)),), 1),  # the exact label
        ((Filter("administration", "contains", ("Cour des comptes",)),), 2),
        ((Filter("city", "in", ("Paris",)),), 1),
        ((Filter("skills", "any", ("datascience",)),), 3),
        ((Filter("duration_months", "in", (10,)),), 4),
        ((WITH_CODE,), 3),
        ((promotion("4"), Filter("city", "in", ("Saint-Denis",))), 1),
        ((Filter("name", "in", ("Alpha", "Zeta")),), 2),
    ],
)
def test_defi_count(data, filters, expected):
    figure = count(data, None, *filters)
    assert figure.value == expected
    assert figure.unit in ("défi", "défis")
    assert figure.source == "data/defis.yml"


def test_a_figure_says_what_it_counts_and_how(data):
    figure = count(data, None, promotion("4"), Filter("city", "in", ("Paris",)))
    assert figure.label == "Nombre de défis de la promotion EIG 4 situés à Paris"
    assert "isin(['4'])" in figure.computation and "isin(['Paris'])" in figure.computation
    assert count(data, None, HORS_DIG).label == "Nombre de défis hors DIG"
    assert figure.rows["name"].tolist() == ["Delta"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ((), 7),  # Ada Dev works on two défis
        ((promotion("1"),), 3),
        ((promotion("4"),), 2),
        ((promotion("dig"),), 1),
        ((Filter("eigs.profile_key", "in", ("designer",)),), 3),  # Designer and Designeuse
        ((Filter("eigs.profile_key", "in", ("développeur",)),), 2),
        ((promotion("4"), Filter("eigs.profile_key", "in", ("designer",))), 0),
        ((Filter("administration", "contains", ("Cour des comptes",)),), 3),
    ],
)
def test_eig_count(data, filters, expected):
    assert count(data, "eigs", *filters).value == expected


def test_eig_count_names_the_programme_and_the_trade(data):
    assert count(data, "eigs").label == "Nombre d’EIG distincts"
    assert count(data, "eigs", promotion("dig")).label.startswith("Nombre de designers d’intérêt général (DIG)")
    assert count(data, "eigs", Filter("eigs.profile_key", "in", ("designer",))).label == "Nombre de designers distincts"


def test_shares(data):
    trade = (Filter("eigs.profile_key", "in", ("designer",)),)
    assert count(data, "eigs", operation="share", part=trade).value == 42.9
    assert count(data, None, operation="share", part=(WITH_CODE,)).value == 50.0
    assert count(data, None, HORS_DIG, operation="share", part=(WITH_CODE,)).value == 60.0
    skill = (Filter("skills", "any", ("datascience",)),)
    datascience = count(data, None, promotion("1"), operation="share", part=skill)
    assert datascience.value == 50.0 and datascience.unit == "%"


def test_mentor_counts(data):
    assert run_query(data, Query("people", filters=(Filter("profile_key", "in", ("mentor",)),))).value == 5
    assert count(data, "mentors").value == 6  # Rita Absente is only in defis.yml
    assert count(data, "mentors", promotion("1")).value == 2


def test_administrations_and_groupings(data):
    assert count(data, "administration").value == 5
    assert count(data, None, operation="argmax", group_by="administration").value == "Cour des comptes (2 défis)"
    skills = count(data, group_by="skills")
    assert skills.value == "développement (4 défis), data science (3 défis), design (2 défis)"
    assert count(data, operation="top", group_by="duration_months", limit=1).value == "10 mois (4 défis)"
    assert count(data, "promotion").value == 4  # EIG 3 has no défi here
    assert count(data, "city").value == 2
    assert run_query(data, Query("people")).value == 13


def test_defi_facts(data):
    facts = {figure.label: figure.value for figure in defi_facts(data, "Alpha")}
    assert facts == {
        "Administrations (libellés exacts) du défi Alpha": "Ministère de l’Intérieur",
        "Promotions du défi Alpha": "EIG 1",
        "EIG distincts du défi Alpha": "Ada Dev, Bea Data",
        "Mentors distincts du défi Alpha": "Marc Mentor",
        "Durées du défi Alpha": "10 mois",
        "Codes sources publiés du défi Alpha": "https://example.org/alpha",
        "Compétences du défi Alpha": "data science, développement",
        "agents formés (défi Alpha)": 120,
    }
    assert [figure.value for figure in defi_facts(data, "Beta", ["source_code"])] == ["aucun"]


def test_catalogue_is_complete_and_json_ready(data):
    figures = catalogue(data)
    assert len(figures) > 20
    assert all(figure.computation and figure.scope and figure.source and figure.query for figure in figures)
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
