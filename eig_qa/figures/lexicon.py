"""The names of the data (défis, administrations, cities, trades) and finding them in a question, typos included."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from eig_qa.figures.data import StructuredData, clean, fold
from eig_qa.figures.question_words import FILLER, KEYWORDS
from eig_qa.tuning import TUNING, Tuning

_ARTICLES = frozenset(["de", "la", "le", "les", "l", "des", "du", "d", "et", "a", "au", "aux", "en", "pour", "sur"])
_ADMIN_STOPWORDS = _ARTICLES | frozenset(
    ["ministere", "ministeres", "direction", "general", "generale", "national", "nationale", "service", "services",
     "agence"]
)
_PART_SPLIT = re.compile(r",\s*| - | et (?=[A-ZÉ])")


@dataclass(frozen=True)
class _Administration:
    display: str
    tokens: frozenset[str]
    head: str


@dataclass(frozen=True)
class Lexicon:
    """Names to look for in questions, drawn once from the data."""

    administrations: tuple[_Administration, ...]
    acronyms: dict[str, str]
    initials: dict[str, str]
    defis: dict[str, frozenset[str]]
    guarded_aliases: frozenset[str]
    cities: dict[str, str]
    vocabulary: frozenset[str]
    promotions: frozenset[str]  # codes, years, skills, labels and profiles of the data, read once
    years: frozenset[int]
    skills: frozenset[str]
    administration_labels: frozenset[str]
    profiles: dict[str, str]


def _administration_names(labels: Sequence[str]) -> tuple[tuple[_Administration, ...], dict[str, str], dict[str, str]]:
    """Split administration labels into names (with their distinctive words), acronyms and initials."""
    names, acronyms, initials = {}, {}, {}
    for label in labels:
        for part in _PART_SPLIT.split(label):
            name = clean(re.sub(r"\([^)]*\)", "", part)).strip(" ,")
            key = fold(name)
            tokens = frozenset(key.split()) - _ADMIN_STOPWORDS
            if not tokens:
                continue
            names.setdefault(key, _Administration(name, tokens, key.split()[0]))
            for acronym in re.findall(r"\(([^)]+)\)", part) + re.findall(r"\b[A-Z]{3,}\b", name):
                acronyms.setdefault(fold(acronym), name)
            letters = "".join(word[0] for word in key.split() if word not in _ARTICLES)
            if len(letters) >= 3:
                initials.setdefault(letters, name)
    return tuple(names.values()), acronyms, initials


def _defi_aliases(defis: pd.DataFrame) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Map each way of naming a défi to the défis it names; plain single words need more care."""
    aliases: dict[str, set[str]] = {}
    guarded = set()
    for name, title in zip(defis["name"], defis["title"], strict=True):
        spellings = {name, title}
        if " - " in title and any(char.isupper() for char in title.split(" - ", 1)[1]):
            spellings.add(title.split(" - ", 1)[1])  # "MI - matchID" is also "matchID"
        for spelling in spellings:
            alias = fold(spelling)
            aliases.setdefault(alias, set()).add(name)
            # "Alphabet", "Plume", "LABEL" are also ordinary words.
            if " " not in alias and not re.search(r"\d|[a-z][A-Z]", spelling):
                guarded.add(alias)
    return {alias: frozenset(names) for alias, names in aliases.items()}, frozenset(guarded)


@functools.lru_cache(maxsize=4)
def data_lexicon(data: StructuredData) -> Lexicon:
    administrations, acronyms, initials = _administration_names(sorted(data.defis["administration"].unique()))
    defis, guarded = _defi_aliases(data.defis)
    cities = {fold(city): city for city in data.defis["city"].dropna().unique()}
    words = set(KEYWORDS) | FILLER | {token for administration in administrations for token in administration.tokens}
    words |= {token for city in cities for token in city.split()}
    words |= {token for profile in data.people["profile"].unique() for token in fold(profile).split()}
    return Lexicon(
        administrations, acronyms, initials, defis, guarded, cities, frozenset(words),
        frozenset(data.promotions["promotion"]), frozenset(int(year) for year in data.defis["year"]),
        frozenset(data.defi_skills["skill"]), frozenset(data.defis["administration"]),
        {fold(profile): str(profile) for profile in data.people["profile"].unique()},
    )


@functools.lru_cache(maxsize=20_000)
def corrected(token: str, vocabulary: frozenset[str], tuning: Tuning = TUNING) -> str:
    """Return the known word a mistyped token stands for, or the token itself (cached: difflib is slow)."""
    if len(token) < tuning.figure_typo_min_chars or token.isdigit() or token in vocabulary:
        return token
    for word in difflib.get_close_matches(token, vocabulary, n=3, cutoff=tuning.figure_typo_similarity):
        if not (word.startswith(token) or token.startswith(word)):
            return word
        # A longer form of a known word is only its plural or feminine ("travaillé" is not "travail").
        if token in (word + "s", word + "e", word + "es"):
            return word
    return token


def find_defis(text: str, capitals: set[str], lexicon: Lexicon) -> tuple[frozenset[str], str]:
    """Return the défis named in the question (exactly, else with a typo) and the text without them."""
    hits = []
    for alias, names in lexicon.defis.items():
        for match in re.finditer(rf"\b{re.escape(alias)}\b", text):
            before = text[: match.start()].split()[-1:]
            if alias in lexicon.guarded_aliases and alias not in capitals and before not in (["defi"], ["projet"]):
                continue
            hits.append((match.start(), match.end(), names))
    kept, taken = set(), []
    # Longest names first: "EIG Link 2019" wins over "EIG Link".
    for start, end, names in sorted(hits, key=lambda hit: hit[0] - hit[1]):
        if all(end <= other_start or start >= other_end for other_start, other_end in taken):
            taken.append((start, end))
            kept |= names
    for start, end in sorted(taken, reverse=True):
        text = text[:start] + " " + text[end:]
    return frozenset(kept), clean(text)


def fuzzy_defis(text: str, lexicon: Lexicon, tuning: Tuning = TUNING) -> frozenset[str]:
    """Return the défi whose long name is closest to some unknown words of the text ("Signaux Faibls")."""
    tokens = text.split()
    windows: dict[int, list[str]] = {}

    def joined(width: int) -> list[str]:
        """Runs of `width` words, spaces removed; words of the rules or administrations are not a mistyped name."""
        if width not in windows:
            runs = (tokens[i : i + width] for i in range(len(tokens) - width + 1))
            windows[width] = ["".join(run) for run in runs if not any(token in lexicon.vocabulary for token in run)]
        return windows[width]

    best, score = frozenset(), 100 * tuning.figure_name_similarity
    for alias, names in lexicon.defis.items():
        squeezed = alias.replace(" ", "")
        if len(squeezed) < tuning.figure_name_min_chars:
            continue
        size = len(alias.split())
        # rapidfuzz's ratio (C code) over every run at once: the pure-Python matcher took most of a figure's time.
        match = process.extractOne(squeezed, joined(size) + joined(size + 1), scorer=fuzz.ratio, score_cutoff=score)
        if match:
            best, score = names, match[1]
    return best


def find_administration(text: str, question: str, capitals: set[str], lexicon: Lexicon) -> tuple[str | None, str]:
    """Return the administration named in the question, even partly or by acronym, and the text without it."""
    tokens = set(text.split())
    uppercase = {fold(word) for word in re.findall(r"\w+", question) if sum(char.isupper() for char in word) >= 2}
    found = {}
    for administration in lexicon.administrations:
        # A single distinctive word ("Culture", "budget") must be capitalised or follow its head ("ministère").
        if administration.tokens <= tokens and (
            len(administration.tokens) > 1 or administration.head in tokens or administration.tokens & capitals
        ):
            found[administration.display] = administration.tokens
    for names, written in ((lexicon.acronyms, tokens), (lexicon.initials, uppercase)):
        for acronym, display in names.items():
            if acronym in written:
                found.setdefault(display, frozenset([acronym]))
    specific = [name for name, words in found.items() if not any(words < other for other in found.values())]
    if not specific:
        return None, text
    name = max(specific, key=lambda name: len(found[name]))
    return name, clean(" ".join(token for token in text.split() if token not in found[name]))

