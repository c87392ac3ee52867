"""Helpers of the robustness, load and offline tests: the command line as a real subprocess, broken files."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pypdf

from eig_qa.config import PROJECT_ROOT
from tests.factories import write_pdf, write_text

# The default model loads in about a second; the machine may be busy with other test runs.
CLI_TIMEOUT_SECONDS = 240
DEADLINE_QUESTION = "Quelle est la date limite de candidature ?"
DEADLINE_ANSWER = "15 mars 2022"


def cli_env(corpus: Path, index: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: this project importable, the default model, no inherited EIG_QA_*."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EIG_QA_")}
    env.update(EIG_QA_CORPUS=str(corpus), EIG_QA_INDEX=str(index), PYTHONPATH=str(PROJECT_ROOT),
               PYTHONUNBUFFERED="1", **extra)
    return env


def run_cli(args: list[str], env: dict[str, str], stdin: bytes | None = None,
            timeout: float = CLI_TIMEOUT_SECONDS) -> subprocess.CompletedProcess:
    """`python -m eig_qa ARGS` to completion, output as bytes."""
    return subprocess.run([sys.executable, "-m", "eig_qa", *args], input=stdin, env=env, cwd=PROJECT_ROOT,
                          capture_output=True, timeout=timeout, check=False)


def start_cli(args: list[str], env: dict[str, str], **popen) -> subprocess.Popen:
    """`python -m eig_qa ARGS` in a session of its own, so that it and its worker processes can be killed together."""
    return subprocess.Popen([sys.executable, "-m", "eig_qa", *args], env=env, cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **popen)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process started by start_cli and every process of its group (embedding workers)."""
    # The group id is the child's pid, which cannot be reused before the child is waited for below.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)


def group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) of a process group, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A PDF that needs a password (RC4, readable by pypdf without extra packages once the password is known)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(write_pdf(path, ["Contenu confidentiel."])))
    writer.encrypt(user_password=password, owner_password="proprietaire", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def write_broken_files(corpus: Path, outside: Path) -> dict[str, str]:
    """Add every kind of broken file to a corpus; returns {source: word expected in its problem's reason}.

    "documents/notes/disparu.md" is written too: the caller deletes it between listing and reading.
    """
    broken = corpus / "documents" / "casse"
    broken.mkdir(parents=True, exist_ok=True)
    (broken / "corrompu.pdf").write_bytes(b"%PDF-1.4\nceci n'est pas un PDF\n%%EOF")
    encrypted_pdf(broken / "protege.pdf")
    (broken / "vide.pdf").write_bytes(b"")
    write_pdf(broken / "scanne.pdf", ["", ""])  # pages without any text, as a scan without OCR
    write_text(broken / "entete-casse.md", "---\ntitle: [crochet jamais fermé\ndate: 2021\n---\n\n"
               "Le programme Horizon Numérique accueille aussi des juristes du numérique.\n")
    write_text(broken / "ancien.txt", "Compte rendu rédigé sous Windows : l'équipe a présenté ses résultats.",
               encoding="cp1252")
    write_text(broken / "faq-cassee.yml", "- question: Quel est le calendrier ?\n  reponse: [jamais fermé\n"
               "- question: Autre ?\n  reponse: oui\n")
    with (broken / "enorme.txt").open("wb") as handle:  # sparse: 60 MB on paper, nothing on disk
        handle.truncate(60_000_000)
    outside.mkdir(parents=True, exist_ok=True)
    write_text(outside / "secret.md", "# Secret\n\nCe texte est hors du corpus et ne doit jamais être indexé.")
    (broken / "lien-externe.md").symlink_to(outside / "secret.md")
    write_text(corpus / "documents" / "notes" / "disparu.md", "# Disparu\n\nCe fichier sera supprimé.")
    return {
        "documents/casse/corrompu.pdf": "corrompu",
        "documents/casse/protege.pdf": "mot de passe",
        "documents/casse/vide.pdf": "vide",
        "documents/casse/scanne.pdf": "scanné",
        "documents/casse/entete-casse.md": "front matter",
        "documents/casse/ancien.txt": "UTF-8",
        "documents/casse/faq-cassee.yml": "FAQ YAML invalide",
        "documents/casse/enorme.txt": "volumineux",
        "documents/casse/lien-externe.md": "hors du corpus",
        "documents/notes/disparu.md": "disparu",
    }
