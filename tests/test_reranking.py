"""Second-stage ranking by the best sentence of each passage."""

import pytest

from eig_qa.answer.reranking import rerank_by_sentences
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit, Retrieval
from tests.scoring_helpers import profile, simple_scorer


def _hit(identifier, text, score):
    passage = Passage(id=identifier, source=f"{identifier}.md", page=None, title="Guide", date=None, kind=None,
                      url=None, heading=None, text=text, start=0, end=len(text))
    return Hit(passage, score, 1.0, 0.5)


QUESTION = profile("Combien de mentors accompagnent chaque équipe ?")
MODEL = simple_scorer()


def test_the_passage_whose_sentence_answers_moves_up():
    vague = _hit(0, "Les équipes et les mentors travaillent ensemble. Les équipes sont variées.", 1.0)
    answering = _hit(1, "Le programme est ouvert à tous. Chaque équipe est accompagnée par 2 mentors.", 0.8)
    reranked = rerank_by_sentences(QUESTION, Retrieval([vague, answering], 0.5, 1.0), MODEL, k=2).retrieval
    assert [hit.passage.id for hit in reranked.hits] == [1, 0]
    assert reranked.dense_standout == 0.5 and reranked.lexical_standout == 1.0


def test_only_k_hits_are_kept_and_empty_results_stay_empty():
    hits = [_hit(i, f"Phrase numéro {i} sur les mentors.", 1.0 - i / 10) for i in range(5)]
    assert len(rerank_by_sentences(QUESTION, Retrieval(hits, 0.0, 0.0), MODEL, k=3).retrieval.hits) == 3
    assert rerank_by_sentences(QUESTION, Retrieval([], 0.0, 0.0), MODEL, k=3).retrieval.hits == []
    with pytest.raises(ValueError, match="k must be positive"):
        rerank_by_sentences(QUESTION, Retrieval(hits, 0.0, 0.0), MODEL, k=0)


def test_the_scored_sentences_follow_their_hits_to_the_new_order():
    hits = [_hit(i, f"Phrase numéro {i} sur les mentors de chaque équipe.", 1.0 - i / 10) for i in range(5)]
    reranked = rerank_by_sentences(QUESTION, Retrieval(hits, 0.0, 0.0), MODEL, k=3)
    assert reranked.scored and {item.hit_index for item in reranked.scored} <= {0, 1, 2}
    for item in reranked.scored:
        assert reranked.retrieval.hits[item.hit_index].passage.text[item.start:item.end] == item.text
