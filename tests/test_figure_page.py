"""The chat page's key figures on the real corpus: CSV of the rows used, link to the explorer, promotion filter."""

import json

import pytest

from tests.test_app import app, ask, feedback_file  # noqa: F401 (fixtures)

pytestmark = pytest.mark.real


def test_a_figure_offers_its_rows_and_opens_in_the_explorer(app):  # noqa: F811
    ask(app, "Durée moyenne des défis DIG ?")
    assert not app.exception
    figure = app.session_state["turns"][-1].answer.figures[0]
    assert figure.label == "Durée moyenne des défis de la promotion DIG" and figure.value == 8.1
    assert any(button.label == "Lignes utilisées (CSV)" for button in app.get("download_button"))
    links = [link for link in app.get("page_link") if link.proto.label == "Ouvrir dans l'explorateur"]
    assert links and json.loads(json.dumps(figure.query))["operation"] == "mean"


def test_the_sidebar_promotion_filter_narrows_the_key_figures(app):  # noqa: F811
    app.sidebar.multiselect[1].set_value(["EIG 3 (2019)"]).run()
    ask(app, "Combien de défis ?")
    figure = app.session_state["turns"][-1].answer.figures[0]
    assert figure.value == 15
    assert figure.scope.endswith("promotion EIG 3 (filtre)")
