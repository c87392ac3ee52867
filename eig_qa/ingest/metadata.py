"""Titles, dates, kinds and public links of sections: from manifest.csv, else from the file itself or its name."""

from __future__ import annotations

import csv
import re
from pathlib import Path, PurePosixPath

from eig_qa.ingest.records import FileProblem, Parsed, Part, Section
from eig_qa.ingest.scan import MANIFEST_NAME
from eig_qa.ingest.text import collapse, normalize_chars

FILE_DATE = re.compile(r"^((?:19|20)\d\d)(?:-(0[1-9]|1[0-2]))?(?:-(0[1-9]|[12]\d|3[01]))?(?![\d])")


def read_manifest(root: Path) -> tuple[dict[str, dict[str, str]], list[FileProblem]]:
    """Rows of root/manifest.csv by normalised path; a broken manifest is reported and ignored."""
    path = root / MANIFEST_NAME
    if not path.is_file():
        return {}, []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [{str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error):
        reason = "manifeste illisible (CSV UTF-8 attendu) : titres, dates et liens tirés des fichiers eux-mêmes"
        return {}, [FileProblem(MANIFEST_NAME, reason, False)]
    if rows and "path" not in rows[0]:
        reason = "manifeste sans colonne « path » : titres, dates et liens tirés des fichiers eux-mêmes"
        return {}, [FileProblem(MANIFEST_NAME, reason, False)]
    manifest = {}
    for row in rows:
        key = row.get("path", "").replace("\\", "/").removeprefix("./")
        if key:
            manifest[PurePosixPath(key).as_posix()] = row
    return manifest, []


def _clean_title(title: str | None) -> str | None:
    """A title on one line; doubled apostrophes (a YAML quoting leftover) made single."""
    if not title:
        return None
    return collapse(normalize_chars(title).replace("''", "'")) or None


def _title_key(title: str) -> str:
    """A form of a title for comparisons: case, apostrophes, spacing and a final ellipsis ignored."""
    key = collapse(normalize_chars(title).replace("''", "'").replace("’", "'")).casefold()
    return key.removesuffix("...").removesuffix("…").rstrip()


def title_from_file_name(name: str) -> str:
    """A readable title from a file name: no date prefix, no extension, spaces for dashes."""
    stem = PurePosixPath(name).stem
    rest = re.sub(r"^[-_ .]+", "", stem[FILE_DATE.match(stem).end() :] if FILE_DATE.match(stem) else stem)
    words = collapse(re.sub(r"[-_]+", " ", rest or stem))
    return words[:1].upper() + words[1:]


def date_from_file_name(name: str) -> str | None:
    """A leading YYYY-MM-DD, YYYY-MM or YYYY in a file name, as written."""
    match = FILE_DATE.match(name)
    return match.group(0) if match else None


def _choose_title(source: str, row: dict[str, str], parsed: Parsed) -> str:
    """Manifest title (unless the front matter has the same, longer title), else the file's own, else its name."""
    manifest_title = _clean_title(row.get("title"))
    front_title = _clean_title(parsed.front_title)
    if manifest_title and front_title and _title_key(front_title).startswith(_title_key(manifest_title)):
        return front_title  # manifest titles are sometimes cut short
    for title in (manifest_title, front_title, parsed.title_heading, parsed.pdf_title):
        if title:
            return title
    return title_from_file_name(source)


def _page_url(base: str | None, part: Part) -> str | None:
    """The public link of one section: the document's, pointing at the page or FAQ anchor."""
    if not base:
        return None
    if part.page is not None:
        return f"{base.split('#', 1)[0]}#page={part.page}"
    if part.anchor:
        return f"{base.split('#', 1)[0]}#{part.anchor}"
    return base


def sections_of(source: str, row: dict[str, str], parsed: Parsed) -> list[Section]:
    """Attach metadata to the parts of one file."""
    parents = PurePosixPath(source).parent.parts
    name = PurePosixPath(source).name
    title = _choose_title(source, row, parsed)
    when = row.get("date") or parsed.front_date or date_from_file_name(name)
    kind = row.get("kind") or (parents[-1] if parents else None)
    url = row.get("source_url") or None
    return [
        Section(source, part.page, title, when or None, kind, _page_url(url, part), part.text, part.headings)
        for part in parsed.parts
    ]


