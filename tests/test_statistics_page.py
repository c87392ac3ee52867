"""The statistics page: its tables on the fixture, and the page itself run with Streamlit's AppTest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from eig_qa.config import PROJECT_ROOT
from eig_qa.figures import statistics
from eig_qa.figures.data import load_structured_data
from eig_qa.figures.matching import figures_for_question
from eig_qa.figures.query import Filter, Query

FIXTURE_CORPUS = Path(__file__).parent / "fixtures"
PAGE = PROJECT_ROOT / "app_pages" / "statistiques.py"
EVERY_PROMOTION = ["1", "2", "3", "4", "dig"]


@pytest.fixture(scope="module")
def data():
    return load_structured_data(FIXTURE_CORPUS)


def test_promotion_choices(data):
    assert statistics.promotion_choices(data) == {"EIG 1": "1", "EIG 2": "2", "EIG 3": "3", "EIG 4": "4", "DIG": "dig"}


def test_headline_figures(data):
    values = [figure.value for figure in statistics.headline_figures(data, EVERY_PROMOTION)]
    assert values == [6, 7, 6, 50.0]
    assert [figure.value for figure in statistics.headline_figures(data, ["4"])] == [2, 2, 2, 50.0]


def test_defis_per_promotion_keeps_empty_promotions_in_order(data):
    table = statistics.defis_per_promotion(data, EVERY_PROMOTION)
    assert table.to_dict("list") == {"Promotion": ["EIG 1", "EIG 2", "EIG 3", "EIG 4", "DIG"], "Défis": [2, 1, 0, 2, 1]}
    assert statistics.defis_per_promotion(data, ["2"]).to_dict("list") == {"Promotion": ["EIG 2"], "Défis": [1]}


def test_eig_per_profile(data):
    table = statistics.eig_per_profile(data, ["1", "dig"])
    assert table.values.tolist() == [
        ["EIG 1", "data scientists", 1],
        ["EIG 1", "designers", 1],
        ["EIG 1", "développeurs et développeuses", 1],
        ["DIG", "designers", 1],
    ]


def test_top_administrations_counts_directions_with_their_ministry(data):
    table = statistics.top_administrations(data, EVERY_PROMOTION, limit=2)
    assert table.values.tolist() == [["Cour des comptes", 2], ["Ministère de l’Intérieur", 2]]


def test_source_code_by_promotion(data):
    table = statistics.source_code_by_promotion(data, ["1", "3", "dig"])
    assert table.values.tolist() == [["EIG 1", 1, 1, 50.0], ["EIG 3", 0, 0, 0.0], ["DIG", 0, 1, 0.0]]


def run_page(monkeypatch, corpus_dir: Path) -> AppTest:
    monkeypatch.setenv("EIG_QA_CORPUS", str(corpus_dir))
    return AppTest.from_file(str(PAGE), default_timeout=60).run()


def test_page_shows_metrics_and_the_filter_changes_them(monkeypatch, real_corpus_dir: Path):
    page = run_page(monkeypatch, real_corpus_dir)
    assert not page.exception
    assert [metric.value for metric in page.metric][:3] == ["71", "128", "138"]
    assert page.metric[3].value.startswith("46,5")
    assert len(page.get("vega_lite_chart")) == 5  # four charts and the explorer's
    page.multiselect[0].set_value(["EIG 3"]).run()
    assert not page.exception
    assert page.metric[0].value == "15"
    page.multiselect[0].set_value([]).run()
    assert "Choisissez au moins une promotion" in page.info[0].value


def test_page_explains_broken_data(monkeypatch, tmp_path: Path):
    shutil.copytree(FIXTURE_CORPUS / "data", tmp_path / "data")
    (tmp_path / "data" / "defis.yml").write_text("Alpha: [oups\n", encoding="utf-8")
    page = run_page(monkeypatch, tmp_path)
    assert not page.exception
    assert "defis.yml n'est pas un YAML valide" in page.error[0].value
    assert len(page.metric) == 0


def test_page_without_data_says_so(monkeypatch, tmp_path: Path):
    page = run_page(monkeypatch, tmp_path)
    assert not page.exception
    assert "ne contient pas de données structurées" in page.info[0].value


def test_explorer_query_and_table(data):
    choice = statistics.ExplorerChoice("Durée des défis (mois)", "Moyenne", "Promotion")
    figure, table = statistics.explore(data, statistics.explorer_query(choice, ["1", "2"]))
    assert table.to_dict("list") == {"Catégorie": ["EIG 2", "EIG 1"], "Valeur": [12.0, 10.0]}
    assert figure.label == "Durée moyenne des défis des promotions EIG 1 et EIG 2, par promotion"
    by_skill = statistics.ExplorerChoice("Durée des défis (mois)", "Moyenne", "Compétence")
    means = statistics.explore(data, statistics.explorer_query(by_skill, EVERY_PROMOTION))[1]
    assert means.to_dict("list") == {"Catégorie": ["data science", "développement", "design"],
                                     "Valeur": [10.7, 10.0, 9.0]}  # rounded to one decimal, like every figure
    names = statistics.ExplorerChoice("Défis", "Liste", "Aucun", skills=("design",), code="Code source publié")
    assert statistics.explore(data, statistics.explorer_query(names, EVERY_PROMOTION))[1]["Nom"].tolist() == ["Gamma"]


def test_a_chat_figure_opens_in_the_explorer_with_its_query(data):
    figure = figures_for_question("Combien de défis font appel au design menés par 2 EIG ?", data)[0]
    query = Query.from_dict(json.loads(json.dumps(figure.query)))
    choice = statistics.choice_of(query)
    assert (choice.measure, choice.operation, choice.group, choice.skills) == ("Défis", "Nombre", "Aucun", ("design",))
    assert [c.field for c in choice.extra] == ["n_eigs"]
    assert statistics.explore(data, statistics.explorer_query(choice, EVERY_PROMOTION))[0].value == figure.value == 1
    choices = statistics.promotion_choices(data)
    hors_dig = Query("defis", filters=(Filter("promotion", "not_in", ("dig",)),))
    assert statistics.opened_promotions(hors_dig, choices) == ["EIG 1", "EIG 2", "EIG 3", "EIG 4"]


def test_rows_csv_holds_the_rows_used(data):
    figure = figures_for_question("Quels défis ont duré 12 mois ?", data)[0]
    lines = statistics.rows_csv(figure).splitlines()
    assert lines[0].startswith("name,") and len(lines) == 2 and lines[1].startswith("Gamma,")


def test_explorer_page(monkeypatch):
    page = run_page(monkeypatch, FIXTURE_CORPUS)
    assert not page.exception
    measure, operation, group = page.selectbox[0], page.selectbox[1], page.selectbox[2]
    assert (measure.value, operation.value, group.value) == ("Défis", "Nombre", "Promotion")
    measure.set_value("Durée des défis (mois)")
    operation.set_value("Médiane")
    group.set_value("Aucun")
    page.run()
    assert not page.exception
    assert "Durée médiane des défis" in page.markdown[-1].value or any(
        "Durée médiane des défis" in item.value for item in page.markdown)
    assert page.dataframe[-1].value["Valeur"].tolist() == [10.0]
    assert page.get("download_button")
    page.selectbox[1].set_value("Moyenne")
    page.selectbox[0].set_value("Villes")
    page.run()
    assert "Impossible de calculer cela" in page.warning[0].value


def test_explorer_page_opened_from_the_chat(monkeypatch):
    monkeypatch.setenv("EIG_QA_CORPUS", str(FIXTURE_CORPUS))
    page = AppTest.from_file(str(PAGE), default_timeout=60)
    query = Query("defis", "eigs", "count", (Filter("promotion", "in", ("1",)),), "eigs.profile_key")
    page.query_params["requete"] = json.dumps(query.to_dict())
    page.run()
    assert not page.exception
    assert page.multiselect[0].value == ["EIG 1"]
    assert (page.selectbox[0].value, page.selectbox[2].value) == (
        "EIG et designers DIG (personnes distinctes)", "Profil des EIG")
    assert sorted(page.dataframe[-1].value["Valeur"].tolist()) == [1, 1, 1]
