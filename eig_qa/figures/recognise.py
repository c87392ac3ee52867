"""Recognise what a French question names and asks: its selection (promotions, défis, places…) and its intent."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eig_qa.figures.data import StructuredData, fold
from eig_qa.figures.lexicon import corrected, data_lexicon, find_administration, find_defis, fuzzy_defis
from eig_qa.figures.promotions import find_promotions
from eig_qa.figures.question_words import (
    ASK,
    BREAKDOWN,
    COUNT,
    OF,
    PER,
    PROFILES,
    RANKING,
    SHARE,
    SKILLS,
    SOURCE_CODE,
    SUBJECT,
)
from eig_qa.french import YEAR, number_words
from eig_qa.tuning import TUNING, Tuning

_NUMBER_WORDS = number_words(6, 12)  # months of a défi
QUESTION_YEAR = re.compile(rf"\b({YEAR})\b")
DURATION = re.compile(rf"\b(\d+|{'|'.join(_NUMBER_WORDS)}) mois\b|\b(un an|une annee)\b")
# A word for people in general, and the roles it may stand for, in folded text (_role_of_people).
_PEOPLE = re.compile(r"\b(?:personnes?|gens|participants?)\b")
_ROLES = {"mentors": r"\bmentors?\b", "eig": r"\b(?:eigs?|entrepreneurs?|talents?|laureats?)\b"}
# The programme's hosts are context, not the administration asked about.
_PROGRAMME_HOST = re.compile(r"(\b(?:programme|dispositif)\b(?: \w+){0,4}?) (?:etalab|dinum)\b")


@dataclass(frozen=True)
class Selection:
    """What a question names: promotions, year, administration, city, skill, duration, défis, trade."""

    promotions: frozenset[str] = frozenset()
    year: int | None = None
    administration: str | None = None
    city: str | None = None
    skill: str | None = None
    duration_months: int | None = None
    with_source_code: bool = False
    defis: frozenset[str] = frozenset()
    profile: str | None = None


ALL = Selection()


@dataclass(frozen=True)
class _Query:
    """What a question asks: its intent, what it counts and about which défis."""

    text: str
    selection: Selection
    counted: str | None = None
    asked: str | None = None
    dimension: str | None = None
    share: bool = False
    count: bool = False


def _find_first(patterns: dict[str, str], text: str) -> str | None:
    return next((key for key, pattern in patterns.items() if re.search(rf"\b(?:{pattern})\b", text)), None)


def _subject_after(text: str, position: int, need_of: bool, window: int = 8) -> str | None:
    """Return the first subject noun within a few words after a position (after "de" when need_of)."""
    for match in SUBJECT.finditer(text, position):
        if len(text[position : match.start()].split()) > window:
            return None
        if not need_of or OF.search(text[: match.start()].rstrip()):
            return match.lastgroup
    return None


def _after(pattern: re.Pattern, text: str, need_of: bool, window: int = 8) -> str | None:
    """Return the subject following the first match of a pattern."""
    for match in pattern.finditer(text):
        subject = _subject_after(text, match.end(), need_of, window)
        if subject:
            return subject
    return None


def _role_of_people(text: str, counted: str | None) -> str | None:
    """A generic word for people counts the one role the question names: "Combien de personnes ont été mentors ?"
    counts mentors, not EIG (whom "personnes" means alone)."""
    named = [role for role, pattern in _ROLES.items() if re.search(pattern, text)]
    if counted == "eig" and _PEOPLE.search(text) and named == ["mentors"]:
        return "mentors"
    return counted


def _months(text: str) -> int | None:
    match = DURATION.search(text)
    if not match:
        return None
    return 12 if match.group(2) else int(_NUMBER_WORDS.get(match.group(1), match.group(1)))


def _parse(question: str, data: StructuredData, tuning: Tuning = TUNING) -> _Query | None:
    """Read the entities and the intent of a question; None when it names facts absent from the data."""
    lexicon = data_lexicon(data)
    words = [corrected(token, lexicon.vocabulary, tuning) for token in fold(question).split()]
    text = _PROGRAMME_HOST.sub(r"\1", " ".join(words))
    capitals = {corrected(fold(w), lexicon.vocabulary, tuning) for w in re.findall(r"\w+", question) if w[0].isupper()}

    # Each entity found is taken out of the text, so that later rules do not read it twice.
    codes, text = find_promotions(text, data)
    if codes - lexicon.promotions:
        return None  # a promotion the data does not cover (EIG 5, EIG 6…)
    defis, text = find_defis(text, capitals, lexicon)
    administration, text = find_administration(text, question, capitals, lexicon)
    year = QUESTION_YEAR.search(text)
    if any(int(named) not in lexicon.years for named in QUESTION_YEAR.findall(text)):
        return None  # a year the data does not cover, wherever it stands ("en 2019 et 2025")
    known_skills = lexicon.skills
    selection = Selection(
        promotions=frozenset(codes),
        year=int(year.group(1)) if year else None,
        administration=administration,
        city=next((city for key, city in lexicon.cities.items() if re.search(rf"\b{key}\b", text)), None),
        skill=_find_first({key: pattern for key, pattern in SKILLS.items() if key in known_skills}, text),
        duration_months=_months(text),
        with_source_code=bool(re.search(rf"\b(?:{SOURCE_CODE})\b", text)),
        defis=defis or fuzzy_defis(text, lexicon, tuning),
        profile=_find_first(PROFILES, text),
    )
    counted = (_after(pattern, text, need_of=True) for pattern in (COUNT, BREAKDOWN, RANKING))
    return _Query(
        text=text,
        selection=selection,
        counted=_role_of_people(text, next(filter(None, counted), None)),
        asked=_after(ASK, text, need_of=False, window=3),
        dimension=_after(PER, text, need_of=False, window=2),
        share=bool(SHARE.search(text)),
        count=bool(COUNT.search(text)),
    )


