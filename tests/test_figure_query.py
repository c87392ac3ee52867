"""The query engine on a made-up data set with other names than the EIG files: every operation, filter, membership."""

from __future__ import annotations

import pandas as pd
import pytest

from eig_qa.figures.query import Filter, Query, QueryError, execute
from eig_qa.figures.tables import Dataset, entity_from_records, link

# Four projects, four people: hand-counted.
PROJECTS = {
    "Atlas": {"region": "Nord", "budget": 10, "members": ["Ann", "Bob"], "tags": ["web", "data"], "repo": "git/atlas"},
    "Boreal": {"region": "Sud", "budget": 30, "members": ["Ann"], "tags": ["data"], "repo": None},
    "Cirrus": {"region": "Nord", "budget": 20, "members": ["Cid", "Dee", "Bob"], "tags": ["web"], "repo": "git/c"},
    "Delta": {"region": "Est", "budget": None, "members": ["Dee"], "tags": [], "repo": None},
}
STAFF = {
    "Ann": {"role": "dev", "active": [2020, 2021]},
    "Bob": {"role": "designer", "active": [2021]},
    "Cid": {"role": "dev", "active": [2022]},
    "Dee": {"role": "data", "active": [2021, 2022, 2023]},
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    made_up = Dataset({
        "projects": entity_from_records("projects", PROJECTS),
        "staff": entity_from_records("staff", STAFF),
    })
    return link(made_up, "projects", "members", "staff", ["role"])


def run(dataset: Dataset, **fields):
    return execute(dataset, Query("projects", **fields))


def test_schema_is_read_from_the_data(dataset):
    projects = dataset["projects"]
    assert set(projects.lists) == {"members", "tags"}
    assert {"budget", "n_members", "n_tags"} <= set(projects.numeric())
    assert "region" not in projects.numeric()
    assert projects.lists["members"].columns.tolist() == ["name", "value", "role"]
    assert dataset["staff"].table.set_index("name")["n_active"].to_dict() == {"Ann": 2, "Bob": 1, "Cid": 1, "Dee": 3}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, 4),
        ({"measure": "members"}, 4),
        ({"measure": "region"}, 3),
        ({"measure": "budget", "operation": "mean"}, 20.0),
        ({"measure": "budget", "operation": "median"}, 20.0),
        ({"measure": "budget", "operation": "min"}, 10.0),
        ({"measure": "budget", "operation": "max"}, 30.0),
        ({"measure": "budget", "operation": "sum"}, 60.0),
        ({"operation": "list"}, ["Atlas", "Boreal", "Cirrus", "Delta"]),
        ({"measure": "members", "operation": "list", "min_items": 2}, ["Ann", "Bob", "Dee"]),
        ({"measure": "members", "operation": "list", "min_items": 3}, []),
        ({"operation": "share", "part": (Filter("repo", "present"),)}, 50.0),
        ({"measure": "members", "operation": "share", "part": (Filter("members.role", "in", ("dev",)),)}, 50.0),
    ],
)
def test_each_operation(dataset, fields, expected):
    assert run(dataset, **fields).value == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Filter("region", "in", ("Nord",)), 2),
        (Filter("region", "not_in", ("Nord",)), 2),
        (Filter("budget", "ge", (20,)), 2),
        (Filter("budget", "le", (20,)), 2),
        (Filter("repo", "present"), 2),
        (Filter("repo", "absent"), 2),
        (Filter("region", "contains", ("nord",)), 2),
        (Filter("tags", "any", ("web", "data")), 3),
        (Filter("tags", "all", ("web", "data")), 1),
        (Filter("tags", "none", ("web",)), 2),
        (Filter("n_members", "in", (1,)), 2),
        (Filter("name", "in", ("Atlas", "Delta")), 2),
    ],
)
def test_each_filter(dataset, condition, expected):
    assert run(dataset, filters=(condition,)).value == expected


def test_filters_on_the_values_of_a_list(dataset):
    devs = run(dataset, measure="members", filters=(Filter("members.role", "in", ("dev",)),))
    assert devs.value == 2
    assert set(devs.rows["value"]) == {"Ann", "Cid"}


def test_group_by_a_column_a_list_and_an_attribute_of_its_values(dataset):
    by_region = run(dataset, group_by="region").value
    assert by_region.to_dict() == {"Nord": 2, "Est": 1, "Sud": 1}
    assert run(dataset, group_by="tags").value.to_dict() == {"data": 2, "web": 2}
    assert run(dataset, measure="members", group_by="members.role").value.to_dict() == {
        "dev": 2, "data": 1, "designer": 1}
    assert run(dataset, measure="budget", operation="mean", group_by="region").value.to_dict() == {
        "Nord": 15.0, "Sud": 30.0}


def test_argmax_argmin_and_top(dataset):
    assert run(dataset, measure="members", operation="argmax").value.to_dict() == {"Ann": 2, "Bob": 2, "Dee": 2}
    assert run(dataset, measure="n_members", operation="argmax").value.to_dict() == {"Cirrus": 3}
    assert run(dataset, measure="budget", operation="argmin").value.to_dict() == {"Atlas": 10}
    assert run(dataset, operation="argmax", group_by="region").value.to_dict() == {"Nord": 2}
    assert len(run(dataset, operation="top", group_by="region", limit=2).value) == 2


def test_difference_between_two_groups(dataset):
    result = run(dataset, measure="members", operation="difference",
                 filters=(Filter("region", "in", ("Nord",)),), versus=(Filter("region", "in", ("Sud",)),))
    assert result.value == 3 and result.parts == (4, 1)
    assert set(result.rows["groupe"]) == {1, 2}


def test_membership_on_the_other_entity(dataset):
    several_years = execute(dataset, Query("staff", operation="list", filters=(Filter("n_active", "ge", (2,)),)))
    assert several_years.value == ["Ann", "Dee"]
    in_2021 = execute(dataset, Query("staff", filters=(Filter("active", "any", (2021,)),)))
    assert in_2021.value == 3


def test_each_result_keeps_its_rows_and_pandas_steps(dataset):
    result = run(dataset, filters=(Filter("region", "in", ("Nord",)),))
    assert isinstance(result.rows, pd.DataFrame) and len(result.rows) == 2
    assert any("isin(['Nord'])" in step for step in result.steps)
    assert Query.from_dict(result.query.to_dict()) == result.query


@pytest.mark.parametrize(
    "fields",
    [
        {"operation": "mean", "measure": "region"},
        {"filters": (Filter("colour", "in", ("red",)),)},
        {"operation": "explode"},
        {"group_by": "colour"},
        # A mean per group of nothing measured ("Combien de défis en moyenne par promotion ?") raised a KeyError.
        {"operation": "mean", "group_by": "region"},
    ],
)
def test_impossible_queries_say_why_in_french(dataset, fields):
    with pytest.raises(QueryError, match=r"champ|Opération|numérique|regrouper"):
        run(dataset, **fields)
