""""Voir dans le document": the PDF page rendered with the passage marked, the section of other files."""

import io

from PIL import Image

from eig_qa.answer.answering import Answer, Highlight
from eig_qa.app.export import section_markdown
from eig_qa.app.page_view import PASSAGE_FILL, SENTENCE_FILL, find_span, render_pdf_page, section_of
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit
from tests.factories import write_pdf

PAGE = ("Le programme recrute des talents du numérique.\nLes candidatures sont ouvertes jusqu'au 15 mars 2022.\n"
        "Les défis durent dix mois dans les administrations.")


def passage(id_: int, text: str, start: int, source: str = "documents/blog/a.md", page: int | None = None) -> Passage:
    return Passage(id=id_, source=source, page=page, title="Billet", date="2020-01-01", kind="blog", url=None,
                   heading=None, text=text, start=start, end=start + len(text))


def test_a_passage_is_found_whatever_the_spaces_hyphens_and_line_breaks():
    page_text = "Le pro-\r\ngramme recrute des ta lents.\r\nLes candidatures sont ouvertes."
    start, end = find_span(page_text, "Le programme recrute des talents. Les candidatures")
    assert page_text[start:end] == "Le pro-\r\ngramme recrute des ta lents.\r\nLes candidatures"
    assert find_span(page_text, "Une phrase absente de la page") is None
    assert find_span(page_text, " … ") is None


def test_a_long_passage_is_found_by_its_ends_when_its_middle_differs():
    head, tail = "Le programme recrute chaque année des talents", "dans les administrations de l'État, pour dix mois."
    page_text = f"Avant. {head} du numé-\nrique (voir note 3) {tail} Après."
    start, end = find_span(page_text, f"{head} du numérique {tail}")
    assert page_text[start:end] == f"{head} du numé-\nrique (voir note 3) {tail}".rstrip(".")  # letters only


def test_the_pdf_page_is_rendered_with_the_passage_and_sentence_marked(tmp_path):
    pdf = write_pdf(tmp_path / "bilan.pdf", [PAGE, "Deuxième page."])
    sentence = "Les candidatures sont ouvertes jusqu'au 15 mars 2022."
    rendered = render_pdf_page(pdf, 1, PAGE.replace("\n", " "), [sentence])
    assert rendered.marked
    image = Image.open(io.BytesIO(rendered.png)).convert("RGB")
    colours = {colour for _count, colour in image.getcolors(maxcolors=1_000_000)}
    assert any(b > r + 15 for r, _g, b in colours), "no bluish passage mark"
    assert any(r > 200 and g > 180 and b < 150 for r, g, b in colours), "no yellow sentence mark"
    assert PASSAGE_FILL[3] < SENTENCE_FILL[3]
    unmarked = render_pdf_page(pdf, 2, "Un passage d'une autre page.")
    assert unmarked is not None and not unmarked.marked


def test_a_missing_or_broken_pdf_gives_no_image(tmp_path):
    assert render_pdf_page(tmp_path / "absent.pdf", 1, "x") is None
    broken = tmp_path / "cassé.pdf"
    broken.write_bytes(b"%PDF-1.4 pas vraiment")
    assert render_pdf_page(broken, 1, "x") is None
    assert render_pdf_page(write_pdf(tmp_path / "court.pdf", ["Une page."]), 3, "x") is None


def test_the_section_of_a_passage_is_its_run_of_passages_in_the_same_file():
    first, second = passage(0, "Premier paragraphe.", 0), passage(1, "Deuxième paragraphe.", 21)
    other_entry = passage(2, "Autre entrée de FAQ.", 0)  # offsets start again: another section of the file
    other_file = passage(3, "Autre fichier.", 0, source="documents/blog/b.md")
    passages = [first, second, other_entry, other_file]
    assert section_of(passages, second) == [first, second]
    assert section_of(passages, other_entry) == [other_entry]
    assert section_of(passages, other_file) == [other_file]
    assert section_of([], second) == [second]


def test_the_section_shows_the_cited_passage_as_a_quotation_with_its_sentence_highlighted():
    text = "Les défis durent dix mois.\n\nIls commencent en septembre."
    first, cited = passage(0, "Le programme *EIG*.", 0), passage(1, text, 20)
    sentence = "Les défis durent dix mois."
    highlight = Highlight(0, 0, len(sentence), sentence, 1.0)
    answer = Answer("Q ?", sentence, False, [Hit(cited, 0.03, 1.0, 0.9)], [highlight])
    markdown = section_markdown([first, cited], cited, answer, 0)
    assert markdown == ("Le programme \\*EIG\\*\\.\n\n> :blue-background[**Les défis durent dix mois\\.**]\n>\n"
                        "> Ils commencent en septembre\\.")
