"""Bad input, broken corpus files, damaged or half-written indexes: a French message, never a traceback or a stop.

The command line runs as a real subprocess (`python -m eig_qa`) with the default model on small corpora
written by the tests; the page runs in AppTest over the real corpus.
"""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eig_qa import assistant as assistant_module
from eig_qa.answer.questions import CUT_NOTICE
from eig_qa.app.export import escape_markdown
from eig_qa.assistant import Assistant
from eig_qa.cli import BROKEN_JSON, NO_QUESTION_FIELD
from eig_qa.config import MAX_QUESTION_CHARS, PROJECT_ROOT, Settings
from eig_qa.search.index_store import FORMAT_VERSION, current_folder, load_index, read_manifest, remove_old_builds
from eig_qa.search.indexing import build_index, index_status
from tests.conftest import FakeEmbedder
from tests.factories import write_text, write_tiny_corpus
from tests.robustness_helpers import (
    CLI_TIMEOUT_SECONDS,
    DEADLINE_ANSWER,
    DEADLINE_QUESTION,
    cli_env,
    group_members,
    kill_group,
    run_cli,
    start_cli,
    write_broken_files,
)
from tests.test_app import app, ask, feedback_file, markdown_of  # noqa: F401  (fixtures of the page tests)

HUGE_QUESTION = DEADLINE_QUESTION + " " + "blabla " * 15_000  # about 105 000 characters
NO_WORD = "La question ne contient aucun mot"
EMPTY = "La question est vide"

# (name, input line as bytes, check of the JSON answer)
BAD_LINES: list[tuple[str, bytes]] = [
    ("vide", b""),
    ("blanc", b"   \t  "),
    ("immense", HUGE_QUESTION.encode()),
    ("ponctuation", "?!… ;: «» --- ...".encode()),
    ("emoji", "😀🎉👍🏽".encode()),
    ("anglais", b"What is the application deadline of the Horizon Numerique programme?"),
    ("allemand", "Wann endet die Bewerbungsfrist für das Programm?".encode()),
    ("script", b"<script>alert(1)</script>"),
    ("image", b'<img src=x onerror="alert(1)">'),
    ("lien", b"[x](javascript:alert(1))"),
    ("contrôle", b"date\x00 limite\x07 de\x1b[31m candidature\x1b[0m\x7f"),
    ("séparateurs", "date limite\u2028de candidature\u2029\u0085".encode()),
    ("json sans question", b'{"pas": "une question"}'),
    ("json nombre", b'{"question": 42}'),
    ("json liste", b"[1, 2, 3]"),
    ("json mal formé", b'{"question": "date limite'),
    ("json surrogate", b'{"question": "\\ud800 date limite de candidature"}'),
    ("json", b'{"question": "date limite de candidature"}'),
    ("crochets", b"[Horizon] date limite de candidature"),
    ("fin windows", b"date limite de candidature\r"),
    ("utf-8 invalide", b"date limite \xff\xfe\xc3 de candidature"),
    ("dernière", DEADLINE_QUESTION.encode()),
]


def _check_json_answer(name: str, answer: dict) -> None:
    """What each bad line must give: a French message or an honest answer, and a question that is plain text."""
    assert isinstance(answer["answer"], str) and answer["answer"].strip(), name
    assert answer["kind"] in ("answer", "abstention", "smalltalk", "invalid"), (name, answer["kind"])
    question, text, kind = answer["question"], answer["answer"], answer["kind"]
    if name in ("vide", "blanc"):
        assert kind == "invalid" and text.startswith(EMPTY)
    elif name in ("ponctuation", "emoji"):
        assert kind == "invalid" and text.startswith(NO_WORD)
    elif name == "immense":
        assert len(question) <= MAX_QUESTION_CHARS and question.startswith(DEADLINE_QUESTION)
        assert answer["notice"] == CUT_NOTICE and kind in ("answer", "abstention")
    elif name in ("anglais", "allemand"):
        assert kind in ("answer", "abstention")
    elif name in ("script", "image", "lien"):
        assert question == dict(BAD_LINES)[name].decode()  # kept as the text typed, nothing interpreted
    elif name in ("json sans question", "json nombre", "json liste"):
        assert kind == "invalid" and text == NO_QUESTION_FIELD
    elif name == "json mal formé":
        assert kind == "invalid" and text == BROKEN_JSON
    elif name in ("contrôle", "séparateurs", "fin windows"):
        assert question == "date limite de candidature" and kind in ("answer", "abstention")
    elif name in ("json surrogate", "crochets", "utf-8 invalide"):
        assert "date limite" in question and "\ud800" not in question and kind in ("answer", "abstention")
        assert ("\ufffd" in question) == (name == "utf-8 invalide")
    elif name in ("json", "dernière"):  # still answering right after every bad line
        assert DEADLINE_ANSWER in text, (name, text)


@pytest.fixture(scope="module")
def tiny_cli(tmp_path_factory) -> dict[str, str]:
    """The tiny corpus indexed once with the default model, as a CLI environment."""
    root = tmp_path_factory.mktemp("cli")
    env = cli_env(write_tiny_corpus(root / "corpus"), root / "index", EIG_QA_FEEDBACK=str(root / "avis.jsonl"))
    built = run_cli(["index"], env)
    assert built.returncode == 0, built.stderr.decode()
    return env


# ---------------------------------------------------------------- bad input: command line


@pytest.mark.slow  # runs `python -m eig_qa` in a subprocess
def test_ask_json_answers_every_bad_line_with_exactly_one_json_line(tiny_cli):
    stdin = b"\n".join(line for _name, line in BAD_LINES) + b"\n"
    result = run_cli(["ask", "--json"], tiny_cli, stdin=stdin)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    # splitlines() also splits on U+2028, U+0085…: the output must hold none of them raw.
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(BAD_LINES), lines[-3:]
    for (name, _line), output in zip(BAD_LINES, lines, strict=True):
        _check_json_answer(name, json.loads(output))


@pytest.mark.slow  # runs `python -m eig_qa` in a subprocess
def test_ask_text_mode_shows_markup_as_text_and_keeps_serving(tiny_cli):
    stdin = b"\n".join(line for _name, line in BAD_LINES) + b"\n"
    result = run_cli(["ask"], tiny_cli, stdin=stdin)
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0 and "Traceback" not in err, err
    assert sum(line.startswith("Question : ") for line in out.split("\n")) == len(BAD_LINES)
    for markup in ("<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "[x](javascript:alert(1))"):
        assert f"Question : {markup}\n" in out
    assert "\x1b" not in out and "\x00" not in out
    assert out.count(EMPTY) == 2 and out.count(NO_WORD) == 2
    assert DEADLINE_ANSWER in out.split("Question : ")[-1]  # the last question, after all the bad ones


@pytest.mark.slow  # runs `python -m eig_qa` in a subprocess
def test_ask_with_a_question_argument_of_100000_characters(tiny_cli):
    result = run_cli(["ask", "--json", HUGE_QUESTION], tiny_cli)
    assert result.returncode == 0, result.stderr.decode()
    (line,) = result.stdout.decode().splitlines()
    _check_json_answer("immense", json.loads(line))


@pytest.mark.slow  # runs `python -m eig_qa` in a subprocess
def test_a_reader_that_stops_reading_ends_ask_quietly(tiny_cli):
    # `python -m eig_qa ask --json < questions | head -1`
    process = subprocess.Popen([sys.executable, "-m", "eig_qa", "ask", "--json"], env=tiny_cli, cwd=PROJECT_ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(b"date limite de candidature\n" * 200)  # fits the stdin pipe; the answers do not fit stdout's
    process.stdin.close()
    first = process.stdout.readline()
    process.stdout.close()
    assert DEADLINE_ANSWER in json.loads(first)["answer"]
    assert process.wait(timeout=CLI_TIMEOUT_SECONDS) == 141
    assert process.stderr.read() == b""


def test_unexpected_failure_of_one_question_does_not_stop_the_others(tiny_settings, monkeypatch, capsys):
    from eig_qa.cli import main

    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    for name, value in (("EIG_QA_CORPUS", tiny_settings.corpus_dir), ("EIG_QA_INDEX", tiny_settings.index_dir),
                        ("EIG_QA_MODEL", "fake")):
        monkeypatch.setenv(name, str(value))
    ask_for_real = Assistant.ask

    def fails_on_boom(self, question, k=None, filters=None, history=()):
        if "boum" in question:
            raise RuntimeError("panne")
        return ask_for_real(self, question, k, filters, history)

    monkeypatch.setattr(Assistant, "ask", fails_on_boom)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"boum\ndate limite de candidature\n")))
    assert main(["ask", "--json"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["kind"] == "error" and "erreur inattendue" in first["answer"] and "RuntimeError" in first["answer"]
    assert DEADLINE_ANSWER in second["answer"]


def test_an_unexpected_error_ends_the_command_with_a_french_message(monkeypatch, capsys):
    from eig_qa import cli

    def broken(_args):
        raise RuntimeError("panne")

    monkeypatch.setitem(cli._COMMANDS, "figures", broken)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    assert cli.main(["figures"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Erreur : Une erreur inattendue") and "RuntimeError" in error
    assert "Traceback" not in error


# ---------------------------------------------------------------- bad input: the assistant itself


TEXT_LINES = [(name, line) for name, line in BAD_LINES if not name.startswith("json")]


@pytest.mark.real
@pytest.mark.parametrize(("name", "line"), TEXT_LINES, ids=[name for name, _ in TEXT_LINES])
def test_the_assistant_answers_bad_input_without_raising(real_assistant, name, line):
    answer = real_assistant.ask(line.decode("utf-8", "replace"))
    payload = answer.to_json()
    assert "\n" not in json.dumps(payload, ensure_ascii=False)
    assert payload["answer"].strip()
    if name in ("vide", "blanc", "ponctuation", "emoji"):
        assert answer.kind == "invalid" and not answer.hits
    elif name == "immense":
        assert answer.notice and len(answer.question) <= MAX_QUESTION_CHARS
    else:
        assert answer.kind in ("answer", "abstention")


@pytest.mark.real
@pytest.mark.parametrize("value", [None, 42, 3.5, b"octets", ["liste"], {"question": "x"}])
def test_a_question_that_is_not_text_is_refused_in_french(real_assistant, value):
    answer = real_assistant.ask(value)
    assert answer.kind == "invalid" and answer.text == "La question doit être du texte." and answer.question == ""


# ---------------------------------------------------------------- bad input: the page


@pytest.mark.real
def test_page_cuts_a_question_of_100000_characters_with_a_note(app):  # noqa: F811
    ask(app, HUGE_QUESTION)  # the question box takes it whole; the assistant cuts it and says so
    turn = app.session_state["turns"][-1]
    assert len(turn.question) <= MAX_QUESTION_CHARS and turn.question.startswith(DEADLINE_QUESTION)
    assert [info.value for info in app.info] == [escape_markdown(CUT_NOTICE)]
    assert DEADLINE_QUESTION in app.chat_message[0].markdown[0].value.replace("\\", "")


@pytest.mark.real
@pytest.mark.parametrize("question", ["?!… ;: «»", "😀🎉👍🏽"])
def test_page_explains_a_question_without_words(app, question):  # noqa: F811
    ask(app, question)
    assert [warning.value for warning in app.warning] == [escape_markdown(
        "La question ne contient aucun mot : écrivez-la avec des lettres ou des chiffres.")]
    assert not app.feedback  # nothing to rate


@pytest.mark.real
@pytest.mark.parametrize("question", ["What is the salary of an EIG fellow?", "Wie viel verdient ein EIG?"])
def test_page_answers_or_abstains_in_another_language(app, question):  # noqa: F811
    ask(app, question)
    assert app.session_state["turns"][-1].answer.kind in ("answer", "abstention")


@pytest.mark.real
@pytest.mark.parametrize("question", ['<img src=x onerror="alert(1)">', "<a href=javascript:alert(1)>clic</a>",
                                      "![x](javascript:alert(1))", "**gras** :red[rouge] $x^2$"])
def test_page_shows_more_markup_as_text(app, question):  # noqa: F811
    ask(app, question)
    assert app.chat_message[0].markdown[0].value == escape_markdown(question)
    shown = markdown_of(app)
    assert not re.search(r"(?<!\\)<(?:img|a )", shown), "an HTML tag reaches Markdown unescaped"
    assert "](javascript" not in shown
    # The only HTML is the page's own scrolling script, which holds nothing typed.
    assert all("alert" not in element.proto.body for element in app.get("html"))


@pytest.mark.real
def test_page_survives_control_characters(app):  # noqa: F811
    ask(app, "date\x00 limite\x07 de\x1b[31m dépôt EIG 4\x1b[0m")
    assert app.session_state["turns"][-1].answer.question == "date limite de dépôt EIG 4"


# ---------------------------------------------------------------- broken corpus, end to end

_DELETE_BETWEEN_LISTING_AND_READING = """
import runpy, sys
from pathlib import Path
from eig_qa.ingest import scan

listing = scan.scan_corpus

def scan_then_delete(root):
    listed = listing(root)
    (Path(root) / "documents" / "notes" / "disparu.md").unlink(missing_ok=True)
    return listed

scan.scan_corpus = scan_then_delete
sys.argv = ["python -m eig_qa", "index"]
runpy.run_module("eig_qa", run_name="__main__", alter_sys=True)
"""


@pytest.mark.slow  # runs `python -m eig_qa` in a subprocess
def test_index_skips_every_broken_file_once_and_indexes_the_rest(tmp_path):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    expected = write_broken_files(corpus, tmp_path / "hors-corpus")
    env = cli_env(corpus, tmp_path / "index")
    # `python -m eig_qa index`, with one file deleted between the listing of the folder and its reading.
    result = subprocess.run([sys.executable, "-c", _DELETE_BETWEEN_LISTING_AND_READING], env=env, cwd=PROJECT_ROOT,
                            capture_output=True, timeout=CLI_TIMEOUT_SECONDS, check=False)
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 0, err
    assert "Traceback" not in err
    problem_lines = [line for line in out.splitlines() if line.startswith("  fichier ")]
    for source, reason_word in expected.items():
        mentions = [line for line in problem_lines if f" : {source} — " in line]
        assert len(mentions) == 1, (source, problem_lines)
        assert reason_word in mentions[0], mentions[0]
        assert source not in err, f"{source} reported twice (stderr too)"
    assert len(problem_lines) == len(expected)
    assert "fichier(s) ignoré(s)" in out

    stored = load_index(tmp_path / "index")
    sources = {passage.source for passage in stored.passages}
    assert "documents/casse/entete-casse.md" in sources and "documents/casse/ancien.txt" in sources  # partly read
    assert not sources & {s for s in expected if s not in ("documents/casse/entete-casse.md",
                                                           "documents/casse/ancien.txt")}
    assert not any("hors du corpus et ne doit jamais" in passage.text for passage in stored.passages)

    asked = run_cli(["ask", "--json"], env, stdin=f"{DEADLINE_QUESTION}\nQui accueille des juristes ?\n".encode())
    assert asked.returncode == 0, asked.stderr.decode()
    deadline, lawyers = (json.loads(line) for line in asked.stdout.decode().splitlines())
    assert DEADLINE_ANSWER in deadline["answer"]
    assert lawyers["passages"][0]["source"] == "documents/casse/entete-casse.md"
    assert "WARNING" not in asked.stderr.decode(), "the fresh index is not read again"


@pytest.mark.slow  # runs `python -m eig_qa` in a subprocess
def test_a_build_that_fails_still_shows_why_each_file_was_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "a.pdf").parent.mkdir(parents=True)
    (corpus / "a.pdf").write_bytes(b"pas un pdf")
    (corpus / "b.pdf").write_bytes(b"")
    result = run_cli(["index"], cli_env(corpus, tmp_path / "index"))
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert "a.pdf : PDF illisible" in err and "b.pdf : fichier PDF vide" in err
    assert "Erreur : Aucun des 2 documents" in err


# ---------------------------------------------------------------- damaged index: rebuilt, never a traceback


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as handle:
        handle.truncate(size)


def _set_format_version(folder: Path, version: int) -> None:
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format_version"] = version
    manifest.write_text(json.dumps(data))


DAMAGES = {
    "faiss tronqué": lambda folder, index: _truncate(folder / "dense.faiss", 10),
    "faiss supprimé": lambda folder, index: (folder / "dense.faiss").unlink(),
    "passages tronqués": lambda folder, index: _truncate(folder / "passages.jsonl", 100),
    "passages en trop": lambda folder, index: (folder / "passages.jsonl").write_text(
        (folder / "passages.jsonl").read_text() * 2),
    "bm25 tronqué": lambda folder, index: _truncate(next((folder / "bm25").glob("data*.npy")), 20),
    "bm25 vocabulaire cassé": lambda folder, index: next((folder / "bm25").glob("vocab*.json")).write_text("{"),
    "manifeste illisible": lambda folder, index: (folder / "manifest.json").write_text("{"),
    "manifeste supprimé": lambda folder, index: (folder / "manifest.json").unlink(),
    "autre version": lambda folder, index: _set_format_version(folder, FORMAT_VERSION + 1),
    "pointeur vers un dossier absent": lambda folder, index: (index / "CURRENT").write_text("build-0123456789ab\n"),
    "pointeur illisible": lambda folder, index: (index / "CURRENT").write_bytes(b"\xff\xfe\x00"),
    "pointeur hors de l'index": lambda folder, index: (index / "CURRENT").write_text("../../etc\n"),
    "pointeur supprimé": lambda folder, index: (index / "CURRENT").unlink(),
    "dossier supprimé": lambda folder, index: shutil.rmtree(folder),
    "cache d'embeddings tronqué": lambda folder, index: (
        _truncate(next(index.glob("embeddings-*.npz")), 50), _truncate(folder / "dense.faiss", 10)),
    "cache d'embeddings qui n'est pas un zip": lambda folder, index: (
        next(index.glob("embeddings-*.npz")).write_bytes(b"pas un zip"), (folder / "dense.faiss").unlink()),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_the_assistant_rebuilds_a_damaged_index(tiny_settings, monkeypatch, caplog, damage):
    monkeypatch.setattr(assistant_module, "load_embedder", lambda name, threads=1: FakeEmbedder())
    build_index(tiny_settings, FakeEmbedder())
    DAMAGES[damage](current_folder(tiny_settings.index_dir), tiny_settings.index_dir)
    with caplog.at_level(logging.WARNING):
        assistant = Assistant.open(tiny_settings)
    assert assistant.build_report is not None and assistant.build_report.built, damage
    assert DEADLINE_ANSWER in assistant.ask("date limite de candidature").text
    load_index(tiny_settings.index_dir)
    assert index_status(tiny_settings).fresh
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    builds = [p.name for p in tiny_settings.index_dir.iterdir() if "build-" in p.name]
    assert len(builds) == 1, builds


@pytest.mark.slow  # runs `python -m eig_qa` in a subprocess
def test_ask_rebuilds_a_damaged_index_with_a_clear_message(tiny_cli, tmp_path):
    index = Path(tiny_cli["EIG_QA_INDEX"])
    for damage, words in (("faiss tronqué", "endommagé"), ("autre version", None)):
        DAMAGES[damage](current_folder(index), index)
        result = run_cli(["ask", "--json", "date limite de candidature"], tiny_cli)
        err = result.stderr.decode()
        assert result.returncode == 0 and "Traceback" not in err, err
        if words:
            assert words in err and "Reconstruction automatique de l'index" in err, err
        assert DEADLINE_ANSWER in json.loads(result.stdout.decode())["answer"]
        load_index(index)


@pytest.mark.real
def test_page_rebuilds_a_damaged_index(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, TIMEOUT_SECONDS

    corpus = write_tiny_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    assert run_cli(["index"], cli_env(corpus, index)).returncode == 0
    _truncate(current_folder(index) / "passages.jsonl", 100)
    monkeypatch.setenv("EIG_QA_CORPUS", str(corpus))
    monkeypatch.setenv("EIG_QA_INDEX", str(index))
    monkeypatch.delenv("EIG_QA_MODEL", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    ask(at, DEADLINE_QUESTION)
    assert DEADLINE_ANSWER in at.session_state["turns"][-1].answer.text
    load_index(index)


@pytest.mark.slow  # runs `python -m eig_qa` in a subprocess
def test_unusable_index_folder_gives_a_french_message(tmp_path):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    blocker = write_text(tmp_path / "fichier", "pas un dossier")
    for index in (blocker, blocker / "index"):
        result = run_cli(["ask", "date limite"], cli_env(corpus, index))
        err = result.stderr.decode()
        assert result.returncode == 2 and err.startswith("Erreur : EIG_QA_INDEX=") and "Traceback" not in err, err


def test_only_the_product_s_own_folders_are_ever_removed(tiny_settings, fake_embedder):
    index = tiny_settings.index_dir
    folders = [index / "build-outils", index / "build-ABCDEF123456", index / ".build-notes"]
    keep = [write_text(folder / "a.txt", "à garder") for folder in folders] + [write_text(index / "notes.txt", "x")]
    leftover = index / ".build-0123456789ab.partial"
    leftover.mkdir()
    build_index(tiny_settings, fake_embedder)
    build_index(tiny_settings, fake_embedder, force=True)
    remove_old_builds(index)
    assert all(path.exists() for path in keep)
    assert not leftover.exists()
    assert len([p for p in index.iterdir() if p.name.startswith("build-") and p.name not in
                ("build-outils", "build-ABCDEF123456")]) == 1


# ---------------------------------------------------------------- builds killed or run twice at once


def _write_small_corpus(root: Path) -> Path:
    """The tiny corpus and a few notes: about 20 passages, a build of a few seconds with the default model."""
    write_tiny_corpus(root)
    for number in range(4):
        paragraphs = [
            f"Note {number}, partie {part} : l'équipe du défi {number * 7 + part} a travaillé {part + 2} mois avec "
            f"l'administration {number} pour ouvrir {number * 3 + part} jeux de données et publier son code."
            for part in range(3)
        ]
        write_text(root / "documents" / "notes" / f"note-{number}.md", f"# Note {number}\n\n" + "\n\n".join(
            paragraph * 4 for paragraph in paragraphs))
    return root


def _loadable_and_fresh(settings: Settings, allowed: list) -> None:
    stored = load_index(settings.index_dir)
    # A kill that lands after the new build's pointer switch, before its process ends, leaves that build in place:
    # load_index has just checked it is complete, so it is a good one too.
    if stored.manifest not in allowed:
        allowed.append(stored.manifest)
    assert index_status(settings).fresh


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_the_last_good_index(tmp_path):
    settings = Settings(corpus_dir=_write_small_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index")
    # Each build loads the default model and embeds: long enough to be killed in each phase; no child may outlive it.
    env = cli_env(settings.corpus_dir, settings.index_dir, EIG_QA_MODEL=settings.model)
    first = run_cli(["index"], env)
    assert first.returncode == 0, first.stderr.decode()
    good = [read_manifest(settings.index_dir)]
    interrupted = []
    # First with the embedding cache, so that the build reaches the writing of the new index quickly;
    # then without it, so that each build embeds again and lasts long enough to be killed in each phase.
    for moment in ("partial", 0.5, 1.0, 2.0, 3.0):
        if moment != "partial":
            for cache in settings.index_dir.glob("embeddings-*.npz"):
                cache.unlink()
        process = start_cli(["index", "--force"], env)
        started = time.monotonic()
        if moment == "partial":  # kill while the new index is being written next to the current one
            while process.poll() is None and not list(settings.index_dir.glob(".build-*.partial")):
                time.sleep(0.002)
        else:
            while process.poll() is None and time.monotonic() - started < moment:
                time.sleep(0.01)
        running = process.poll() is None
        kill_group(process)
        deadline = time.monotonic() + 10
        while group_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert group_members(process.pid) == [], "worker processes survived the build"
        if running:
            interrupted.append(moment)
        else:  # the build ended before the kill: its index is the good one now
            good.append(read_manifest(settings.index_dir))
        _loadable_and_fresh(settings, good)
    print(f"\nconstructions interrompues à : {interrupted}")
    assert len(interrupted) >= 3, interrupted
    final = run_cli(["index", "--force"], env)
    assert final.returncode == 0, final.stderr.decode()
    load_index(settings.index_dir)
    leftovers = sorted(p.name for p in settings.index_dir.iterdir() if "build-" in p.name)
    assert len(leftovers) == 1 and leftovers[0].startswith("build-"), leftovers


@pytest.mark.slow
def test_two_build_processes_at_once_do_not_corrupt_the_index(tmp_path):
    settings = Settings(corpus_dir=write_tiny_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index")
    env = cli_env(settings.corpus_dir, settings.index_dir, EIG_QA_MODEL=settings.model)
    processes = [start_cli(["index", "--force"], env) for _ in range(2)]
    outputs = [process.communicate(timeout=CLI_TIMEOUT_SECONDS) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()
        assert "Index construit" in out.decode()
    stored = load_index(settings.index_dir)
    assert len(stored.passages) == stored.dense.ntotal > 0
    builds = [p.name for p in settings.index_dir.iterdir() if "build-" in p.name]
    assert len(builds) == 1, builds
    asked = run_cli(["ask", "--json", DEADLINE_QUESTION], env)
    assert DEADLINE_ANSWER in json.loads(asked.stdout.decode())["answer"]
