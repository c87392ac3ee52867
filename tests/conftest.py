"""Shared fixtures: where the real corpus lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eig_qa.config import PROJECT_ROOT


def _real_corpus_dir() -> Path:
    for candidate in (os.environ.get("EIG_QA_CORPUS"), PROJECT_ROOT / "corpus", PROJECT_ROOT.parent / "shared" / "corpus"):
        if candidate and (Path(candidate) / "manifest.csv").is_file():
            return Path(candidate).resolve()
    raise RuntimeError("Corpus réel introuvable : lancez `make corpus` ou définissez EIG_QA_CORPUS.")


@pytest.fixture(scope="session")
def real_corpus_dir() -> Path:
    """The real EIG corpus (corpus/ filled by `make corpus`, or ../shared/corpus)."""
    return _real_corpus_dir()
