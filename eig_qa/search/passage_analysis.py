"""What answering reads of each passage (sentence offsets, terms, multi-word names, sentence shape), computed once
when the index is built and stored with the passage, instead of at every question."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from eig_qa.french import fold_accents
from eig_qa.ingest.chunking import Name, Passage, PassageAnalysis, SentenceAnalysis
from eig_qa.ingest.sentences import sentence_spans
from eig_qa.search.analyzer import STOPWORDS, analyze, words

# Bump when analyse() stores something else or reads it otherwise (sentences, names, shape); the lexical analysis
# has its own ANALYZER_VERSION. Indexes analysed another way are stale.
ANALYSIS_VERSION = 1

_CAPITALISED = r"[A-ZÀ-Ý][^\W_]*(?:-[^\W_]+)*"
_MULTIWORD_NAME = re.compile(rf"\b(?!(?:Le|La|Les|Un|Une|Ce|Cette|Ces)\b){_CAPITALISED}"
                             rf"(?:\s+(?:(?:for|of|de|du|des|la|le)\s+)?(?:d['’]|l['’])?{_CAPITALISED})+")
_NAME_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_URL = re.compile(r"https?://|www\.|\.(?:fr|com|org|io)/")


def names_with_ends(text: str) -> tuple[tuple[int, Name], ...]:
    """Names of two capitalised words or more ("Code for Canada", "Ministère de l'Intérieur"), as folded words, in
    order, each with the offset where it ends."""
    return tuple((match.end(), tuple(_NAME_WORD.findall(fold_accents(match.group(0)))))
                 for match in _MULTIWORD_NAME.finditer(text))


def multiword_names(text: str) -> tuple[Name, ...]:
    """The multi-word names of a text, as folded words, in order."""
    return tuple(name for _end, name in names_with_ends(text))


def content_words(text: str) -> str:
    """The folded words of a text without stop words, for fuzzy question matching."""
    return " ".join(word for word in (fold_accents(token) for token in words(text)) if word not in STOPWORDS)


def analyse(passage: Passage) -> PassageAnalysis:
    """Everything answering reads of one passage, whatever the question."""
    text = passage.text
    heading = passage.heading or ""
    return PassageAnalysis(
        sentences=tuple(_sentence(text[start:end], start, end) for start, end in sentence_spans(text)),
        terms=frozenset(analyze(passage.search_text())),
        context=frozenset(analyze(f"{passage.title} {heading} {(passage.date or '')[:4]}")),
        names=names_with_ends(text),
        heading_names=multiword_names(heading),
        heading_question=content_words(heading) if heading.rstrip().endswith("?") else None,
    )


def _sentence(sentence: str, start: int, end: int) -> SentenceAnalysis:
    letters = sum(char.isalpha() for char in sentence) / max(1, len(sentence.replace(" ", "")))
    return SentenceAnalysis(start, end, frozenset(analyze(sentence)), multiword_names(sentence),
                            fold_accents(sentence), len(words(sentence)), letters, bool(_URL.search(sentence)))


def with_analysis(passages: Iterable[Passage]) -> list[Passage]:
    """The passages, each carrying its analysis (at index time)."""
    return [dataclasses.replace(passage, analysis=analyse(passage)) for passage in passages]


def analysis_of(passage: Passage) -> PassageAnalysis:
    """The analysis stored with an indexed passage; one built elsewhere (a test's) is analysed now."""
    return passage.analysis or analyse(passage)
