"""Saving and loading the index atomically: each build goes to its own folder, then a pointer file switches."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import bm25s
import faiss
import numpy as np

from eig_qa.errors import IndexUnavailableError
from eig_qa.ingest.chunking import Passage
from eig_qa.search.lexical import load_lexical_index, save_lexical_index
from eig_qa.search.topicality import TopicProfile

FORMAT_VERSION = 3  # 2: topic.json; 3: each passage's analysis (search/passage_analysis.py) in passages.jsonl
# What each format brought, said to whoever opens an older index (French).
_FORMAT_CHANGES = {
    3: "les phrases, les termes et les noms de chaque passage y sont désormais analysés une fois pour toutes",
}
POINTER_FILE = "CURRENT"
_MANIFEST = "manifest.json"
_PASSAGES = "passages.jsonl"
_DENSE = "dense.faiss"
_LEXICAL = "bm25"
_TOPIC = "topic.json"

REBUILD_HINT = "Reconstruisez-le avec `python -m eig_qa index --force` (ou relancez `make run`)."
# Only what save_index creates is ever deleted, whatever else the index folder holds.
_BUILD_NAME = re.compile(r"build-[0-9a-f]{12}")
_LEFTOVER_NAME = re.compile(r"\.build-[0-9a-f]{12}\.partial|\.CURRENT\.[0-9a-f]{32}\.tmp")


@dataclass(frozen=True)
class IndexManifest:
    """What an index was built from, to tell whether it is still fresh."""

    model: str
    dim: int
    chunk_chars: int
    files: dict[str, str]  # source → sha256
    counts: dict[str, int] = field(default_factory=dict)
    build_seconds: float = 0.0
    analyzer_version: int = 0
    chunker_version: int = 0
    analysis_version: int = 0
    format_version: int = FORMAT_VERSION


@dataclass
class StoredIndex:
    """Everything retrieval needs, as loaded from disk."""

    manifest: IndexManifest
    passages: list[Passage]
    dense: faiss.Index
    lexical: bm25s.BM25
    topic: TopicProfile | None = None  # None when the corpus has too few titles to profile


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write a file whole or not at all: readers see the old content or the new, never a part."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def format_change(version: int) -> str:
    """Why an index written in another format version is not read, in French."""
    changes = [change for number, change in sorted(_FORMAT_CHANGES.items()) if version < number <= FORMAT_VERSION]
    why = f" : {' ; '.join(changes)}" if changes else ""
    return (f"L'index a été construit par une autre version d'eig-qa (format {version}, attendu "
            f"{FORMAT_VERSION}{why}).")


def current_folder(index_dir: Path) -> Path | None:
    """Return the folder of the index in use, or None when there is none."""
    pointer = index_dir / POINTER_FILE
    if not pointer.is_file():
        return None
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not _BUILD_NAME.fullmatch(name):
        return None
    return index_dir / name


def save_index(index_dir: Path, manifest: IndexManifest, passages: list[Passage], vectors: np.ndarray,
               lexical: bm25s.BM25, topic: TopicProfile | None = None) -> Path:
    """Write a complete index in a new folder, then point CURRENT at it; older builds are removed."""
    if len(passages) != len(vectors):
        raise ValueError(f"{len(passages)} passages but {len(vectors)} vectors")
    index_dir.mkdir(parents=True, exist_ok=True)
    folder = index_dir / f"build-{uuid.uuid4().hex[:12]}"
    staging = index_dir / f".{folder.name}.partial"
    staging.mkdir()
    dense = faiss.IndexFlatIP(manifest.dim)
    dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(dense, str(staging / _DENSE))
    save_lexical_index(lexical, staging / _LEXICAL)
    with open(staging / _PASSAGES, "w", encoding="utf-8") as handle:
        for passage in passages:
            handle.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")
    (staging / _TOPIC).write_text(json.dumps(topic.to_dict() if topic else None), encoding="utf-8")
    # The manifest is written last: a folder without one is never loaded.
    write_atomically(staging / _MANIFEST, json.dumps(asdict(manifest), ensure_ascii=False, indent=1))
    os.replace(staging, folder)
    write_atomically(index_dir / POINTER_FILE, folder.name + "\n")
    remove_old_builds(index_dir)
    return folder


def remove_old_builds(index_dir: Path) -> None:
    """Delete build folders other than the current one, and what killed builds left (partial folders,
    temporary pointer files); nothing else in the index folder is touched."""
    keep = current_folder(index_dir)
    for child in index_dir.iterdir():
        if child == keep or child.is_symlink():
            continue
        if child.is_dir() and (_BUILD_NAME.fullmatch(child.name) or _LEFTOVER_NAME.fullmatch(child.name)):
            shutil.rmtree(child, ignore_errors=True)
        elif child.is_file() and _LEFTOVER_NAME.fullmatch(child.name):
            child.unlink(missing_ok=True)


def read_manifest(index_dir: Path) -> IndexManifest | None:
    """Return the manifest of the current index, or None when missing or unreadable."""
    folder = current_folder(index_dir)
    if folder is None:
        return None
    try:
        data = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        return IndexManifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def load_index(index_dir: Path) -> StoredIndex:
    """Load the current index, or raise IndexUnavailableError saying how to rebuild it."""
    folder = current_folder(index_dir)
    if folder is None:
        raise IndexUnavailableError(f"Aucun index n'a encore été construit dans {index_dir}. {REBUILD_HINT}")
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexUnavailableError(f"L'index de {folder} est incomplet ou illisible. {REBUILD_HINT}")
    if manifest.format_version != FORMAT_VERSION:
        raise IndexUnavailableError(f"{format_change(manifest.format_version)} {REBUILD_HINT}")
    try:
        with open(folder / _PASSAGES, encoding="utf-8") as handle:
            passages = [Passage.from_dict(json.loads(line)) for line in handle if line.strip()]
        dense = faiss.read_index(str(folder / _DENSE))
        lexical = load_lexical_index(folder / _LEXICAL)
        topic_data = json.loads((folder / _TOPIC).read_text(encoding="utf-8"))
        topic = None if topic_data is None else TopicProfile.from_dict(topic_data)
    except Exception as error:  # faiss and bm25s raise RuntimeError, ValueError, OSError… on damaged files
        raise IndexUnavailableError(
            f"L'index de {folder} est endommagé ({type(error).__name__}). {REBUILD_HINT}"
        ) from error
    if (not (len(passages) == dense.ntotal == lexical.scores["num_docs"]) or dense.d != manifest.dim
            or (topic is not None and len(topic.centroid) != manifest.dim)):
        raise IndexUnavailableError(f"L'index de {folder} est incohérent (tailles différentes). {REBUILD_HINT}")
    if any(passage.analysis is None for passage in passages):
        raise IndexUnavailableError(f"L'index de {folder} est incomplet (passages sans leur analyse). {REBUILD_HINT}")
    return StoredIndex(manifest=manifest, passages=passages, dense=dense, lexical=lexical, topic=topic)
