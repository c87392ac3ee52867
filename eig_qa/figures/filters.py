"""The filters a figure question names: défis, promotions, years, administration, city, skills, durations, team
sizes, published code, website; and the number words they read."""

from __future__ import annotations

import re

from eig_qa.figures import question_words
from eig_qa.figures.data import StructuredData
from eig_qa.figures.lexicon import data_lexicon
from eig_qa.figures.query import Filter
from eig_qa.figures.recognise import _Query
from eig_qa.french import YEAR, number_words

_NUMBERS = number_words(1, 12)
NUMBER = rf"(\d+|{'|'.join(_NUMBERS)})"
_TEAMS = {"binome": 2, "binomes": 2, "trinome": 3, "trinomes": 3, "solo": 1, "seul": 1, "seule": 1}
TEAM_SIZE = re.compile(
    rf"\b(?:{'|'.join(_TEAMS)})\b"
    rf"|\b(?:(plus de|plus d|moins de|moins d|au moins|au plus) )?{NUMBER} (eigs?|mentors?|competences?|personnes?)\b"
    r"(?: (ou plus|et plus|ou moins|au moins|au plus|minimum|maximum)\b)?"
)
_BOUNDS = {"plus de": ("ge", 1), "plus d": ("ge", 1), "au moins": ("ge", 0), "moins de": ("le", -1),
           "moins d": ("le", -1), "au plus": ("le", 0), None: ("in", 0)}
_AFTER_BOUNDS = {"ou plus": "au moins", "et plus": "au moins", "au moins": "au moins", "minimum": "au moins",
                 "ou moins": "au plus", "au plus": "au plus", "maximum": "au plus"}
NEITHER = re.compile(rf"\bni {NUMBER} ni {NUMBER} mois\b")
MONTHS_BOUND = re.compile(rf"\b(plus de|moins de|au moins|au plus) {NUMBER} mois\b")
YEAR_RANGE = re.compile(rf"\b(?:entre|de) ({YEAR}) (?:et|a) ({YEAR})\b")
WEBSITE = re.compile(r"\bsites? (?:web|internet)\b")
WITHOUT_CODE = re.compile(r"\bsans (?:leur |son |le |de )?code(?! postal)(?: sources?)?\b")
_SIZES = {"eig": "n_eigs", "mentor": "n_mentors", "competence": "n_skills", "personne": "n_eigs"}


def number(word: str) -> int:
    """A number written in digits or in words ("trois")."""
    return int(_NUMBERS.get(word, word))


def _skills_filter(text: str, known: set[str]) -> Filter | None:
    """Every skill the question names; « et » asks for all of them, « ou » for any."""
    found = [key for key, pattern in question_words.SKILLS.items()
             if key in known and re.search(rf"\b(?:{pattern})\b", text)]
    if not found:
        return None
    both = len(found) > 1 and re.search(r"\bet\b", text) and not re.search(r"\bou\b", text)
    return Filter("skills", "all" if both else "any", tuple(found))


def _duration_filter(text: str, months: int | None) -> Filter | None:
    neither = NEITHER.search(text)
    if neither:
        return Filter("duration_months", "not_in", (number(neither.group(1)), number(neither.group(2))))
    bound = MONTHS_BOUND.search(text)
    if bound:
        value, kind = number(bound.group(2)), bound.group(1)
        limits = {"plus de": ("ge", value + 1), "au moins": ("ge", value), "moins de": ("le", value - 1),
                  "au plus": ("le", value)}
        op, limit = limits[kind]
        return Filter("duration_months", op, (limit,))
    return Filter("duration_months", "in", (months,)) if months is not None else None


def size_filters(text: str, measure: str | None) -> list[Filter]:
    """Team shapes: « un binôme », « 3 EIG », « 4 compétences différentes »."""
    filters = []
    for match in TEAM_SIZE.finditer(text):
        if match.group(0) in _TEAMS:
            filters.append(Filter("n_eigs", "in", (_TEAMS[match.group(0)],)))
            continue
        noun = match.group(3).rstrip("s")
        if noun == "mentor" and measure == "mentors":
            continue
        op, shift = _BOUNDS[match.group(1) or _AFTER_BOUNDS.get(match.group(4))]  # "plus de 3 EIG": 4 or more
        filters.append(Filter(_SIZES[noun], op, (number(match.group(2)) + shift,)))
    return filters


def base_filters(legacy: _Query, data: StructuredData, text: str) -> list[Filter]:
    selection = legacy.selection
    filters = []
    if selection.defis:
        filters.append(Filter("name", "in", tuple(sorted(selection.defis))))
    if selection.promotions:
        every_eig = {code for code in data_lexicon(data).promotions if code != "dig"}
        if set(selection.promotions) == every_eig and len(every_eig) > 1:
            filters.append(Filter("promotion", "not_in", ("dig",)))
        else:
            filters.append(Filter("promotion", "in", tuple(sorted(selection.promotions))))
    span = YEAR_RANGE.search(text)
    if span:
        first, last = sorted((int(span.group(1)), int(span.group(2))))
        filters.append(Filter("year", "in", tuple(range(first, last + 1))))
    elif selection.year is not None:
        # Every year named ("en 2018 et 2019"), not only the first.
        years = sorted({int(named) for named in re.findall(rf"\b({YEAR})\b", text)} | {selection.year})
        filters.append(Filter("year", "in", tuple(years)))
    if selection.administration:
        filters.append(Filter("administration", "contains", (selection.administration,)))
    if selection.city:
        filters.append(Filter("city", "in", (selection.city,)))
    skills = _skills_filter(text, data_lexicon(data).skills)
    if skills:
        filters.append(skills)
    duration = _duration_filter(text, selection.duration_months)
    if duration:
        filters.append(duration)
    if WITHOUT_CODE.search(text):
        filters.append(Filter("source_code", "absent"))
    elif selection.with_source_code:
        filters.append(Filter("source_code", "present"))
    if WEBSITE.search(text):
        filters.append(Filter("website", "present"))
    return filters
