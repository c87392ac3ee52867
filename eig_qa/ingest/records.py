"""The records of reading a corpus: sections, file fingerprints and problems, and what a reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class DocumentRef:
    """Where a text comes from, as a citation gives it: file, PDF page, title, date, kind and public link."""

    source: str
    page: int | None
    title: str
    date: str | None
    kind: str | None
    url: str | None

    def ref_fields(self) -> dict[str, object]:
        """The citation fields alone, to hand on to what is cut from this text."""
        return {item.name: getattr(self, item.name) for item in fields(DocumentRef)}


@dataclass(frozen=True)
class Section(DocumentRef):
    """One readable unit of a document: a PDF page, a Markdown or text file, or a FAQ entry."""

    text: str
    headings: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class CorpusFile:
    """A document file of the corpus with its fingerprint, for staleness checks."""

    source: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class FileProblem:
    """Something wrong with one file; skipped says whether nothing at all was indexed from it."""

    source: str
    reason: str
    skipped: bool


@dataclass
class CorpusReading:
    """Everything read from a corpus folder."""

    sections: list[Section]
    files: list[CorpusFile]
    problems: list[FileProblem]



@dataclass(frozen=True)
class Part:
    """One section's worth of text, before metadata is attached."""

    text: str
    headings: tuple[tuple[int, str], ...] = ()
    page: int | None = None
    anchor: str | None = None


@dataclass
class Parsed:
    """What a reader found in one file: its parts and the metadata the file itself carries."""

    parts: list[Part] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None
    front_title: str | None = None
    front_date: str | None = None
    title_heading: str | None = None
    pdf_title: str | None = None
