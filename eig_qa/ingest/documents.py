"""Reading a corpus folder of French documents (PDF, Markdown, text, FAQ YAML) into sections of plain text."""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

from tqdm import tqdm

from eig_qa.errors import CorpusError
from eig_qa.ingest import scan
from eig_qa.ingest.faq import read_faq
from eig_qa.ingest.markdown import read_markdown, read_text
from eig_qa.ingest.metadata import read_manifest, sections_of
from eig_qa.ingest.pdf import quiet_pypdf, read_pdf
from eig_qa.ingest.records import CorpusFile, CorpusReading, FileProblem, Section
from eig_qa.ingest.scan import HOW_TO_FIX, Candidate, list_document_files

__all__ = ["CorpusFile", "CorpusReading", "FileProblem", "Section", "list_document_files", "read_corpus"]

log = logging.getLogger("eig_qa.ingest.documents")

READERS = {"pdf": read_pdf, "markdown": read_markdown, "text": read_text, "faq": read_faq}


def _megabytes(size: int) -> str:
    """A size in megabytes, French style."""
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " Mo"


def _read_candidate(
    candidate: Candidate, row: dict[str, str], max_file_bytes: int
) -> tuple[CorpusFile | None, list[Section], list[FileProblem]]:
    """Read one file: its fingerprint, its sections and its problems; never raises on a bad file."""
    source = candidate.source
    try:
        size = candidate.path.stat().st_size
        if size > max_file_bytes:
            sha, size = scan.sha256_of_file(candidate.path)
            reason = f"fichier trop volumineux ({_megabytes(size)}, limite {_megabytes(max_file_bytes)}) : ignoré"
            return CorpusFile(source, sha, size), [], [FileProblem(source, reason, True)]
        data = candidate.path.read_bytes()
    except FileNotFoundError:
        reason = "fichier disparu pendant la lecture (supprimé ou déplacé) : ignoré"
        return None, [], [FileProblem(source, reason, True)]
    except OSError as error:
        reason = f"fichier illisible ({error.strerror or type(error).__name__}) : ignoré"
        return None, [], [FileProblem(source, reason, True)]
    corpus_file = CorpusFile(source, hashlib.sha256(data).hexdigest(), len(data))
    try:
        parsed = READERS[candidate.fmt](data)
    except Exception as error:  # a reader bug on one odd file must not stop the whole corpus
        reason = f"lecture impossible ({type(error).__name__}) : ignoré"
        return corpus_file, [], [FileProblem(source, reason, True)]
    problems = [FileProblem(source, reason, False) for reason in parsed.problems]
    if parsed.skipped:
        problems.append(FileProblem(source, parsed.skipped, True))
        return corpus_file, [], problems
    return corpus_file, sections_of(source, row, parsed), problems


def read_corpus(corpus_dir: Path, progress: bool = False, max_file_bytes: int = 50_000_000) -> CorpusReading:
    """Read every document of a corpus folder into sections, reporting (not raising on) bad files."""
    root = scan.checked_root(corpus_dir)
    candidates, problems = scan.scan_corpus(root)  # through the module: tests replace it
    if not candidates:
        raise CorpusError(
            f"Le dossier du corpus « {root} » ne contient aucun document "
            f"(PDF, Markdown, texte ou FAQ YAML). {HOW_TO_FIX}"
        )
    manifest, manifest_problems = read_manifest(root)
    problems += manifest_problems
    sections: list[Section] = []
    files: list[CorpusFile] = []
    bar = tqdm(candidates, desc="Lecture du corpus", unit="fichier", file=sys.stderr, disable=not progress)
    with quiet_pypdf():
        for candidate in bar:
            corpus_file, file_sections, file_problems = _read_candidate(
                candidate, manifest.get(candidate.source, {}), max_file_bytes
            )
            if corpus_file is not None:
                files.append(corpus_file)
            sections.extend(file_sections)
            problems.extend(file_problems)
    problems.sort(key=lambda problem: problem.source)
    for problem in problems:
        log.warning("%s : %s", problem.source, problem.reason)
    if not sections:
        raise CorpusError(
            f"Aucun des {len(candidates)} documents du dossier « {root} » n'a pu être lu "
            f"(voir les avertissements). Corrigez ces fichiers. {HOW_TO_FIX}"
        )
    return CorpusReading(sections, files, problems)
