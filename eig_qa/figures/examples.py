"""Example key-figure questions for the welcome page, written from the data and kept only when the engine reads each
as the query it was written for (a question it misreads would show a wrong figure)."""

from __future__ import annotations

from eig_qa.figures.data import StructuredData
from eig_qa.figures.engine import WITH_CODE, run_query
from eig_qa.figures.parse import parse_question
from eig_qa.figures.query import Filter, Query, QueryError

# At most this many: one column of the welcome page.
MAX_EXAMPLES = 3


def _latest_promotion(data: StructuredData) -> tuple[str, str] | None:
    """The code and label of the data's most recent promotion (the first listed among those of the same year)."""
    promotions = data.promotions.sort_values("year", kind="stable")
    if promotions.empty:
        return None
    latest = promotions[promotions["year"] == promotions["year"].iloc[-1]].iloc[0]
    return str(latest["promotion"]), str(latest["label"])


def _written(data: StructuredData) -> list[tuple[str, Query]]:
    """Candidate questions, each with the query it asks; the promotion named is the data's latest, not a typed one."""
    candidates = []
    latest = _latest_promotion(data)
    if latest is not None:
        code, label = latest
        candidates.append((f"Combien de défis dans la promotion {label} ?",
                           Query("defis", filters=(Filter("promotion", "in", (code,)),))))
    candidates += [
        ("Quelle part des défis a publié son code source ?", Query("defis", operation="share", part=(WITH_CODE,))),
        ("Quelle administration a accueilli le plus de défis ?",
         Query("defis", operation="argmax", group_by="administration")),
        ("Combien d'EIG par profil ?", Query("defis", "eigs", group_by="eigs.profile_key")),
    ]
    return candidates


def figure_examples(data: StructuredData | None) -> tuple[str, ...]:
    """Up to MAX_EXAMPLES questions the engine answers with the figure they ask for; () without data."""
    if data is None:
        return ()
    kept = []
    for question, query in _written(data):
        if parse_question(question, data).query != query:
            continue
        try:
            run_query(data, query)
        except QueryError:
            continue
        kept.append(question)
    return tuple(kept[:MAX_EXAMPLES])
