"""PDF pages to clean paragraphs (pypdf): words cut at line ends mended, dot leaders and soft hyphens removed."""

from __future__ import annotations

import io
import itertools
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdf

from eig_qa.ingest.records import Parsed, Part
from eig_qa.ingest.text import collapse, normalize_chars

LETTERS = r"[^\W\d_]+"
LINE_BREAK_HYPHEN = re.compile(rf"{LETTERS}-[ \t]*\n\s*{LETTERS}")
# Words that follow a real hyphen (assurez-vous, peut-être, celle-ci) and so must keep it at a line break.
HYPHEN_SUFFIXES = frozenset(
    {
        *("vous", "nous", "il", "ils", "elle", "elles", "on", "je", "tu", "le", "la", "les", "lui", "leur"),
        *("moi", "toi", "en", "y", "ci", "là", "t", "même", "mêmes", "être", "delà"),
    }
)
DOT_LEADERS = re.compile(r"(?:\s*\.){4,}")
# A table of contents: lines that end with dot leaders and a page number, or a page titled so whose lines are
# headings (none ends a sentence). Its words match many questions, as every heading of the document is there, but it
# answers none ("promotion 7" is "Constitution de la promotion ........ 7"). Measured (2 December): 6 of 134 EIG pages;
# hit@5 check 0.84 -> 0.88, MRR tune 0.616 -> 0.624, answers and abstention unchanged.
_CONTENTS_ENTRY = re.compile(r"(?:\.\s*){4,}\d{1,4}$")
_CONTENTS_TITLE = re.compile(r"(?i)(sommaire|table des mati[eè]res)$")
_MIN_CONTENTS_ENTRIES = 3
OPENING_PUNCTUATION = ("«", "(", "[", "“")
CLOSING_PUNCTUATION = tuple(":;!?»)].,”")


@dataclass(frozen=True)
class _Vocabulary:
    """Words and hyphenated words seen in a document, to decide how to join a word cut at a line end."""

    words: frozenset[str]
    hyphenated: frozenset[str]


def _vocabulary(texts: Iterable[str]) -> _Vocabulary:
    """Collect the document's words, leaving out the fragments cut at line ends."""
    words: set[str] = set()
    hyphenated: set[str] = set()
    for text in texts:
        text = LINE_BREAK_HYPHEN.sub(" ", normalize_chars(text).lower())
        words.update(re.findall(LETTERS, text))
        for compound in re.findall(rf"{LETTERS}(?:-{LETTERS})+", text):
            parts = compound.split("-")
            hyphenated.update(f"{a}-{b}" for a, b in itertools.pairwise(parts))
    return _Vocabulary(frozenset(words), frozenset(hyphenated))


def _keeps_hyphen(left: str, right: str, vocabulary: _Vocabulary) -> bool:
    """Whether "left-" + "right" across a line break is a real compound (savoir-faire) rather than a cut word."""
    left, right = left.lower(), right.lower()
    if f"{left}-{right}" in vocabulary.hyphenated:
        return True
    if left + right in vocabulary.words:
        return False
    if right in HYPHEN_SUFFIXES:
        return True
    return len(left) > 1 and len(right) > 1 and left in vocabulary.words and right in vocabulary.words


def _join_pdf_lines(lines: list[str], vocabulary: _Vocabulary) -> str:
    """Join the lines of one paragraph, mending words hyphenated at line ends."""
    out = lines[0]
    for line in lines[1:]:
        token = out.rsplit(" ", 1)[-1]
        left = re.search(rf"({LETTERS})-$", token)
        right = re.match(LETTERS, line)
        if left and right and re.search(r"://|www\.|@", token):
            out += line  # a URL cut at a hyphen: glue it back as it was
        elif left and right and line[0].islower():
            out = out + line if _keeps_hyphen(left.group(1), right.group(0), vocabulary) else out[:-1] + line
        else:
            out += " " + line
    return collapse(DOT_LEADERS.sub(" ", out))


def is_table_of_contents(raw: str) -> bool:
    """Whether the text of a PDF page is a table of contents rather than content."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if sum(1 for line in lines if _CONTENTS_ENTRY.search(line)) >= _MIN_CONTENTS_ENTRIES:
        return True
    titled = any(_CONTENTS_TITLE.match(line) for line in lines[:3])
    return titled and not any(line.endswith(".") and not DOT_LEADERS.search(line) for line in lines)


def clean_pdf_text(raw: str, vocabulary: _Vocabulary | None = None) -> str:
    """Turn the text pypdf extracted from one page into paragraphs of clean text."""
    vocabulary = vocabulary or _vocabulary([raw])
    text = normalize_chars(raw)
    # A soft hyphen at a line end is a typesetter's cut: the word is whole.
    text = re.sub(r"\u00ad[ \t]*\n[ \t]*", "", text).replace("\u00ad", "")
    paragraphs: list[list[str]] = []
    current: list[str] = []
    gap = False
    for line in (raw_line.strip() for raw_line in text.split("\n")):
        if not line:
            gap = bool(current)
            continue
        # Word processors put non-breaking spaces before « : ; » on lines of their own: not a paragraph break.
        if gap and not (line.startswith(CLOSING_PUNCTUATION) or current[-1].endswith(OPENING_PUNCTUATION)):
            paragraphs.append(current)
            current = []
        gap = False
        current.append(line)
    if current:
        paragraphs.append(current)
    return "\n\n".join(p for p in (_join_pdf_lines(lines, vocabulary) for lines in paragraphs) if p)


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings about harmless PDF oddities while reading; problems are reported our way."""
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        pypdf_log.setLevel(level)


def _useful_pdf_title(title: object) -> str | None:
    """The PDF's metadata title, unless it is empty or a word processor's file name ("Microsoft Word - x.docx")."""
    if not isinstance(title, str):
        return None
    title = collapse(normalize_chars(title))
    if not title or re.match(r"(?i)(microsoft\s+\w+\s*-|untitled\b|sans titre\b)", title):
        return None
    if re.search(r"\.[A-Za-z]{2,4}$", title) and " " not in title:
        return None
    return title


def _open_pdf(data: bytes) -> tuple[pypdf.PdfReader | None, str | None]:
    """Open a PDF (decrypting it with an empty password if needed); on failure, the French reason."""
    if not data:
        return None, "fichier PDF vide (0 octet) : ignoré"
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    except Exception:  # pypdf raises many kinds of errors on damaged files
        return None, "PDF illisible ou corrompu : ignoré"
    if reader.is_encrypted:
        try:
            decrypted = reader.decrypt("")
        except pypdf.errors.DependencyError:
            return None, "PDF chiffré (AES) : lecture impossible sans le paquet « cryptography » : ignoré"
        except Exception:
            decrypted = 0
        if not decrypted:
            return None, "PDF protégé par un mot de passe : ignoré (fournissez une version non protégée)"
    return reader, None


def read_pdf(data: bytes) -> Parsed:
    """One part per PDF page that has text; a page that fails is reported and the others are kept."""
    reader, failure = _open_pdf(data)
    if reader is None:
        return Parsed(skipped=failure)
    try:
        count = len(reader.pages)
    except Exception:
        return Parsed(skipped="PDF illisible ou corrompu (arborescence des pages invalide) : ignoré")
    raw_pages: list[tuple[int, str]] = []
    failed: list[int] = []
    for index in range(count):
        try:
            raw_pages.append((index + 1, reader.pages[index].extract_text() or ""))
        except Exception:
            failed.append(index + 1)
    vocabulary = _vocabulary(raw for _, raw in raw_pages)
    parsed = Parsed()
    for number, raw in raw_pages:
        text = "" if is_table_of_contents(raw) else clean_pdf_text(raw, vocabulary)
        if text:
            parsed.parts.append(Part(text, page=number))
    if not parsed.parts:
        if failed:
            parsed.skipped = "PDF illisible : aucune page n'a pu être lue : ignoré"
        else:
            parsed.skipped = "PDF sans texte extractible (document scanné ?) : ignoré ; il faudrait le passer à l'OCR"
        return parsed
    if failed:
        pages = ", ".join(map(str, failed))
        parsed.problems.append(f"page(s) {pages} illisible(s) : ignorée(s), les autres pages sont indexées")
    try:
        parsed.pdf_title = _useful_pdf_title(reader.metadata.title if reader.metadata else None)
    except Exception:
        parsed.pdf_title = None
    return parsed

