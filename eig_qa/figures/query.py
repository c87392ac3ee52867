"""A figure as a small query over tidy tables, and the pandas executor that computes it and records how."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from eig_qa.figures.data import fold
from eig_qa.figures.tables import VALUE, Dataset, Entity

OPERATIONS = ("count", "list", "share", "mean", "median", "min", "max", "sum", "argmax", "argmin", "top", "difference")
AGGREGATES = ("mean", "median", "min", "max", "sum")
FEW_CATEGORIES = 8
FILTER_OPS = ("in", "not_in", "ge", "le", "present", "absent", "contains", "any", "all", "none")


@dataclass(frozen=True)
class Filter:
    """One condition: a column of the items, a list field ("has any of"), or "list.column" for the list's values."""

    field: str
    op: str = "in"
    values: tuple = ()


@dataclass(frozen=True)
class Query:
    """What is measured, how, grouped by what, over which items."""

    entity: str
    measure: str | None = None  # None: the items; a list field: its distinct values; a numeric column
    operation: str = "count"
    filters: tuple[Filter, ...] = ()
    group_by: str | None = None
    part: tuple[Filter, ...] = ()  # share: the part, among everything the filters keep
    versus: tuple[Filter, ...] = ()  # difference: the second group's filters, taken from the first's
    min_items: int | None = None  # membership: values found in at least this many items
    limit: int | None = None

    def to_dict(self) -> dict:
        """The query as JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Query:
        """The query back from to_dict()."""
        filters = {name: tuple(Filter(item["field"], item["op"], tuple(item["values"])) for item in data.get(name, ()))
                   for name in ("filters", "part", "versus")}
        return cls(**{**data, **filters})


@dataclass(frozen=True, eq=False)
class Result:
    """A computed value, the table behind it (groups or rows used) and the pandas steps that produced it."""

    query: Query
    value: Any
    rows: pd.DataFrame
    steps: tuple[str, ...] = field(default=())
    parts: tuple = ()  # a difference's two values


class QueryError(ValueError):
    """A query that the data cannot answer (unknown field, operation on text…), with a French message."""


def _column(entity: Entity, name: str) -> None:
    if name not in entity.table.columns and name not in entity.lists:
        raise QueryError(f"Le champ « {name} » n'existe pas dans les données « {entity.name} ».")


def _mask(series: pd.Series, condition: Filter) -> pd.Series:
    """Rows of a column that meet a condition."""
    values, op = list(condition.values), condition.op
    if op == "in":
        return series.isin(values)
    if op == "not_in":
        return ~series.isin(values) & series.notna()
    if op in ("ge", "le"):
        numbers = pd.to_numeric(series, errors="coerce")
        return (numbers >= values[0]) if op == "ge" else (numbers <= values[0])
    if op == "present":
        return series.notna() & series.astype(str).str.strip().ne("")
    if op == "absent":
        return series.isna() | series.astype(str).str.strip().eq("")
    if op == "contains":
        # Whole folded words, so that "Ministère de l'Intérieur" finds its directions too.
        wanted = [f" {fold(value)} " for value in values]
        folded = " " + series.fillna("").map(fold) + " "
        return folded.map(lambda text: any(word in text for word in wanted))
    raise QueryError(f"Opération de filtre inconnue : « {op} ».")


def _code(condition: Filter, frame: str) -> str:
    values = list(condition.values)
    column = f'{frame}["{condition.field}"]'
    return {
        "in": f"{column}.isin({values})", "not_in": f"~{column}.isin({values})", "ge": f"{column} >= {values[:1]}",
        "le": f"{column} <= {values[:1]}", "present": f"{column}.notna()", "absent": f"{column}.isna()",
        "contains": f"{column} contient le mot {values}",
    }.get(condition.op, f"{column} {condition.op} {values}")


def select_items(entity: Entity, filters: tuple[Filter, ...]) -> tuple[pd.DataFrame, list[str]]:
    """The items that meet every item-level condition, and the pandas code that selects them."""
    table, steps = entity.table, []
    keep = pd.Series(True, index=table.index)
    for condition in filters:
        name = condition.field.split(".")[0]
        _column(entity, name)
        if "." in condition.field:
            continue  # a condition on a list's values, applied to that list
        if name in entity.lists:
            long = entity.lists[name]
            hits = long[long[VALUE].isin(condition.values)].groupby(entity.key)[VALUE].nunique()
            wanted = {"any": 1, "in": 1, "all": len(set(condition.values))}.get(condition.op, 1)
            having = table[entity.key].map(hits).fillna(0) >= wanted
            keep &= ~having if condition.op in ("none", "not_in") else having
            steps.append(f"{entity.name} ayant dans {name} {condition.op} {list(condition.values)}")
        else:
            keep &= _mask(table[name], condition).fillna(False).astype(bool)
            steps.append(_code(condition, entity.name))
    code = f"items = {entity.name}[" + " & ".join(f"({step})" for step in steps) + "]" if steps else \
        f"items = {entity.name}"
    return table[keep], [code]


def _values(entity: Entity, measure: str, items: pd.DataFrame, filters: tuple[Filter, ...]) -> tuple[pd.DataFrame, str]:
    """Rows of a list field for the chosen items, narrowed by the conditions on its values."""
    long = entity.lists[measure]
    rows = long[long[entity.key].isin(items[entity.key])]
    for condition in filters:
        if condition.field.startswith(measure + "."):
            attribute = condition.field.split(".", 1)[1]
            if attribute not in rows.columns:
                raise QueryError(f"Les valeurs de « {measure} » n'ont pas de champ « {attribute} ».")
            rows = rows[_mask(rows[attribute], replace(condition, field=attribute)).fillna(False).astype(bool)]
    narrowed = [c for c in filters if c.field.startswith(measure + ".")]
    where = "".join(f" & ({_code(replace(c, field=c.field.split('.', 1)[1]), 'rows')})" for c in narrowed)
    return rows, f'rows = {measure}[{measure}["{entity.key}"].isin(items["{entity.key}"]){where}]'


def _membership(entity: Entity, rows: pd.DataFrame, least: int) -> tuple[pd.DataFrame, str]:
    counts = rows.groupby(VALUE)[entity.key].nunique()
    kept = counts[counts >= least].index
    code = f'rows = rows[rows["value"].isin(n_par_valeur[n_par_valeur >= {least}].index)]'
    return rows[rows[VALUE].isin(kept)], f'n_par_valeur = rows.groupby("value")["{entity.key}"].nunique() ; {code}'


def _ranked(counts: pd.Series, by_index: bool) -> pd.Series:
    """Largest first with ties in alphabetical order; years and numbers in their own order."""
    counts = counts.dropna()
    if by_index:
        return counts.sort_index()
    counts = counts.sort_index(key=lambda index: index.map(lambda name: fold(name)))
    return counts.sort_values(ascending=False, kind="stable")


def _measured(entity: Entity, query: Query, filters: tuple[Filter, ...]) -> tuple[pd.DataFrame, str, list[str]]:
    """The rows a query works on (items, or values of a list), the column they are counted by, and the steps."""
    items, steps = select_items(entity, filters)
    if query.measure in entity.lists:
        rows, code = _values(entity, query.measure, items, filters)
        steps.append(code)
        if query.min_items:
            rows, code = _membership(entity, rows, query.min_items)
            steps.append(code)
        return rows, VALUE, steps
    if query.measure in entity.table.columns and query.operation in ("count", "list", "share"):
        return items, query.measure, steps  # distinct values of a column: administrations, villes…
    return items, entity.key, steps


def _grouped(entity: Entity, query: Query, rows: pd.DataFrame, counted: str) -> tuple[pd.Series, str]:
    """One number per category of the grouping."""
    group = query.group_by
    frame = rows
    if query.measure and group.startswith(query.measure + "."):
        frame = rows.rename(columns={group.split(".", 1)[1]: group})  # an attribute of the values: EIG's trade
    elif group in entity.lists and group != query.measure:
        frame = rows.merge(entity.lists[group].rename(columns={VALUE: group}), on=entity.key)
    elif group not in rows.columns and group in entity.table.columns:
        frame = rows.merge(entity.table[[entity.key, group]], on=entity.key)
    elif group not in rows.columns:
        raise QueryError(f"Impossible de regrouper par « {group} » : champ absent.")
    if query.operation in AGGREGATES:
        if query.measure not in frame.columns or not pd.api.types.is_numeric_dtype(frame[query.measure]):
            # "Combien de défis en moyenne par promotion ?" (a mean of counts per group), "… de villes en moyenne par
            # ministère" (a mean of names): not queries of this model.
            raise QueryError(f"« {query.operation} » par « {group} » demande un champ numérique à agréger.")
        series = frame.groupby(group)[query.measure].agg(query.operation).round(1)
        code = f'groupby("{group}")["{query.measure}"].{query.operation}()'
    else:
        series = frame.groupby(group)[counted].nunique()
        code = f'groupby("{group}")["{counted}"].nunique()'
    numeric_groups = pd.api.types.is_numeric_dtype(frame[group])
    if group in entity.table.columns and entity.table[group].nunique() <= FEW_CATEGORIES and query.operation == "count":
        # A few categories are all shown (those the filters allow), empty ones as 0: "DIG (0 défi)" is an answer too.
        categories = entity.table[group]
        for condition in (c for c in query.filters if c.field == group):
            categories = categories[_mask(categories, condition).fillna(False).astype(bool)]
        series = series.reindex(sorted(categories.dropna().unique(), key=str), fill_value=0)
    return _ranked(series, numeric_groups and query.operation not in ("top",)), code


def _aggregate(entity: Entity, query: Query, rows: pd.DataFrame, counted: str) -> tuple[Any, str]:
    """The single value of a query without grouping."""
    operation, measure = query.operation, query.measure
    if operation == "list":
        names = sorted(rows[counted].dropna().unique(), key=fold)
        return names, f'sorted(rows["{counted}"].unique())'
    if operation in AGGREGATES:
        if measure not in entity.numeric():
            raise QueryError(f"« {measure} » n'est pas un champ numérique : impossible d'en calculer la valeur.")
        numbers = pd.to_numeric(rows[measure], errors="coerce").dropna()
        value = getattr(numbers, operation)() if not numbers.empty else None
        if value is not None:
            # A minimum or maximum is one of the values: a year stays 2017, not 2017.0.
            value = int(value) if operation in ("min", "max", "sum") and float(value).is_integer() else round(
                float(value), 1)
        return value, f'rows["{measure}"].{operation}()'
    if operation in ("argmax", "argmin"):
        if measure in entity.lists:
            per_value = rows.groupby(VALUE)[entity.key].nunique()
            code = f'rows.groupby("value")["{entity.key}"].nunique()'
        elif measure in entity.numeric():
            per_value = rows.set_index(entity.key)[measure].dropna()
            code = f'rows.set_index("{entity.key}")["{measure}"]'
        else:
            raise QueryError(f"« {measure} » ne se compte ni ne se mesure : pas de maximum possible.")
        if per_value.empty:
            return pd.Series(dtype="int64"), code
        best = per_value.max() if operation == "argmax" else per_value.min()
        return _ranked(per_value[per_value == best], False), f"{code} ; valeurs égales à son {operation[3:]}()"
    return int(rows[counted].nunique()), f'rows["{counted}"].nunique()'


def _run(dataset: Dataset, query: Query, filters: tuple[Filter, ...]) -> tuple[Any, pd.DataFrame, list[str]]:
    entity = dataset[query.entity]
    rows, counted, steps = _measured(entity, query, filters)
    if query.operation == "share" and query.group_by:
        counting = replace(query, operation="count")
        whole, _, _ = _run(dataset, counting, filters)
        part, part_rows, _ = _run(dataset, counting, filters + query.part)
        shares = (100 * part.reindex(whole.index, fill_value=0) / whole.where(whole > 0)).round(1).fillna(0.0)
        steps.append(f"par {query.group_by} : 100 × (nombre avec {[asdict(c) for c in query.part]}) / nombre")
        return _ranked(shares, False), part_rows, steps
    if query.operation == "share":
        whole = rows[counted].nunique()
        part_rows, _, _ = _measured(entity, query, filters + query.part)
        part = part_rows[counted].nunique()
        steps.append(f'part = rows filtrées par {[asdict(c) for c in query.part]} ; '
                     f'100 * part["{counted}"].nunique() / rows["{counted}"].nunique() = 100 × {part} / {whole}')
        return (round(100 * part / whole, 1) if whole else None), part_rows, steps
    if query.group_by:
        series, code = _grouped(entity, query, rows, counted)
        if query.operation == "top" and query.limit:
            series = _ranked(series, False).head(query.limit)
        if query.operation in ("argmax", "argmin") and not series.empty:
            best = series.max() if query.operation == "argmax" else series.min()
            series = _ranked(series[series == best], False)
        steps.append(f"rows.{code}")
        return series, rows, steps
    value, code = _aggregate(entity, query, rows, counted)
    steps.append(code)
    return value, rows, steps


def execute(dataset: Dataset, query: Query) -> Result:
    """Compute a query; a difference is the first group's value minus the second's."""
    if query.operation not in OPERATIONS:
        raise QueryError(f"Opération inconnue : « {query.operation} ».")
    if query.entity not in dataset.entities:
        raise QueryError(f"Données inconnues : « {query.entity} ».")
    if query.operation != "difference":
        value, rows, steps = _run(dataset, query, query.filters)
        return Result(query, value, rows, tuple(steps))
    counting = replace(query, operation="count")
    first, rows, steps = _run(dataset, counting, query.filters)
    replaced = {condition.field for condition in query.versus}
    other_filters = tuple(c for c in query.filters if c.field not in replaced) + query.versus
    second, other_rows, other_steps = _run(dataset, counting, other_filters)
    steps = [*steps, *other_steps, f"différence = {first} - {second}"]
    both = pd.concat([rows.assign(groupe=1), other_rows.assign(groupe=2)], ignore_index=True)
    return Result(query, first - second, both, tuple(steps), (first, second))
