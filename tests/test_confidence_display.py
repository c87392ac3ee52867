"""The page shows the answer's confidence and the words the documents lack, under the answer."""

import pytest

from tests.test_app import DEADLINE_QUESTION, app, ask, feedback_file  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real


def _captions(at):
    return [element.value for element in at.caption]


def test_an_answer_states_its_confidence_under_it(app):  # noqa: F811
    ask(app, DEADLINE_QUESTION)
    answer = app.session_state["turns"][-1].answer
    assert f"Confiance : {answer.confidence}" in _captions(app)


def test_an_abstention_names_the_words_the_documents_lack(app):  # noqa: F811
    ask(app, "Les EIG ont-ils des tickets-restaurant ?")
    answer = app.session_state["turns"][-1].answer
    assert answer.abstained and "tickets-restaurant" in answer.missing_terms
    assert any("absent des documents : « tickets-restaurant »" in caption for caption in _captions(app))
