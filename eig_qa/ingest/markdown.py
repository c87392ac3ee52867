"""Markdown, HTML fragments and plain text to paragraphs of text with their headings; Jekyll front matter."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import yaml

from eig_qa.ingest.records import Parsed, Part
from eig_qa.ingest.text import assemble, collapse, decode, normalize_chars

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
    text = HTML_HEADING.sub(lambda m: "\n\n" + "#" * int(m.group(1)) + " " + collapse(m.group(2)) + "\n\n", text)
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
    return collapse(normalize_chars(_restore_escapes(text)))


def _table_row(line: str) -> str:
    """The cells of a Markdown table row, separated by " ; " instead of pipes."""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return " ; ".join(cell for cell in cells if cell)


class _BlockSplitter:
    """Reads Markdown line by line into (kind, lines, heading level) blocks."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, list[str], int]] = []
        self.lines: list[str] = []
        self.in_table = False

    def flush(self) -> None:
        """Close the paragraph being read."""
        if self.lines:
            self.blocks.append(("paragraph", self.lines, 0))
        self.lines = []

    def add(self, raw: str) -> None:
        """Read one line."""
        line = raw.rstrip()
        while BLOCKQUOTE.match(line):
            line = BLOCKQUOTE.sub("", line, count=1)
        if not line.strip():
            self.flush()
            self.in_table = False
        elif FENCE.match(line):
            self.flush()
        elif not self._heading(line) and not self._break(line) and not self._table(line):
            self._text(line)

    def _heading(self, line: str) -> bool:
        heading = ATX_HEADING.match(line)
        if heading:
            self.flush()
            self.blocks.append(("heading", [heading.group(2)], len(heading.group(1))))
            return True
        if SETEXT_UNDERLINE.match(line) and len(self.lines) == 1 and not self.in_table:
            self.blocks.append(("heading", self.lines, 1 if line.strip().startswith("=") else 2))
            self.lines = []
            return True
        return False

    def _break(self, line: str) -> bool:
        if THEMATIC_BREAK.match(line):
            self.flush()
            return True
        return False

    def _table(self, line: str) -> bool:
        if "|" not in line:
            return False
        if TABLE_SEPARATOR.match(line):
            if self.lines and "|" in self.lines[-1]:
                self.lines[-1] = _table_row(self.lines[-1])
            self.in_table = True
            return True
        if self.in_table or line.lstrip().startswith("|"):
            self.lines.append(_table_row(line))
            return True
        return False

    def _text(self, line: str) -> None:
        item = BULLET_ITEM.match(line) or ORDERED_ITEM.match(line)
        if item:
            self.lines.append(item.group(1) if item.re is BULLET_ITEM else f"{item.group(1)} {item.group(2)}")
        elif self.lines:
            self.lines[-1] += " " + line.strip()
        else:
            self.lines.append(line.strip())


def _blocks(text: str) -> list[tuple[str, str, int]]:
    """Split Markdown into (kind, text, heading level) blocks of plain text."""
    splitter = _BlockSplitter()
    for raw in text.split("\n"):
        splitter.add(raw)
    splitter.flush()
    out = []
    for kind, block_lines, level in splitter.blocks:
        cleaned = [c for c in (_clean_inline(line) for line in block_lines) if c]
        if cleaned:
            out.append((kind, " ".join(cleaned) if kind == "heading" else "\n".join(cleaned), level))
    return out


def markup_to_text(text: str) -> tuple[str, tuple[tuple[int, str], ...], str | None]:
    """Plain text, headings with offsets, and the heading that titles the text (if it opens it or is level 1)."""
    text = _protect_escapes(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = _blocks(_strip_markup_blocks(text))
    plain, headings = assemble((kind, block_text) for kind, block_text, _ in blocks)
    if blocks and blocks[0][0] == "heading":
        return plain, headings, blocks[0][1]
    # A heading further down titles the text only if it is a top-level one.
    return plain, headings, next((text for kind, text, level in blocks if kind == "heading" and level == 1), None)


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)


def scalar_text(value: object) -> str | None:
    """A front-matter value as text: dates in ISO form, other scalars as written; None when empty."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = collapse(normalize_chars(str(value)))
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


def read_markdown(data: bytes) -> Parsed:
    """One part for the whole Markdown file, titled by its front matter when it has one."""
    text, decoding_problem = decode(data)
    parsed = Parsed(problems=[decoding_problem] if decoding_problem else [])
    meta, body, front_problem = _split_front_matter(text)
    if front_problem:
        parsed.problems.append(front_problem)
    parsed.front_title = scalar_text(meta.get("title"))
    parsed.front_date = scalar_text(meta.get("date"))
    return _whole_file(parsed, body, "fichier Markdown sans texte : ignoré")


def read_text(data: bytes) -> Parsed:
    """One part for the whole text file, read as Markdown without front matter.

    Text exports (slides, notes) commonly carry "## X" headings, "- " bullets and **emphasis**.
    """
    text, decoding_problem = decode(data)
    parsed = Parsed(problems=[decoding_problem] if decoding_problem else [])
    return _whole_file(parsed, text, "fichier texte vide : ignoré")


def _whole_file(parsed: Parsed, markup: str, empty_reason: str) -> Parsed:
    """Add the whole text as one part titled by its heading, or skip the file when no text is left."""
    plain, headings, parsed.title_heading = markup_to_text(markup)
    if plain:
        parsed.parts.append(Part(plain, headings))
    else:
        parsed.skipped = empty_reason
    return parsed

