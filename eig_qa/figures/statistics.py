"""Pure functions returning the key figures and tables that the statistics page draws."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from eig_qa.figures import catalogue as fig
from eig_qa.figures.catalogue import Figure, Selection
from eig_qa.figures.data import StructuredData


def promotion_choices(data: StructuredData) -> dict[str, str]:
    """Map each promotion's label ("EIG 3", "DIG") to its code, in display order."""
    return dict(zip(data.promotions["label"], data.promotions["promotion"], strict=True))


def _selection(promotions: Sequence[str]) -> Selection:
    return Selection(promotions=frozenset(promotions))


def _labels(data: StructuredData, promotions: Sequence[str]) -> list[str]:
    """Labels of the chosen promotions, in display order, to keep charts' axes in that order."""
    return [label for label, code in promotion_choices(data).items() if code in promotions]


def headline_figures(data: StructuredData, promotions: Sequence[str]) -> list[Figure]:
    """Défis, EIG, mentors and share of published source code for the chosen promotions."""
    selection = _selection(promotions)
    return [
        fig.defi_count(data, selection),
        fig.eig_count(data, selection),
        fig.defi_mentor_count(data, selection),
        fig.defi_share(data, fig.WITH_SOURCE_CODE, selection),
    ]


def defis_per_promotion(data: StructuredData, promotions: Sequence[str]) -> pd.DataFrame:
    """One row per chosen promotion: its number of défis."""
    counts = fig.select_defis(data, _selection(promotions))["promotion_label"].value_counts()
    order = _labels(data, promotions)
    return pd.DataFrame({"Promotion": order, "Défis": [int(counts.get(label, 0)) for label in order]})


def eig_per_profile(data: StructuredData, promotions: Sequence[str]) -> pd.DataFrame:
    """One row per promotion × trade: distinct EIG (or DIG designers) of that trade."""
    team = data.defi_people
    rows = team[(team["role"] == "eig") & team["promotion"].isin(promotions)].drop_duplicates(["promotion", "person"])
    labels = dict(zip(data.promotions["promotion"], data.promotions["label"], strict=True))
    table = (
        rows.assign(
            Promotion=rows["promotion"].map(labels),
            Profil=rows["profile_key"].map(fig.PROFILE_NOUNS).fillna("profil non renseigné"),
        )
        .groupby(["Promotion", "Profil"], as_index=False)
        .agg(EIG=("person", "nunique"))
    )
    rank = {label: position for position, label in enumerate(labels.values())}
    table = table.sort_values("EIG", ascending=False, kind="stable")
    return table.sort_values("Promotion", key=lambda column: column.map(rank), kind="stable", ignore_index=True)


def top_administrations(data: StructuredData, promotions: Sequence[str], limit: int = 10) -> pd.DataFrame:
    """Ministries (directions counted with their ministry) or else administrations with the most défis."""
    defis = fig.select_defis(data, _selection(promotions))
    owner = defis["ministry"].fillna(defis["administration"])
    counts = owner.value_counts().rename_axis("Administration").reset_index(name="Défis")
    return counts.sort_values(["Défis", "Administration"], ascending=[False, True], ignore_index=True).head(limit)


def source_code_by_promotion(data: StructuredData, promotions: Sequence[str]) -> pd.DataFrame:
    """One row per chosen promotion: défis with and without published code, and the share with."""
    defis = fig.select_defis(data, _selection(promotions))
    grouped = defis.groupby("promotion_label")["has_source_code"]
    order = _labels(data, promotions)
    published = grouped.sum().reindex(order, fill_value=0).astype(int)
    total = grouped.size().reindex(order, fill_value=0).astype(int)
    share = (100 * published / total.where(total > 0)).round(1).fillna(0.0)
    return pd.DataFrame({
        "Promotion": order,
        "Avec code source publié": published.to_numpy(),
        "Sans code source publié": (total - published).to_numpy(),
        "Part publiée (%)": share.to_numpy(),
    })
