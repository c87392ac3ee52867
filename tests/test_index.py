import json
import multiprocessing
import os
import signal
import time

import numpy as np
import pytest

from eig_qa.errors import IndexUnavailableError
from eig_qa.search.index_store import FORMAT_VERSION, current_folder, load_index, read_manifest
from eig_qa.search.indexing import build_index, index_status
from tests.conftest import FakeEmbedder


def test_build_then_load_round_trips(tiny_settings, fake_embedder):
    report = build_index(tiny_settings, fake_embedder)
    assert report.built and report.passages > 0 and report.pages == 2
    stored = load_index(tiny_settings.index_dir)
    assert len(stored.passages) == report.passages == stored.dense.ntotal
    assert stored.manifest.model == "fake" and stored.manifest.format_version == FORMAT_VERSION
    first = stored.passages[0]
    assert first.text and first.source
    vector = fake_embedder.embed_passages([first.search_text()])
    assert np.allclose(stored.dense.reconstruct(0), vector[0], atol=1e-6)
    # The tiny corpus has enough titles to profile what it is about.
    assert stored.topic is not None and len(stored.topic.centroid) == stored.manifest.dim


def test_passages_are_embedded_longest_first_across_the_whole_corpus(tiny_settings):
    class Recording(FakeEmbedder):
        def __init__(self):
            self.lengths = []

        def embed_passages(self, texts):
            self.lengths.extend(len(text) for text in texts)
            return super().embed_passages(texts)

    embedder = Recording()
    build_index(tiny_settings, embedder)
    assert len(embedder.lengths) > 1 and embedder.lengths == sorted(embedder.lengths, reverse=True)


def test_fresh_index_is_not_rebuilt_and_force_rebuilds(tiny_settings, fake_embedder):
    build_index(tiny_settings, fake_embedder)
    assert index_status(tiny_settings).fresh
    assert not build_index(tiny_settings, fake_embedder).built
    forced = build_index(tiny_settings, fake_embedder, force=True)
    assert forced.built and forced.embedded == 0  # vectors come from the embedding cache


def test_changed_corpus_makes_the_index_stale(tiny_settings, fake_embedder):
    build_index(tiny_settings, fake_embedder)
    (tiny_settings.corpus_dir / "nouveau.md").write_text("# Nouveau\n\nUn nouveau document sur le programme.")
    status = index_status(tiny_settings)
    assert not status.fresh and "corpus" in status.reason
    report = build_index(tiny_settings, fake_embedder)
    assert report.built and report.embedded >= 1
    assert index_status(tiny_settings).fresh


def test_changed_settings_make_the_index_stale(tiny_settings, fake_embedder):
    build_index(tiny_settings, fake_embedder)
    assert not index_status(tiny_settings.with_changes(chunk_chars=400)).fresh
    assert "modèle" in index_status(tiny_settings.with_changes(model="autre")).reason


def test_missing_index_gives_a_french_message(tmp_path):
    with pytest.raises(IndexUnavailableError, match="python -m eig_qa index"):
        load_index(tmp_path / "nulle-part")


def test_truncated_index_gives_a_french_message(tiny_settings, fake_embedder):
    build_index(tiny_settings, fake_embedder)
    folder = current_folder(tiny_settings.index_dir)
    (folder / "dense.faiss").write_bytes(b"tronque")
    with pytest.raises(IndexUnavailableError, match="endommagé"):
        load_index(tiny_settings.index_dir)
    assert build_index(tiny_settings, fake_embedder, force=True).built
    load_index(tiny_settings.index_dir)


def test_other_format_version_is_reported_and_stale(tiny_settings, fake_embedder):
    build_index(tiny_settings, fake_embedder)
    manifest_file = current_folder(tiny_settings.index_dir) / "manifest.json"
    data = json.loads(manifest_file.read_text())
    data["format_version"] = FORMAT_VERSION + 1
    manifest_file.write_text(json.dumps(data))
    with pytest.raises(IndexUnavailableError, match="autre version"):
        load_index(tiny_settings.index_dir)
    assert not index_status(tiny_settings).fresh


class _SlowEmbedder(FakeEmbedder):
    def embed_passages(self, texts):
        time.sleep(30)
        return super().embed_passages(texts)


def _slow_build(settings):
    build_index(settings, _SlowEmbedder(), force=True)


def test_a_killed_build_leaves_the_previous_index_loadable(tiny_settings, fake_embedder):
    build_index(tiny_settings, fake_embedder)
    before = read_manifest(tiny_settings.index_dir)
    # A new document, so that the build cannot take every vector from the embedding cache and end at once.
    (tiny_settings.corpus_dir / "nouveau.txt").write_text("Un document ajouté pendant la construction.")
    process = multiprocessing.get_context("fork").Process(target=_slow_build, args=(tiny_settings,))
    process.start()
    time.sleep(2)
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    stored = load_index(tiny_settings.index_dir)
    assert stored.manifest == before
    assert build_index(tiny_settings, fake_embedder, force=True).built  # the stale lock does not block


def test_concurrent_builds_do_not_corrupt_the_index(tiny_settings):
    context = multiprocessing.get_context("fork")
    builders = [context.Process(target=build_index, args=(tiny_settings, FakeEmbedder()),
                                kwargs={"force": True}) for _ in range(3)]
    for process in builders:
        process.start()
    for process in builders:
        process.join()
    assert all(process.exitcode == 0 for process in builders)
    load_index(tiny_settings.index_dir)
    builds = [p for p in tiny_settings.index_dir.iterdir() if p.name.startswith(("build-", ".build-"))]
    assert len(builds) == 1
