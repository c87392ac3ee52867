"""Each swappable role (embedder, lexical ranker, reranker, answer scorer) can be replaced without the others."""

import numpy as np

from eig_qa.answer.reranking import Reranker, rerank_by_sentences
from eig_qa.answer.scorer import AnswerScorer, load_scorer
from eig_qa.assistant import Assistant
from eig_qa.search.embedding import Embedder
from eig_qa.search.lexical import BM25Ranker, LexicalRanker


class SilentRanker:
    """A lexical ranker that finds nothing: retrieval then rests on the dense vectors alone."""

    def __init__(self):
        self.queries = []

    def scores(self, query):
        self.queries.append(query)
        return np.zeros(self.size, dtype=np.float32)


class RecordingReranker:
    """Keeps the retrieval order and remembers that it was asked."""

    def __init__(self):
        self.calls = 0

    def __call__(self, profile, retrieval, model, k):
        self.calls += 1
        return rerank_by_sentences(profile, retrieval, model, k)


class SureScorer:
    """Finds every sentence certain to answer."""

    abstain_below = 0.5

    def probabilities(self, matrix):
        return np.ones(len(matrix))

    def confidence(self, probability):
        return "haute"


def test_the_defaults_fill_their_roles(fake_embedder):
    assert isinstance(fake_embedder, Embedder)
    assert isinstance(load_scorer(), AnswerScorer)
    assert isinstance(rerank_by_sentences, Reranker)
    assert isinstance(BM25Ranker(index=None), LexicalRanker)


def test_roles_passed_to_the_assistant_are_the_ones_used(tiny_settings, fake_embedder):
    from eig_qa.search.indexing import build_index

    build_index(tiny_settings, fake_embedder)
    lexical, reranker = SilentRanker(), RecordingReranker()
    lexical.size = 0
    assistant = Assistant.open(tiny_settings, build=False, embedder=fake_embedder, lexical=lexical,
                               reranker=reranker, scorer=SureScorer())
    lexical.size = len(assistant.retriever.passages)
    answer = assistant.ask("Quel est le montant de la subvention ?")
    assert lexical.queries and reranker.calls == 1
    assert answer.hits and all(hit.lexical == 0.0 for hit in answer.hits)
    assert answer.probability == 1.0  # the scorer given, not the shipped one
