"""The statistics page: its tables on the fixture, and the page itself run with Streamlit's AppTest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from eig_qa.config import PROJECT_ROOT
from eig_qa.figures import statistics
from eig_qa.figures.data import load_structured_data

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
    assert len(page.get("vega_lite_chart")) == 4
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
