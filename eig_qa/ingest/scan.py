"""Listing a corpus folder: which files are documents, in which format, and their fingerprints."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from eig_qa.errors import CorpusError
from eig_qa.ingest.faq import FAQ_ANSWER_KEYS, FAQ_QUESTION_KEYS
from eig_qa.ingest.records import CorpusFile, FileProblem

MANIFEST_NAME = "manifest.csv"
FORMAT_BY_SUFFIX = {".pdf": "pdf", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}
YAML_SUFFIXES = (".yml", ".yaml")
# Enough of a YAML file to recognise a FAQ list without parsing large data files.
FAQ_SNIFF_BYTES = 65_536
HOW_TO_FIX = (
    "Lancez `make corpus` pour le remplir, ou définissez EIG_QA_CORPUS vers un dossier "
    "de fichiers PDF, Markdown ou texte."
)



@dataclass(frozen=True)
class Candidate:
    """A file that looks like a document, before it is read."""

    source: str
    path: Path
    fmt: str


def checked_root(corpus_dir: Path) -> Path:
    """Return the resolved corpus folder, or raise CorpusError when it does not exist."""
    root = Path(corpus_dir).expanduser()
    if not root.exists():
        raise CorpusError(f"Le dossier du corpus « {root} » est introuvable. {HOW_TO_FIX}")
    if not root.is_dir():
        raise CorpusError(f"« {root} » n'est pas un dossier. {HOW_TO_FIX}")
    return root.resolve()


def _is_inside(path: Path, root: Path) -> bool:
    """Whether path, once every symbolic link is resolved, lies inside root."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symbolic-link loop
        return False


def _looks_like_faq(path: Path) -> bool:
    """Whether a YAML file is a list of question / answer entries (cheap textual check, no parsing)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(FAQ_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    keys = "|".join(FAQ_QUESTION_KEYS + FAQ_ANSWER_KEYS)
    answers = "|".join(FAQ_ANSWER_KEYS)
    return bool(
        re.search(rf"^-\s+['\"]?(?:{keys})['\"]?\s*:", head, re.M | re.I)
        and re.search(r"^(?:-\s+|\s+)?['\"]?question['\"]?\s*:", head, re.M | re.I)
        and re.search(rf"^(?:-\s+|\s+)?['\"]?(?:{answers})['\"]?\s*:", head, re.M | re.I)
    )


def _format_of(path: Path) -> str | None:
    """The reader to use for a file, or None when it is not a document."""
    suffix = path.suffix.lower()
    if suffix in FORMAT_BY_SUFFIX:
        return FORMAT_BY_SUFFIX[suffix]
    if suffix in YAML_SUFFIXES:
        return "faq" if _looks_like_faq(path) else None
    return None


def _is_document_name(name: str) -> bool:
    """Whether a file name has a document extension (used where the file must not be opened)."""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix in FORMAT_BY_SUFFIX or suffix in YAML_SUFFIXES


def _followed_folders(here: Path, names: list[str], root: Path, ancestors: dict[Path, frozenset[Path]],
                      problems: list[FileProblem]) -> list[str]:
    """The sub-folders of `here` to walk: not hidden, not a link out of the corpus, not a link back up (a loop)."""
    chain = ancestors.get(here, frozenset())
    kept = []
    for name in sorted(names):
        sub = here / name
        if name.startswith("."):
            continue
        if sub.is_symlink() and not _is_inside(sub, root):
            reason = "lien symbolique vers un dossier hors du corpus : non suivi"
            problems.append(FileProblem(sub.relative_to(root).as_posix(), reason, True))
            continue
        real = sub.resolve()
        if real not in chain:
            ancestors[sub] = chain | {real}
            kept.append(name)
    return kept


def _link_problem(path: Path, root: Path) -> str | None:
    """Why a symbolic link to a document is not read (broken, looping, or out of the corpus), or None."""
    if not path.exists():
        return "lien symbolique cassé ou en boucle : ignoré"
    if not _is_inside(path, root):
        return "lien symbolique vers un fichier hors du corpus : non suivi"
    return None


def _candidate(path: Path, root: Path, problems: list[FileProblem]) -> Candidate | None:
    """The file as a document candidate, or None (hidden, the manifest, a link not followed, not a document)."""
    source = path.relative_to(root).as_posix()
    if path.name.startswith(".") or source == MANIFEST_NAME:
        return None
    if path.is_symlink():
        if not _is_document_name(path.name):
            return None
        reason = _link_problem(path, root)
        if reason:
            problems.append(FileProblem(source, reason, True))
            return None
    fmt = _format_of(path)
    return Candidate(source, path, fmt) if fmt is not None else None


def scan_corpus(root: Path) -> tuple[list[Candidate], list[FileProblem]]:
    """Walk the corpus folder: document candidates sorted by source, and the links that were not followed."""
    candidates: list[Candidate] = []
    problems: list[FileProblem] = []
    # Real paths of the folders above each walked folder, to stop symbolic-link loops.
    ancestors: dict[Path, frozenset[Path]] = {root: frozenset({root})}

    def on_error(error: OSError) -> None:
        if error.filename and Path(error.filename) != root:
            source = Path(error.filename).relative_to(root).as_posix()
            problems.append(FileProblem(source, "dossier illisible (droits d'accès ?) : ignoré", True))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=on_error):
        here = Path(dirpath)
        dirnames[:] = _followed_folders(here, dirnames, root, ancestors, problems)
        candidates += filter(None, (_candidate(here / name, root, problems) for name in filenames))
    candidates.sort(key=lambda c: c.source)
    return candidates, problems


def sha256_of_file(path: Path) -> tuple[str, int]:
    """Stream a file through sha256 and return (hex digest, size in bytes)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def list_document_files(corpus_dir: Path) -> list[CorpusFile]:
    """List the document files of a corpus with their sha256, without parsing them; sorted by source."""
    candidates, _ = scan_corpus(checked_root(corpus_dir))
    files = []
    for candidate in candidates:
        try:
            sha, size = sha256_of_file(candidate.path)
        except OSError:
            # Vanished or unreadable: read_corpus leaves it out of its files too.
            continue
        files.append(CorpusFile(candidate.source, sha, size))
    return files

