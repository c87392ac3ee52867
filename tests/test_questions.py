import pytest

from eig_qa.answer.questions import clean_question, smalltalk_reply
from eig_qa.config import MAX_QUESTION_CHARS
from eig_qa.errors import QuestionError


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "?!…", "🙂🙂", None, 42])
def test_empty_or_wordless_questions_are_refused_in_french(raw):
    with pytest.raises(QuestionError) as error:
        clean_question(raw)
    assert "question" in error.value.message


def test_control_characters_are_removed():
    assert clean_question("Qui\x00 peut\x1b devenir EIG ?").text == "Qui peut devenir EIG ?"


def test_huge_question_is_cut_with_a_notice():
    cleaned = clean_question("salaire " * 20_000)
    assert len(cleaned.text) <= MAX_QUESTION_CHARS
    assert str(MAX_QUESTION_CHARS) in cleaned.notice


@pytest.mark.parametrize("text", ["Bonjour", "bonjour !", "Merci beaucoup", "au revoir", "Qui es-tu ?"])
def test_small_talk_gets_a_reply(text):
    assert smalltalk_reply(text)


@pytest.mark.parametrize("text", ["Bonjour, quel est le salaire d'un EIG ?", "merci de préciser le calendrier"])
def test_real_questions_are_not_small_talk(text):
    assert smalltalk_reply(text) is None
