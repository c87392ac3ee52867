"""Question-to-question matching against the corpus's own questions (FAQ entries)."""

from eig_qa.answer.question_match import asked_entry, best_entry, question_entries, with_matching_entry
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit, Retrieval
from eig_qa.tuning import TUNING
from tests.scoring_helpers import profile

_FAQ = [
    ("Une collectivité territoriale peut-elle candidater ?", "Oui, toute administration peut candidater."),
    ("À la charge de qui sont les frais de déplacement des EIG ?", "Les frais sont à la charge de l'administration."),
    ("Quel est le type de contrat des EIG ?", "Les EIG sont recrutés en contrat de 10 mois."),
]


def _passages():
    passages = [Passage(id=number, source="faq.yml", page=None, title="FAQ", date=None, kind="faq", url=None,
                        heading=question, text=f"{question}\n\n{answer}", start=0, end=0)
                for number, (question, answer) in enumerate(_FAQ)]
    passages.append(Passage(id=3, source="guide.md", page=None, title="Guide", date=None, kind=None, url=None,
                            heading="Le calendrier", text="Les candidatures ferment en avril.", start=0, end=0))
    return passages


def test_entries_are_the_headings_phrased_as_questions():
    entries = question_entries(_passages())
    assert [entry.question for entry in entries] == [question for question, _answer in _FAQ]
    assert entries[0].passage_ids == (0,)


def test_a_question_with_typos_and_another_word_order_matches_its_entry():
    entries = question_entries(_passages())
    entry, similarity = best_entry(profile("est ce qu'une colectivité territorialle peut candidater ?"), entries)
    assert entry.passage_ids == (0,) and similarity >= TUNING.entry_min_similarity
    entry, similarity = best_entry(profile("qui paye les frais de déplacement des EIG ?"), entries)
    assert entry.passage_ids == (1,) and similarity >= TUNING.entry_min_similarity


def test_an_unrelated_question_matches_no_entry_closely():
    entries = question_entries(_passages())
    _entry, similarity = best_entry(profile("Combien de défis en promotion 3 ?"), entries)
    assert similarity < TUNING.entry_min_similarity
    assert best_entry(profile("Combien de défis ?"), []) is None


def test_the_matching_entry_joins_the_candidates_once():
    passages = _passages()
    entries = question_entries(passages)
    retrieval = Retrieval([Hit(passages[3], 0.5, 1.0, 0.4)], 1.0, 1.0)
    question = profile("Une collectivité territoriale peut elle candidater")
    widened = with_matching_entry(question, retrieval, entries, passages)
    assert [hit.passage.id for hit in widened.hits] == [3, 0]
    assert widened.hits[1].score == 0.5 and widened.dense_standout == 1.0
    again = with_matching_entry(question, widened, entries, passages)
    assert [hit.passage.id for hit in again.hits] == [3, 0]
    unrelated = with_matching_entry(profile("Combien de défis ?"), retrieval, entries, passages)
    assert unrelated is retrieval


def test_an_entry_asking_the_very_question_scores_as_the_best_hit_so_that_the_second_ranking_keeps_it():
    from eig_qa.answer.reranking import rerank_by_sentences
    from tests.scoring_helpers import simple_scorer

    passages = _passages()
    entries = question_entries(passages)
    hits = [Hit(passages[3], 0.9, 1.0, 0.4), *(Hit(passages[3], 0.2, 0.1, 0.1) for _ in range(4))]
    question = profile("Une collectivité territoriale peut-elle candidater ?")
    widened = with_matching_entry(question, Retrieval(hits, 1.0, 1.0), entries, passages)
    added = widened.hits[-1]
    assert added.passage.id == 0 and added.score == 0.9 * best_entry(question, entries)[1]
    kept = rerank_by_sentences(question, widened, simple_scorer(), k=3).retrieval.hits
    assert 0 in [hit.passage.id for hit in kept]


def test_the_very_question_with_typos_or_another_order_is_asked_by_its_entry():
    entries = question_entries(_passages())
    assert asked_entry(profile("Quel est le type de contrat des EIG ?"), entries).passage_ids == (2,)
    assert asked_entry(profile("quel est le type de contrats des eig"), entries).passage_ids == (2,)
    assert asked_entry(profile("Une collectivité territorialle peut-elle candidater ?"), entries).passage_ids == (0,)


def test_a_paraphrase_another_kind_of_question_or_other_numbers_is_not_the_very_question():
    entries = question_entries(_passages())
    assert asked_entry(profile("qui paye les frais de déplacement des EIG ?"), entries) is None  # a paraphrase
    assert asked_entry(profile("Pourquoi ce type de contrat pour les EIG ?"), entries) is None  # why, not which
    passages = [Passage(id=0, source="faq.yml", page=None, title="FAQ", date=None, kind="faq", url=None,
                        heading="Quand démarre la promotion 5 ?", text="En septembre.", start=0, end=0)]
    assert asked_entry(profile("Quand démarre la promotion 7 ?"), question_entries(passages)) is None
    assert asked_entry(profile("Quand démarre la promotion 5 ?"), question_entries(passages)).passage_ids == (0,)
