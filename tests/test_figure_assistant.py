"""The assistant's key figures: the page's promotion filter narrows them, and what cannot be computed is said."""

import json
from dataclasses import replace

import pytest

from eig_qa import assistant as assistant_module
from eig_qa.assistant import Assistant
from eig_qa.figures.data import load_structured_data
from tests.conftest import FakeEmbedder
from tests.test_figures import FIXTURE_CORPUS


@pytest.fixture
def assistant(tiny_settings, monkeypatch):
    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    return replace(Assistant.open(tiny_settings), data=load_structured_data(FIXTURE_CORPUS))


def test_the_promotion_filter_narrows_the_key_figures(assistant):
    everything = assistant.ask("Combien de défis ?")
    assert everything.figures[0].value == 6
    filtered = assistant.ask("Combien de défis ?", promotions=["1"])
    assert filtered.figures[0].value == 2
    assert filtered.figures[0].scope.endswith("promotion EIG 1 (filtre)")
    # ask --json carries the figure's query and pandas steps, ready for JSON.
    output = json.loads(json.dumps(filtered.to_json(), ensure_ascii=False))
    assert output["figures"][0]["query"]["filters"] == [{"field": "promotion", "op": "in", "values": ["1"]}]
    assert output["figures"][0]["steps"]


def test_a_figure_question_the_data_cannot_answer_says_so(assistant):
    answer = assistant.ask("Quel est le salaire moyen des EIG ?")
    assert answer.figures == []
    assert "je ne sais pas calculer « salaire »" in answer.notice
