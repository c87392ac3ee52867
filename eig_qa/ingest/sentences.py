"""Splitting French text into sentences, keeping character offsets."""

from __future__ import annotations

import re

# A sentence ends at . ! ? … (optionally closed by a quote or bracket) followed by space and a capital,
# a digit or an opening quote; or at a line break.
_BOUNDARY = re.compile(
    r"(?<=[.!?…])[»\")\]]?\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"(\[•\-–])"
    r"|\n+"
    # List items flattened into one line by PDF extraction: "… ; - item", "… : • item".
    r"|(?<=[;:])\s+(?=[-–•▪]\s)"
    r"|\s+(?=[•▪]\s)"
    # Numbered items flattened into one line: "… réussite 1. Un périmètre clair 2. Des équipes".
    r"|(?P<item>\s+)(?=\d{1,2}\.\s+[A-ZÀ-ÖØ-Þ])"
)
_ITEM_NUMBER = re.compile(r"^\d{1,2}\.$")
# "un score total de 20. Ces notes…": after a preposition or a determiner, a number is a quantity, not a list item.
_QUANTITY_WORDS = frozenset({"de", "d", "du", "des", "à", "au", "aux", "sur", "par", "pour", "en", "le", "la", "les",
                             "un", "une", "et", "ou", "environ", "plus", "moins"})
# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = ("M.", "Mme.", "MM.", "Dr.", "cf.", "p.", "n°.", "etc.", "ex.", "art.", "av.", "St.")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences of `text`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].strip()
        last_word = before.rsplit(None, 1)[-1] if before else ""
        # "1." alone is the marker of a numbered item, not a sentence.
        if "\n" not in match.group(0) and (last_word in _ABBREVIATIONS or _ITEM_NUMBER.match(before)):
            continue
        if match.lastgroup == "item" and last_word.lower().strip("'’") in _QUANTITY_WORDS:
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end > begin:
            trimmed.append((begin, end))
    return trimmed


def split_sentences(text: str) -> list[str]:
    """Return the sentences of `text`."""
    return [text[start:end] for start, end in sentence_spans(text)]
