"""Key figures computed with pandas from the structured data, and figures stated in the documents."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pandas as pd

from eig_qa.figures.data import SKILL_LABELS, StructuredData, fold

DATA_SCOPE = "Données du site (dossier data/), promotions EIG 1 à 4 et DIG"
DEFIS_SOURCE = "data/defis.yml"
PEOPLE_SOURCE = "data/personnes.yml"
TEAM_SOURCE = "data/defis.yml, data/personnes.yml"
PROMOS_SOURCE = "data/promos.yml, data/defis.yml"

PROFILE_NOUNS = {
    "développeur": "développeurs et développeuses",
    "data scientist": "data scientists",
    "designer": "designers",
    "data engineer": "data engineers",
}
CATEGORY_NOUNS = {
    "promotions": "promotions",
    "year": "années",
    "administration": "ministères",
    "city": "villes",
    "skill": "compétences",
    "duration_months": "durées",
    "profile": "profils",
}
DIMENSION_NOUNS = {
    "promotions": "promotion",
    "year": "année",
    "administration": "ministère (directions rattachées comprises)",
    "city": "ville",
    "skill": "compétence",
    "duration_months": "durée",
    "profile": "profil",
}

# Words that make a sentence of a document a statement about one of the computed topics.
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
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True)
class Figure:
    """One key figure: what it is, its value, what it covers and how it was obtained."""

    label: str
    value: int | float | str
    unit: str
    scope: str
    computation: str
    source: str
    query: dict | None = None  # the engine's query, to open it in the explorer
    steps: tuple[str, ...] = ()  # the pandas operations that produced the value
    rows: pd.DataFrame | None = field(default=None, compare=False, repr=False)  # the rows used, for the CSV

    def to_dict(self) -> dict:
        """Return the figure as a JSON-ready mapping (the rows stay out: they are for the CSV download)."""
        return {item.name: getattr(self, item.name) for item in fields(self) if item.name != "rows"} | {
            "steps": list(self.steps)}


@dataclass(frozen=True)
class Selection:
    """Which défis a figure covers and, for people, which trade."""

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
WITH_SOURCE_CODE = Selection(with_source_code=True)


def eig_promotions(data: StructuredData) -> Selection:
    """Return the selection of the EIG promotions, DIG left out."""
    return Selection(promotions=frozenset(code for code in data.promotions["promotion"] if code != "dig"))


def merge(base: Selection, extra: Selection) -> Selection:
    """Return base narrowed by every criterion set in extra."""
    changes = {field.name: getattr(extra, field.name) for field in fields(Selection)}
    return replace(base, **{name: value for name, value in changes.items() if value != getattr(ALL, name)})


def select_defis(data: StructuredData, selection: Selection = ALL) -> pd.DataFrame:
    """Return the rows of defis that the selection covers."""
    defis = data.defis
    keep = pd.Series(True, index=defis.index)
    if selection.promotions:
        keep &= defis["promotion"].isin(selection.promotions)
    if selection.year is not None:
        keep &= defis["year"] == selection.year
    if selection.administration:
        # Whole words of the folded label, so "Ministère de l’Intérieur" finds its directions too.
        wanted = f" {fold(selection.administration)} "
        keep &= (" " + defis["administration_key"] + " ").str.contains(wanted, regex=False)
    if selection.city:
        keep &= defis["city"].fillna("").map(fold) == fold(selection.city)
    if selection.skill:
        keep &= defis["name"].isin(data.defi_skills.loc[data.defi_skills["skill"] == selection.skill, "defi"])
    if selection.duration_months is not None:
        keep &= defis["duration_months"].eq(selection.duration_months).fillna(False).astype(bool)
    if selection.with_source_code:
        keep &= defis["has_source_code"]
    if selection.defis:
        keep &= defis["name"].isin(selection.defis)
    return defis[keep]


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + " et " + items[-1] if len(items) > 1 else "".join(items)


def _de(noun: str) -> str:
    return f"d’{noun}" if noun[:1].lower() in "aeéèiouyh" else f"de {noun}"


def _plural(count: float, unit: str) -> str:
    return unit[:-1] if count == 1 and unit.endswith("s") else unit


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _promotion_labels(data: StructuredData, codes: frozenset[str]) -> list[str]:
    table = data.promotions
    return list(table.loc[table["promotion"].isin(codes), "label"]) or sorted(codes)


def _when(data: StructuredData, selection: Selection) -> str:
    """Return the French phrase for the promotions and year of a selection."""
    text = ""
    if selection.promotions:
        labels = _promotion_labels(data, selection.promotions)
        text += f" de la promotion {labels[0]}" if len(labels) == 1 else f" des promotions {_join(labels)}"
        text += " (hors DIG)" if len(labels) > 1 and "dig" not in selection.promotions else ""
    if selection.year is not None:
        text += f" de l’année {selection.year}"
    return text


def _which(selection: Selection) -> str:
    """Return the French phrase for the other criteria of a selection."""
    parts = []
    if selection.administration:
        parts.append(f"portés par « {selection.administration} »")
    if selection.city:
        parts.append(f"situés à {selection.city}")
    if selection.skill:
        parts.append(f"faisant appel à la compétence « {SKILL_LABELS.get(selection.skill, selection.skill)} »")
    if selection.duration_months is not None:
        parts.append(f"d’une durée de {selection.duration_months} mois")
    if selection.with_source_code:
        parts.append("dont le code source est publié")
    return "".join(" " + part for part in parts)


def _of_defis(selection: Selection) -> str:
    names = sorted(selection.defis, key=fold)
    return f" du défi {names[0]}" if len(names) == 1 else f" des défis {_join(names)}" if names else ""


def _defis_phrase(data: StructuredData, selection: Selection) -> str:
    return _of_defis(selection) + _when(data, selection) + _which(selection)


def _people_phrase(data: StructuredData, selection: Selection) -> str:
    which = _which(selection)
    return _of_defis(selection) + _when(data, selection) + (f" dans les défis{which}" if which else "")


def _where(data: StructuredData, selection: Selection) -> str:
    """Return the filters of a selection as the reader would apply them to defis.yml."""
    conditions = []
    if selection.defis:
        conditions.append(f"nom ∈ {{{', '.join(sorted(selection.defis, key=fold))}}}")
    if selection.promotions:
        conditions.append(f"promotion ∈ {{{', '.join(sorted(selection.promotions))}}}")
    if selection.year is not None:
        conditions.append(f"year = {selection.year}")
    if selection.administration:
        conditions.append(f"administration contient « {selection.administration} » (casse et accents ignorés)")
    if selection.city:
        conditions.append(f"ville = {selection.city}, code postal ignoré (ville n’est renseignée qu’en promotion 4)")
    if selection.skill:
        conditions.append(f"skills contient « {selection.skill} »")
    if selection.duration_months is not None:
        conditions.append(f"duration_months = {selection.duration_months}")
    if selection.with_source_code:
        conditions.append("source_code renseigné")
    return " dont " + " et ".join(conditions) if conditions else " (toutes promotions, DIG inclus)"


def defi_count(data: StructuredData, selection: Selection = ALL) -> Figure:
    """Number of défis of a selection."""
    rows = select_defis(data, selection)
    return Figure(
        label=f"Nombre de défis{_defis_phrase(data, selection)}",
        value=len(rows),
        unit=_plural(len(rows), "défis"),
        scope=DATA_SCOPE,
        computation=f"defis.yml : nombre d’entrées{_where(data, selection)}.",
        source=DEFIS_SOURCE,
    )


def defi_names(data: StructuredData, selection: Selection = ALL) -> Figure:
    """Names of the défis of a selection, in alphabetical order."""
    names = sorted(select_defis(data, selection)["name"], key=fold)
    return Figure(
        label=f"Défis{_defis_phrase(data, selection)}",
        value=", ".join(names) or "aucun",
        unit="",
        scope=DATA_SCOPE,
        computation=f"defis.yml : noms des entrées{_where(data, selection)}, triés ({len(names)} défis).",
        source=DEFIS_SOURCE,
    )


def exact_administration_count(data: StructuredData, administration: str) -> Figure:
    """Number of défis whose administration label is exactly the given one."""
    count = int((data.defis["administration"] == administration).sum())
    return Figure(
        label=f"Nombre de défis au libellé d’administration exact « {administration} »",
        value=count,
        unit=_plural(count, "défis"),
        scope=DATA_SCOPE,
        computation=f"defis.yml : entrées dont administration = « {administration} » exactement (espaces retirés).",
        source=DEFIS_SOURCE,
    )


def _team(data: StructuredData, selection: Selection, role: str) -> pd.DataFrame:
    """Return the défi × person rows of a role in the selected défis, for the selected trade."""
    team = data.defi_people
    rows = team[(team["role"] == role) & team["defi"].isin(select_defis(data, selection)["name"])]
    return rows[rows["profile_key"] == selection.profile] if selection.profile else rows


def _profile_variants(data: StructuredData, profile: str) -> str:
    return ", ".join(sorted(data.people.loc[data.people["profile_key"] == profile, "profile"].unique()))


def _people_noun(data: StructuredData, selection: Selection) -> str:
    if selection.profile:
        return PROFILE_NOUNS.get(selection.profile, selection.profile)
    promotions = set(select_defis(data, selection)["promotion"])
    if promotions == {"dig"}:
        return "designers d’intérêt général (DIG)"
    return "EIG et designers DIG" if "dig" in promotions else "EIG"


def _team_computation(data: StructuredData, selection: Selection, rows: pd.DataFrame, role: str) -> str:
    text = f"defis.yml : listes `{role}s` des défis{_where(data, selection)} ({len(rows)} occurrences), noms distincts"
    if selection.profile:
        text += f" ; profil lu dans personnes.yml ∈ {{{_profile_variants(data, selection.profile)}}}"
    return text + "."


def eig_count(data: StructuredData, selection: Selection = ALL) -> Figure:
    """Number of distinct people who were EIG (or DIG designers) in the selected défis."""
    rows = _team(data, selection, "eig")
    noun = _people_noun(data, selection)
    count = int(rows["person"].nunique())
    return Figure(
        label=f"Nombre {_de(noun)} distincts{_people_phrase(data, selection)}",
        value=count,
        unit=_plural(count, "personnes"),
        scope=DATA_SCOPE,
        computation=_team_computation(data, selection, rows, "eig"),
        source=TEAM_SOURCE if selection.profile else DEFIS_SOURCE,
    )


def eig_share(data: StructuredData, selection: Selection) -> Figure:
    """Share of a trade (selection.profile) among the EIG of the selected défis."""
    everyone = _team(data, replace(selection, profile=None), "eig")["person"].nunique()
    rows = _team(data, selection, "eig")
    trade = rows["person"].nunique()
    noun = PROFILE_NOUNS.get(selection.profile, selection.profile)
    others = _people_noun(data, replace(selection, profile=None))
    return Figure(
        label=f"Part des {noun} parmi les {others}{_people_phrase(data, replace(selection, profile=None))}",
        value=_percent(trade, everyone),
        unit="%",
        scope=DATA_SCOPE,
        computation=f"{trade} {noun} sur {everyone} personnes. {_team_computation(data, selection, rows, 'eig')}",
        source=TEAM_SOURCE,
    )


def team_names(data: StructuredData, selection: Selection, role: str = "eig") -> Figure:
    """Names (and trades) of the EIG or mentors of the selected défis."""
    rows = _team(data, selection, role).drop_duplicates("person")
    names = [
        f"{row.person} ({row.profile})" if isinstance(row.profile, str) else row.person for row in rows.itertuples()
    ]
    noun = _people_noun(data, selection) if role == "eig" else "Mentors"
    return Figure(
        label=f"{noun[:1].upper() + noun[1:]}{_people_phrase(data, selection)}",
        value=", ".join(names) or "aucun",
        unit="",
        scope=DATA_SCOPE,
        computation=_team_computation(data, selection, rows, role) + " Profils lus dans personnes.yml.",
        source=TEAM_SOURCE,
    )


def mentor_count(data: StructuredData) -> Figure:
    """Number of mentors listed in personnes.yml."""
    people = data.people
    count = int((people["profile_key"] == "mentor").sum())
    in_class = int(people["classes"].map(lambda classes: "mentor" in classes).sum())
    return Figure(
        label="Nombre de mentors (agents publics porteurs de défis)",
        value=count,
        unit="mentors",
        scope=DATA_SCOPE,
        computation=(
            f"personnes.yml : entrées dont profil = « {_profile_variants(data, 'mentor')} » "
            "(personnes distinctes, DIG inclus). "
            f"Variante : « mentor » dans class = {in_class}."
        ),
        source=PEOPLE_SOURCE,
    )


def defi_mentor_count(data: StructuredData, selection: Selection = ALL) -> Figure:
    """Number of distinct names in the `mentors` lists of the selected défis."""
    rows = _team(data, selection, "mentor")
    count = int(rows["person"].nunique())
    return Figure(
        label=f"Nombre de mentors distincts cités dans les défis{_defis_phrase(data, selection)}",
        value=count,
        unit=_plural(count, "mentors"),
        scope=DATA_SCOPE,
        computation=_team_computation(data, selection, rows, "mentor")
        + " Ces listes comprennent aussi l’équipe de coordination (EIG Link).",
        source=DEFIS_SOURCE,
    )


def defi_share(data: StructuredData, criterion: Selection, base: Selection = ALL) -> Figure:
    """Share of the défis of base that also meet criterion."""
    within = select_defis(data, base)
    hits = select_defis(data, merge(base, criterion))
    return Figure(
        label=f"Part des défis{_defis_phrase(data, base)}{_defis_phrase(data, criterion)}",
        value=_percent(len(hits), len(within)),
        unit="%",
        scope=DATA_SCOPE,
        computation=(
            f"defis.yml : {len(hits)} défis sur {len(within)} ; base : entrées{_where(data, base)} ; "
            f"retenues : entrées{_where(data, criterion)}."
        ),
        source=DEFIS_SOURCE,
    )


def source_code_shares(data: StructuredData, selection: Selection = ALL) -> list[Figure]:
    """Share of défis with published source code, and the same without DIG when DIG is covered."""
    base = replace(selection, with_source_code=False)
    shares = [defi_share(data, WITH_SOURCE_CODE, base)]
    if "dig" in set(select_defis(data, base)["promotion"]):
        without_dig = frozenset(base.promotions or eig_promotions(data).promotions) - {"dig"}
        if without_dig:
            shares.append(defi_share(data, WITH_SOURCE_CODE, replace(base, promotions=without_dig)))
    return shares


def administration_count(data: StructuredData, selection: Selection = ALL) -> Figure:
    """Number of distinct administration labels among the selected défis."""
    labels = select_defis(data, selection)["administration"]
    ministries = select_defis(data, selection)["ministry"].dropna().nunique()
    return Figure(
        label=f"Nombre d’administrations distinctes ayant accueilli les défis{_defis_phrase(data, selection)}",
        value=int(labels.nunique()),
        unit="administrations",
        scope=DATA_SCOPE,
        computation=(
            f"defis.yml : libellés distincts du champ administration des entrées{_where(data, selection)} "
            f"(libellé exact : une direction et son ministère comptent séparément ; {ministries} ministères nommés)."
        ),
        source=DEFIS_SOURCE,
    )


def administration_names(data: StructuredData, selection: Selection = ALL) -> Figure:
    """Administrations of the selected défis, with their number of défis."""
    counts = _ranked(select_defis(data, selection)["administration"].value_counts())
    return Figure(
        label=f"Administrations ayant accueilli les défis{_defis_phrase(data, selection)}",
        value=_listing(counts, "défis") or "aucune",
        unit="",
        scope=DATA_SCOPE,
        computation=f"defis.yml : libellés exacts du champ administration des entrées{_where(data, selection)}.",
        source=DEFIS_SOURCE,
    )


def _ranked(counts: pd.Series) -> pd.Series:
    """Sort counts from largest to smallest, ties in alphabetical order."""
    counts = counts[counts > 0]
    return counts.sort_index(key=lambda index: index.map(fold)).sort_values(ascending=False, kind="stable")


def _listing(counts: pd.Series, unit: str) -> str:
    return ", ".join(f"{name} ({count} {_plural(count, unit)})" for name, count in counts.items())


def top_administrations(data: StructuredData, selection: Selection = ALL) -> list[Figure]:
    """Administration label with the most défis, then the next ones with more than one."""
    counts = _ranked(select_defis(data, selection)["administration"].value_counts())
    if counts.empty:
        return []
    best = counts.iloc[0]
    computation = (
        f"defis.yml : défis{_where(data, selection)} comptés par libellé exact du champ administration "
        "(espaces de bord retirés) ; une direction rattachée à un ministère compte à part."
    )
    figures = [Figure(
        label=f"Administration ayant accueilli le plus de défis{_defis_phrase(data, selection)} (libellé exact)",
        value=_listing(counts[counts == best], "défis"),
        unit="",
        scope=DATA_SCOPE,
        computation=computation,
        source=DEFIS_SOURCE,
    )]
    followers = counts[(counts < best) & (counts > 1)]
    if not followers.empty:
        figures.append(Figure(
            label="Administrations suivantes (libellé exact)",
            value=_listing(followers, "défis"),
            unit="",
            scope=DATA_SCOPE,
            computation=f"{computation} Les {int((counts == 1).sum())} autres libellés comptent 1 défi chacun.",
            source=DEFIS_SOURCE,
        ))
    return figures


def categories(data: StructuredData, field: str) -> list[tuple[str, Any]]:
    """Return (display name, selection value) for each category of a dimension."""
    defis = data.defis
    if field == "promotions":
        pairs = zip(data.promotions["label"], data.promotions["promotion"], strict=True)
        return [(label, frozenset([code])) for label, code in pairs]
    if field == "year":
        return [(str(year), int(year)) for year in sorted(defis["year"].unique())]
    if field == "administration":
        return [(name, name) for name in sorted(defis["ministry"].dropna().unique(), key=fold)]
    if field == "city":
        return [(city, city) for city in sorted(defis["city"].dropna().unique(), key=fold)]
    if field == "skill":
        skills = data.defi_skills.drop_duplicates("skill")
        return list(zip(skills["skill_label"], skills["skill"], strict=True))
    if field == "duration_months":
        return [(f"{months} mois", int(months)) for months in sorted(defis["duration_months"].dropna().unique())]
    if field == "profile":
        eigs = data.defi_people[data.defi_people["role"] == "eig"]
        keys = sorted(eigs["profile_key"].dropna().unique(), key=fold)
        return [(PROFILE_NOUNS.get(key, key), key) for key in keys]
    raise ValueError(f"unknown dimension {field!r}")


Count = Callable[[StructuredData, Selection], Figure]


def breakdown(data: StructuredData, count: Count, field: str, selection: Selection = ALL) -> list[Figure]:
    """One figure per category of a dimension (empty categories left out)."""
    figures = (count(data, replace(selection, **{field: value})) for _, value in categories(data, field))
    return [figure for figure in figures if figure.value]


def _counts_by(data: StructuredData, count: Count, field: str, selection: Selection) -> pd.Series:
    """Count of each category of a dimension within the selection, largest first, empty ones left out."""
    current = getattr(selection, field)
    counts = {
        name: count(data, replace(selection, **{field: value})).value
        for name, value in categories(data, field)
        # A selection already narrowed on this dimension ("hors DIG") keeps only its own categories.
        if current in (None, frozenset()) or (value <= current if isinstance(value, frozenset) else value == current)
    }
    return _ranked(pd.Series(counts, dtype="int64"))


def distribution(
    data: StructuredData, count: Count, field: str, selection: Selection = ALL, limit: int | None = None
) -> Figure:
    """Categories of a dimension ranked by a count, in one text figure."""
    counts = _counts_by(data, count, field, selection)
    whole = count(data, selection)
    unit = whole.unit if whole.unit.endswith("s") else whole.unit + "s"  # the whole may be singular, not the parts
    shown = counts.head(limit) if limit else counts
    rest = f" ; {len(counts) - len(shown)} autres catégories non listées" if len(shown) < len(counts) else ""
    return Figure(
        label=f"{whole.label}, par {DIMENSION_NOUNS[field]}, du plus grand nombre au plus petit",
        value=_listing(shown, unit) or "aucun",
        unit="",
        scope=DATA_SCOPE,
        computation=f"{whole.computation} Même comptage pour chaque {DIMENSION_NOUNS[field]}{rest}.",
        source=whole.source,
    )


def category_count(data: StructuredData, field: str, selection: Selection = ALL) -> Figure:
    """Number of categories of a dimension (promotions, cities, skills…) that have défis or EIG in the selection."""
    count = eig_count if field == "profile" else defi_count
    present = list(_counts_by(data, count, field, selection).index)
    noun = CATEGORY_NOUNS[field]
    counted = "un EIG" if field == "profile" else "un défi"
    return Figure(
        label=f"Nombre {_de(noun)} comptant au moins {counted}{_defis_phrase(data, selection)}",
        value=len(present),
        unit=_plural(len(present), noun.split()[0]),
        scope=DATA_SCOPE,
        computation=f"{count(data, selection).computation} Catégories non vides : {_join(present) or 'aucune'}.",
        source=PROMOS_SOURCE if field == "promotions" else count(data, selection).source,
    )


def years_covered(data: StructuredData) -> Figure:
    """First and last year of the défis, and how many years."""
    years = sorted(data.defis["year"].unique())
    return Figure(
        label="Années couvertes par les défis",
        value=f"{years[0]} à {years[-1]} ({len(years)} années)",
        unit="",
        scope=DATA_SCOPE,
        computation=f"defis.yml : valeurs distinctes du champ year : {', '.join(map(str, years))}.",
        source=DEFIS_SOURCE,
    )


def people_total(data: StructuredData) -> Figure:
    """Number of people in personnes.yml, by programme."""
    programmes = ", ".join(f"{name} = {count}" for name, count in data.people["programme"].value_counts().items())
    return Figure(
        label="Nombre de personnes dans l’annuaire du site (EIG, DIG, mentors et accompagnement)",
        value=len(data.people),
        unit="personnes",
        scope=DATA_SCOPE,
        computation=f"personnes.yml : nombre d’entrées ; par programme : {programmes}.",
        source=PEOPLE_SOURCE,
    )


DEFI_ASPECTS = ("administration", "promotion", "team", "mentors", "duration", "source_code", "skills", "key_figures")


def defi_facts(data: StructuredData, name: str, aspects: Sequence[str] = DEFI_ASPECTS) -> list[Figure]:
    """A défi's own figures: its administration, promotion, team, duration, code, skills and key figures."""
    row = data.defis.set_index("name").loc[name]
    only = Selection(defis=frozenset([name]))

    def fact(label: str, value: Any, field: str, unit: str = "") -> list[Figure]:
        computation = f"defis.yml : champ {field} de l’entrée « {name} »."
        return [Figure(f"{label} du défi {name}", value, unit, DATA_SCOPE, computation, DEFIS_SOURCE)]

    skills = ", ".join(data.defi_skills.loc[data.defi_skills["defi"] == name, "skill_label"])
    duration = row["duration_months"]
    facts = {
        "administration": fact("Administration", row["administration"], "administration"),
        "promotion": fact("Promotion", f"{row['promotion_label']} ({row['year']})", "promotion (et year)"),
        "team": [team_names(data, only, "eig")],
        "mentors": [team_names(data, only, "mentor")],
        "duration": [] if pd.isna(duration) else fact("Durée", int(duration), "duration_months", "mois"),
        "source_code": fact("Code source", row["source_code"] if row["has_source_code"] else "non publié", "source"),
        "skills": fact("Compétences", skills or "non renseignées", "skills"),
        "key_figures": [
            Figure(f"{description} (défi {name})", amount, "", DATA_SCOPE,
                   f"defis.yml : key_figures de l’entrée « {name} ».", DEFIS_SOURCE)
            for amount, description in row["key_figures"]
        ],
    }
    return [figure for aspect in aspects for figure in facts[aspect]]


def catalogue(data: StructuredData) -> list[Figure]:
    """Every aggregate figure of the data (per-défi and per-administration figures come on demand)."""
    eig_only = eig_promotions(data)
    per_promotion = [Selection(promotions=codes) for _, codes in categories(data, "promotions")]
    figures = [defi_count(data), defi_count(data, eig_only)]
    for dimension in ("promotions", "year", "city", "skill", "duration_months"):
        figures += breakdown(data, defi_count, dimension)
    figures += [*top_administrations(data), distribution(data, defi_count, "administration", limit=5)]
    figures += [administration_count(data), eig_count(data), eig_count(data, eig_only)]
    figures += breakdown(data, eig_count, "promotions")
    figures += breakdown(data, eig_count, "profile")
    for selection in per_promotion:
        figures += breakdown(data, eig_count, "profile", selection)
    figures += [mentor_count(data), defi_mentor_count(data), *source_code_shares(data)]
    figures += [distribution(data, defi_count, "skill"), category_count(data, "promotions"), years_covered(data)]
    figures.append(people_total(data))
    return figures


def figure_topic(figure: Figure) -> str | None:
    """Return what a figure counts (défis, people, mentors, open source…), to pair computed and stated ones."""
    if figure.unit == "%":
        return "open_source" if _OPEN_SOURCE.search(fold(figure.label)) else "share"
    return _TOPICS.get(fold(figure.unit))


def _sentences(text: str) -> list[str]:
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
    return " ".join(str(text).translate(_APOSTROPHES).casefold().split())


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
