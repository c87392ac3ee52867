"""Markdown of answers, shared by the page and the export: escaped text, highlighted sentences, citations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from eig_qa.answer.scorer import HIGH
from eig_qa.app.figure_answer import FigureLead, adds_to_figures, document_of, figure_lead, stated_in_document
from eig_qa.app.formatting import with_unit
from eig_qa.french import MONTHS

if TYPE_CHECKING:
    from eig_qa.answer.answering import Answer, Highlight
    from eig_qa.app.conversation import Turn
    from eig_qa.figures.catalogue import Figure
    from eig_qa.ingest.chunking import Passage

KIND_LABELS = {
    "working_paper": "Rapport d'évaluation",
    "report": "Rapport",
    "application": "Candidature",
    "guide": "Guide",
    "slides": "Présentation",
    "blog": "Blog",
    "defi": "Défis",
    "faq": "FAQ",
}
# How many of each kind the welcome message counts: (singular, plural).
_KIND_NOUNS = {
    "working_paper": ("rapport d'évaluation", "rapports d'évaluation"),
    "report": ("rapport", "rapports"),
    "application": ("document de candidature", "documents de candidature"),
    "guide": ("guide", "guides"),
    "slides": ("présentation", "présentations"),
    "blog": ("article de blog", "articles de blog"),
    "defi": ("fiche de défi", "fiches de défis"),
    "faq": ("FAQ", "FAQ"),
    "autre": ("autre document", "autres documents"),
}
# Every character that Markdown, or Streamlit's extensions of it (colours, emoji, LaTeX), gives a meaning to.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")
_BLANK = re.compile(r"[^\S\n]+")
# CommonMark and GitHub: emphasis, code, links, HTML, strikethrough, entities ("&amp;") wherever they stand;
# headings, quotes, lists and rules only where a paragraph starts.
_TEXT_SPECIAL = re.compile(r"([\\`*\[\]<>~]|(?<!\w)_|_(?!\w)|&(?=#?\w+;))")  # "snake_case" is no emphasis
_PARAGRAPH_START = re.compile(r"^(\d*)([#>+=-]|(?<=\d)[.)])")
_PARAGRAPH = re.compile(r"\s*\n\s*\n\s*")
_LINE_BREAK = re.compile(r"\s*\n\s*")


def kind_label(kind: str | None) -> str:
    """The French name of a kind of document; unknown kinds as they are."""
    return KIND_LABELS.get(kind or "", kind or "Document")


def french_date(date: str | None) -> str | None:
    """Write "2019-05-12" as "12 mai 2019", "2019-05" as "mai 2019", "2019" as is."""
    if not date:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?.*", date)
    if not match or not match[2] or not 1 <= int(match[2]) <= 12:
        return date
    month = MONTHS[int(match[2]) - 1]
    return f"{int(match[3])} {month} {match[1]}" if match[3] else f"{month} {match[1]}"


def escape_markdown(text: str) -> str:
    """Show text exactly as written: Markdown characters escaped, paragraphs kept, other line breaks joined."""
    text = _BLANK.sub(" ", text)
    paragraphs = [_LINE_BREAK.sub(" ", paragraph) for paragraph in _PARAGRAPH.split(text)]
    return "\n\n".join(_SPECIAL.sub(r"\\\1", paragraph) for paragraph in paragraphs)


def escape_text(text: str) -> str:
    """Like escape_markdown, for Markdown read as plain text too (the export): only the characters that would
    make markup where they stand are escaped, so "Qu'est-ce" stays as it is."""
    text = _BLANK.sub(" ", text)
    paragraphs = [_LINE_BREAK.sub(" ", paragraph).strip() for paragraph in _PARAGRAPH.split(text)]
    return "\n\n".join(_PARAGRAPH_START.sub(r"\1\\\2", _TEXT_SPECIAL.sub(r"\\\1", paragraph))
                       for paragraph in paragraphs)


def _escaper(page: bool) -> Callable[[str], str]:
    return escape_markdown if page else escape_text


def _mark(text: str, page: bool) -> str:
    """Emphasise an answering sentence: bold, on a blue background on the page."""
    bold = f"**{_escaper(page)(' '.join(text.split()))}**"
    return f":blue-background[{bold}]" if page else bold


def highlighted_markdown(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped text with the character spans emphasised, bold on a blue background."""
    parts, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor or start >= end:
            continue
        parts += [escape_markdown(text[cursor:start]), _mark(text[start:end], page=True)]
        cursor = end
    parts.append(escape_markdown(text[cursor:]))
    return "".join(parts)


def passage_markdown(answer: Answer, hit_index: int) -> str:
    """The text of one cited passage with its answering sentences emphasised."""
    spans = [(item.start, item.end) for item in answer.highlights if item.hit_index == hit_index]
    return highlighted_markdown(answer.hits[hit_index].passage.text, spans)


def section_markdown(section: Sequence[Passage], cited: Passage, answer: Answer, hit_index: int) -> str:
    """A section's passages as paragraphs, the cited one as a quotation with its answering sentences highlighted."""
    parts = []
    for passage in section:
        if passage.id != cited.id:
            parts.append(escape_markdown(passage.text))
            continue
        quoted = passage_markdown(answer, hit_index)
        parts.append("> " + quoted.replace("\n\n", "\n>\n> "))
    return "\n\n".join(parts)


def answer_markdown(answer: Answer, page: bool = True) -> str:
    """The short answer: the key figure that answers first, when there is one, then each answering sentence
    emphasised and followed by the document it comes from (after a figure, only sentences of a confident answer
    that add to it)."""
    lead = figure_lead(answer.figures)
    if lead is None:
        return _quotes_markdown(answer, answer.highlights, page) or _escaper(page)(answer.text)
    question = f"{answer.question} {answer.understood_as or ''}"
    # Below "haute", the sentences quoted after a figure were nearly all beside the point: on the 35 figure
    # questions of ../shared/eval, 22 quoted one, all "moyenne", about 20 unrelated to the figure.
    added = [item for item in answer.highlights if answer.confidence == HIGH
             and adds_to_figures(item.text, question, answer.figures)]
    parts = [lead_markdown(lead, page)]
    if answer.abstained:
        parts.append(f"*{_escaper(page)(answer.text)}*")
    if added:
        parts += ["Ce que disent aussi les documents :", _quotes_markdown(answer, added, page)]
    return "\n\n".join(parts)


def _quotes_markdown(answer: Answer, highlights: Sequence[Highlight], page: bool) -> str:
    return "\n\n".join(
        f"{_mark(item.text, page)} — *d'après {_escaper(page)(_where(answer.hits[item.hit_index].passage))}*"
        for item in highlights
    )


def lead_markdown(lead: FigureLead, page: bool = True) -> str:
    """The figure that answers, stated in one sentence with its source; differing figures listed with what
    they count, their date or their document."""
    figure, escape = lead.figure, _escaper(page)
    origins = [f"calculé à partir de {figure.source}"]
    origins += [f"{document_of(other)} dit aussi {figure_value(other)}" for other in lead.agreeing]
    sentence = f"{escape(figure.label)} : **{escape(figure_value(figure))}** " \
               f"({escape(' ; '.join(origins))})"
    if not lead.differing:
        return sentence + "."
    # Two counts of the same data differ by what they count: say how the leading one is computed.
    how = f" {escape(figure.computation)}" if not all(map(stated_in_document, lead.differing)) else ""
    lines = [f"{sentence}.{how}", "",
             "D'autres chiffres diffèrent par ce qu'ils comptent, leur date ou leur source :", ""]
    for other in lead.differing:
        where = f"{document_of(other)}, chiffre cité à sa date" if stated_in_document(other) else other.computation
        lines.append(f"- **{escape(figure_value(other))}** — {escape(other.label)} "
                     f"({escape(where)})")
    return "\n".join(lines)


def _where(passage: Passage) -> str:
    return f"« {passage.title} »" + (f", page {passage.page}" if passage.page else "")


def safe_url(url: str | None) -> str | None:
    """A web address usable as a Markdown link target, or None when it is not http(s)."""
    if not url or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~")


def citation_link(passage: Passage, page: bool = True) -> str:
    """A link that says where it goes: "[Ouvrir « Titre », page 6 (nouvel onglet)](…#page=6)"."""
    where, escape = _where(passage), _escaper(page)
    url = safe_url(passage.url)
    if url is None:
        return escape(f"{where} (document sans lien public)")
    return f"[{escape(f'Ouvrir {where} (nouvel onglet)')}]({url})"


def citation_details(passage: Passage) -> str:
    """Kind, date and page of a cited passage: "Rapport · mai 2019 · page 6"."""
    details = [kind_label(passage.kind), french_date(passage.date), f"page {passage.page}" if passage.page else None]
    return " · ".join(detail for detail in details if detail)


def figure_value(figure: Figure) -> str:
    """A key figure with its unit: "15 défis", "56 %"."""
    return with_unit(figure.value, figure.unit)


def relevance_label(rank: int, score: float, best: float) -> str:
    """Rank and closeness to the best passage, in words: "n° 2 · pertinence élevée"."""
    ratio = score / best if best > 0 else 0.0
    level = "élevée" if ratio >= 0.95 else "moyenne" if ratio >= 0.85 else "faible"
    return f"Passage n° {rank} · pertinence {level}"


def corpus_description(documents: int, kinds: dict[str, int], latest_date: str | None) -> str:
    """What the assistant knows: "134 documents publics du programme, publiés jusqu'au 8 avril 2021 (71 fiches…)"."""
    counted = []
    for kind, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        singular, plural = _KIND_NOUNS.get(kind, (kind_label(kind), kind_label(kind)))
        counted.append(f"{count} {singular if count == 1 else plural}")
    sentence = f"{documents} documents publics du programme"
    latest = french_date(latest_date)
    if latest:
        sentence += f", publiés jusqu'{'au' if len(latest.split()) == 3 else 'en'} {latest}"  # au 8 avril, en avril
    return f"{sentence} ({', '.join(counted)})"


def _turn_markdown(number: int, turn: Turn) -> list[str]:
    answer = turn.answer
    lines = [f"## {number}. {escape_text(turn.question)}", ""]
    if turn.understood_as:
        lines += [f"*Question comprise comme : {escape_text(turn.understood_as)}*", ""]
    lines += [answer_markdown(answer, page=False), ""]
    if answer.figures:
        lines += ["### Chiffres clés", ""]
        for figure in answer.figures:
            lines.append(f"- **{escape_text(figure.label)}** : {escape_text(figure_value(figure))} "
                         f"({escape_text(figure.scope)}). Calcul : {escape_text(figure.computation)} "
                         f"Source : {escape_text(figure.source)}")
        lines.append("")
    if answer.hits:
        lines += ["### Documents proches" if answer.abstained else "### Sources", ""]
        for index, hit in enumerate(answer.hits):
            details = escape_text(citation_details(hit.passage))
            lines.append(f"{index + 1}. {citation_link(hit.passage, page=False)} — {details}")
            quotes = [item for item in answer.highlights if item.hit_index == index]
            lines += [f"   > {escape_text(' '.join(item.text.split()))}" for item in quotes]
        lines.append("")
    return lines


def conversation_markdown(turns: Sequence[Turn], exported_at: datetime | None = None) -> str:
    """The whole conversation as a Markdown document, each answer with its key figures and citations."""
    exported_at = exported_at or datetime.now()
    lines = [
        "# Conversation avec l'assistant documentaire Entrepreneurs d'intérêt général",
        "",
        f"Exportée le {exported_at:%d/%m/%Y à %H:%M}. Les réponses citent les documents publics du programme ; "
        "les chiffres clés sont calculés à partir des données structurées du corpus (voir « Calcul » pour chacun).",
        "",
    ]
    for number, turn in enumerate(turns, start=1):
        lines += _turn_markdown(number, turn)
    return "\n".join(lines).rstrip() + "\n"
