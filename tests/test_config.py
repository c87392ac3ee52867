"""Default folders: corpus/ when it holds documents, else ../shared/corpus read in place; the model cache."""

from __future__ import annotations

from eig_qa.config import default_corpus_dir, load_settings, model_cache_dir


def test_corpus_folder_with_documents_is_the_default(tmp_path):
    own, shared = tmp_path / "corpus", tmp_path / "shared"
    (own / "a.md").parent.mkdir()
    (own / "a.md").write_text("# Titre")
    shared.mkdir()
    assert default_corpus_dir(own, shared) == own


def test_an_empty_corpus_folder_falls_back_on_the_shared_corpus(tmp_path):
    own, shared = tmp_path / "corpus", tmp_path / "shared"
    own.mkdir()
    (own / ".gitignore").write_text("*\n")
    shared.mkdir()
    assert default_corpus_dir(own, shared) == shared
    assert default_corpus_dir(own, tmp_path / "absent") == own  # nothing to fall back on: the own folder's message


def test_the_corpus_variable_wins(tmp_path):
    assert load_settings({"EIG_QA_CORPUS": str(tmp_path)}).corpus_dir == tmp_path.resolve()


def test_the_model_cache_folder_is_configurable(tmp_path):
    assert model_cache_dir({"EIG_QA_MODEL_CACHE": str(tmp_path / "modeles")}) == (tmp_path / "modeles").resolve()
    assert model_cache_dir({}).name == "models"
