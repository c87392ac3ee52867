"""Cutting sections into passages that respect paragraph and sentence boundaries."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields

from eig_qa.ingest.records import DocumentRef, Section
from eig_qa.ingest.sentences import sentence_spans

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Bump when passage boundaries or the text kept change: indexes cut another way are stale (4: no table of contents).
CHUNKER_VERSION = 4

Name = tuple[str, ...]  # the folded words of a multi-word name: ("code", "for", "canada")


@dataclass(frozen=True)
class SentenceAnalysis:
    """One sentence of a passage as answering reads it: offsets in the passage, terms, names and shape."""

    start: int
    end: int
    terms: frozenset[str]  # BM25 terms (search/analyzer.py)
    names: tuple[Name, ...]  # multi-word names, in order
    folded: str  # lowercase, accents stripped
    words: int
    letters: float  # share of letters among its characters other than spaces
    url: bool  # holds a link

    def to_row(self) -> list:
        """A compact JSON form: the fields as a list, in order (a passage has a dozen sentences)."""
        return [self.start, self.end, sorted(self.terms), _names_out(self.names), self.folded, self.words,
                self.letters, self.url]

    @classmethod
    def from_row(cls, row: list) -> SentenceAnalysis:
        """Read what to_row wrote."""
        start, end, terms, names, folded, words, letters, url = row
        return cls(start, end, _terms_in(terms), _names_in(names), folded, words, letters, url)


@dataclass(frozen=True)
class PassageAnalysis:
    """What retrieval and answering read of a passage, computed once when the index is built
    (search/passage_analysis.py) and stored with it."""

    sentences: tuple[SentenceAnalysis, ...]
    terms: frozenset[str]  # of the passage's search text (title, heading, year and body)
    context: frozenset[str]  # of its title, heading and year alone
    names: tuple[tuple[int, Name], ...]  # multi-word names of its text, each with the offset where it ends
    heading_names: tuple[Name, ...]
    heading_question: str | None  # content words of a heading phrased as a question (an FAQ entry)

    def to_dict(self) -> dict:
        """A JSON-ready mapping (see from_dict)."""
        return {"sentences": [sentence.to_row() for sentence in self.sentences], "terms": sorted(self.terms),
                "context": sorted(self.context), "names": [[end, list(name)] for end, name in self.names],
                "heading_names": _names_out(self.heading_names), "heading_question": self.heading_question}

    @classmethod
    def from_dict(cls, data: dict) -> PassageAnalysis:
        """Read what to_dict wrote."""
        return cls(tuple(SentenceAnalysis.from_row(row) for row in data["sentences"]), _terms_in(data["terms"]),
                   _terms_in(data["context"]), tuple((end, tuple(name)) for end, name in data["names"]),
                   _names_in(data["heading_names"]), data["heading_question"])


def _terms_in(terms: list[str]) -> frozenset[str]:
    # The same few thousand terms recur in every passage: one string each instead of one per occurrence.
    return frozenset(map(sys.intern, terms))


def _names_out(names: tuple[Name, ...]) -> list[list[str]]:
    return [list(name) for name in names]


def _names_in(names: list[list[str]]) -> tuple[Name, ...]:
    return tuple(tuple(name) for name in names)


@dataclass(frozen=True)
class Passage(DocumentRef):
    """A short span of a section, with everything needed to cite it and, once indexed, its analysis."""

    id: int
    heading: str | None
    text: str
    start: int
    end: int
    analysis: PassageAnalysis | None = None  # None until search/passage_analysis.py has analysed it

    def to_dict(self) -> dict:
        """Return a JSON-ready mapping of the fields."""
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        data["analysis"] = self.analysis.to_dict() if self.analysis else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Passage:
        """Build a passage from `to_dict` output."""
        analysis = data.get("analysis")
        return cls(**{**data, "analysis": PassageAnalysis.from_dict(analysis) if analysis else None})

    def search_text(self) -> str:
        """Text matched by retrieval: title, heading, date and body, so that titles take part in matching."""
        header = [self.title]
        if self.heading and self.heading not in self.title:
            header.append(self.heading)
        if self.date:
            header.append(self.date[:4])
        return " — ".join(header) + "\n" + self.text


def _units(text: str, max_chars: int) -> Iterator[tuple[int, int]]:
    """Yield spans no longer than max_chars: whole paragraphs, else sentences, else word-bounded pieces."""
    position = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        if end > position:
            if end - position <= max_chars:
                yield position, end
            else:
                for s_start, s_end in sentence_spans(text[position:end]):
                    yield from _word_pieces(text, position + s_start, position + s_end, max_chars)
        position = match.end() if match else len(text)


def _word_pieces(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long span at the last space before max_chars."""
    while end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def passage_spans(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Pack consecutive units into windows of at most max_chars characters."""
    windows: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    last_unit_start = 0
    for start, end in _units(text, max_chars):
        if current and end - current[0] <= max_chars:
            current, last_unit_start = (current[0], end), start
            continue
        if current:
            # A paragraph that announces a list ("… les outils :") goes with the list, not at the end of a window.
            if text[:current[1]].rstrip().endswith(":") and last_unit_start > current[0] \
                    and end - last_unit_start <= max_chars:
                windows.append((current[0], _trimmed_end(text, current[0], last_unit_start)))
                current = (last_unit_start, end)
                last_unit_start = start
                continue
            windows.append(current)
        current, last_unit_start = (start, end), start
    if current:
        windows.append(current)
    return windows


def _trimmed_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _heading_at(section: Section, offset: int) -> str | None:
    """Return the last heading that starts at or before `offset`."""
    heading = None
    for position, text in section.headings:
        if position > offset:
            break
        heading = text
    return heading


def chunk_sections(sections: Iterable[Section], max_chars: int = 1000) -> list[Passage]:
    """Cut every section into passages numbered from 0."""
    if max_chars < 100:
        raise ValueError(f"max_chars must be at least 100, got {max_chars}")
    passages: list[Passage] = []
    for section in sections:
        for start, end in passage_spans(section.text, max_chars):
            passages.append(
                Passage(
                    **section.ref_fields(),
                    id=len(passages),
                    heading=_heading_at(section, start),
                    text=section.text[start:end],
                    start=start,
                    end=end,
                )
            )
    return passages
