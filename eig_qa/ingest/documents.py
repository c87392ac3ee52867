"""Reading a corpus folder of French documents (PDF, Markdown, text, FAQ YAML) into sections of plain text."""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import io
import itertools
import logging
import os
import re
import sys
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import pypdf
import yaml
from tqdm import tqdm

from eig_qa.errors import CorpusError

log = logging.getLogger("eig_qa.ingest.documents")

MANIFEST_NAME = "manifest.csv"
FORMAT_BY_SUFFIX = {".pdf": "pdf", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}
YAML_SUFFIXES = (".yml", ".yaml")
FAQ_QUESTION_KEYS = ("question",)
FAQ_ANSWER_KEYS = ("reponse", "réponse", "answer")
FAQ_ANCHOR_KEYS = ("ancre", "anchor")
# Enough of a YAML file to recognise a FAQ list without parsing large data files.
FAQ_SNIFF_BYTES = 65_536
HOW_TO_FIX = (
    "Lancez `make corpus` pour le remplir, ou définissez EIG_QA_CORPUS vers un dossier "
    "de fichiers PDF, Markdown ou texte."
)


@dataclass(frozen=True)
class Section:
    """One readable unit of a document: a PDF page, a Markdown or text file, or a FAQ entry."""

    source: str
    page: int | None
    title: str
    date: str | None
    kind: str | None
    url: str | None
    text: str
    headings: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class CorpusFile:
    """A document file of the corpus with its fingerprint, for staleness checks."""

    source: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class FileProblem:
    """Something wrong with one file; skipped says whether nothing at all was indexed from it."""

    source: str
    reason: str
    skipped: bool


@dataclass
class CorpusReading:
    """Everything read from a corpus folder."""

    sections: list[Section]
    files: list[CorpusFile]
    problems: list[FileProblem]


@dataclass(frozen=True)
class _Candidate:
    """A file that looks like a document, before it is read."""

    source: str
    path: Path
    fmt: str


@dataclass(frozen=True)
class _Part:
    """One section's worth of text, before metadata is attached."""

    text: str
    headings: tuple[tuple[int, str], ...] = ()
    page: int | None = None
    anchor: str | None = None


@dataclass
class _Parsed:
    """What a reader found in one file: its parts and the metadata the file itself carries."""

    parts: list[_Part] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None
    front_title: str | None = None
    front_date: str | None = None
    title_heading: str | None = None
    pdf_title: str | None = None


# ---------------------------------------------------------------- listing


def _checked_root(corpus_dir: Path) -> Path:
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


def _scan(root: Path) -> tuple[list[_Candidate], list[FileProblem]]:
    """Walk the corpus folder: document candidates sorted by source, and the links that were not followed."""
    candidates: list[_Candidate] = []
    problems: list[FileProblem] = []
    # Real paths of the folders above each walked folder, to stop symbolic-link loops.
    ancestors: dict[Path, frozenset[Path]] = {root: frozenset({root})}

    def on_error(error: OSError) -> None:
        if error.filename and Path(error.filename) != root:
            source = Path(error.filename).relative_to(root).as_posix()
            problems.append(FileProblem(source, "dossier illisible (droits d'accès ?) : ignoré", True))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=on_error):
        here = Path(dirpath)
        chain = ancestors.get(here, frozenset())
        kept = []
        for name in sorted(dirnames):
            sub = here / name
            if name.startswith("."):
                continue
            if sub.is_symlink() and not _is_inside(sub, root):
                reason = "lien symbolique vers un dossier hors du corpus : non suivi"
                problems.append(FileProblem(sub.relative_to(root).as_posix(), reason, True))
                continue
            real = sub.resolve()
            if real in chain:
                continue
            ancestors[sub] = chain | {real}
            kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if name.startswith("."):
                continue
            path = here / name
            source = path.relative_to(root).as_posix()
            if source == MANIFEST_NAME:
                continue
            if path.is_symlink():
                if not _is_document_name(name):
                    continue
                if not path.exists():
                    problems.append(FileProblem(source, "lien symbolique cassé ou en boucle : ignoré", True))
                    continue
                if not _is_inside(path, root):
                    reason = "lien symbolique vers un fichier hors du corpus : non suivi"
                    problems.append(FileProblem(source, reason, True))
                    continue
            fmt = _format_of(path)
            if fmt is not None:
                candidates.append(_Candidate(source, path, fmt))
    candidates.sort(key=lambda c: c.source)
    return candidates, problems


def _sha256_of_file(path: Path) -> tuple[str, int]:
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
    candidates, _ = _scan(_checked_root(corpus_dir))
    files = []
    for candidate in candidates:
        try:
            sha, size = _sha256_of_file(candidate.path)
        except OSError:
            # Vanished or unreadable: read_corpus leaves it out of its files too.
            continue
        files.append(CorpusFile(candidate.source, sha, size))
    return files


# ---------------------------------------------------------------- text clean-up shared by all formats

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# Symbol-font bullets that PDF extractors return as private-use characters.
PRIVATE_BULLETS = {0xF0B7: "•", 0xF0A7: "•", 0xF0D8: "•", 0xF076: "•", 0xF0FC: "•"}
WHITESPACE = re.compile(r"\s+")


def _normalize_chars(text: str) -> str:
    """NFKC (ligatures, non-breaking spaces), no zero-width or private-use characters, Unix newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    return "".join(PRIVATE_BULLETS.get(ord(ch), "") if "\ue000" <= ch <= "\uf8ff" else ch for ch in text)


def _collapse(text: str) -> str:
    """Collapse runs of whitespace into one space."""
    return WHITESPACE.sub(" ", text).strip()


def _assemble(blocks: Iterable[tuple[str, str]]) -> tuple[str, tuple[tuple[int, str], ...]]:
    """Join ("heading" | "paragraph", text) blocks with blank lines, recording where each heading starts."""
    pieces: list[str] = []
    headings: list[tuple[int, str]] = []
    offset = 0
    for kind, text in blocks:
        if not text:
            continue
        if pieces:
            offset += 2
        if kind == "heading":
            headings.append((offset, text))
        pieces.append(text)
        offset += len(text)
    return "\n\n".join(pieces), tuple(headings)


# ---------------------------------------------------------------- PDF

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
        text = LINE_BREAK_HYPHEN.sub(" ", _normalize_chars(text).lower())
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
    return _collapse(DOT_LEADERS.sub(" ", out))


def _clean_pdf_text(raw: str, vocabulary: _Vocabulary | None = None) -> str:
    """Turn the text pypdf extracted from one page into paragraphs of clean text."""
    vocabulary = vocabulary or _vocabulary([raw])
    text = _normalize_chars(raw)
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
def _quiet_pypdf() -> Iterator[None]:
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
    title = _collapse(_normalize_chars(title))
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


def _read_pdf(data: bytes) -> _Parsed:
    """One part per PDF page that has text; a page that fails is reported and the others are kept."""
    reader, failure = _open_pdf(data)
    if reader is None:
        return _Parsed(skipped=failure)
    try:
        count = len(reader.pages)
    except Exception:
        return _Parsed(skipped="PDF illisible ou corrompu (arborescence des pages invalide) : ignoré")
    raw_pages: list[tuple[int, str]] = []
    failed: list[int] = []
    for index in range(count):
        try:
            raw_pages.append((index + 1, reader.pages[index].extract_text() or ""))
        except Exception:
            failed.append(index + 1)
    vocabulary = _vocabulary(raw for _, raw in raw_pages)
    parsed = _Parsed()
    for number, raw in raw_pages:
        text = _clean_pdf_text(raw, vocabulary)
        if text:
            parsed.parts.append(_Part(text, page=number))
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


# ---------------------------------------------------------------- decoding


def _decode(data: bytes) -> tuple[str, str | None]:
    """Decode a text file as UTF-8 (or UTF-16 with a BOM); otherwise as cp1252 with a French warning."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        reason = "fichier non encodé en UTF-8 : lu en Windows-1252 (cp1252) ; réenregistrez-le en UTF-8"
        return data.decode("cp1252", errors="replace"), reason


# ---------------------------------------------------------------- Markdown and plain text

# Backslash-escaped punctuation is parked in the private-use area so markup rules leave it alone.
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
ESCAPE_BASE = 0xE000
LINK_TARGET = r"\(\s*(?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
REMOVED_BLOCKS = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<(script|style|iframe|object|embed|video|audio|noscript|svg)\b.*?</\1\s*>", re.S | re.I),
    re.compile(r"<(?:iframe|img|embed|source|track|script)\b[^>]*>", re.I),
    re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S),  # Jekyll / Liquid template tags
    re.compile(r"\{:[^}\n]*\}"),  # kramdown attribute lists
    re.compile(rf"!\[[^\]]*\]{LINK_TARGET}"),  # images
    re.compile(r"!\[[^\]]*\]\[[^\]]*\]"),
    re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M),  # link reference definitions
    re.compile(r"\[\^[^\]\s]+\]"),  # footnote calls
]
INLINE_LINK = re.compile(rf"\[([^\]]*)\]{LINK_TARGET}")
REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+|[^>\s@<]+@[^>\s@]+\.[^>\s@]+)>", re.I)
HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.S | re.I)
HTML_BREAKS = [
    (re.compile(r"<br\s*/?>", re.I), "\n"),
    # Each item opens its own line; closing tags add nothing, or "</li> <li>" would leave a blank line between items.
    (re.compile(r"\s*<li\b[^>]*>", re.I), "\n- "),
    (re.compile(r"</li\s*>", re.I), ""),
    (re.compile(r"<(?:ul|ol|tr|dt|dd)\b[^>]*>", re.I), "\n"),
    (re.compile(r"</(?:ul|ol)\s*>", re.I), "\n\n"),
    (re.compile(r"</t[dh]\s*>", re.I), " ; "),
    (
        re.compile(
            r"</?(?:p|div|center|blockquote|table|thead|tbody|section|article|header|footer|figure|figcaption|"
            r"hr|pre|dl|details|summary|address|aside|main|nav)\b[^>]*>",
            re.I,
        ),
        "\n\n",
    ),
]
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
ATX_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
THEMATIC_BREAK = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
BLOCKQUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
BULLET_ITEM = re.compile(r"^[ \t]*[-*+•][ \t]+(.*)$")
ORDERED_ITEM = re.compile(r"^[ \t]*(\d{1,3}[.)])[ \t]+(.*)$")
EMPHASIS = [
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![\w*])(\*)(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])(_)(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"),
    re.compile(r"(~~)(?=\S)(.+?)(?<=\S)~~"),
]
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
STRAY_MARKERS = re.compile(r"\*{2,}|_{2,}(?=\s|$)|(?<=\s)_{2,}")


def _protect_escapes(text: str) -> str:
    """Park backslash-escaped punctuation so that no markup rule touches it."""
    return ESCAPED.sub(lambda m: chr(ESCAPE_BASE + ord(m.group(1))), text)


def _restore_escapes(text: str) -> str:
    """Give back the punctuation parked by _protect_escapes, as plain characters."""
    return re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group(0)) - ESCAPE_BASE), text)


def _strip_markup_blocks(text: str) -> str:
    """Whole-text clean-up: drop embeds, images and comments, keep link texts, turn HTML blocks into line breaks."""
    for pattern in REMOVED_BLOCKS:
        text = pattern.sub("", text)
    text = INLINE_LINK.sub(r"\1", text)
    text = REFERENCE_LINK.sub(r"\1", text)
    text = AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    text = HTML_HEADING.sub(lambda m: "\n\n" + "#" * int(m.group(1)) + " " + _collapse(m.group(2)) + "\n\n", text)
    for pattern, replacement in HTML_BREAKS:
        text = pattern.sub(replacement, text)
    return text


def _clean_inline(text: str) -> str:
    """Plain text of one line: no tags, entities, emphasis or code markers; whitespace collapsed."""
    text = HTML_TAG.sub("", text)
    for pattern in EMPHASIS:
        for _ in range(3):  # nested emphasis (***x***) needs more than one pass
            text = pattern.sub(r"\2", text)
    text = INLINE_CODE.sub(r"\2", text)
    text = STRAY_MARKERS.sub("", text)
    text = html.unescape(text)
    return _collapse(_normalize_chars(_restore_escapes(text)))


def _table_row(line: str) -> str:
    """The cells of a Markdown table row, separated by " ; " instead of pipes."""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return " ; ".join(cell for cell in cells if cell)


def _blocks(text: str) -> list[tuple[str, str, int]]:
    """Split Markdown into (kind, text, heading level) blocks of plain text."""
    blocks: list[tuple[str, list[str], int]] = []
    lines: list[str] = []
    in_table = False

    def flush() -> None:
        nonlocal lines
        if lines:
            blocks.append(("paragraph", lines, 0))
        lines = []

    for raw in text.split("\n"):
        line = raw.rstrip()
        while BLOCKQUOTE.match(line):
            line = BLOCKQUOTE.sub("", line, count=1)
        if not line.strip():
            flush()
            in_table = False
            continue
        if FENCE.match(line):
            flush()
            continue
        heading = ATX_HEADING.match(line)
        if heading:
            flush()
            blocks.append(("heading", [heading.group(2)], len(heading.group(1))))
            continue
        if SETEXT_UNDERLINE.match(line) and len(lines) == 1 and not in_table:
            level = 1 if line.strip().startswith("=") else 2
            blocks.append(("heading", lines, level))
            lines = []
            continue
        if THEMATIC_BREAK.match(line):
            flush()
            continue
        if "|" in line and TABLE_SEPARATOR.match(line):
            if lines and "|" in lines[-1]:
                lines[-1] = _table_row(lines[-1])
            in_table = True
            continue
        if (in_table or line.lstrip().startswith("|")) and "|" in line:
            lines.append(_table_row(line))
            continue
        item = BULLET_ITEM.match(line) or ORDERED_ITEM.match(line)
        if item:
            lines.append(item.group(1) if item.re is BULLET_ITEM else f"{item.group(1)} {item.group(2)}")
        elif lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line.strip())
    flush()
    out = []
    for kind, block_lines, level in blocks:
        cleaned = [c for c in (_clean_inline(line) for line in block_lines) if c]
        if cleaned:
            out.append((kind, " ".join(cleaned) if kind == "heading" else "\n".join(cleaned), level))
    return out


def _markup_to_text(text: str) -> tuple[str, tuple[tuple[int, str], ...], str | None]:
    """Plain text, headings with offsets, and the heading that titles the text (if it opens it or is level 1)."""
    text = _protect_escapes(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = _blocks(_strip_markup_blocks(text))
    plain, headings = _assemble((kind, block_text) for kind, block_text, _ in blocks)
    if blocks and blocks[0][0] == "heading":
        return plain, headings, blocks[0][1]
    # A heading further down titles the text only if it is a top-level one.
    return plain, headings, next((text for kind, text, level in blocks if kind == "heading" and level == 1), None)


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)


def _scalar_text(value: object) -> str | None:
    """A front-matter value as text: dates in ISO form, other scalars as written; None when empty."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = _collapse(_normalize_chars(str(value)))
        return text or None
    return None


def _split_front_matter(text: str) -> tuple[dict, str, str | None]:
    """Separate a Jekyll YAML front matter from the body: (metadata, body, French problem or None)."""
    if not re.match(r"\A---[ \t]*\n", text):
        return {}, text, None
    match = FRONT_MATTER.match(text)
    if match is None:
        body = text.split("\n", 1)[1]
        return {}, body, "en-tête YAML (front matter) non refermé par « --- » : titre et date ignorés"
    body = text[match.end() :]
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, body, "en-tête YAML (front matter) invalide : titre et date ignorés, le texte est indexé"
    if meta is None:
        return {}, body, None
    if not isinstance(meta, dict):
        return {}, body, "en-tête YAML (front matter) qui n'est pas une liste « clé: valeur » : ignoré"
    return meta, body, None


def _read_markdown(data: bytes) -> _Parsed:
    """One part for the whole Markdown file, titled by its front matter when it has one."""
    text, decoding_problem = _decode(data)
    parsed = _Parsed(problems=[decoding_problem] if decoding_problem else [])
    meta, body, front_problem = _split_front_matter(text)
    if front_problem:
        parsed.problems.append(front_problem)
    parsed.front_title = _scalar_text(meta.get("title"))
    parsed.front_date = _scalar_text(meta.get("date"))
    plain, headings, parsed.title_heading = _markup_to_text(body)
    if plain:
        parsed.parts.append(_Part(plain, headings))
    else:
        parsed.skipped = "fichier Markdown sans texte : ignoré"
    return parsed


def _read_text(data: bytes) -> _Parsed:
    """One part for the whole text file, read as Markdown without front matter.

    Text exports (slides, notes) commonly carry "## X" headings, "- " bullets and **emphasis**.
    """
    text, decoding_problem = _decode(data)
    parsed = _Parsed(problems=[decoding_problem] if decoding_problem else [])
    plain, headings, parsed.title_heading = _markup_to_text(text)
    if plain:
        parsed.parts.append(_Part(plain, headings))
    else:
        parsed.skipped = "fichier texte vide : ignoré"
    return parsed


# ---------------------------------------------------------------- FAQ YAML


def _entry_value(entry: dict, keys: tuple[str, ...]) -> object:
    """The value of the first of keys present in a FAQ entry (keys compared without case)."""
    lowered = {str(key).strip().lower(): value for key, value in entry.items()}
    for key in keys:
        if lowered.get(key) not in (None, ""):
            return lowered[key]
    return None


def _read_faq(data: bytes) -> _Parsed:
    """One part per question / answer entry; its text is the question, a blank line, then the answer."""
    text, decoding_problem = _decode(data)
    parsed = _Parsed(problems=[decoding_problem] if decoding_problem else [])
    try:
        entries = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (ligne {mark.line + 1})" if mark is not None else ""
        parsed.skipped = f"FAQ YAML invalide{where} : fichier ignoré, corrigez la syntaxe YAML"
        return parsed
    if not isinstance(entries, list):
        parsed.skipped = "FAQ YAML qui n'est pas une liste de questions-réponses : ignoré"
        return parsed
    bad = []
    for number, entry in enumerate(entries, 1):
        question = _entry_value(entry, FAQ_QUESTION_KEYS) if isinstance(entry, dict) else None
        answer = _entry_value(entry, FAQ_ANSWER_KEYS) if isinstance(entry, dict) else None
        question_text = _markup_to_text(str(question))[0].replace("\n", " ") if question is not None else ""
        if not question_text or answer is None:
            bad.append(number)
            continue
        answer_text = _markup_to_text(str(answer))[0]
        anchor = _scalar_text(_entry_value(entry, FAQ_ANCHOR_KEYS))
        body = question_text + ("\n\n" + answer_text if answer_text else "")
        parsed.parts.append(_Part(body, ((0, question_text),), anchor=anchor.lstrip("#") if anchor else None))
    if not parsed.parts:
        parsed.skipped = "FAQ YAML sans aucune entrée question / réponse : ignoré"
    elif bad:
        numbers = ", ".join(map(str, bad))
        parsed.problems.append(f"entrée(s) n° {numbers} sans question ou sans réponse : ignorée(s)")
    return parsed


READERS = {"pdf": _read_pdf, "markdown": _read_markdown, "text": _read_text, "faq": _read_faq}


# ---------------------------------------------------------------- metadata

FILE_DATE = re.compile(r"^((?:19|20)\d\d)(?:-(0[1-9]|1[0-2]))?(?:-(0[1-9]|[12]\d|3[01]))?(?![\d])")


def _read_manifest(root: Path) -> tuple[dict[str, dict[str, str]], list[FileProblem]]:
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
    return _collapse(_normalize_chars(title).replace("''", "'")) or None


def _title_key(title: str) -> str:
    """A form of a title for comparisons: case, apostrophes, spacing and a final ellipsis ignored."""
    key = _collapse(_normalize_chars(title).replace("''", "'").replace("’", "'")).casefold()
    return key.removesuffix("...").removesuffix("…").rstrip()


def _title_from_file_name(name: str) -> str:
    """A readable title from a file name: no date prefix, no extension, spaces for dashes."""
    stem = PurePosixPath(name).stem
    rest = re.sub(r"^[-_ .]+", "", stem[FILE_DATE.match(stem).end() :] if FILE_DATE.match(stem) else stem)
    words = _collapse(re.sub(r"[-_]+", " ", rest or stem))
    return words[:1].upper() + words[1:]


def _date_from_file_name(name: str) -> str | None:
    """A leading YYYY-MM-DD, YYYY-MM or YYYY in a file name, as written."""
    match = FILE_DATE.match(name)
    return match.group(0) if match else None


def _choose_title(source: str, row: dict[str, str], parsed: _Parsed) -> str:
    """Manifest title (unless the front matter has the same, longer title), else the file's own, else its name."""
    manifest_title = _clean_title(row.get("title"))
    front_title = _clean_title(parsed.front_title)
    if manifest_title and front_title and _title_key(front_title).startswith(_title_key(manifest_title)):
        return front_title  # manifest titles are sometimes cut short
    for title in (manifest_title, front_title, parsed.title_heading, parsed.pdf_title):
        if title:
            return title
    return _title_from_file_name(source)


def _page_url(base: str | None, part: _Part) -> str | None:
    """The public link of one section: the document's, pointing at the page or FAQ anchor."""
    if not base:
        return None
    if part.page is not None:
        return f"{base.split('#', 1)[0]}#page={part.page}"
    if part.anchor:
        return f"{base.split('#', 1)[0]}#{part.anchor}"
    return base


def _sections(source: str, row: dict[str, str], parsed: _Parsed) -> list[Section]:
    """Attach metadata to the parts of one file."""
    parents = PurePosixPath(source).parent.parts
    name = PurePosixPath(source).name
    title = _choose_title(source, row, parsed)
    when = row.get("date") or parsed.front_date or _date_from_file_name(name)
    kind = row.get("kind") or (parents[-1] if parents else None)
    url = row.get("source_url") or None
    return [
        Section(source, part.page, title, when or None, kind, _page_url(url, part), part.text, part.headings)
        for part in parsed.parts
    ]


# ---------------------------------------------------------------- reading


def _megabytes(size: int) -> str:
    """A size in megabytes, French style."""
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " Mo"


def _read_candidate(
    candidate: _Candidate, row: dict[str, str], max_file_bytes: int
) -> tuple[CorpusFile | None, list[Section], list[FileProblem]]:
    """Read one file: its fingerprint, its sections and its problems; never raises on a bad file."""
    source = candidate.source
    try:
        size = candidate.path.stat().st_size
        if size > max_file_bytes:
            sha, size = _sha256_of_file(candidate.path)
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
    return corpus_file, _sections(source, row, parsed), problems


def read_corpus(corpus_dir: Path, progress: bool = False, max_file_bytes: int = 50_000_000) -> CorpusReading:
    """Read every document of a corpus folder into sections, reporting (not raising on) bad files."""
    root = _checked_root(corpus_dir)
    candidates, problems = _scan(root)
    if not candidates:
        raise CorpusError(
            f"Le dossier du corpus « {root} » ne contient aucun document "
            f"(PDF, Markdown, texte ou FAQ YAML). {HOW_TO_FIX}"
        )
    manifest, manifest_problems = _read_manifest(root)
    problems += manifest_problems
    sections: list[Section] = []
    files: list[CorpusFile] = []
    bar = tqdm(candidates, desc="Lecture du corpus", unit="fichier", file=sys.stderr, disable=not progress)
    with _quiet_pypdf():
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
