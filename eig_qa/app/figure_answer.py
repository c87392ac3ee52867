"""Answers led by key figures: which figure answers, which figures agree with it, which differ and why."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eig_qa.answer.expectation import DATE_QUESTION
from eig_qa.french import MONTHS, fold_accents

if TYPE_CHECKING:
    from eig_qa.figures.catalogue import Figure

# Computed figures name the structured data files they come from ("data/defis.yml, data/personnes.yml");
# figures stated in a document name the document's file.
_DATA_FOLDER = "data/"
_STATED_SCOPE = re.compile(r"Selon (?P<title>.+?)(?: \((?P<year>\d{4})\))?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A day of the month counts nothing ("le 18 avril 2019"): it adds to a figure only when the question asks a date.
_DAY = re.compile(rf"\b\d{{1,2}}(?:er)?\s+(?:{'|'.join(MONTHS)})\b", re.IGNORECASE)


@dataclass(frozen=True)
class FigureLead:
    """The figure that answers, the document figures that say the same, and the figures of the same unit that
    differ (another count of the data, or a number stated in a document at its date)."""

    figure: Figure
    agreeing: tuple[Figure, ...] = ()
    differing: tuple[Figure, ...] = ()


def stated_in_document(figure: Figure) -> bool:
    """Whether a figure is a number quoted from a document rather than computed from the structured data (a
    computed figure names data files, or no file at all)."""
    files = [part.strip() for part in figure.source.split(",") if part.strip()]
    return bool(files) and not all(part.startswith(_DATA_FOLDER) for part in files)


def document_of(figure: Figure) -> str:
    """Where a stated figure comes from: "« Titre » (2019)", from its scope."""
    match = _STATED_SCOPE.fullmatch(figure.scope.strip())
    if not match:
        return figure.scope.strip()
    return f"« {match['title']} »" + (f" ({match['year']})" if match["year"] else "")


def _same_value(first: Figure, second: Figure) -> bool:
    return first.value == second.value or str(first.value) == str(second.value)


def _unit_key(figure: Figure) -> str:
    return unicodedata.normalize("NFKC", figure.unit).strip().casefold()


def figure_lead(figures: Sequence[Figure]) -> FigureLead | None:
    """The first computed figure leads; figures of the same unit either agree with it or differ from it."""
    computed = [figure for figure in figures if not stated_in_document(figure)]
    if not computed:
        return None
    lead = computed[0]
    related = [figure for figure in figures if figure is not lead and _unit_key(figure) == _unit_key(lead)]
    agreeing = tuple(figure for figure in related if stated_in_document(figure) and _same_value(figure, lead))
    differing = tuple(figure for figure in related if figure not in agreeing)
    return FigureLead(lead, agreeing, differing)


def _letters_and_digits(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(char for char in folded if char.isalnum())


def _quoted_by(sentence: str, figures: Sequence[Figure]) -> bool:
    """Whether a sentence is the one a stated figure was read from (its label is the sentence, maybe cut)."""
    key = _letters_and_digits(sentence)
    return any(stated_in_document(figure) and _letters_and_digits(figure.label.rstrip("…")) in key
               for figure in figures)


def adds_to_figures(sentence: str, question: str, figures: Sequence[Figure]) -> bool:
    """Whether a quoted sentence tells more than the figures: it states a number that is neither the question's
    nor a year nor, unless the question asks a date, a day of the month, and is not the sentence a shown figure was
    read from."""
    asked = set(_NUMBER.findall(question))
    counted = sentence if DATE_QUESTION.search(fold_accents(question)) else _DAY.sub(" ", sentence)
    numbers = [number for number in _NUMBER.findall(counted)
               if number not in asked and not _YEAR.fullmatch(number)]
    return bool(numbers) and not _quoted_by(sentence, figures)
