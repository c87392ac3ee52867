"""The analysis of each passage, computed at index time and stored with it."""

import json
import logging

import pytest

from eig_qa.errors import IndexUnavailableError
from eig_qa.ingest.chunking import Passage, chunk_sections
from eig_qa.ingest.records import Section
from eig_qa.search.analyzer import analyze
from eig_qa.search.index_store import FORMAT_VERSION, current_folder, load_index
from eig_qa.search.indexing import build_index, index_status
from eig_qa.search.passage_analysis import analyse, analysis_of, with_analysis

TEXT = ("Code for Canada recrute des développeurs. La province finance 12 postes. "
        "Voir https://example.org/appel pour postuler.\nEt pour Code for Australia ?")


def _passage(text: str = TEXT, heading: str | None = "Qui peut devenir EIG ?") -> Passage:
    section = Section(source="a.md", page=None, title="Billet", date="2021-03-01", kind="blog", url=None,
                      text=text, headings=((0, heading),) if heading else ())
    return chunk_sections([section])[0]


def test_the_analysis_holds_sentences_terms_names_and_shape():
    passage = _passage()
    analysis = analyse(passage)
    sentences = [passage.text[s.start:s.end] for s in analysis.sentences]
    assert sentences[0] == "Code for Canada recrute des développeurs."
    assert sentences[-1] == "Et pour Code for Australia ?"
    first = analysis.sentences[0]
    assert first.terms == frozenset(analyze(sentences[0])) and first.names == (("code", "for", "canada"),)
    assert first.folded == "code for canada recrute des developpeurs." and first.words == 6 and not first.url
    assert analysis.sentences[2].url and 0 < analysis.sentences[2].letters < 1
    assert analysis.terms == frozenset(analyze(passage.search_text()))
    assert analysis.context == frozenset(analyze("Billet Qui peut devenir EIG ? 2021"))
    assert [name for _end, name in analysis.names] == [("code", "for", "canada"), ("code", "for", "australia")]
    assert analysis.names[0][0] == len("Code for Canada")
    assert analysis.heading_question == "devenir eig" and analyse(_passage(heading="Rubrique")).heading_question is None


def test_passages_round_trip_with_and_without_their_analysis():
    bare = _passage()
    assert bare.analysis is None and Passage.from_dict(json.loads(json.dumps(bare.to_dict()))) == bare
    analysed = with_analysis([bare])[0]
    assert analysed.analysis == analyse(bare)
    assert Passage.from_dict(json.loads(json.dumps(analysed.to_dict(), ensure_ascii=False))) == analysed
    assert analysis_of(bare) == analysis_of(analysed) == analysed.analysis


def test_the_index_stores_each_passage_with_its_analysis(tiny_settings, fake_embedder):
    build_index(tiny_settings, fake_embedder)
    stored = load_index(tiny_settings.index_dir)
    assert all(passage.analysis == analyse(passage) for passage in stored.passages)


def test_an_index_of_the_previous_format_is_rebuilt_with_a_french_reason(tiny_settings, fake_embedder, caplog):
    build_index(tiny_settings, fake_embedder)
    manifest_file = current_folder(tiny_settings.index_dir) / "manifest.json"
    data = json.loads(manifest_file.read_text())
    data["format_version"] = FORMAT_VERSION - 1
    manifest_file.write_text(json.dumps(data))
    status = index_status(tiny_settings)
    assert not status.fresh and status.outdated and "phrases, les termes et les noms" in status.reason
    with caplog.at_level(logging.WARNING):
        report = build_index(tiny_settings, fake_embedder)
    assert report.built and report.embedded == 0  # every vector comes back from the embedding cache
    assert f"format {FORMAT_VERSION - 1}, attendu {FORMAT_VERSION}" in caplog.text
    assert "Reconstruction automatique" in caplog.text
    assert index_status(tiny_settings).fresh and load_index(tiny_settings.index_dir).passages[0].analysis


def test_passages_without_their_analysis_make_the_index_unreadable(tiny_settings, fake_embedder):
    build_index(tiny_settings, fake_embedder)
    passages_file = current_folder(tiny_settings.index_dir) / "passages.jsonl"
    lines = [json.loads(line) for line in passages_file.read_text(encoding="utf-8").splitlines()]
    passages_file.write_text("".join(json.dumps({**line, "analysis": None}) + "\n" for line in lines))
    with pytest.raises(IndexUnavailableError, match="passages sans leur analyse"):
        load_index(tiny_settings.index_dir)
