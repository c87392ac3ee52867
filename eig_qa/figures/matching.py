"""Match a French question to the key figures that answer it: parse it into a query, run it, explain it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from eig_qa.figures import catalogue as fig
from eig_qa.figures.catalogue import Figure
from eig_qa.figures.data import StructuredData, fold
from eig_qa.figures.engine import defi_facts, engine, run_query
from eig_qa.figures.lexicon import data_lexicon
from eig_qa.figures.parse import parse_question
from eig_qa.figures.promotions import find_promotions
from eig_qa.figures.query import Filter, Query, QueryError
from eig_qa.figures.question_words import ASPECTS
from eig_qa.figures.recognise import ALL, QUESTION_YEAR, _Query
from eig_qa.tuning import TUNING, Tuning


def _companions(query: Query, main: Figure, data: StructuredData, tuning: Tuning) -> list[Query]:
    """Figures that put a count in context: the exact administration label, the names when few, without DIG."""
    extra = []
    count = query.operation == "count" and query.group_by is None
    labels = data_lexicon(data).administration_labels
    for condition in query.filters:
        if count and condition.field == "administration" and condition.op == "contains" and \
                condition.values[0] in labels:
            exact = Filter("administration", "in", condition.values)
            extra.append(replace(query, filters=tuple(exact if c == condition else c for c in query.filters)))
    if count and query.filters and isinstance(main.value, int) and 0 < main.value <= tuning.figure_max_listed:
        extra.append(replace(query, operation="list"))
    promotion_filtered = any(c.field == "promotion" for c in query.filters)
    whole = count or (query.operation == "share" and query.group_by is None)
    if whole and not promotion_filtered and query.entity == "defis" and query.measure in (None, "eigs"):
        extra.append(replace(query, filters=(*query.filters, Filter("promotion", "not_in", ("dig",)))))
    if query.measure == "mentors" and not query.filters and not query.min_items and count:
        # The directory's mentors (personnes.yml) are fewer than the names in the défis' lists.
        extra.append(Query("people", None, "count", (Filter("profile_key", "in", ("mentor",)),)))
    return extra


def _defi_facts(legacy: _Query, data: StructuredData) -> list[Figure]:
    """A named défi's own facts, only those the question asks about."""
    aspects = tuple(aspect for aspect, pattern in ASPECTS.items() if re.search(rf"\b(?:{pattern})\b", legacy.text))
    names = sorted(legacy.selection.defis, key=fold)[:2]
    return [figure for name in names for figure in defi_facts(data, name, aspects)] if aspects else []


def _published(legacy: _Query, computed: list[Figure], passages: Sequence[Any], data: StructuredData,
               tuning: Tuning) -> list[Figure]:
    """Figures stated in the passages about the same thing, promotions and year as the computed ones."""
    selection = legacy.selection
    if replace(selection, promotions=frozenset(), year=None, with_source_code=False) != ALL:
        return []  # a stated number seldom says which skill, city, trade or défi it counts
    topics = {fig.figure_topic(figure) for figure in computed} - {None, "share"}
    wanted_years = {str(selection.year)} if selection.year else set()
    kept = []
    for figure in fig.published_figures(passages):
        # The sentence names its promotion, or else the document's title does ("Bootcamp EIG 3").
        codes = find_promotions(fold(figure.label), data)[0] or find_promotions(fold(figure.scope), data)[0]
        years = set(QUESTION_YEAR.findall(fold(figure.label)))
        if fig.figure_topic(figure) in topics and codes == set(selection.promotions) and years == wanted_years:
            kept.append(figure)
    return kept[: tuning.figure_max_published]


def _with_promotions(query: Query, promotions: Sequence[str]) -> Query | None:
    """The query narrowed to the promotions chosen in the page's filter; None when the question asks for others."""
    wanted = list(promotions)
    for condition in (c for c in query.filters if c.field == "promotion"):
        keep = set(condition.values)
        wanted = [code for code in wanted if (code in keep) == (condition.op == "in")]
    if not wanted:
        return None
    kept = tuple(c for c in query.filters if c.field != "promotion")
    return replace(query, filters=(*kept, Filter("promotion", "in", tuple(wanted))))


def figures_for_question(question: str, data: StructuredData | None, passages: Sequence[Any] = (),
                         promotions: Sequence[str] = (), tuning: Tuning = TUNING) -> list[Figure]:
    """The key figures that answer the question exactly, narrowed to the page's `promotions`; [] when none does."""
    if data is None or not isinstance(question, str) or not question.strip():
        return []
    parsed = parse_question(question, data, tuning)
    named = parsed.legacy and parsed.legacy.selection.defis and not parsed.not_understood
    # Listing the défis a question names says nothing: their own facts do.
    if parsed.query is None or (named and parsed.query.operation == "list" and parsed.query.measure is None):
        return _defi_facts(parsed.legacy, data) if named else []
    query = parsed.query
    narrowed = bool(promotions) and query.entity == "defis"
    if narrowed:
        if query.operation == "difference":
            return []  # it compares two promotions: the page's filter cannot narrow that
        query = _with_promotions(query, promotions)
        if query is None:
            return []  # the question is about promotions the filter leaves out
    try:
        main = run_query(data, query)
        computed = [main, *(run_query(data, extra) for extra in _companions(query, main, data, tuning))]
    except QueryError:
        return []
    if narrowed:
        # Numbers stated in the documents are about the whole programme or their own promotion, not the filter's.
        return [replace(figure, scope=f"{figure.scope} ; {_filter_scope(data, promotions)}") for figure in computed]
    return computed + _published(parsed.legacy, computed, passages, data, tuning)


def _filter_scope(data: StructuredData, promotions: Sequence[str]) -> str:
    _, vocabulary = engine(data)
    names = [vocabulary.name("promotion", code) for code in promotions]
    return f"promotion{'s' if len(names) > 1 else ''} {', '.join(names)} (filtre)"


def figure_notice(question: str, data: StructuredData | None, tuning: Tuning = TUNING) -> str | None:
    """For a figure question with a part the data cannot answer: what was understood, what was not; else None."""
    if data is None or not isinstance(question, str) or not question.strip():
        return None
    parsed = parse_question(question, data, tuning)
    if not parsed.asks_figure or not 0 < len(parsed.not_understood) <= tuning.figure_max_unknown_words:
        return None
    understood = ""
    if parsed.attempted is not None:
        try:
            understood = f"j'ai compris « {run_query(data, parsed.attempted).label} », mais "
        except QueryError:
            understood = ""
    written = {fold(word): word for word in re.findall(r"[\w-]+", question)}  # the words as the user wrote them
    unknown = ", ".join(f"« {written.get(word, word)} »" for word in parsed.not_understood)
    return (f"Chiffres clés : {understood}je ne sais pas calculer {unknown} à partir des données du site, "
            "donc je n'affiche aucun chiffre.")
