"""One exchange of a conversation, as the page and the export keep it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eig_qa.answer.answering import Answer


@dataclass(frozen=True)
class Turn:
    """One exchange: the question as typed, what it was understood as, and the answer."""

    question: str
    answer: Answer
    understood_as: str | None = None

    def sources(self) -> list[dict]:
        """The passages shown with the answer, as citations: source file, page and public address."""
        return [{"source": hit.passage.source, "page": hit.passage.page, "url": hit.passage.url}
                for hit in self.answer.hits]
