"""Reading a corpus folder into sections: formats, clean text, metadata, robustness, and the real corpus."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import time
from pathlib import Path

import pypdf
import pytest
import yaml

from eig_qa.errors import CorpusError
from eig_qa.ingest import metadata, pdf, scan
from eig_qa.ingest.documents import (
    CorpusFile,
    CorpusReading,
    FileProblem,
    Section,
    list_document_files,
    read_corpus,
)
from tests.factories import (
    TINY_FAQ,
    TINY_MARKDOWN,
    TINY_PDF,
    TINY_PDF_URL,
    TINY_TEXT,
    pdf_bytes,
    write_faq,
    write_manifest,
    write_markdown,
    write_pdf,
    write_text,
    write_tiny_corpus,
)

MARKUP = ("](", "<p>", "**", "</", "<br", "&amp;", "&nbsp;")


def sections_of(reading: CorpusReading, source: str) -> list[Section]:
    """The sections read from one file, in order."""
    return [section for section in reading.sections if section.source == source]


def problems_of(reading: CorpusReading, source: str) -> list[FileProblem]:
    """The problems reported for one file."""
    return [problem for problem in reading.problems if problem.source == source]


def only_section(reading: CorpusReading, source: str) -> Section:
    """The single section read from one file."""
    (section,) = sections_of(reading, source)
    return section


def assert_headings_point_into_text(section: Section) -> None:
    """Each heading offset starts a paragraph that is the heading text."""
    for offset, heading in section.headings:
        assert section.text[offset : offset + len(heading)] == heading
        assert offset == 0 or section.text[offset - 2 : offset] == "\n\n"
        assert section.text[offset + len(heading) : offset + len(heading) + 2] in ("", "\n\n")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """The shared small corpus."""
    return write_tiny_corpus(tmp_path / "corpus")


@pytest.fixture
def tiny_reading(tiny: Path) -> CorpusReading:
    """The shared small corpus, read."""
    return read_corpus(tiny)


# ---------------------------------------------------------------- the tiny corpus, end to end


def test_tiny_corpus_is_read_without_problems_in_order(tiny_reading: CorpusReading) -> None:
    sources = [section.source for section in tiny_reading.sections]
    assert sorted(set(sources)) == sorted([TINY_PDF, TINY_MARKDOWN, TINY_FAQ, TINY_TEXT])
    keys = [(section.source, section.page or 0) for section in tiny_reading.sections]
    assert keys == sorted(keys)
    assert tiny_reading.problems == []
    assert [f.source for f in tiny_reading.files] == sorted([TINY_PDF, TINY_MARKDOWN, TINY_FAQ, TINY_TEXT])


def test_pdf_gives_one_section_per_page_with_manifest_metadata(tiny_reading: CorpusReading) -> None:
    first, second = sections_of(tiny_reading, TINY_PDF)
    assert (first.page, second.page) == (1, 2)
    assert first.url == f"{TINY_PDF_URL}#page=1"
    assert second.url == f"{TINY_PDF_URL}#page=2"
    assert first.title == second.title == "Bilan du programme Horizon Numérique 2016-2021"
    assert (first.date, first.kind) == ("2021-06", "report")
    assert "12 lauréats" in first.text and "4 200 euros" not in first.text
    assert "4 200 euros nets par mois" in second.text and "1,8 million d'euros" in second.text
    assert first.text.startswith("Bilan du programme Horizon Numérique\n\nLe programme Horizon Numérique a été lancé")
    assert first.headings == ()


def test_markdown_uses_front_matter_and_loses_its_markup(tiny_reading: CorpusReading) -> None:
    section = only_section(tiny_reading, TINY_MARKDOWN)
    assert section.title == "Retour sur la journée portes ouvertes du programme Horizon Numérique"
    assert (section.page, section.date, section.kind, section.url) == (None, "2021-05-03", "blog", None)
    assert section.text.startswith(
        "La journée portes ouvertes du programme Horizon Numérique a réuni 85 participants à Lyon"
    )
    assert "Le programme de la journée est en ligne." in section.text
    assert "Photo de la journée" not in section.text and "journee.jpg" not in section.text
    assert "Les ateliers proposés\n\nun atelier sur l'ouverture des codes sources ;\nun atelier sur la conception" in (
        section.text
    )
    assert [heading for _, heading in section.headings] == ["Les ateliers proposés"]
    assert_headings_point_into_text(section)
    assert not any(mark in section.text for mark in MARKUP) and "title:" not in section.text


def test_faq_gives_one_section_per_entry(tiny_reading: CorpusReading) -> None:
    first, second = sections_of(tiny_reading, TINY_FAQ)
    assert first.text == (
        "Quelle est la date limite de candidature ?\n\n"
        "Les candidatures sont ouvertes jusqu'au 15 mars 2022 à midi.\n\nAucun dossier n'est accepté après cette date."
    )
    assert first.headings == ((0, "Quelle est la date limite de candidature ?"),)
    assert second.text == (
        "Qui peut candidater au programme Horizon Numérique ?\n\nLe programme est ouvert :\n\n"
        "aux développeurs et développeuses ;\naux designers ;\naux data scientists."
    )
    assert (first.page, first.kind, first.url, first.date) == (None, "faq", None, None)
    assert first.title == second.title == "Faq candidats"


def test_text_file_keeps_paragraphs_and_headings(tiny_reading: CorpusReading) -> None:
    section = only_section(tiny_reading, TINY_TEXT)
    assert section.text == (
        "Compte rendu du comité de sélection\n\n"
        "Le comité de sélection s'est réuni le 2 avril 2022. Il a retenu 24 projets sur 61 candidatures reçues.\n\n"
        "Prochaines étapes\n\n"
        "Les équipes retenues démarrent leur défi le 1er septembre 2022."
    )
    assert section.headings == ((section.text.index("Prochaines"), "Prochaines étapes"),)
    # The heading comes after a paragraph, so it is a section heading, not the document's title.
    assert (section.title, section.kind, section.date, section.url) == ("Compte rendu comite", "notes", None, None)


def test_reading_is_deterministic(tiny: Path) -> None:
    assert read_corpus(tiny) == read_corpus(tiny)


def test_sections_are_frozen(tiny_reading: CorpusReading) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_reading.sections[0].text = "autre"  # type: ignore[misc]


# ---------------------------------------------------------------- listing


def test_list_document_files_lists_documents_only_with_their_sha256(tiny: Path) -> None:
    write_text(tiny / ".cache" / "notes.md", "# Caché\n\nTexte.")
    write_text(tiny / "documents" / ".brouillon.md", "Brouillon.")
    write_text(tiny / "data" / "defis.yml", "- nom: Archifiltre\n  description: Tri des archives\n")
    write_text(tiny / "data" / "table.csv", "a,b\n1,2\n")
    write_text(tiny / "documents" / "image.png", "pas un document")
    write_text(tiny / "documents" / "faq" / "aide.yaml", "- question: Pourquoi ?\n  answer: Parce que.\n")
    files = list_document_files(tiny)
    assert [f.source for f in files] == sorted(
        [TINY_PDF, TINY_MARKDOWN, TINY_FAQ, TINY_TEXT, "documents/faq/aide.yaml"]
    )
    for corpus_file in files:
        data = (tiny / corpus_file.source).read_bytes()
        assert corpus_file == CorpusFile(corpus_file.source, hashlib.sha256(data).hexdigest(), len(data))
    assert read_corpus(tiny).files == files


def test_structured_yaml_is_silently_not_a_document(tmp_path: Path) -> None:
    write_text(tmp_path / "data" / "personnes.yml", "- nom: Ada\n  promo: 1\n- nom: Alan\n  promo: 2\n")
    write_text(tmp_path / "data" / "promos.yaml", "promo1: 2017\npromo2: 2018\n")
    write_text(tmp_path / "note.txt", "Une note.")
    reading = read_corpus(tmp_path)
    assert [f.source for f in reading.files] == ["note.txt"]
    assert reading.problems == []


# ---------------------------------------------------------------- PDF


def test_pdf_text_is_cleaned(tmp_path: Path) -> None:
    write_pdf(
        tmp_path / "doc.pdf",
        [
            "La trans-\nformation numérique   de l'État\ncontinue.\n\n"
            "Assurez-\nvous de lire le règlement.\n\nLes sapeurs-pompiers et les sapeurs-\npompiers.\n\n"
            "Voir https://exemple.gouv.fr/entrepreneur-interet-\ngeneral pour en savoir plus."
        ],
    )
    text = only_section(read_corpus(tmp_path), "doc.pdf").text
    assert text == (
        "La transformation numérique de l'État continue.\n\n"
        "Assurez-vous de lire le règlement.\n\n"
        "Les sapeurs-pompiers et les sapeurs-pompiers.\n\n"
        "Voir https://exemple.gouv.fr/entrepreneur-interet-general pour en savoir plus."
    )


def test_pdf_ligatures_and_layout_artifacts_are_normalised() -> None:
    raw = "Le ﬁnancement  de l’ef-\nﬁcacité\n \n \nTable des matières ........ 4\ndéveloppeurs\n\u00a0\n: leur poste\n"
    assert pdf.clean_pdf_text(raw) == (
        "Le financement de l’efficacité\n\nTable des matières 4 développeurs : leur poste"
    )


def test_pdf_keeps_accents_parentheses_and_backslashes(tmp_path: Path) -> None:
    write_pdf(tmp_path / "doc.pdf", ["Coût (estimé) : 5 € pour l'œuvre « complète » \\ à Noël"])
    assert (
        only_section(read_corpus(tmp_path), "doc.pdf").text == "Coût (estimé) : 5 € pour l'œuvre « complète » \\ à Noël"
    )


def test_pdf_pages_without_text_are_dropped(tmp_path: Path) -> None:
    write_pdf(tmp_path / "doc.pdf", ["Première page.", "", "Troisième page."])
    reading = read_corpus(tmp_path)
    assert [(s.page, s.text) for s in reading.sections] == [(1, "Première page."), (3, "Troisième page.")]
    assert reading.problems == []


@pytest.mark.parametrize(
    ("raw", "contents"),
    [
        ("2\nSommaire\n1. Présentation ........ 3\n2. Calendrier ....... 4\n2.1. Dates ........ 5\n", True),
        ("Introduction ........ 3\nMéthode ....... 4\nRésultats ........ 9\n", True),
        ("8\nTable des matières\nSynthèse\nI. L'objectif du programme\nLe programme en chiffres\n", True),
        ("Sommaire\nLe programme recrute des profils variés.\nIl dure dix mois.\n", False),
        ("Le jury se réunit le 4 mai.\nVoir la page ........ 3\n", False),
    ],
)
def test_table_of_contents_pages_are_recognised(raw: str, contents: bool) -> None:
    assert pdf.is_table_of_contents(raw) is contents


def test_table_of_contents_pages_are_not_indexed(tmp_path: Path) -> None:
    contents = "Sommaire\n1. Constitution de la promotion ........ 2\n2. Financement ........ 2\n3. Jury ........ 3"
    write_pdf(tmp_path / "doc.pdf", [contents, "La promotion compte trente EIG."])
    assert [(s.page, s.text) for s in read_corpus(tmp_path).sections] == [(2, "La promotion compte trente EIG.")]


def _encrypted_pdf(path: Path, user_password: str) -> Path:
    """A PDF encrypted with RC4 (readable without extra packages) and the given user password."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(write_pdf(path, ["Contenu chiffré du rapport."])))
    writer.encrypt(user_password=user_password, owner_password="proprietaire", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.mark.parametrize(
    ("case", "make", "reason_word"),
    [
        ("corrompu", lambda p: p.write_bytes(b"%PDF-1.4\nceci n'est pas un PDF\n%%EOF"), "PDF"),
        ("tronqué", lambda p: p.write_bytes(pdf_bytes(["Un texte assez long."])[:60]), "PDF"),
        ("vide", lambda p: p.write_bytes(b""), "vide"),
        ("scanné", lambda p: write_pdf(p, ["", ""]), "scanné"),
        ("protégé", lambda p: _encrypted_pdf(p, "secret"), "mot de passe"),
    ],
)
def test_unreadable_pdf_is_skipped_with_a_problem(tmp_path: Path, case: str, make, reason_word: str) -> None:
    make(tmp_path / "mauvais.pdf")
    write_text(tmp_path / "bon.txt", "Un document lisible.")
    reading = read_corpus(tmp_path)
    assert [s.source for s in reading.sections] == ["bon.txt"], case
    (problem,) = reading.problems
    assert problem.source == "mauvais.pdf" and problem.skipped
    assert reason_word in problem.reason
    assert "mauvais.pdf" in [f.source for f in reading.files]


def test_pdf_encrypted_with_an_empty_password_is_read(tmp_path: Path) -> None:
    _encrypted_pdf(tmp_path / "ouvert.pdf", "")
    reading = read_corpus(tmp_path)
    assert only_section(reading, "ouvert.pdf").text == "Contenu chiffré du rapport."
    assert reading.problems == []


def test_a_failing_page_does_not_lose_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = pypdf.PageObject.extract_text

    def extract_text(self, *args, **kwargs):
        text = original(self, *args, **kwargs)
        if "PANNE" in text:
            raise ValueError("flux de page invalide")
        return text

    monkeypatch.setattr(pypdf.PageObject, "extract_text", extract_text)
    write_pdf(tmp_path / "doc.pdf", ["Page un.", "PANNE", "Page trois."])
    reading = read_corpus(tmp_path)
    assert [s.page for s in reading.sections] == [1, 3]
    (problem,) = reading.problems
    assert problem.source == "doc.pdf" and not problem.skipped and "2" in problem.reason


def test_pypdf_noise_is_silenced(tmp_path: Path, caplog: pytest.LogCaptureFixture, recwarn) -> None:
    # A wrong startxref pointer makes pypdf warn and then recover the document.
    data = pdf_bytes(["Texte récupéré."])
    (tmp_path / "doc.pdf").write_bytes(data.replace(b"startxref\n", b"startxref\n9"))
    with caplog.at_level(logging.DEBUG):
        reading = read_corpus(tmp_path)
    assert only_section(reading, "doc.pdf").text == "Texte récupéré."
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert len(recwarn) == 0
    assert logging.getLogger("pypdf").level == logging.NOTSET


def test_pdf_metadata_title_is_a_fallback_but_not_a_word_processor_name(tmp_path: Path) -> None:
    write_pdf(tmp_path / "rapports" / "rapport-final.pdf", ["Texte."], title="Rapport final du programme")
    write_pdf(tmp_path / "rapports" / "2019-bilan_annuel.pdf", ["Texte."], title="Microsoft Word - Bilan_VF.docx")
    reading = read_corpus(tmp_path)
    assert only_section(reading, "rapports/rapport-final.pdf").title == "Rapport final du programme"
    section = only_section(reading, "rapports/2019-bilan_annuel.pdf")
    assert (section.title, section.date, section.kind, section.url) == ("Bilan annuel", "2019", "rapports", None)


# ---------------------------------------------------------------- Markdown and text

RICH_MARKDOWN = """\
Introduction avec un [lien](https://exemple.fr/a_(b) "titre"), un [lien de référence][ref], du **gras**,
de l'*italique*, du _souligné_, du ~~barré~~, du `code` et un nom_de_fichier_avec_soulignés.

![Une image](/img/x.png) <img src="y.png" alt="autre image">
<iframe src="https://video.exemple.fr/embed" width="600"></iframe>

Titre souligné
==============

### Liste à puces ###

* premier point
+ deuxième point
  qui continue
1. étape numérotée

| Colonne A | Colonne B |
|-----------|:---------:|
| valeur 1  | valeur 2  |

```python
print("bonjour")
```

> Une citation <em>importante</em> &amp; entités&nbsp;: &laquo;ok&raquo;.

<p>Un paragraphe HTML<br>sur deux lignes.</p><!-- commentaire caché -->
Contact : <equipe@exemple.fr>, prix \\*spécial\\* et 3 \\_tirets\\_.

[ref]: https://exemple.fr/ref
"""

RICH_TEXT = """\
Introduction avec un lien, un lien de référence, du gras, de l'italique, du souligné, du barré, du code \
et un nom_de_fichier_avec_soulignés.

Titre souligné

Liste à puces

premier point
deuxième point qui continue
1. étape numérotée

Colonne A ; Colonne B
valeur 1 ; valeur 2

print("bonjour")

Une citation importante & entités : «ok».

Un paragraphe HTML sur deux lignes.

Contact : equipe@exemple.fr, prix *spécial* et 3 _tirets_."""


def test_markdown_markup_is_removed(tmp_path: Path) -> None:
    write_markdown(tmp_path / "page.md", RICH_MARKDOWN)
    section = only_section(read_corpus(tmp_path), "page.md")
    assert section.text == RICH_TEXT
    assert [h for _, h in section.headings] == ["Titre souligné", "Liste à puces"]
    assert_headings_point_into_text(section)


def test_markdown_title_comes_from_an_opening_heading_without_front_matter(tmp_path: Path) -> None:
    write_markdown(
        tmp_path / "notes" / "2018-03-16-programme-eig-point-de-vue-technique.md", "# Le vrai titre\n\nTexte."
    )
    write_markdown(tmp_path / "notes" / "2019-06-sans-titre.md", "Texte seul.\n\n## Une partie\n\nSuite.")
    reading = read_corpus(tmp_path)
    with_heading = only_section(reading, "notes/2018-03-16-programme-eig-point-de-vue-technique.md")
    assert (with_heading.title, with_heading.date, with_heading.kind) == ("Le vrai titre", "2018-03-16", "notes")
    without = only_section(reading, "notes/2019-06-sans-titre.md")
    assert (without.title, without.date) == ("Sans titre", "2019-06")


def test_title_made_readable_from_the_file_name() -> None:
    name = "2018-03-16-programme-eig-point-de-vue-technique.md"
    assert metadata.title_from_file_name(name) == "Programme eig point de vue technique"
    assert metadata.date_from_file_name(name) == "2018-03-16"
    assert metadata.title_from_file_name("AAPEIG5_Cahier-des-charges.pdf") == "AAPEIG5 Cahier des charges"
    assert metadata.date_from_file_name("AAPEIG5_Cahier-des-charges.pdf") is None
    assert metadata.date_from_file_name("12345-notes.md") is None


def test_front_matter_title_and_date_without_manifest(tmp_path: Path) -> None:
    write_markdown(tmp_path / "billet.md", "# Un intertitre\n\nCorps.", {"title": "Titre du billet", "date": "2019"})
    section = only_section(read_corpus(tmp_path), "billet.md")
    assert (section.title, section.date, section.kind, section.url) == ("Titre du billet", "2019", None, None)
    assert section.headings == ((0, "Un intertitre"),)


@pytest.mark.parametrize(
    "content",
    [
        "---\ntitle: [non fermé\ndate: 2019\n---\n\nLe corps du texte reste indexé.\n",
        "---\n- une liste\n- au lieu d'une table\n---\n\nLe corps du texte reste indexé.\n",
        "---\ntitle: jamais refermé\n\nLe corps du texte reste indexé.\n",
    ],
)
def test_broken_front_matter_is_reported_and_the_body_indexed(tmp_path: Path, content: str) -> None:
    write_text(tmp_path / "2020-05-04-billet-casse.md", content)
    reading = read_corpus(tmp_path)
    section = only_section(reading, "2020-05-04-billet-casse.md")
    assert "Le corps du texte reste indexé." in section.text
    assert (section.title, section.date) == ("Billet casse", "2020-05-04")
    (problem,) = reading.problems
    assert problem.source == "2020-05-04-billet-casse.md" and not problem.skipped and "YAML" in problem.reason


@pytest.mark.parametrize("name", ["vieux.md", "vieux.txt"])
def test_non_utf8_text_is_read_as_cp1252_with_a_problem(tmp_path: Path, name: str) -> None:
    write_text(tmp_path / name, "Été à Montréal : l’œuvre coûte 5 €.", encoding="cp1252")
    reading = read_corpus(tmp_path)
    assert only_section(reading, name).text == "Été à Montréal : l’œuvre coûte 5 €."
    (problem,) = reading.problems
    assert not problem.skipped and "UTF-8" in problem.reason


def test_utf8_bom_and_windows_line_ends_are_handled(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_bytes("\ufeffPremière ligne\r\nsuite\r\n\r\nSecond paragraphe".encode())
    assert only_section(read_corpus(tmp_path), "note.txt").text == "Première ligne suite\n\nSecond paragraphe"


def test_empty_markdown_is_skipped(tmp_path: Path) -> None:
    write_markdown(tmp_path / "vide.md", "", {"title": "Rien"})
    write_text(tmp_path / "plein.txt", "Du texte.")
    reading = read_corpus(tmp_path)
    (problem,) = reading.problems
    assert (problem.source, problem.skipped) == ("vide.md", True)


# ---------------------------------------------------------------- FAQ YAML


def test_faq_accepts_answer_key_variants_and_reports_incomplete_entries(tmp_path: Path) -> None:
    write_faq(
        tmp_path / "faq.yml",
        [
            {"question": "Première ?", "réponse": "Oui, **en Markdown**."},
            {"Question": "Deuxième ?", "answer": "<ol><li>un</li><li>deux</li></ol>"},
            {"question": "Sans réponse ?"},
            "pas une entrée",
        ],
    )
    reading = read_corpus(tmp_path)
    assert [s.text for s in sections_of(reading, "faq.yml")] == [
        "Première ?\n\nOui, en Markdown.",
        "Deuxième ?\n\nun\ndeux",
    ]
    (problem,) = reading.problems
    assert not problem.skipped and "3, 4" in problem.reason


def test_broken_faq_yaml_is_skipped(tmp_path: Path) -> None:
    write_text(tmp_path / "faq.yml", '- question: "Q ?"\n  reponse: "<p>R</p>"\n- question: [non fermé\n  reponse: x\n')
    write_text(tmp_path / "bon.md", "Un document lisible.")
    reading = read_corpus(tmp_path)
    assert sections_of(reading, "faq.yml") == []
    (problem,) = reading.problems
    assert problem.source == "faq.yml" and problem.skipped and "YAML" in problem.reason


def test_faq_urls_point_at_anchors(tmp_path: Path) -> None:
    write_faq(
        tmp_path / "faq" / "faq.yml",
        [{"question": "Avec ancre ?", "reponse": "Oui.", "ancre": "avec"}, {"question": "Sans ?", "reponse": "Non."}],
    )
    write_manifest(tmp_path, [{"path": "faq/faq.yml", "kind": "faq", "title": "FAQ", "source_url": "https://x.fr/faq"}])
    urls = [s.url for s in read_corpus(tmp_path).sections]
    assert urls == ["https://x.fr/faq#avec", "https://x.fr/faq"]


# ---------------------------------------------------------------- metadata from the manifest


def test_manifest_metadata_takes_precedence(tmp_path: Path) -> None:
    front = {"title": "Un titre de billet bien plus long que dans le manifeste", "date": "2018-01-01"}
    write_markdown(tmp_path / "blog" / "2017-05-05-billet.md", "Corps du billet.", front)
    write_markdown(tmp_path / "blog" / "autre.md", "Autre corps.", {"title": "Titre du fichier"})
    write_text(tmp_path / "slides" / "diapos.txt", "Diapositives.")
    write_manifest(
        tmp_path,
        [
            {
                "path": "blog/2017-05-05-billet.md",
                "kind": "billet",
                "title": "Un titre de billet bien plus",
                "date": "2019-02",
                "source_url": "https://x.fr/billet.html",
            },
            {"path": "./blog/autre.md", "title": "Titre du manifeste", "source_url": "https://x.fr/autre.html"},
            {"path": "slides/diapos.txt", "kind": "slides", "title": "Les \"diapos\"\nsur deux lignes, l''été"},
        ],
    )
    reading = read_corpus(tmp_path)
    cut = only_section(reading, "blog/2017-05-05-billet.md")
    assert (cut.title, cut.date, cut.kind, cut.url) == (front["title"], "2019-02", "billet", "https://x.fr/billet.html")
    other = only_section(reading, "blog/autre.md")
    assert (other.title, other.kind, other.date, other.url) == (
        "Titre du manifeste",
        "blog",
        None,
        "https://x.fr/autre.html",
    )
    slides = only_section(reading, "slides/diapos.txt")
    assert (slides.title, slides.url) == ('Les "diapos" sur deux lignes, l\'été', None)
    assert reading.problems == []


def test_unreadable_manifest_is_reported_and_ignored(tmp_path: Path) -> None:
    write_text(tmp_path / "note.txt", "Texte.")
    (tmp_path / "manifest.csv").write_bytes(b"titre;date\n\xff\xfe;2019\n")
    reading = read_corpus(tmp_path)
    assert only_section(reading, "note.txt").title == "Note"
    (problem,) = reading.problems
    assert problem.source == "manifest.csv" and not problem.skipped


# ---------------------------------------------------------------- robustness


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="pas de liens symboliques")
def test_symbolic_links_leaving_the_corpus_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    write_text(outside / "secret.md", "Secret hors du corpus.")
    corpus = tmp_path / "corpus"
    write_text(corpus / "docs" / "vrai.md", "Document du corpus.")
    (corpus / "docs" / "lien.md").symlink_to(outside / "secret.md")
    (corpus / "dossier-lien").symlink_to(outside, target_is_directory=True)
    (corpus / "docs" / "alias.md").symlink_to(corpus / "docs" / "vrai.md")
    (corpus / "docs" / "casse.md").symlink_to(corpus / "absent.md")
    reading = read_corpus(corpus)
    assert [s.source for s in reading.sections] == ["docs/alias.md", "docs/vrai.md"]
    assert "Secret" not in " ".join(s.text for s in reading.sections)
    assert {(p.source, p.skipped) for p in reading.problems} == {
        ("docs/lien.md", True),
        ("dossier-lien", True),
        ("docs/casse.md", True),
    }
    assert [f.source for f in list_document_files(corpus)] == ["docs/alias.md", "docs/vrai.md"]


def test_file_deleted_between_listing_and_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_text(tmp_path / "a.md", "Premier.")
    write_text(tmp_path / "b.md", "Second.")
    listing = scan.scan_corpus

    def scan_then_delete(root: Path):
        listed = listing(root)
        (tmp_path / "a.md").unlink()
        return listed

    monkeypatch.setattr(scan, "scan_corpus", scan_then_delete)
    reading = read_corpus(tmp_path)
    assert [s.source for s in reading.sections] == ["b.md"]
    assert [f.source for f in reading.files] == ["b.md"]
    (problem,) = reading.problems
    assert problem.source == "a.md" and problem.skipped


def test_file_larger_than_the_limit_is_skipped(tmp_path: Path) -> None:
    write_text(tmp_path / "gros.txt", "mot " * 100)
    write_text(tmp_path / "petit.txt", "Court.")
    reading = read_corpus(tmp_path, max_file_bytes=100)
    assert [s.source for s in reading.sections] == ["petit.txt"]
    (problem,) = reading.problems
    assert problem.source == "gros.txt" and problem.skipped and "volumineux" in problem.reason
    assert [f.source for f in reading.files] == ["gros.txt", "petit.txt"]


@pytest.mark.parametrize("make", ["missing", "file", "empty", "no-document", "nothing-readable"])
def test_unusable_corpus_folder_raises_a_french_error(tmp_path: Path, make: str) -> None:
    corpus = tmp_path / "corpus"
    if make == "file":
        write_text(corpus, "pas un dossier")
    elif make == "empty":
        corpus.mkdir()
    elif make == "no-document":
        write_text(corpus / "data" / "defis.yml", "- nom: x\n")
        write_text(corpus / "image.png", "png")
        write_text(corpus / ".cache" / "cache.md", "caché")
    elif make == "nothing-readable":
        (corpus / "a.pdf").parent.mkdir(parents=True)
        (corpus / "a.pdf").write_bytes(b"pas un pdf")
    with pytest.raises(CorpusError) as caught:
        read_corpus(corpus)
    assert "make corpus" in caught.value.message and "EIG_QA_CORPUS" in caught.value.message
    if make in ("missing", "file"):
        with pytest.raises(CorpusError):
            list_document_files(corpus)


def test_each_problem_is_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_text(tmp_path / "bon.txt", "Bon.")
    (tmp_path / "vide.pdf").write_bytes(b"")
    write_text(tmp_path / "ancien.txt", "Déjà vu", encoding="cp1252")
    with caplog.at_level(logging.WARNING, logger="eig_qa.ingest.documents"):
        reading = read_corpus(tmp_path)
    records = [r for r in caplog.records if r.name == "eig_qa.ingest.documents"]
    assert len(records) == len(reading.problems) == 2
    for problem in reading.problems:
        assert sum(problem.source in r.getMessage() and problem.reason in r.getMessage() for r in records) == 1


def test_progress_bar_goes_to_stderr_only_when_asked(tiny: Path, capsys: pytest.CaptureFixture) -> None:
    read_corpus(tiny)
    assert capsys.readouterr().err == ""
    read_corpus(tiny, progress=True)
    captured = capsys.readouterr()
    assert "Lecture du corpus" in captured.err and captured.out == ""


# ---------------------------------------------------------------- the real corpus


@pytest.mark.real
def test_real_corpus(real_corpus_dir: Path) -> None:
    started = time.perf_counter()
    reading = read_corpus(real_corpus_dir)
    elapsed = time.perf_counter() - started
    assert elapsed < 60
    assert reading.problems == []
    assert [f.source for f in reading.files] == [f.source for f in list_document_files(real_corpus_dir)]
    assert not [f for f in reading.files if f.source.startswith("data/")]

    for pdf_file in sorted(real_corpus_dir.glob("documents/**/*.pdf")):
        source = pdf_file.relative_to(real_corpus_dir).as_posix()
        pages = sections_of(reading, source)
        with pdf.quiet_pypdf():
            raw_pages = [page.extract_text() or "" for page in pypdf.PdfReader(pdf_file).pages]
        count = len(raw_pages)
        contents = sum(1 for raw in raw_pages if pdf.is_table_of_contents(raw))
        assert pages, source
        assert [s.page for s in pages] == sorted({s.page for s in pages})
        assert all(1 <= s.page <= count for s in pages)
        assert contents <= 2, source
        assert len(pages) >= count - 1 - contents, source  # only a blank cover page and the contents may be dropped
        assert all(s.url and s.url.endswith(f".pdf#page={s.page}") for s in pages)

    for faq in sorted(real_corpus_dir.glob("documents/faq/*.yml")):
        entries = yaml.safe_load(faq.read_text(encoding="utf-8"))
        sections = sections_of(reading, faq.relative_to(real_corpus_dir).as_posix())
        assert [s.headings for s in sections] == [((0, " ".join(e["question"].split())),) for e in entries]
        assert [s.url.rsplit("#", 1)[1] for s in sections] == [e["ancre"] for e in entries]

    blog = [s for s in reading.sections if s.source.startswith("documents/blog/")]
    assert len(blog) == len(list(real_corpus_dir.glob("documents/blog/*.md")))
    technical = only_section(reading, "documents/blog/2018-03-16-programme-eig-point-de-vue-technique.md")
    assert technical.title == "Un point technique après deux mois du programme EIG"
    assert technical.date == "2018-03-16"
    # The manifest cuts this title; the front matter has it whole.
    bootcamp = only_section(reading, "documents/blog/2018-02-27-bootcamp-comment-souder-un-collectif-de-talents.md")
    assert bootcamp.title.startswith("Comment souder un collectif de talents") and bootcamp.title.endswith("général")

    for section in reading.sections:
        assert section.text.strip(), section.source
        assert not [mark for mark in ("](", "<p>", "**", "</", "{%") if mark in section.text], section.source
        assert_headings_point_into_text(section)
