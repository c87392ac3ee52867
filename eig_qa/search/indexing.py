"""Building the index from the corpus when it is missing or stale, one build at a time."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from eig_qa.config import Settings
from eig_qa.errors import IndexUnavailableError
from eig_qa.ingest.chunking import CHUNKER_VERSION, chunk_sections
from eig_qa.ingest.documents import FileProblem, list_document_files, read_corpus
from eig_qa.search.analyzer import ANALYZER_VERSION
from eig_qa.search.embedding import Embedder
from eig_qa.search.index_store import (
    FORMAT_VERSION,
    REBUILD_HINT,
    IndexManifest,
    StoredIndex,
    format_change,
    load_index,
    read_manifest,
    save_index,
)
from eig_qa.search.lexical import build_lexical_index
from eig_qa.search.passage_analysis import ANALYSIS_VERSION, with_analysis
from eig_qa.search.topicality import topic_profile
from eig_qa.tuning import TUNING

log = logging.getLogger(__name__)

_LOCK_FILE = ".build.lock"
_LOCK_TIMEOUT_SECONDS = 1800
_EMBED_BATCH = 64
# Document titles embedded as questions to profile what the corpus is about (topicality.py); enough to measure
# their spread, few enough to cost a second or two.
_PROFILED_TITLES = 200
_REBUILDING = "%s Reconstruction automatique de l'index…"

# Called with (done, total) while passages are embedded, e.g. to move a progress bar in the page.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class IndexStatus:
    """Whether the index on disk can answer for the current corpus and settings."""

    fresh: bool
    reason: str  # French, for messages
    outdated: bool = False  # written by another version of eig-qa: the reason is told before rebuilding


@dataclass
class BuildReport:
    """What a build read and wrote."""

    built: bool
    documents: int = 0
    pages: int = 0
    sections: int = 0
    passages: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    embedded: int = 0
    seconds: float = 0.0


def index_status(settings: Settings) -> IndexStatus:
    """Compare the index manifest with the corpus files and settings."""
    manifest = read_manifest(settings.index_dir)
    if manifest is None:
        return IndexStatus(False, "aucun index utilisable")
    if manifest.format_version != FORMAT_VERSION:
        return IndexStatus(False, format_change(manifest.format_version), outdated=True)
    if manifest.analyzer_version != ANALYZER_VERSION:
        return IndexStatus(False, "analyseur lexical changé")
    if manifest.chunker_version != CHUNKER_VERSION:
        return IndexStatus(False, "découpage des passages changé")
    if manifest.analysis_version != ANALYSIS_VERSION:
        return IndexStatus(False, "analyse des passages changée")
    if manifest.model != settings.model:
        return IndexStatus(False, f"modèle changé ({manifest.model} → {settings.model})")
    if manifest.chunk_chars != settings.chunk_chars:
        return IndexStatus(False, "découpage des passages changé")
    files = {file.source: file.sha256 for file in list_document_files(settings.corpus_dir)}
    if files != manifest.files:
        changed = len(set(files.items()) ^ set(manifest.files.items()))
        return IndexStatus(False, f"corpus modifié ({changed} fichier(s) ajouté(s), retiré(s) ou changé(s))")
    return IndexStatus(True, "à jour")


@contextlib.contextmanager
def _build_lock(settings: Settings) -> Iterator[None]:
    """Hold the index folder's build lock: builds in other threads or processes wait for it."""
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(settings.index_dir / _LOCK_FILE))
        lock.acquire(timeout=_LOCK_TIMEOUT_SECONDS)
    except Timeout as error:
        raise IndexUnavailableError(
            f"Une autre construction de l'index est en cours depuis longtemps dans {settings.index_dir}. "
            "Attendez qu'elle finisse ou arrêtez-la, puis relancez."
        ) from error
    except OSError as error:
        raise IndexUnavailableError(
            f"Le dossier de l'index « {settings.index_dir} » ne peut pas être créé ou modifié "
            f"({error.strerror or type(error).__name__}). Choisissez un dossier accessible en écriture "
            "avec EIG_QA_INDEX."
        ) from error
    try:
        yield
    finally:
        lock.release()


def build_index(settings: Settings, embedder: Embedder, force: bool = False, progress: bool = False,
                on_progress: ProgressCallback | None = None) -> BuildReport:
    """Build the index unless it is fresh; a lock makes concurrent builds wait for each other."""
    with _build_lock(settings):
        status = index_status(settings)
        if not force and status.fresh:
            return BuildReport(built=False)
        if status.outdated:  # vectors already computed are taken from the embedding cache: nothing is lost
            log.warning(_REBUILDING, status.reason)
        return _build(settings, embedder, progress, on_progress)


def load_or_rebuild(settings: Settings, embedder: Embedder, progress: bool = False,
                    on_progress: ProgressCallback | None = None) -> tuple[StoredIndex, BuildReport | None]:
    """Load the current index; when it cannot be loaded (truncated, damaged files under an intact manifest),
    rebuild it once, then load the new one. Returns the index and the report of the rebuild, if any."""
    try:
        return load_index(settings.index_dir), None
    except IndexUnavailableError:
        pass
    with _build_lock(settings):
        try:  # another process may have rebuilt or switched the index meanwhile
            return load_index(settings.index_dir), None
        except IndexUnavailableError as error:
            reason = error.message.replace(REBUILD_HINT, "").strip()
            log.warning(_REBUILDING, reason)
        report = _build(settings, embedder, progress, on_progress)
    return load_index(settings.index_dir), report


def _build(settings: Settings, embedder: Embedder, progress: bool,
           on_progress: ProgressCallback | None) -> BuildReport:
    started = time.perf_counter()
    reading = read_corpus(settings.corpus_dir, progress=progress)
    passages = with_analysis(chunk_sections(reading.sections, settings.chunk_chars))
    if not passages:
        raise IndexUnavailableError(
            f"Aucun texte lisible dans {settings.corpus_dir} : ajoutez des fichiers PDF, Markdown ou texte."
        )
    texts = [passage.search_text() for passage in passages]
    vectors, embedded = _embed_with_cache(settings.index_dir, embedder, texts, progress, on_progress)
    manifest = IndexManifest(
        model=settings.model,
        dim=embedder.dim,
        chunk_chars=settings.chunk_chars,
        files={file.source: file.sha256 for file in reading.files},
        counts={"documents": len({s.source for s in reading.sections}), "sections": len(reading.sections),
                "passages": len(passages)},
        build_seconds=round(time.perf_counter() - started, 1),
        analyzer_version=ANALYZER_VERSION,
        chunker_version=CHUNKER_VERSION,
        analysis_version=ANALYSIS_VERSION,
    )
    titles = _sample(sorted({passage.title for passage in passages if passage.title}), _PROFILED_TITLES)
    title_vectors = [embedder.embed_query(title) for title in titles] if len(titles) >= TUNING.topic_min_titles else []
    topic = topic_profile(vectors, title_vectors)
    save_index(settings.index_dir, manifest, passages, vectors, build_lexical_index(texts), topic)
    return BuildReport(
        built=True,
        documents=manifest.counts["documents"],
        pages=sum(1 for section in reading.sections if section.page is not None),
        sections=len(reading.sections),
        passages=len(passages),
        problems=reading.problems,
        embedded=embedded,
        seconds=time.perf_counter() - started,
    )


def _sample(items: list[str], limit: int) -> list[str]:
    """At most `limit` items, evenly spread over the list."""
    if len(items) <= limit:
        return items
    return [items[i * len(items) // limit] for i in range(limit)]


def _cache_path(index_dir: Path, model: str) -> Path:
    slug = hashlib.sha1(model.encode()).hexdigest()[:12]
    return index_dir / f"embeddings-{slug}.npz"


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _embed_with_cache(index_dir: Path, embedder: Embedder, texts: list[str], progress: bool,
                      on_progress: ProgressCallback | None) -> tuple[np.ndarray, int]:
    """Embed texts, reusing vectors of texts already embedded by an earlier build with the same model."""
    cache_file = _cache_path(index_dir, embedder.name)
    cached = _load_cache(cache_file, embedder.dim)
    keys = [_text_key(text) for text in texts]
    missing = list({key: i for i, key in reversed(list(enumerate(keys))) if key not in cached}.values())
    # Longest first over the whole corpus, not only within each group of _EMBED_BATCH: batches of passages of like
    # length pad less (5 % fewer tokens computed on the EIG corpus); the longest first shows at once what memory peaks.
    missing.sort(key=lambda i: len(texts[i]), reverse=True)
    if missing:
        from tqdm import tqdm

        bar = tqdm(total=len(missing), desc="Embeddings", unit="passage", disable=not progress)
        try:
            for start in range(0, len(missing), _EMBED_BATCH):
                batch = missing[start : start + _EMBED_BATCH]
                for position, vector in zip(batch, embedder.embed_passages([texts[i] for i in batch]), strict=True):
                    cached[keys[position]] = vector
                bar.update(len(batch))
                if on_progress:
                    on_progress(min(start + _EMBED_BATCH, len(missing)), len(missing))
        finally:
            bar.close()
        _save_cache(cache_file, {key: cached[key] for key in keys})
    vectors = np.stack([cached[key] for key in keys]).astype(np.float32)
    return vectors, len(missing)


def _load_cache(path: Path, dim: int) -> dict[str, np.ndarray]:
    """Vectors embedded by earlier builds; a missing or damaged cache is only a slower build."""
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
    except Exception as error:  # truncated zip (BadZipFile), EOFError, ValueError, KeyError…
        log.warning("Cache d'embeddings %s illisible (%s) : les passages sont de nouveau encodés.",
                    path.name, type(error).__name__)
        return {}
    if vectors.ndim != 2 or vectors.shape[1] != dim or len(keys) != len(vectors):
        return {}
    return dict(zip(keys.tolist(), vectors, strict=True))


def _save_cache(path: Path, entries: dict[str, np.ndarray]) -> None:
    # Files of builds killed while saving the cache (same name pattern) are removed first.
    for leftover in path.parent.glob(f".{path.stem}.*.tmp.npz"):
        leftover.unlink(missing_ok=True)
    temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp.npz")
    np.savez(temporary, keys=np.array(list(entries)), vectors=np.stack(list(entries.values())))
    os.replace(temporary, path)
