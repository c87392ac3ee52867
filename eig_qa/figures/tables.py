"""Tidy tables read from any records: one table per entity, one long table per multi-valued field, schema inferred."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from eig_qa.figures.data import StructuredData

SIZE_PREFIX = "n_"  # a list field "eigs" gives the numeric column "n_eigs", the size of each item's list
VALUE = "value"  # the column of a long table that holds the list's values


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames have no single truth value to compare
class Entity:
    """One kind of item (défis, people…): a table with one row per item and a long table per list field."""

    name: str
    key: str
    table: pd.DataFrame
    lists: Mapping[str, pd.DataFrame]

    def numeric(self) -> list[str]:
        """Numeric columns (list sizes included), read from the column types."""
        table = self.table
        return [name for name in table.columns if is_numeric_dtype(table[name]) and not is_bool_dtype(table[name])]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Every entity of a data set, by name."""

    entities: Mapping[str, Entity]

    def __getitem__(self, name: str) -> Entity:
        return self.entities[name]



def _is_list(series: pd.Series) -> bool:
    return series.map(lambda value: isinstance(value, (list, tuple, set))).any()


def entity_from_frame(name: str, frame: pd.DataFrame, key: str) -> Entity:
    """Split a frame whose list-valued columns hold several values per item into a tidy table and long tables."""
    lists, table = {}, frame.copy()
    for column in [column for column in frame.columns if frame[column].dtype == object and _is_list(frame[column])]:
        values = frame[[key, column]].assign(**{column: frame[column].map(_as_list)}).explode(column)
        long = values.dropna(subset=[column]).rename(columns={column: VALUE}).drop_duplicates()
        lists[column] = long.reset_index(drop=True)
        table[SIZE_PREFIX + column] = frame[column].map(lambda values: len(set(_as_list(values)))).astype("int64")
        table = table.drop(columns=column)
    lists = {field: _plain(long) for field, long in lists.items()}
    return Entity(name, key, _plain(table.reset_index(drop=True)), lists)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Strings as Python objects: selecting rows of these small tables is several times faster than with Arrow."""
    strings = [column for column in frame.columns if isinstance(frame[column].dtype, pd.StringDtype)]
    return frame.astype({column: object for column in strings})


def entity_from_records(name: str, records: Mapping[str, Mapping[str, Any]], key: str = "name") -> Entity:
    """An entity from named records ({"Alpha": {"budget": 3, "members": [...]}}), numbers typed from the values."""
    frame = pd.DataFrame([{key: item, **fields} for item, fields in records.items()])
    for column in frame.columns:
        if column != key and not _is_list(frame[column]):
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if numbers.notna().sum() == frame[column].notna().sum() and frame[column].notna().any():
                frame[column] = numbers
    return entity_from_frame(name, frame, key)


def _as_list(value: Any) -> list:
    if isinstance(value, (list, tuple, set)):
        return [item for item in value if item is not None and item == item]
    return []


def link(dataset: Dataset, entity: str, field: str, target: str, columns: list[str]) -> Dataset:
    """Add columns of another entity to the values of a list field whose values name its items (EIG → profil)."""
    other = dataset[target]
    attributes = other.table[[other.key, *columns]].rename(columns={other.key: VALUE})
    owner = dataset[entity]
    lists = dict(owner.lists)
    lists[field] = lists[field].merge(attributes, on=VALUE, how="left")
    entities = dict(dataset.entities)
    entities[entity] = Entity(owner.name, owner.key, owner.table, lists)
    return Dataset(entities)


def eig_dataset(data: StructuredData) -> Dataset:
    """The EIG data as tidy tables: défis (with EIG, mentors, skills lists) and the people of personnes.yml."""
    defis = data.defis.drop(columns=["key_figures", "description", "administration_key"])
    # Directions and agencies counted with the ministry their label names, else under their own name.
    defis["owner"] = defis["ministry"].fillna(defis["administration"])
    team = data.defi_people
    for role, column in (("eig", "eigs"), ("mentor", "mentors")):
        members = team[team["role"] == role].groupby("defi")["person"].agg(tuple)
        defis[column] = defis["name"].map(members).map(lambda names: names if isinstance(names, tuple) else ())
    skills = data.defi_skills.groupby("defi")["skill"].agg(tuple)
    defis["skills"] = defis["name"].map(skills).map(lambda names: names if isinstance(names, tuple) else ())
    people = data.people.rename(columns={"defis": "fiche_defis"})
    dataset = Dataset({
        "defis": entity_from_frame("defis", defis, "name"),
        "people": entity_from_frame("people", people, "name"),
    })
    for field in ("eigs", "mentors"):
        dataset = link(dataset, "defis", field, "people", ["profile", "profile_key"])
    return dataset
