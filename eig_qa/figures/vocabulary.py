"""The one place for EIG-specific words: what fields and categories are called in French, and a query said in French."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from eig_qa.figures.data import SKILL_LABELS, StructuredData
from eig_qa.figures.query import Filter, Query, Result

# (entity, measure) → singular and plural noun of what is counted; a list's values are people, skills…
NOUNS = {
    ("defis", None): ("défi", "défis"),
    ("defis", "eigs"): ("EIG", "EIG"),
    ("defis", "mentors"): ("mentor", "mentors"),
    ("defis", "skills"): ("compétence", "compétences"),
    ("defis", "administration"): ("administration (libellé exact)", "administrations (libellés exacts)"),
    ("defis", "ministry"): ("ministère", "ministères"),
    ("defis", "city"): ("ville", "villes"),
    ("defis", "promotion_label"): ("promotion", "promotions"),
    ("defis", "promotion"): ("promotion", "promotions"),
    ("defis", "source_code"): ("code source publié", "codes sources publiés"),
    ("defis", "year"): ("année", "années"),
    ("defis", "duration_months"): ("durée", "durées"),
    ("people", None): ("personne (fiche de personnes.yml)", "personnes (fiches de personnes.yml)"),
    ("people", "profile"): ("profil", "profils"),
    ("people", "years"): ("année", "années"),
}
# Numeric fields: noun, grammatical gender, unit, and what follows the adjective ("nombre moyen d’EIG par défi").
MEASURES = {
    "duration_months": ("durée", "f", "mois", ""),
    "n_eigs": ("nombre", "m", "EIG", "d’EIG par défi"),
    "n_mentors": ("nombre", "m", "mentors", "de mentors par défi"),
    "n_skills": ("nombre", "m", "compétences", "de compétences par défi"),
    "year": ("année", "f", "", ""),
    "n_years": ("nombre", "m", "années", "d’années par personne"),
    "n_fiche_defis": ("nombre", "m", "défis", "de défis par personne"),
}
ADJECTIVES = {
    "mean": ("moyen", "moyenne"), "median": ("médian", "médiane"), "min": ("minimal", "minimale"),
    "max": ("maximal", "maximale"), "sum": ("total", "totale"),
}
DIMENSIONS = {
    "promotion_label": "promotion", "promotion": "promotion", "year": "année", "ministry": "ministère",
    "administration": "administration (libellé exact)", "city": "ville", "skills": "compétence",
    "duration_months": "durée", "profile": "profil", "eigs.profile_key": "profil", "n_eigs": "taille d’équipe",
    "profile_key": "profil", "owner": "ministère ou administration",
}
PROFILE_NOUNS = {
    "développeur": "développeurs et développeuses", "data scientist": "data scientists", "designer": "designers",
    "data engineer": "data engineers", "mentor": "mentors", "accompagnement": "accompagnement",
}
SOURCES = {"defis": "data/defis.yml", "people": "data/personnes.yml"}


@dataclass(frozen=True)
class Vocabulary:
    """French names of the categories that the data spells as codes (promotion "3" is « EIG 3 »)."""

    categories: dict[str, dict] = field(default_factory=dict)

    def name(self, field_name: str, value) -> str:
        """A category as the reader knows it."""
        return str(self.categories.get(field_name, {}).get(value, value))


def eig_vocabulary(data: StructuredData) -> Vocabulary:
    """The names of promotions, skills and trades of the EIG data."""
    promotions = dict(zip(data.promotions["promotion"], data.promotions["label"], strict=True))
    durations = {months: f"{months} mois" for months in data.defis["duration_months"].dropna().unique()}
    return Vocabulary({
        "promotion": promotions, "skills": SKILL_LABELS, "duration_months": durations,
        "eigs.profile_key": PROFILE_NOUNS, "mentors.profile_key": PROFILE_NOUNS, "profile_key": PROFILE_NOUNS,
    })


def _join(items: list[str], word: str = "et") -> str:
    return ", ".join(items[:-1]) + f" {word} " + items[-1] if len(items) > 1 else "".join(items)


def _number(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return str(value)


def condition_phrase(condition: Filter, vocabulary: Vocabulary) -> str:
    """A condition in French: « de la promotion EIG 3 », « hors DIG », « menés par 2 EIG »."""
    name, op, values = condition.field, condition.op, list(condition.values)
    shown = [vocabulary.name(name, value) for value in values]
    few = _join(shown, "ou")
    if name == "promotion":
        if op == "not_in":
            return "hors " + _join(shown)
        return f"de la promotion {shown[0]}" if len(shown) == 1 else f"des promotions {_join(shown)}"
    numeric = {"ge": f"au moins {few}", "le": f"au plus {few}", "in": few, "not_in": f"autre que {few}"}
    phrases = {
        "year": f"de l’année {few}",
        "administration": f"portés par « {few} »" if op == "contains" else f"au libellé d’administration « {few} »",
        "ministry": f"du « {few} »",
        "city": f"situés à {few}",
        "duration_months": f"d’une durée {'de ' if op == 'in' else 'd’' if op in ('ge', 'le') else ''}"
                           f"{numeric.get(op, few).replace(' mois', '')} mois",
        "source_code": "dont le code source est publié" if op == "present" else "sans code source publié",
        "website": "dont le site web est renseigné" if op == "present" else "sans site web",
        "n_eigs": f"menés par {numeric.get(op, few)} EIG",
        "n_mentors": f"suivis par {numeric.get(op, few)} mentors",
        "n_skills": f"mobilisant {numeric.get(op, few)} compétences",
        "skills": f"faisant appel {'à la compétence' if len(shown) == 1 else 'aux compétences'} "
                  f"{_join(shown, 'et' if op == 'all' else 'ou')}",
        "name": f"du défi {few}" if len(shown) == 1 else f"des défis {_join(shown)}",
        "profile_key": f"au profil {few}",
        "profile": f"au profil « {few} »",
        "years": f"actives en {few}",
        "n_years": f"présentes sur {numeric.get(op, few)} années",
        "n_fiche_defis": f"rattachées à {numeric.get(op, few)} défis (personnes.yml)",
    }
    return phrases.get(name, f"{name} {op} {few}".strip())


def _what(query: Query, vocabulary: Vocabulary, filters: tuple[Filter, ...]) -> tuple[str, str]:
    """Noun of what is counted (a trade replaces « EIG ») and the phrase of the filters."""
    plural = NOUNS.get((query.entity, query.measure), (query.measure or query.entity,) * 2)[1]
    trades = [c for c in filters if c.field.endswith(".profile_key")]
    if trades:
        plural = _join([vocabulary.name(trades[0].field, value) for value in trades[0].values])
    if query.measure == "eigs" and any(c.field == "promotion" and c.op == "in" and c.values == ("dig",)
                                       for c in filters):
        plural = "designers d’intérêt général (DIG)"
    phrases = [condition_phrase(c, vocabulary) for c in filters if not c.field.endswith(".profile_key")]
    if query.min_items:
        phrases.append(f"présents dans au moins {query.min_items} défis")
    return plural, "".join(" " + phrase for phrase in phrases)


def label(result: Result, vocabulary: Vocabulary) -> tuple[str, str]:
    """The query said in French, and the unit of its value."""
    text, unit = _label(result, vocabulary)
    return re.sub(r"\b(de|que) (?=[aeiouyhéèEAIOU])", lambda m: m.group(1)[0] + "’", text), unit


def _label(result: Result, vocabulary: Vocabulary) -> tuple[str, str]:
    query = result.query
    noun, where = _what(query, vocabulary, query.filters)
    distinct = " distincts" if query.measure in ("eigs", "mentors") else ""
    operation = query.operation
    by = f", par {DIMENSIONS.get(query.group_by, query.group_by)}" if query.group_by else ""
    if operation == "difference":
        _, other = _what(query, vocabulary, query.versus)
        first, second = result.parts
        return f"Écart du nombre de {noun}{distinct} :{where} ({first}) moins{other} ({second})", noun
    if operation == "share":
        part, _ = _what(query, vocabulary, query.part)
        _, part_where = _what(replace_measure(query), vocabulary, query.part)
        return f"Part des {part}{part_where} parmi les {noun}{where}".replace("  ", " "), "%"
    if operation in ADJECTIVES:
        measure, gender, unit, complement = MEASURES.get(query.measure, (query.measure, "m", "", ""))
        adjective = ADJECTIVES[operation][gender == "f"] + (" " + complement if complement else "")
        items = NOUNS.get((query.entity, None), ("", query.entity))[1]
        return f"{measure[:1].upper()}{measure[1:]} {adjective} des {items}{where}{by}", unit
    if operation in ("argmax", "argmin"):
        most = "le plus" if operation == "argmax" else "le moins"
        if query.group_by:
            dimension = DIMENSIONS.get(query.group_by, query.group_by)
            return f"{dimension[:1].upper()}{dimension[1:]} comptant {most} de {noun}{where}", ""
        if query.measure in MEASURES:
            measure, gender, unit, complement = MEASURES[query.measure]
            items = NOUNS.get((query.entity, None), ("", query.entity))[0]
            size = ("grand" if operation == "argmax" else "petit") + ("e" if gender == "f" else "")
            counted = f"comptant {most} de {unit}" if complement else \
                f"{'à la' if gender == 'f' else 'au'} {measure} {'la' if gender == 'f' else 'le'} plus {size}"
            return f"{items[:1].upper()}{items[1:]} {counted}{where}", ""
        single = NOUNS.get((query.entity, query.measure), (noun, noun))[0]
        return f"{single[:1].upper()}{single[1:]} présent dans {most} de défis{where}", ""
    if operation == "list":
        return f"{noun[:1].upper()}{noun[1:]}{distinct}{where}", ""
    top = f" (les {query.limit} premiers)" if operation == "top" and query.limit else ""
    return f"Nombre de {noun}{distinct}{where}{by}{top}", noun


def replace_measure(query: Query) -> Query:
    """The query without its list measure, to phrase conditions on the items only."""
    return Query(query.entity)


def value_text(result: Result, vocabulary: Vocabulary, unit: str):
    """A value for display: a number, or the categories or names it lists."""
    value, query = result.value, result.query
    if isinstance(value, pd.Series):
        field_name = query.group_by or query.measure or ""
        nouns = NOUNS.get((query.entity, query.measure), ("", unit))
        if query.group_by is None and query.measure in MEASURES:
            nouns = (MEASURES[query.measure][2],) * 2
        elif query.group_by is None:
            nouns = ("défi", "défis")
        if query.operation in ADJECTIVES:
            nouns = (MEASURES.get(query.measure, ("", "", "", ""))[2],) * 2
        parts = [f"{vocabulary.name(field_name, name)} ({_number(count)} {nouns[1 if count > 1 else 0]})"
                 for name, count in value.items()]
        return ", ".join(parts) or "aucun"
    if isinstance(value, list):
        return ", ".join(vocabulary.name(query.measure or "", item) for item in value) or "aucun"
    return value
