import json

import pytest

from eig_qa.ingest.chunking import Passage, chunk_sections, passage_spans
from eig_qa.ingest.documents import Section
from eig_qa.ingest.records import DocumentRef
from eig_qa.ingest.sentences import split_sentences


def _section(text, headings=()):
    return Section(source="a.md", page=None, title="Titre", date="2020", kind="blog", url=None, text=text,
                   headings=headings)


def test_sentences_split_on_french_punctuation():
    text = "Le programme dure 10 mois. Il recrute des EIG ! Est-ce payé ? Oui, 4 000 € par mois."
    assert split_sentences(text) == ["Le programme dure 10 mois.", "Il recrute des EIG !", "Est-ce payé ?",
                                     "Oui, 4 000 € par mois."]


def test_abbreviations_do_not_end_sentences():
    assert len(split_sentences("Voir M. Dupont. Puis la suite.")) == 2


def test_a_number_ending_a_sentence_is_not_a_list_item():
    text = "Chaque critère est noté sur 4. Les notes donnent un score total de 20. Ces notes départagent."
    assert split_sentences(text) == ["Chaque critère est noté sur 4.", "Les notes donnent un score total de 20.",
                                     "Ces notes départagent."]
    assert split_sentences("Les facteurs de réussite 1. Un périmètre clair 2. Des équipes") == [
        "Les facteurs de réussite", "1. Un périmètre clair", "2. Des équipes"]


def test_passages_respect_the_size_limit_and_paragraphs():
    paragraphs = [f"Paragraphe {i}. " + "Une phrase de remplissage assez longue. " * 5 for i in range(12)]
    text = "\n\n".join(paragraphs)
    spans = passage_spans(text, 500)
    assert all(end - start <= 500 for start, end in spans)
    assert all(text[start:end].startswith("Paragraphe") for start, end in spans)
    covered = "".join(text[start:end] for start, end in spans)
    assert covered.replace("\n", "") == text.replace("\n", "")


def test_an_overlong_paragraph_is_cut_at_sentences_then_words():
    text = "Mot " * 400 + ". Fin de la phrase."
    spans = passage_spans(text, 300)
    assert all(end - start <= 300 for start, end in spans)
    assert "Fin de la phrase." in text[spans[-1][0]:spans[-1][1]]


def test_passages_keep_offsets_page_and_heading():
    text = "Intro courte.\n\nSection A\n\nContenu de la section A."
    section = _section(text, headings=((15, "Section A"),))
    passages = chunk_sections([section, section], max_chars=100)
    assert [p.id for p in passages] == list(range(len(passages)))
    for passage in passages:
        assert text[passage.start:passage.end] == passage.text
    assert Passage.from_dict(passages[0].to_dict()) == passages[0]


def test_heading_is_the_last_one_before_the_passage():
    text = ("A" * 80) + "\n\n" + ("B" * 80)
    section = _section(text, headings=((0, "Premier"), (82, "Second")))
    passages = chunk_sections([section], max_chars=100)
    assert [p.heading for p in passages] == ["Premier", "Second"]


def test_search_text_includes_title_heading_and_year():
    passage = chunk_sections([_section("Texte.", headings=((0, "Rubrique"),))])[0]
    assert passage.search_text().startswith("Titre — Rubrique — 2020\n")


def test_too_small_limit_is_refused():
    with pytest.raises(ValueError, match="max_chars"):
        chunk_sections([], max_chars=10)


def test_a_paragraph_announcing_a_list_stays_with_the_list():
    items = "\n".join(f"outil numéro {i} ;" for i in range(8))
    text = "Contexte. " * 30 + "\n\nLes outils mis à disposition :\n\n" + items
    spans = passage_spans(text, 350)
    last = text[spans[-1][0]:spans[-1][1]]
    assert last.startswith("Les outils mis à disposition :") and "outil numéro 0" in last
    assert all(not text[start:end].rstrip().endswith(":") for start, end in spans)


def test_section_and_passage_share_the_citation_fields():
    section = Section(source="a.pdf", page=3, title="Guide", date="2020", kind="guide", url="https://x/a.pdf#page=3",
                      text="Le programme dure dix mois.")
    passage = chunk_sections([section])[0]
    assert isinstance(section, DocumentRef) and isinstance(passage, DocumentRef)
    assert passage.ref_fields() == section.ref_fields() == {
        "source": "a.pdf", "page": 3, "title": "Guide", "date": "2020", "kind": "guide", "url": "https://x/a.pdf#page=3"}
    assert Passage.from_dict(json.loads(json.dumps(passage.to_dict()))) == passage
