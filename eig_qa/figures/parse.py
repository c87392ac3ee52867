"""From a French question to a query: what is measured, the operation, the grouping, the filters, or why not."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from eig_qa.figures import question_words
from eig_qa.figures.data import StructuredData, fold
from eig_qa.figures.filters import (
    MONTHS_BOUND,
    NEITHER,
    NUMBER,
    TEAM_SIZE,
    WEBSITE,
    WITHOUT_CODE,
    YEAR_RANGE,
    base_filters,
    number,
    size_filters,
)
from eig_qa.figures.lexicon import data_lexicon
from eig_qa.figures.query import Filter, Query
from eig_qa.figures.recognise import ALL, DURATION, _parse, _Query
from eig_qa.french import YEAR
from eig_qa.tuning import TUNING, Tuning

_PER_DEFI = r"\b(?:par|dans un|d un|pour un) defi\b"
# Operations named by one word, in the order they are tried.
_AGGREGATES = {
    "mean": re.compile(r"\b(?:moyen|moyenne|moyennes|moyens)\b"),
    "median": re.compile(r"\bmedian(?:e|es|s)?\b"),
    "sum": re.compile(r"\b(?:somme|cumule?e?s?|additionne)\b"),
}
# An extreme value, the largest tried first.
_EXTREMES = {
    "max": re.compile(r"\b(?:maximum|maximale?|max|plus longu?e?s?|plus grande?s?)\b"),
    "min": re.compile(r"\b(?:minimum|minimale?|min|plus courte?s?|plus petite?s?)\b"),
}
_POPULAR = r"demandee?s?|frequente?s?|courante?s?|repandue?s?|representee?s?|nombreu(?:x|se|ses)"
_MOST = re.compile(rf"\b(?:le|la|les|du|au) plus (?:de|d|grand nombre|souvent|{_POPULAR})\b")
_LEAST = re.compile(rf"\b(?:le|la|les|du|au) moins (?:de|d|souvent|{_POPULAR})\b|\ble plus petit nombre\b")
_DISTINCT = re.compile(r"\b(?:differente?s?|distincte?s?)\b")
# Belonging to more than one défi, year or promotion ("EIG présents sur plusieurs années").
_SEVERAL = re.compile(
    rf"\b(?:plusieurs|plus d un|plus d une|au moins {NUMBER}|{NUMBER} ou plus) (defis?|annees?|promos?|promotions?)\b"
)
# A question on the directory of people (personnes.yml) rather than on the défis' teams.
_PEOPLE_FILE = re.compile(r"\b(?:personnes yml|fiches? (?:de )?personnes?|annuaire|actives?|activite)\b")
# Two things counted at once ("mentors et EIG"): one figure cannot answer.
_TWO_SUBJECTS = re.compile(r"\b(mentors?|eigs?|defis?) et (?:d |de |des |les )?(mentors?|eigs?|defis?)\b")
_LONGEST = re.compile(r"\ble plus longtemps\b|\ble moins longtemps\b")
_PROFILE_LABEL = re.compile(r"\bprofils? (\w+(?: \w+)?)")
_ALL_YEARS = re.compile(r"\b(?:annees|plusieurs annees|plus d une annee)\b")
_LIST = re.compile(r"^(?:qui|quels?|quelles?|liste[rz]?|citer|citez|nomme[rz]?)\b|\bqui sont\b")
# "par promotion" groups; "par le ministère" names who carries the défis.
_GROUPING = re.compile(r"\b(?:par|selon|chaque)\b(?! (?:le|la|les|l|un|une|des|du|d|leur|son|sa|ses)\b)")
_TEAM = re.compile(r"\b(?:tailles? (?:(?:moyennes?|medianes?|maximales?|minimales?) )?(?:des |d |de l |de la )?"
                   r"equipes?|equipes?)\b")
_CODE_WORDS = re.compile(r"\b(?:du |le |leur |son |depots? (?:de |du )?)?code (?:open source|ouvert|libre|publie)\b")
_POSTCODE = re.compile(r"\bcodes? postaux?\b|\bcodes? postal\b")
_CODE = re.compile(r"\b(?:lien |leur |son |le )?codes? sources?\b")

_MEASURES = {"eig": "eigs", "mentors": "mentors", "skills": "skills", "administrations": "administration",
             "ministries": "ministry", "cities": "city", "promotions": "promotion", "years": "year"}
_GROUPS = {"promotions": "promotion", "years": "year", "skills": "skills", "cities": "city",
           "duration": "duration_months", "ministries": "ministry", "administrations": "administration"}


@dataclass(frozen=True)
class Parsed:
    """A question read as a query, or why it cannot be: what was understood and what was not."""

    query: Query | None
    attempted: Query | None = None  # the query read from the understood part, when some words were not
    not_understood: tuple[str, ...] = ()
    legacy: _Query | None = None
    asks_figure: bool = False  # it asks for a count, a share, a mean, a ranking…


def _extreme(text: str) -> str | None:
    """"max" or "min" when the question asks for an extreme value."""
    return next((extreme for extreme, pattern in _EXTREMES.items() if pattern.search(text)), None)


def _promotion_order(text: str, codes: frozenset[str]) -> list[str]:
    """Promotion codes in the order the question names them ("promo 4 … promo 3")."""
    found = re.findall(rf"\b(?:{question_words.PROMO} (?:eig ?)?|eig ?)([1-9])\b|\b(dig)\b", text)
    ordered = [number or dig for number, dig in found]
    return [code for code in dict.fromkeys(ordered) if code in codes]


# A comparison of two promotions or two years ("combien d'EIG de plus en promo 4 qu'en promo 3").
_DIFFERENCE = re.compile(r"\b(?:de plus|de moins|ecart|difference)\b")


def _compared(legacy: _Query, question: str) -> tuple[str, list]:
    """The two promotions, or else the two years, a comparison names in its order ("promo 4 … promo 3", "en 2019
    qu'en 2018"), with the field they filter; ("", []) when it does not name two."""
    promotions = _promotion_order(question, legacy.selection.promotions)
    if len(promotions) == 2:
        return "promotion", promotions
    years = [int(year) for year in dict.fromkeys(re.findall(rf"\b({YEAR})\b", question))]
    return ("year", years) if len(years) == 2 else ("", [])


def _difference(legacy: _Query, data: StructuredData, measure: str | None, filters: list[Filter],
                question: str) -> Query | None:
    """The first group named minus the second: promotions, or years ("Combien d'EIG de plus en 2019 qu'en 2018 ?");
    None for a year the data does not cover."""
    field, (first, second) = _compared(legacy, question)
    if field == "year" and not {first, second} <= data_lexicon(data).years:
        return None
    kept = [c for c in filters if c.field != field]
    return Query("defis", measure, "difference", (*kept, Filter(field, "in", (first,))),
                 versus=(Filter(field, "in", (second,)),))


def _operation(legacy: _Query, text: str, has_group: bool, question: str) -> str | None:
    if _DIFFERENCE.search(text) and _compared(legacy, question)[0]:
        return "difference"
    if legacy.share:
        return "share"
    for operation, pattern in _AGGREGATES.items():
        if pattern.search(text):
            return operation
    ranked = question_words.RANKING.search(text) and (legacy.asked in _GROUPS or _TOP.search(text))
    if _MOST.search(text) or _LEAST.search(text) or ranked:
        return "argmin" if _LEAST.search(text) or re.search(r"\bmoins\b", text) else "argmax"
    if re.search(r"\b(?:duree|durees)\b|" + _PER_DEFI, text) and _extreme(text):
        return _extreme(text)  # "durée maximale", "nombre maximum d'EIG dans un défi"
    if has_group or legacy.count:
        return "count"
    if _LIST.search(text) or legacy.asked:
        return "list"
    return None


def _people_query(legacy: _Query, data: StructuredData, text: str, operation: str) -> Query:
    """A question on the fiches of personnes.yml: profiles, years of activity, défis of each fiche."""
    filters = []
    if legacy.selection.profile:
        filters.append(Filter("profile_key", "in", (legacy.selection.profile,)))
    elif legacy.counted == "mentors" or re.search(r"\bmentors?\b", text):
        filters.append(Filter("profile_key", "in", ("mentor",)))
    label = _PROFILE_LABEL.search(text)
    known = data_lexicon(data).profiles
    if label and fold(label.group(1).split()[0]) in known:
        filters = [Filter("profile", "in", (known[fold(label.group(1).split()[0])],))]
    if legacy.selection.year is not None:
        filters.append(Filter("years", "any", (legacy.selection.year,)))
    several = _SEVERAL.search(text)
    if several:
        least = number(several.group(1) or several.group(2) or "2")
        field = "n_years" if several.group(3).startswith("annee") else "n_fiche_defis"
        filters.append(Filter(field, "ge", (max(least, 2),)))
    group = "profile" if legacy.dimension == "profiles" or re.search(r"\bpar profils?\b", text) else None
    return Query("people", None, "count" if group else operation, tuple(filters), group)


def _grouping(legacy: _Query, text: str) -> str | None:
    """The dimension a question groups by: "par promotion" groups, "portés par le ministère" names who."""
    if legacy.dimension and _GROUPING.search(text):
        return "eigs.profile_key" if legacy.dimension == "profiles" else _GROUPS.get(legacy.dimension)
    if re.search(r"\brepartition\b", text):
        return _GROUPS.get(legacy.counted)
    return None


def _measure(subject: str | None, operation: str, text: str) -> str | None:
    """What is measured: the items (None), a list's values, a column, or a numeric field for means and extremes."""
    measure = _MEASURES.get(subject) if subject != "defis" else None
    if subject == "duration" or (operation in ("mean", "median", "max", "min") and re.search(r"\bduree", text)):
        return "duration_months"
    if operation in ("mean", "median", "max", "min", "sum"):
        if _TEAM.search(text) or measure == "eigs":
            return "n_eigs"  # "taille moyenne des équipes", "EIG en moyenne par défi"
        return {"mentors": "n_mentors", "skills": "n_skills"}.get(measure, measure)
    return measure


def _special(legacy: _Query, data: StructuredData, text: str, question: str,
             operation: str) -> tuple[bool, Query | None]:
    """(True, query) for a question of its own shape (personnes.yml, two subjects, longest défi), else (False, None)."""
    if _PEOPLE_FILE.search(text) or _directory_profile(text, data):
        return True, None if legacy.selection.defis else _people_query(legacy, data, text, operation)
    two = _TWO_SUBJECTS.search(text)
    if two and two.group(1).rstrip("s") != two.group(2).rstrip("s"):
        return True, None  # "mentors et EIG": one figure cannot answer
    longest = _LONGEST.search(question)
    if longest and "defis" in (legacy.asked, legacy.counted):
        extreme = "argmax" if "plus" in longest.group(0) else "argmin"
        return True, Query("defis", "duration_months", extreme, tuple(base_filters(legacy, data, text)))
    several = _SEVERAL.search(text)
    if several and several.group(3).startswith("promo"):
        return True, None  # "plus d'une promotion": the engine counts défis per person, not promotions
    if several and several.group(3).startswith("annee"):
        several_years = (Filter("n_years", "ge", (2,)),)
        return True, Query("people", None, "count" if operation == "count" else "list", several_years)
    return False, None


def to_query(legacy: _Query, data: StructuredData, question: str = "") -> Query | None:
    """The query a recognised question asks, or None when it does not ask for a figure."""
    text = legacy.text
    question = question or text
    group = _grouping(legacy, text)
    operation = _operation(legacy, text, group is not None, question)
    if operation is None:
        return None
    handled, special = _special(legacy, data, text, question, operation)
    if handled:
        return special
    if operation == "count" and group is None and _extreme(text):
        return None  # "le nombre maximum de …" asks for an extreme this reading did not find
    subject = legacy.asked if operation == "list" and legacy.asked else legacy.counted or legacy.asked
    if subject is None and group is None and operation in ("count", "list") and legacy.selection == ALL:
        return None  # "Qui ?", "Combien ?": nothing named to count or list (they listed or counted all the défis)
    measure = _measure(subject, operation, text)
    if measure == "duration_months" and operation == "count" and group is None and not _DISTINCT.search(text):
        # "Combien de temps dure …" asks how long, not how many distinct durations (any subject with a duration);
        # figures.jsonl unchanged (tune 22/22, check 13/13).
        operation = "median"
    filters = base_filters(legacy, data, text) + size_filters(text, measure)
    several = _SEVERAL.search(text)
    least = number(several.group(1) or several.group(2) or "2") if several else None
    profile = legacy.selection.profile
    if profile == "développeur" and any(c.field == "skills" and "dev" in c.values for c in filters):
        profile = None  # "au dev" named the skill, not the trade
    if profile and subject == "defis":
        return None  # défis that have an EIG of a trade: not a query of this model
    if profile:
        measure = measure or "eigs"
        if operation != "share":
            filters.append(Filter("eigs.profile_key", "in", (profile,)))
    if operation in ("argmax", "argmin"):
        return _ranking(legacy, measure, filters, operation, text)
    if operation == "difference":
        return _difference(legacy, data, measure, filters, question)
    if operation == "share":
        return _share(profile, measure, filters)
    if group == "eigs.profile_key" and measure is None:
        measure = "eigs"
    if operation == "list" and measure is None and subject not in ("defis", None):
        return None
    if measure == "skills" and group is None and operation == "count" and re.search(r"\bpar\b", text):
        group = "skills"
    min_items = least if measure in ("eigs", "mentors") else None
    return Query("defis", measure, operation, tuple(filters), group, min_items=min_items)


# "les 3 administrations qui ont le plus de défis", "top 5 des ministères", "les 3 premières villes": a ranking of n.
_TOP = re.compile(r"\b(?:top|les) (\d{1,2}) (?!(?:mois|ans?|annees?|jours?|semaines?|eigs?|defis?)\b)")


def _ranking(legacy: _Query, measure: str | None, filters: list[Filter], operation: str, text: str) -> Query | None:
    """« Quel défi compte le plus de mentors », « quel agent est mentor du plus de défis », « quelle promotion … »."""
    asked = legacy.asked
    counted = legacy.counted
    most = re.search(r"\b(?:plus|moins) (?:grand nombre |petit nombre )?(?:de |d )(\w+)", text)
    of = most.group(1) if most else ""
    if asked == "defis" and of.startswith(("mentor", "eig", "competence", "personne")):
        size = {"m": "n_mentors", "e": "n_eigs", "c": "n_skills", "p": "n_eigs"}[of[0]]
        return Query("defis", size, operation, tuple(filters))
    if asked in ("mentors", "eig") or (of.startswith("defi") and measure in ("mentors", "eigs")):
        return Query("defis", {"mentors": "mentors", "eig": "eigs"}.get(asked, measure), operation, tuple(filters))
    if re.search(r"\bmentor", text) and of.startswith("defi"):
        return Query("defis", "mentors", operation, tuple(filters))
    dimension = _GROUPS.get(asked) or _GROUPS.get(counted)
    if dimension and dimension not in ("duration_months",):
        counting = {"eig": "eigs", "mentors": "mentors"}.get(counted) if counted != asked else None
        top = _TOP.search(text)
        if top and operation == "argmax" and int(top.group(1)) >= 2:
            return Query("defis", counting, "top", tuple(filters), dimension, limit=int(top.group(1)))
        return Query("defis", counting, operation, tuple(filters), dimension)
    return None


def _share(profile: str | None, measure: str | None, filters: list[Filter]) -> Query | None:
    """A part among a whole: a trade among the EIG, or défis meeting a condition among those of the promotions."""
    if profile:
        part = (Filter("eigs.profile_key", "in", (profile,)),)
        return Query("defis", "eigs", "share", tuple(filters), part=part)
    whole = tuple(c for c in filters if c.field in ("promotion", "year"))
    part = tuple(c for c in filters if c.field not in ("promotion", "year"))
    if not part:
        return None
    return Query("defis", measure if measure in ("eigs", "mentors") else None, "share", whole, part=part)


@lru_cache(maxsize=1024)  # the figures and the notice of one answer read the same question
def parse_question(question: str, data: StructuredData, tuning: Tuning = TUNING) -> Parsed:
    """Read a question as a query; Parsed.query is None when it is not a figure question or not understood."""
    legacy = _parse(question, data, tuning)
    if legacy is None:
        return Parsed(None, not_understood=("une promotion ou une année absente des données",))
    query = to_query(legacy, data, fold(question))
    # Words in parentheses gloss the question ("(skills)", "(2 EIG)"): what they name is used, the rest may go.
    glosses = set(fold(" ".join(re.findall(r"\(([^)]*)\)", question))).split())
    # A défi found despite a typo ("Signaux Faibls") leaves its words in the text: they were understood.
    named = {token for name in legacy.selection.defis for token in fold(name).split()}
    close = tuning.figure_understood_similarity
    left = tuple(word for word in leftover_words(legacy.text, _patterns(data))
                 if word not in glosses and not difflib.get_close_matches(word, named, n=1, cutoff=close))
    # Numbers left over refuse the query too, but the notice names them only when no word was left over.
    left = tuple(word for word in left if not word.isdigit()) or left
    # A figure is asked for when something is computed ("combien de défis", "durée moyenne"), not only named.
    operation = _operation(legacy, legacy.text, legacy.dimension is not None, fold(question))
    asks = operation not in (None, "list") and (legacy.counted is not None or operation != "count")
    if left:
        return Parsed(None, query, left, legacy, asks)
    return Parsed(query, legacy=legacy, asks_figure=asks)


def _alternatives(patterns) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


@lru_cache(maxsize=4)
def _patterns(data: StructuredData) -> tuple[re.Pattern, ...]:
    """Every rule that reads part of a question, and the names of the data's cities and profiles."""
    names = [re.escape(fold(name)) for name in [*data.defis["city"].dropna().unique(), *data.people["profile"]]]
    # Longer phrases first: "plusieurs défis" before the subject "défis" alone.
    rules = (_SEVERAL, TEAM_SIZE, NEITHER, MONTHS_BOUND, _POSTCODE, _TEAM, YEAR_RANGE, WITHOUT_CODE, _CODE,
             _CODE_WORDS, _LONGEST, _MOST, _LEAST, *question_words.INTENTS, DURATION, *_AGGREGATES.values(),
             *_EXTREMES.values(), _DIFFERENCE, _PEOPLE_FILE, WEBSITE, _TOP)
    words = [question_words.SOURCE_CODE, *question_words.SKILLS.values(), *question_words.PROFILES.values(),
             *question_words.ASPECTS.values(), *sorted(set(names))]
    return (*rules, _alternatives(words))


def leftover_words(text: str, patterns: tuple[re.Pattern, ...]) -> list[str]:
    """The words of a question that no rule understood: what it asks that the query would miss."""
    for pattern in patterns:
        text = pattern.sub(" ", text)
    # A count or a rank left over is a condition no rule read ("plus de 2 défis" for administrations); a year is the
    # selection's (QUESTION_YEAR).
    return [word for word in text.split() if word not in question_words.FILLER and not re.fullmatch(YEAR, word)
            and (len(word) > 1 or word.isdigit())]


def _directory_profile(text: str, data: StructuredData) -> bool:
    """Whether the question names a profile of personnes.yml that no EIG has (« Mentor », « Accompagnement »)."""
    label = _PROFILE_LABEL.search(text)
    if not label:
        return False
    profiles = data_lexicon(data).profiles
    word = fold(label.group(1).split()[0])
    return word in profiles and not any(re.fullmatch(pattern, word) for pattern in question_words.PROFILES.values())
