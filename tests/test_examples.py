"""The welcome page's example questions, drawn from the corpus's own questions and the key-figure engine."""

from pathlib import Path

import pytest

from eig_qa.answer.answering import Answer, Highlight
from eig_qa.answer.question_match import question_entries
from eig_qa.app.examples import (
    FIGURES_TITLE,
    Candidate,
    ExampleGroup,
    answered_confidently,
    candidates,
    document_examples,
    stands_alone,
    welcome_examples,
)
from eig_qa.figures.data import load_structured_data
from eig_qa.figures.examples import figure_examples
from eig_qa.figures.parse import parse_question
from eig_qa.ingest.chunking import Passage, chunk_sections
from eig_qa.ingest.documents import read_corpus
from eig_qa.search.retrieval import Hit

SERVICES = Path(__file__).resolve().parent / "fixtures" / "corpus_services"

# A made-up corpus: (source, title, heading, answer) in corpus order.
_SECTIONS = [
    ("faq.yml", "Questions fréquentes", "Qui peut s'inscrire à l'atelier vélo ?", "Tout habitant majeur."),
    ("faq.yml", "Questions fréquentes", "Qui peut s’inscrire à l’atelier vélo ?", "Doublon typographique."),
    ("faq.yml", "Questions fréquentes", "Combien coûte l'adhésion annuelle ?", "L'adhésion coûte 20 euros."),
    ("faq.yml", "Questions fréquentes", "Quels sont les horaires d'ouverture de l'atelier ?", "Le samedi matin."),
    ("faq.yml", "Questions fréquentes", "Vous n'avez pas trouvé votre réponse ?", "Écrivez-nous."),
    ("blog.md", "Bilan de la saison", "Et maintenant ?", "La saison reprend en mars."),
    ("blog.md", "Bilan de la saison", "Combien de vélos ont été réparés en 2023 ?", "Nous avons réparé 412 vélos."),
    ("guide.md", "Guide de l'adhérent", "Comment réserver un créneau de réparation ?", "Sur le site, rubrique agenda."),
]


def _passages() -> list[Passage]:
    return [Passage(id=number, source=source, page=None, title=title, date=None, kind=None, url=None,
                    heading=heading, text=f"{heading}\n\n{answer}", start=0, end=0)
            for number, (source, title, heading, answer) in enumerate(_SECTIONS)]


def _answer(passage: Passage, confidence: str = "haute", abstained: bool = False) -> Answer:
    hit, highlight = Hit(passage, 1.0, 1.0, 1.0), Highlight(0, 0, len(passage.text), passage.text, 1.0)
    return Answer(passage.heading, passage.text, abstained, [hit], [highlight],
                  kind="abstention" if abstained else "answer", confidence=confidence)


class _Asker:
    """A fake assistant: each question answered from its own section, except those given other answers."""

    def __init__(self, passages: list[Passage], answers: dict[str, Answer] | None = None):
        self.own = {passage.heading: passage for passage in passages}
        self.answers = answers or {}
        self.asked: list[str] = []

    def __call__(self, question: str) -> Answer:
        self.asked.append(question)
        return self.answers.get(question) or _answer(self.own[question])


@pytest.mark.parametrize("question", [
    "Qui peut devenir EIG ?", "Qu’est-ce que le dispositif Premiers Pas Emploi ?",
    "Que se passe-t-il en cas d’absence ?", "Puis-je autofinancer mon projet EIG ?",
    "Comment candidater et jusqu’à quand ?",
])
def test_questions_that_read_alone(question):
    assert stands_alone(question)


@pytest.mark.parametrize("question", [
    "Et maintenant ?",  # an opening connective
    "Finalement, pour qui développons-nous ce produit ?",
    "Quels sont les objectifs de ce partenariat ?",  # a demonstrative pointing back
    "Qu’est-ce que ça change de coder in the open ?",
    "Comment as-tu mis en oeuvre cette approche ?",  # the interviewer's "tu"
    "Vous n’avez pas trouvé de réponse à votre question ?",  # addressed to the reader
    "Quel est le profil des porteurs de projet ? Quel est leur rôle ?",  # two questions
    "Dans le formulaire de candidature, je ne peux pas fournir de support illustrant le projet : comment faire ?",
    "Le programme commence en septembre.",  # not a question
])
def test_questions_that_lean_on_their_text(question):
    assert not stands_alone(question)


def test_candidates_keep_corpus_order_without_near_duplicates():
    passages = _passages()
    kept = candidates(question_entries(passages), passages)
    assert [item.question for item in kept] == [
        "Qui peut s'inscrire à l'atelier vélo ?", "Combien coûte l'adhésion annuelle ?",
        "Quels sont les horaires d'ouverture de l'atelier ?", "Combien de vélos ont été réparés en 2023 ?",
        "Comment réserver un créneau de réparation ?"]
    assert kept[0] == Candidate("Qui peut s'inscrire à l'atelier vélo ?", "faq.yml", "Questions fréquentes",
                                frozenset({0}))


def test_only_confident_answers_from_the_entry_s_own_section_count():
    passages = _passages()
    item = Candidate(passages[2].heading, "faq.yml", "Questions fréquentes", frozenset({2}))
    assert answered_confidently(_answer(passages[2]), item)
    assert not answered_confidently(_answer(passages[2], confidence="moyenne"), item)
    assert not answered_confidently(_answer(passages[2], abstained=True), item)
    assert not answered_confidently(_answer(passages[3]), item)  # the first highlight comes from another section


def test_examples_are_grouped_by_document_the_richest_first_and_asked_lazily():
    passages = _passages()
    items = candidates(question_entries(passages), passages)
    ask = _Asker(passages)
    assert document_examples(items, ask, groups=2, total=3) == [
        ExampleGroup("Questions fréquentes", ("Qui peut s'inscrire à l'atelier vélo ?",
                                              "Combien coûte l'adhésion annuelle ?")),
        ExampleGroup("Bilan de la saison", ("Combien de vélos ont été réparés en 2023 ?",)),
    ]
    assert len(ask.asked) == 3


def test_questions_answered_badly_are_skipped_and_a_document_without_any_is_left_out():
    passages = _passages()
    items = candidates(question_entries(passages), passages)
    elsewhere = _answer(passages[0])
    ask = _Asker(passages, {"Combien coûte l'adhésion annuelle ?": _answer(passages[2], confidence="faible"),
                            "Combien de vélos ont été réparés en 2023 ?": elsewhere})
    groups = document_examples(items, ask)
    assert groups == [
        ExampleGroup("Questions fréquentes", ("Qui peut s'inscrire à l'atelier vélo ?",
                                              "Quels sont les horaires d'ouverture de l'atelier ?")),
        ExampleGroup("Guide de l'adhérent", ("Comment réserver un créneau de réparation ?",)),
    ]
    assert document_examples([], ask) == []


def test_the_second_corpus_offers_its_faq_and_headings_as_candidates():
    passages = chunk_sections(read_corpus(SERVICES).sections)
    kept = candidates(question_entries(passages), passages)
    assert len(kept) == 10
    assert {item.source for item in kept} == {"faq.yml", "carte-grise.txt"}
    assert all(stands_alone(item.question) for item in kept)


def test_no_figure_examples_without_structured_data():
    assert figure_examples(None) == ()


def test_figure_examples_are_questions_the_engine_reads_as_written(real_corpus_dir):
    data = load_structured_data(real_corpus_dir)
    examples = figure_examples(data)
    assert len(examples) == 3
    assert examples[0] == "Combien de défis dans la promotion EIG 4 ?"  # the data's latest promotion
    assert all(parse_question(question, data).query is not None for question in examples)
    assert FIGURES_TITLE == "Chiffres clés"


@pytest.mark.real
def test_the_eig_corpus_offers_its_two_faqs_and_key_figures(real_assistant):
    groups = welcome_examples(real_assistant)
    assert [group.title for group in groups] == ["FAQ administrations", "FAQ candidats EIG", FIGURES_TITLE]
    assert [len(group.questions) for group in groups] == [3, 3, 3]
    # An FAQ question asked as written is answered by its own entry, in reading order, at "haute" confidence
    # (question_match.asked_entry): the first standalone questions of each FAQ. Read on 2 December: all right.
    assert "Quels sont les critères d’éligibilité au programme ?" in groups[0].questions
    assert "Qui peut devenir EIG ?" in groups[1].questions
    for question in (*groups[0].questions, *groups[1].questions):
        answer = real_assistant.ask(question)
        entry = next(entry for entry in real_assistant.entries if entry.question == question)
        assert answer.confidence == "haute" and answer.highlights
        assert answer.hits[answer.highlights[0].hit_index].passage.id == entry.passage_ids[0]
