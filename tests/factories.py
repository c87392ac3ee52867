"""Helpers that write small test documents (PDF, Markdown, FAQ YAML, text, manifest) without any PDF library."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import yaml

PAGE_WIDTH = 595
PAGE_HEIGHT = 842
FONT_SIZE = 11
LEADING = 14
MARGIN = 56

TINY_PDF = "documents/rapports/bilan-programme-horizon.pdf"
TINY_PDF_URL = "https://example.org/docs/bilan-programme-horizon.pdf"
TINY_MARKDOWN = "documents/blog/2021-05-03-journee-portes-ouvertes.md"
TINY_FAQ = "documents/faq/faq-candidats.yml"
TINY_TEXT = "documents/notes/compte-rendu-comite.txt"

TINY_PDF_PAGES = [
    "Bilan du programme Horizon Numérique\n\n"
    "Le programme Horizon Numérique a été lancé en 2016 par la Délégation aux données publiques.\n"
    "La première promotion comptait 12 lauréats répartis dans 7 ministères.\n\n"
    "Chaque équipe travaille pendant 9 mois sur un défi proposé par une administration.",
    "Financement du programme\n\n"
    "Chaque lauréat reçoit une rémunération de 4 200 euros nets par mois.\n"
    "Le budget total de la troisième promotion s'élève à 1,8 million d'euros.\n\n"
    "Le programme cofinance 30 % du coût de chaque équipe.",
]

TINY_MARKDOWN_TEXT = """---
title: Retour sur la journée portes ouvertes du programme Horizon Numérique
date: 2021-05-03
author: Équipe Horizon
tags:
- événement
---

La **journée portes ouvertes** du programme Horizon Numérique a réuni 85 participants
à Lyon le 3 mai 2021. Le [programme de la journée](https://example.org/programme) est en ligne.

![Photo de la journée](/img/journee.jpg)

## Les ateliers proposés

- un atelier sur l'*ouverture des codes sources* ;
- un atelier sur la conception de services avec les usagers ;
- une table ronde avec les mentors.

L'atelier le plus suivi a porté sur l'ouverture des codes sources, avec 40 inscrits.
"""

TINY_FAQ_ENTRIES = [
    {
        "question": "Quelle est la date limite de candidature ?",
        "reponse": "<p>Les candidatures sont ouvertes jusqu'au <strong>15 mars 2022</strong> à midi.</p>"
        "<p>Aucun dossier n'est accepté après cette date.</p>",
        "ancre": "date-limite",
    },
    {
        "question": "Qui peut candidater au programme Horizon Numérique ?",
        "reponse": "<p>Le programme est ouvert :</p><ul><li>aux développeurs et développeuses ;</li>"
        "<li>aux designers ;</li><li>aux data scientists.</li></ul>",
    },
]

TINY_TEXT_CONTENT = """Compte rendu du comité de sélection

Le comité de sélection s'est réuni le 2 avril 2022.
Il a retenu 24 projets sur 61 candidatures reçues.

## Prochaines étapes

Les équipes retenues démarrent leur défi le 1er septembre 2022.
"""

MANIFEST_COLUMNS = ["path", "kind", "title", "date", "source_url", "sha256", "bytes"]


def _pdf_string(line: str) -> bytes:
    """Encode one line as a PDF literal string in WinAnsiEncoding, escaping what the syntax reserves."""
    out = bytearray(b"(")
    for byte in line.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte < 32 or byte > 126:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def _content_stream(text: str) -> bytes:
    """Draw each line of text with Tj, one leading apart."""
    ops = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d TL" % LEADING, b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN)]
    for line in text.split("\n"):
        # An empty line is drawn as one space, as word processors do, so extractors show a blank line.
        ops.append(_pdf_string(line or " ") + b" Tj")
        ops.append(b"T*")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def pdf_bytes(pages: list[str], title: str | None = None) -> bytes:
    """Return the bytes of a minimal valid PDF with one Helvetica text page per string."""
    n_pages = len(pages)
    font_id = 3
    info_id = 4 + 2 * n_pages
    page_ids = [4 + 2 * i for i in range(n_pages)]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % i for i in page_ids), n_pages),
        font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for page_id, text in zip(page_ids, pages, strict=True):
        stream = _content_stream(text)
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, font_id, page_id + 1)
        )
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    if title is not None:
        objects[info_id] = b"<< /Title %s >>" % _pdf_string(title)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for obj_id in sorted(objects):
        offsets[obj_id] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (obj_id, objects[obj_id])
    size = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for obj_id in range(1, size):
        # Ids without an object (no /Info) are listed as free so the table stays contiguous.
        out += b"%010d 00000 n \n" % offsets[obj_id] if obj_id in offsets else b"0000000000 65535 f \n"
    trailer = b"<< /Size %d /Root 1 0 R" % size + (b" /Info %d 0 R" % info_id if title is not None else b"") + b" >>"
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref_at)
    return bytes(out)


def write_pdf(path: Path, pages: list[str], title: str | None = None) -> Path:
    """Write a minimal PDF whose pages show the given texts (lines split on "\\n"); pypdf extracts them back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf_bytes(pages, title))
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a text file, creating its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def write_markdown(path: Path, body: str, front_matter: dict | None = None) -> Path:
    """Write a Markdown file, with a YAML front matter block when one is given."""
    head = ""
    if front_matter is not None:
        head = "---\n" + yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False) + "---\n\n"
    return write_text(path, head + body)


def write_faq(path: Path, entries: list[dict]) -> Path:
    """Write a FAQ YAML file: a list of mappings with question / reponse (HTML) / optional ancre."""
    return write_text(path, yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000))


def write_manifest(root: Path, rows: list[dict]) -> Path:
    """Write root/manifest.csv; sha256 and bytes are computed from the files when not given."""
    path = root / "manifest.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        for row in rows:
            full = dict.fromkeys(MANIFEST_COLUMNS, "") | row
            target = root / full["path"]
            if target.is_file():
                data = target.read_bytes()
                full["sha256"] = full["sha256"] or hashlib.sha256(data).hexdigest()
                full["bytes"] = full["bytes"] or len(data)
            writer.writerow(full)
    return path


def write_tiny_corpus(root: Path) -> Path:
    """Write a small French corpus about the invented "Horizon Numérique" programme and return its root.

    Facts to ask about: launched in 2016; 12 laureates in the first promotion (PDF page 1); 4 200 euros
    per month and a 1,8 million euros budget (PDF page 2); 85 participants in Lyon on 3 May 2021 (Markdown);
    application deadline 15 March 2022 (FAQ); 24 projects out of 61 applications (text).
    Only the PDF is listed in manifest.csv, so the other files use their own metadata.
    """
    root.mkdir(parents=True, exist_ok=True)
    write_pdf(root / TINY_PDF, TINY_PDF_PAGES)
    write_text(root / TINY_MARKDOWN, TINY_MARKDOWN_TEXT)
    write_faq(root / TINY_FAQ, TINY_FAQ_ENTRIES)
    write_text(root / TINY_TEXT, TINY_TEXT_CONTENT)
    write_manifest(
        root,
        [
            {
                "path": TINY_PDF,
                "kind": "report",
                "title": "Bilan du programme Horizon Numérique 2016-2021",
                "date": "2021-06",
                "source_url": TINY_PDF_URL,
            }
        ],
    )
    return root
