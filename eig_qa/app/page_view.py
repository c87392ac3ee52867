""""Voir dans le document": a PDF page rendered as an image with the cited passage marked, or the Markdown or FAQ
section a passage comes from."""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eig_qa.ingest.chunking import Passage

log = logging.getLogger(__name__)

RENDER_SCALE = 1.5  # 72 dpi × 1.5: an A4 page 893 px wide, readable without zooming, about 150 kB of PNG
PASSAGE_FILL = (0, 0, 145, 38)  # bleu France, light: where the cited passage is
SENTENCE_FILL = (255, 214, 0, 120)  # yellow marker: the sentences that answer
# When pdfium reads the page text a little differently from pypdf (spaces, hyphens), the passage is found by its
# first and last characters.
_ENDS = 40


@dataclass(frozen=True)
class RenderedPage:
    """A rendered PDF page as PNG, and whether the passage was found and marked on it."""

    png: bytes
    marked: bool


def _key(text: str) -> tuple[str, list[int]]:
    """Letters and digits of a text, folded, with the position of each in the text: spaces, hyphens and line
    breaks differ from one PDF reader to another, letters do not."""
    letters, positions = [], []
    for position, char in enumerate(text):
        for folded in unicodedata.normalize("NFKD", char).casefold():
            if folded.isalnum():
                letters.append(folded)
                positions.append(position)
    return "".join(letters), positions


def find_span(page_text: str, wanted: str) -> tuple[int, int] | None:
    """Where a text of the index lies in the page text read by pdfium (character indices), or None."""
    page_key, positions = _key(page_text)
    key = _key(wanted)[0]
    if not key:
        return None
    start = page_key.find(key)
    if start >= 0:
        return positions[start], positions[start + len(key) - 1] + 1
    head, tail = key[:_ENDS], key[-_ENDS:]
    start = page_key.find(head)
    end = page_key.find(tail, start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return None
    return positions[start], positions[end + len(tail) - 1] + 1


@lru_cache(maxsize=32)
def _render(path: str, modified: int, page: int, passage: str, sentences: tuple[str, ...]) -> RenderedPage:
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    document = pdfium.PdfDocument(path)
    try:
        pdf_page = document[page - 1]
        height = pdf_page.get_size()[1]
        image = pdf_page.render(scale=RENDER_SCALE).to_pil().convert("RGBA")
        text_page = pdf_page.get_textpage()
        page_text = text_page.get_text_range(0, text_page.count_chars())
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        marked = False
        for text, fill in [(passage, PASSAGE_FILL), *((sentence, SENTENCE_FILL) for sentence in sentences)]:
            span = find_span(page_text, text)
            if span is None:
                continue
            marked = True
            for index in range(text_page.count_rects(span[0], span[1] - span[0])):
                left, bottom, right, top = text_page.get_rect(index)
                draw.rectangle([left * RENDER_SCALE - 2, (height - top) * RENDER_SCALE - 2,
                                right * RENDER_SCALE + 2, (height - bottom) * RENDER_SCALE + 2], fill=fill)
        output = io.BytesIO()
        Image.alpha_composite(image, overlay).convert("RGB").save(output, format="PNG", optimize=True)
        return RenderedPage(output.getvalue(), marked)
    finally:
        document.close()


def render_pdf_page(path: Path, page: int, passage: str, sentences: Sequence[str] = ()) -> RenderedPage | None:
    """The page as an image, the passage in light blue and its answering sentences in yellow; None when the file
    cannot be read as a PDF or has no such page. Rendered on demand, the last 32 kept in memory."""
    try:
        return _render(str(path), path.stat().st_mtime_ns, page, passage, tuple(sentences))
    except Exception as error:  # pdfium raises its own errors for damaged files: the page says it cannot show it
        log.warning("Aperçu impossible de %s, page %s : %s", path, page, error)
        return None


def section_of(passages: Sequence[Passage], cited: Passage) -> list[Passage]:
    """The passages of the section (Markdown file, FAQ entry, PDF page) the cited passage belongs to, in order:
    the index keeps each section's passages together, their offsets growing from the section's start."""
    sections: list[list[Passage]] = []
    for passage in passages:
        previous = sections[-1][-1] if sections else None
        same = previous is not None and (previous.source, previous.page) == (passage.source, passage.page)
        if same and passage.start >= previous.end:
            sections[-1].append(passage)
        else:
            sections.append([passage])
    return next((section for section in sections if cited.id in {passage.id for passage in section}), [cited])
