"""Pure functions returning the key figures and tables that the statistics page draws."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from eig_qa.figures.catalogue import Figure
from eig_qa.figures.data import StructuredData
from eig_qa.figures.engine import WITH_CODE, WITHOUT_CODE, engine, figure_of, run_query
from eig_qa.figures.query import Filter, Query, execute
from eig_qa.figures.vocabulary import PROFILE_NOUNS


def promotion_choices(data: StructuredData) -> dict[str, str]:
    """Map each promotion's label ("EIG 3", "DIG") to its code, in display order."""
    return dict(zip(data.promotions["label"], data.promotions["promotion"], strict=True))


def _chosen(promotions: Sequence[str]) -> tuple[Filter, ...]:
    return (Filter("promotion", "in", tuple(promotions)),)


def _labels(data: StructuredData, promotions: Sequence[str]) -> list[str]:
    """Labels of the chosen promotions, in display order, to keep charts' axes in that order."""
    return [label for label, code in promotion_choices(data).items() if code in promotions]


def _per_promotion(data: StructuredData, query: Query, promotions: Sequence[str]) -> list:
    """A query's value for each chosen promotion, in display order (0 for a promotion without défis)."""
    values = _series(data, query)
    return [values.get(code, 0) for code in promotion_choices(data).values() if code in promotions]


def _series(data: StructuredData, query: Query) -> pd.Series:
    dataset, _ = engine(data)
    return execute(dataset, query).value


def headline_figures(data: StructuredData, promotions: Sequence[str]) -> list[Figure]:
    """Défis, EIG, mentors and share of published source code for the chosen promotions."""
    where = _chosen(promotions)
    queries = [
        Query("defis", filters=where), Query("defis", "eigs", filters=where), Query("defis", "mentors", filters=where),
        Query("defis", operation="share", filters=where, part=(WITH_CODE,)),
    ]
    return [run_query(data, query) for query in queries]


def defis_per_promotion(data: StructuredData, promotions: Sequence[str]) -> pd.DataFrame:
    """One row per chosen promotion: its number of défis."""
    counts = _per_promotion(data, Query("defis", filters=_chosen(promotions), group_by="promotion"), promotions)
    return pd.DataFrame({"Promotion": _labels(data, promotions), "Défis": [int(count) for count in counts]})


def eig_per_profile(data: StructuredData, promotions: Sequence[str]) -> pd.DataFrame:
    """One row per promotion × trade: distinct EIG (or DIG designers) of that trade."""
    rows = []
    for label, code in promotion_choices(data).items():
        if code in promotions:
            query = Query("defis", "eigs", filters=_chosen([code]), group_by="eigs.profile_key")
            rows += [[label, PROFILE_NOUNS.get(key, key), int(count)] for key, count in _series(data, query).items()]
    return pd.DataFrame(rows, columns=["Promotion", "Profil", "EIG"])


def top_administrations(data: StructuredData, promotions: Sequence[str], limit: int = 10) -> pd.DataFrame:
    """Ministries (directions counted with their ministry) or else administrations with the most défis."""
    counts = _series(data, Query("defis", operation="top", filters=_chosen(promotions), group_by="owner", limit=limit))
    return pd.DataFrame({"Administration": list(counts.index), "Défis": [int(count) for count in counts]})


def source_code_by_promotion(data: StructuredData, promotions: Sequence[str]) -> pd.DataFrame:
    """One row per chosen promotion: défis with and without published code, and the share with."""
    where = _chosen(promotions)
    published, unpublished, share = (
        _per_promotion(data, Query("defis", operation=operation, filters=where + extra, part=part,
                                   group_by="promotion"), promotions)
        for operation, extra, part in (("count", (WITH_CODE,), ()), ("count", (WITHOUT_CODE,), ()),
                                       ("share", (), (WITH_CODE,)))
    )
    return pd.DataFrame({
        "Promotion": _labels(data, promotions),
        "Avec code source publié": [int(count) for count in published],
        "Sans code source publié": [int(count) for count in unpublished],
        "Part publiée (%)": [float(value) for value in share],
    })


# The explorer: what staff can pick, as French labels mapped to the engine's query fields.
EXPLORER_MEASURES = {
    "Défis": ("defis", None),
    "EIG et designers DIG (personnes distinctes)": ("defis", "eigs"),
    "Mentors (noms distincts des fiches défis)": ("defis", "mentors"),
    "Compétences": ("defis", "skills"),
    "Ministères": ("defis", "ministry"),
    "Administrations (libellés exacts)": ("defis", "administration"),
    "Villes": ("defis", "city"),
    "Durée des défis (mois)": ("defis", "duration_months"),
    "EIG par défi": ("defis", "n_eigs"),
    "Mentors par défi": ("defis", "n_mentors"),
    "Compétences par défi": ("defis", "n_skills"),
    "Fiches de personnes.yml": ("people", None),
}
EXPLORER_OPERATIONS = {
    "Nombre": "count", "Liste": "list", "Moyenne": "mean", "Médiane": "median", "Minimum": "min",
    "Maximum": "max", "Somme": "sum", "Le plus grand (qui ?)": "argmax", "Le plus petit (qui ?)": "argmin",
}
EXPLORER_GROUPS = {
    "Aucun": None, "Promotion": "promotion", "Année": "year", "Ministère": "ministry",
    "Administration (libellé exact)": "administration", "Ville": "city", "Compétence": "skills",
    "Durée": "duration_months", "Profil des EIG": "eigs.profile_key", "Profil (personnes.yml)": "profile",
}
CODE_CHOICES = {"Tous les défis": None, "Code source publié": "present", "Code source non publié": "absent"}
# Filters that the explorer's widgets set themselves; a query opened from the chat may carry others.
WIDGET_FIELDS = ("promotion", "skills", "source_code")


@dataclass(frozen=True)
class ExplorerChoice:
    """What the explorer's widgets show: labels of the measure, operation and grouping, and the other filters."""

    measure: str = "Défis"
    operation: str = "Nombre"
    group: str = "Promotion"
    skills: tuple[str, ...] = ()
    code: str = "Tous les défis"
    extra: tuple[Filter, ...] = ()


def _label_of(mapping: dict, value, default: str) -> str:
    return next((label for label, item in mapping.items() if item == value), default)


def choice_of(query: Query) -> ExplorerChoice:
    """The widgets' values for a query opened from the chat (a question's figure)."""
    skills = next((c.values for c in query.filters if c.field == "skills"), ())
    code = next((c.op for c in query.filters if c.field == "source_code"), None)
    return ExplorerChoice(
        measure=_label_of(EXPLORER_MEASURES, (query.entity, query.measure), "Défis"),
        operation=_label_of(EXPLORER_OPERATIONS, query.operation, "Nombre"),
        group=_label_of(EXPLORER_GROUPS, query.group_by, "Aucun"),
        skills=tuple(skills),
        code=_label_of(CODE_CHOICES, code, "Tous les défis"),
        extra=tuple(c for c in query.filters if c.field not in WIDGET_FIELDS),
    )


def explorer_query(choice: ExplorerChoice, promotions: Sequence[str]) -> Query:
    """The query the widgets describe, over the chosen promotions."""
    entity, measure = EXPLORER_MEASURES[choice.measure]
    filters = list(choice.extra)
    if entity == "defis":
        filters.append(Filter("promotion", "in", tuple(promotions)))
        if choice.skills:
            filters.append(Filter("skills", "any", tuple(choice.skills)))
        if CODE_CHOICES[choice.code]:
            filters.append(Filter("source_code", CODE_CHOICES[choice.code]))
    return Query(entity, measure, EXPLORER_OPERATIONS[choice.operation], tuple(filters), EXPLORER_GROUPS[choice.group])


def explore(data: StructuredData, query: Query) -> tuple[Figure, pd.DataFrame]:
    """Run a query of the explorer: its figure (label, steps, rows used) and its result as a table."""
    dataset, vocabulary = engine(data)
    result = execute(dataset, query)
    figure = figure_of(result, vocabulary)
    value = result.value
    field_name = query.group_by or query.measure or ""
    if isinstance(value, pd.Series):
        names = [vocabulary.name(field_name, name) for name in value.index]
        table = pd.DataFrame({"Catégorie": names, "Valeur": value.to_numpy()})
    elif isinstance(value, list):
        table = pd.DataFrame({"Nom": [vocabulary.name(field_name, name) for name in value]})
    else:
        table = pd.DataFrame({"Chiffre": [figure.label], "Valeur": [figure.value], "Unité": [figure.unit]})
    return figure, table


def rows_csv(figure: Figure) -> str:
    """The rows a figure was computed from, as CSV (lists written with « ; »)."""
    rows = figure.rows if figure.rows is not None else pd.DataFrame()
    rows = rows.apply(lambda column: column.map(lambda item: " ; ".join(map(str, item))
                                                 if isinstance(item, (list, tuple)) else item))
    return rows.to_csv(index=False)


def opened_promotions(query: Query | None, choices: dict[str, str]) -> list[str]:
    """Labels of the promotions a query opened from the chat covers (all of them when it names none)."""
    kept = list(choices)
    for condition in (c for c in (query.filters if query else ()) if c.field == "promotion"):
        kept = [label for label in kept if (choices[label] in condition.values) == (condition.op == "in")]
    return kept or list(choices)
