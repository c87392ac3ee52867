"""Shared fixtures (where the real corpus lives, a fake embedder, a tiny corpus) and the test tiers' markers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eig_qa.config import PROJECT_ROOT, SHARED_CORPUS

# Tests that use one of these fixtures read the real corpus: marked `corpus`, so that `make test-fast` skips them.
_CORPUS_FIXTURES = frozenset({"real_corpus_dir", "real_settings", "real_assistant"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the real corpus, whoever wrote it."""
    for item in items:
        if _CORPUS_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.corpus)


def _real_corpus_dir() -> Path:
    for candidate in (os.environ.get("EIG_QA_CORPUS"), PROJECT_ROOT / "corpus", SHARED_CORPUS):
        if candidate and (Path(candidate) / "manifest.csv").is_file():
            return Path(candidate).resolve()
    raise RuntimeError("Corpus réel introuvable : lancez `make corpus` ou définissez EIG_QA_CORPUS.")


@pytest.fixture(scope="session")
def real_corpus_dir() -> Path:
    """The real EIG corpus (corpus/ filled by `make corpus`, or ../shared/corpus)."""
    return _real_corpus_dir()


class FakeEmbedder:
    """Deterministic bag-of-stems embedder: texts sharing words get similar vectors, no model needed."""

    name = "fake"
    dim = 64

    def _vector(self, text: str):
        import zlib

        import numpy as np

        from eig_qa.search.analyzer import analyze

        vector = np.zeros(self.dim, dtype=np.float32)
        for term in analyze(text):
            vector[zlib.crc32(term.encode()) % self.dim] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_passages(self, texts):
        import numpy as np

        return np.stack([self._vector(text) for text in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        return self._vector(text)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """A fake deterministic embedder for fast tests."""
    return FakeEmbedder()


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    """A small French corpus written by the test (PDF, Markdown, FAQ, text)."""
    from tests.factories import write_tiny_corpus

    return write_tiny_corpus(tmp_path / "corpus")


@pytest.fixture
def tiny_settings(tiny_corpus, tmp_path):
    """Settings pointing at the tiny corpus and a fresh index folder, with the fake model name."""
    from eig_qa.config import Settings

    return Settings(corpus_dir=tiny_corpus, index_dir=tmp_path / "index", model="fake")


@pytest.fixture(scope="session")
def real_settings(real_corpus_dir):
    """Settings for the real corpus and default model, with the index built once (reused when fresh)."""
    from eig_qa.config import load_settings
    from eig_qa.search.embedding import load_embedder
    from eig_qa.search.indexing import build_index

    settings = load_settings().with_changes(corpus_dir=real_corpus_dir)
    build_index(settings, load_embedder(settings.model, threads=2))
    return settings


@pytest.fixture(scope="session")
def real_assistant(real_settings):
    """The assistant over the real corpus with the real default model, loaded once."""
    from eig_qa.assistant import Assistant

    return Assistant.open(real_settings, build=False)
