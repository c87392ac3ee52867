"""Character clean-up shared by every format: Unicode normalisation, whitespace, decoding, block assembly."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# Symbol-font bullets that PDF extractors return as private-use characters.
PRIVATE_BULLETS = {0xF0B7: "•", 0xF0A7: "•", 0xF0D8: "•", 0xF076: "•", 0xF0FC: "•"}
WHITESPACE = re.compile(r"\s+")


def normalize_chars(text: str) -> str:
    """NFKC (ligatures, non-breaking spaces), no zero-width or private-use characters, Unix newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    return "".join(PRIVATE_BULLETS.get(ord(ch), "") if "\ue000" <= ch <= "\uf8ff" else ch for ch in text)


def collapse(text: str) -> str:
    """Collapse runs of whitespace into one space."""
    return WHITESPACE.sub(" ", text).strip()


def assemble(blocks: Iterable[tuple[str, str]]) -> tuple[str, tuple[tuple[int, str], ...]]:
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




def decode(data: bytes) -> tuple[str, str | None]:
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


