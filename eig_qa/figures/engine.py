"""Queries run on the EIG data as self-explaining figures: the catalogue, a défi's facts, any query of the explorer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from eig_qa.figures.catalogue import DATA_SCOPE, Figure
from eig_qa.figures.data import StructuredData
from eig_qa.figures.query import Filter, Query, Result, execute
from eig_qa.figures.tables import Dataset, eig_dataset
from eig_qa.figures.vocabulary import SOURCES, Vocabulary, eig_vocabulary, label, value_text

HORS_DIG = Filter("promotion", "not_in", ("dig",))
WITH_CODE = Filter("source_code", "present")
WITHOUT_CODE = Filter("source_code", "absent")


@lru_cache(maxsize=4)
def engine(data: StructuredData) -> tuple[Dataset, Vocabulary]:
    """The tidy tables and the French names of one data set, built once."""
    return eig_dataset(data), eig_vocabulary(data)


def figure_of(result: Result, vocabulary: Vocabulary) -> Figure:
    """A figure that says its query in French and keeps the pandas steps and the rows that produced it."""
    text, unit = label(result, vocabulary)
    value = value_text(result, vocabulary, unit)
    if value is None:
        value, unit = "aucune donnée", ""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        unit = ""
    query = result.query
    return Figure(text, value, unit, DATA_SCOPE, "pandas : " + " ; ".join(result.steps), SOURCES.get(query.entity, ""),
                  query.to_dict(), result.steps, result.rows)


def run_query(data: StructuredData, query: Query) -> Figure:
    """Execute a query on the data and return it as a self-explaining figure."""
    dataset, vocabulary = engine(data)
    return figure_of(execute(dataset, query), vocabulary)


def catalogue_queries() -> list[Query]:
    """Every aggregate figure of the data, as queries (per-défi facts come on demand)."""
    defis, eigs = Query("defis"), Query("defis", "eigs")
    queries = [defis, replace(defis, filters=(HORS_DIG,))]
    queries += [replace(defis, group_by=field) for field in ("promotion", "year", "city", "skills", "duration_months")]
    queries += [
        Query("defis", operation="argmax", group_by="administration"),
        Query("defis", operation="top", group_by="ministry", limit=5),
        Query("defis", "administration"),
        eigs, replace(eigs, filters=(HORS_DIG,)), replace(eigs, group_by="promotion"),
        replace(eigs, group_by="eigs.profile_key"),
        Query("people", filters=(Filter("profile_key", "in", ("mentor",)),)),
        Query("defis", "mentors"),
        Query("defis", operation="share", part=(WITH_CODE,)),
        Query("defis", operation="share", filters=(HORS_DIG,), part=(WITH_CODE,)),
        Query("defis", "promotion"), Query("defis", "year"),
        Query("defis", "year", "min"), Query("defis", "year", "max"),
        Query("defis", "duration_months", "mean"), Query("defis", "duration_months", "median"),
        Query("people"),
    ]
    return queries


def catalogue(data: StructuredData) -> list[Figure]:
    """Every aggregate figure of the data, computed by the engine."""
    return [run_query(data, query) for query in catalogue_queries()]


DEFI_ASPECTS = ("administration", "promotion", "team", "mentors", "duration", "source_code", "skills", "key_figures")
_ASPECT_FIELDS = {
    "administration": ("administration", "list"), "promotion": ("promotion_label", "list"), "team": ("eigs", "list"),
    "mentors": ("mentors", "list"), "duration": ("duration_months", "list"), "source_code": ("source_code", "list"),
    "skills": ("skills", "list"),
}


def defi_facts(data: StructuredData, name: str, aspects: Sequence[str] = DEFI_ASPECTS) -> list[Figure]:
    """A défi's own facts read by queries (administration, promotion, team…), and the key figures its page states."""
    only = (Filter("name", "in", (name,)),)
    figures = [run_query(data, Query("defis", *_ASPECT_FIELDS[aspect], only))
               for aspect in aspects if aspect in _ASPECT_FIELDS]
    if "key_figures" in aspects:
        row = data.defis.set_index("name").loc[name]
        figures += [
            Figure(f"{description} (défi {name})", amount, "", DATA_SCOPE,
                   f"defis.yml : key_figures de l’entrée « {name} », chiffre publié sur la fiche, non recalculé.",
                   SOURCES["defis"])
            for amount, description in row["key_figures"]
        ]
    return figures
