"""What a key figure is, the figures stated in the documents, and the rule that checks a figure against a value."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from eig_qa.figures.data import fold
from eig_qa.french import plain_apostrophes

DATA_SCOPE = "Données du site (dossier data/), promotions EIG 1 à 4 et DIG"

_PUBLISHED_UNITS = r"%|pour ?cent|défis?|projets?|talents?|EIG|promotions?|entrepreneurs?|mentors?"
_STATEMENT = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?\s*"
    r"(?:(?:nouveaux|nouvelles|premiers|premières|autres|grands)\s+)?"
    rf"({_PUBLISHED_UNITS})(?![\w])",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")
_TOPICS = {
    "defi": "defis", "defis": "defis", "projet": "defis", "projets": "defis",
    "personne": "people", "personnes": "people", "talent": "people", "talents": "people", "eig": "people",
    "entrepreneur": "people", "entrepreneurs": "people",
    "mentor": "mentors", "mentors": "mentors",
    "promotion": "promotions", "promotions": "promotions",
}
_OPEN_SOURCE = re.compile(r"open source|code source|logiciels? libres?|\blibres?\b")


@dataclass(frozen=True)
class Figure:
    """One key figure: what it is, its value, what it covers and how it was obtained."""

    label: str
    value: int | float | str
    unit: str
    scope: str
    computation: str
    source: str
    query: dict | None = field(default=None, compare=False)  # the engine's query, to open it in the explorer
    steps: tuple[str, ...] = ()  # the pandas operations that produced the value
    rows: pd.DataFrame | None = field(default=None, compare=False, repr=False)  # the rows used, for the CSV

    def to_dict(self) -> dict:
        """Return the figure as a JSON-ready mapping (the rows stay out: they are for the CSV download)."""
        return {item.name: getattr(self, item.name) for item in fields(self) if item.name != "rows"} | {
            "steps": list(self.steps)}



def figure_topic(figure: Figure) -> str | None:
    """Return what a figure counts (défis, people, mentors, open source…), to pair computed and stated ones."""
    if figure.unit == "%":
        return "open_source" if _OPEN_SOURCE.search(fold(figure.label)) else "share"
    return _TOPICS.get(fold(figure.unit))


def _sentences(text: str) -> list[str]:
    """Short statements to quote: cut at ";" and after "etc." or "3." too, unlike ingest's sentence_spans (which made
    5 of the 150 quoted corpus sentences run on or break, for the same figures)."""
    text = re.sub(r"<[^>]+>|[*_\\#]+", "", text)
    pieces = re.split(r"(?<=[.!?;])\s+|\n+", text)
    return [" ".join(piece.strip(" -•\t").split()) for piece in pieces if piece.strip(" -•\t")]


def _table_row(sentence: str) -> bool:
    """Whether a line is mostly numbers, as a table row flattened to text is."""
    tokens = sentence.split()
    numbers = sum(token.strip("%€.,;:()").isdigit() for token in tokens)
    return numbers >= 5 and numbers >= 0.5 * len(tokens)


def _number(whole: str, decimals: str | None) -> int | float:
    digits = re.sub(r"\D", "", whole)
    return float(f"{digits}.{decimals}") if decimals else int(digits)


def _passage_scope(passage: Any) -> str:
    title = getattr(passage, "title", "") or getattr(passage, "source", "") or "un document du corpus"
    year = re.search(r"\d{4}", str(getattr(passage, "date", "") or ""))
    return f"Selon {title}" + (f" ({year.group(0)})" if year else "")


def published_figures(passages: Sequence[Any]) -> list[Figure]:
    """Numbers stated in the passages about défis, talents, promotions, mentors or shares, with their sentence."""
    figures, seen = [], set()
    for passage in passages:
        source = getattr(passage, "source", "") or getattr(passage, "url", "") or ""
        for sentence in _sentences(getattr(passage, "text", "") or ""):
            if sentence.endswith("?") or _table_row(sentence):
                continue  # a question states nothing; in a table row, "115 208 170" are three cells, not a number
            topics = set()
            for match in _STATEMENT.finditer(sentence):
                before = sentence[: match.start()]
                if before.count("(") > before.count(")"):
                    continue  # "La sécurité (13 défis)": a part or a detail, not a count of its own
                value = _number(match.group(1), match.group(2))
                unit = "%" if fold(match.group(3)) in ("%", "pour cent", "pourcent") else match.group(3)
                # "en 2019 EIG…": a year is not a count.
                if unit != "%" and isinstance(value, int) and 1990 <= value <= 2039:
                    continue
                label = sentence if len(sentence) <= 180 else sentence[:177].rstrip() + "…"
                computation = f"Chiffre cité dans le document, non recalculé : « {sentence} »"
                figure = Figure(label, value, unit, _passage_scope(passage), computation, source)
                # Only the first number per topic: in "87 projets dont 4 défis coachs" the 4 is a detail.
                key = (figure_topic(figure), fold(sentence))
                if key[0] in topics or key in seen:
                    continue
                topics.add(key[0])
                seen.add(key)
                figures.append(figure)
    return figures


def _text_key(text: Any) -> str:
    return " ".join(plain_apostrophes(str(text)).casefold().split())


def _numbers_in(text: str) -> list[float]:
    return [float(re.sub(r"[ \u00a0\u202f]", "", number).replace(",", ".")) for number in _NUMBER.findall(text)]


def _holds_number(figure: Figure, expected: float) -> bool:
    value = figure.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if figure.unit == "%":
            # A share may be expected as 46.5 or as 0.465.
            if min(abs(value - expected), abs(value - 100 * expected)) <= 0.05 + 1e-9:
                return True
        elif math.isclose(value, expected, abs_tol=1e-9):
            return True
    return any(math.isclose(number, expected, abs_tol=1e-9) for number in _numbers_in(f"{figure.label} {value}"))


def figures_contain(figures: Sequence[Figure], expected: Any) -> bool:
    """Tell whether the figures hold the expected value (number, text, list of them or mapping)."""
    if isinstance(expected, Mapping):
        return all(figures_contain(figures, item) for item in expected.values())
    if isinstance(expected, (list, tuple, set, frozenset)):
        return all(figures_contain(figures, item) for item in expected)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return any(_holds_number(figure, float(expected)) for figure in figures)
    wanted = _text_key(expected)
    return any(wanted in _text_key(figure.label) or wanted in _text_key(figure.value) for figure in figures)
