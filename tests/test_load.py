"""Several people at once: questions from many threads, several browser sessions on one local page, feedback
written concurrently by threads and processes. Bounded in count and time, and only against 127.0.0.1.

Each test prints its figures (p50 / p95 latency, errors, memory); run with `-s` to see them.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from eig_qa.app.feedback import RECORD_KEYS, append_feedback, feedback_record
from eig_qa.config import PROJECT_ROOT
from tests.streamlit_server import CHROMIUM, CHROMIUM_ARGS, require_chromium, running_page
from tests.test_export import make_turn

pytestmark = pytest.mark.load

THREADS = 24
QUESTIONS_PER_THREAD = 3
LOAD_DEADLINE_SECONDS = 120  # no new question is started after this; the test fails if any is left unanswered
MAX_RSS_BYTES = int(1.5 * 1024**3)
MAX_RSS_GROWTH_BYTES = 512 * 1024**2  # 24 questions at once: activations and answers, no leak
QUESTIONS = [
    "Qui peut devenir EIG ?",
    "Quelle est la date limite de dépôt des dossiers de l'appel à projets EIG 4 ?",
    "Combien de défis dans la promotion 3 ?",
    "Quel est le salaire net mensuel d'un EIG ?",
    "Comment se déroulent les 10 mois du programme ?",
    "Quels sont les critères de sélection des projets des administrations ?",
    "Une collectivité territoriale peut-elle répondre à l'appel à projets EIG 5 ?",
    "Quelle administration a accueilli le plus de défis ?",
    "Quelle part des défis a publié son code source ?",
    "Comment le jury note-t-il les candidats EIG de la promotion 5 ?",
    "Prototype Fund montant maximum du financement",
    "En quelle année a été lancé le Presidential Innovation Fellowship ?",
    "Qu'est-ce que le programme Entrepreneurs d'intérêt général ?",
    "Quel est le rôle des mentors ?",
    "Recette de la tarte tatin aux pommes caramélisées",
    "What is the salary of an EIG fellow?",
    "<script>alert(1)</script>",
    "   ",
    "Bonjour !",
    "?!…",
]


def _rss_bytes(pid: int | str = "self") -> int:
    """Resident memory of a process, from /proc (no psutil)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("VmRSS absent de /proc/.../status")


def _peak_rss_bytes(pid: int | str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("VmHWM absent de /proc/.../status")


class RssSampler(threading.Thread):
    """Samples this process's resident memory every 20 ms while the load runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.baseline = self.peak = _rss_bytes()
        self._finished = threading.Event()

    def run(self) -> None:
        while not self._finished.wait(0.02):
            self.peak = max(self.peak, _rss_bytes())

    def __enter__(self) -> RssSampler:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._finished.set()
        self.join()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _figures(name: str, latencies: list[float], errors: list[str], extra: str = "") -> str:
    line = (f"{name} : {len(latencies)} questions, p50 {percentile(latencies, 0.5):.2f} s, "
            f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s, {len(errors)} erreur(s){extra}")
    print("\n" + line)
    return line


# ---------------------------------------------------------------- (a) the assistant from many threads


@pytest.mark.real
def test_many_threads_ask_at_once_with_the_same_answers_and_bounded_memory(real_assistant):
    expected = {question: real_assistant.ask(question).text for question in QUESTIONS}  # one at a time first
    barrier = threading.Barrier(THREADS)
    deadline = time.monotonic() + LOAD_DEADLINE_SECONDS
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def person(number: int) -> None:
        barrier.wait()  # every thread asks its first question at the same moment
        for turn in range(QUESTIONS_PER_THREAD):
            if time.monotonic() > deadline:
                return
            question = QUESTIONS[(number * QUESTIONS_PER_THREAD + turn) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                answer = real_assistant.ask(question)
                if answer.text != expected[question]:
                    raise AssertionError(f"réponse différente sous charge pour {question!r}")
            except Exception as error:
                with lock:
                    errors.append(f"{question!r}: {error!r}")
            else:
                with lock:
                    latencies.append(time.perf_counter() - started)

    with RssSampler() as memory:
        people = [threading.Thread(target=person, args=(number,)) for number in range(THREADS)]
        started = time.perf_counter()
        for thread in people:
            thread.start()
        for thread in people:
            thread.join(LOAD_DEADLINE_SECONDS + 60)
        elapsed = time.perf_counter() - started
    _figures(f"{THREADS} fils en parallèle", latencies, errors,
             f", {len(latencies) / elapsed:.1f} questions/s, RSS max {memory.peak / 1e6:.0f} Mo")
    assert not any(thread.is_alive() for thread in people), "a question never came back"
    assert not errors, errors[:5]
    assert len(latencies) == THREADS * QUESTIONS_PER_THREAD
    # This test process holds what earlier tests loaded (other models, pages): what the load adds is what counts
    # here; the serving process's own peak is bounded by the browser load test below.
    growth = memory.peak - memory.baseline
    assert growth < MAX_RSS_GROWTH_BYTES, f"RSS +{growth / 1e6:.0f} Mo"


# ---------------------------------------------------------------- feedback from threads and processes at once

_APPEND_FROM_A_PROCESS = """
import sys
from pathlib import Path
from eig_qa.app.feedback import append_feedback
path, worker, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for number in range(count):
    append_feedback({"worker": f"processus-{worker}", "number": number, "padding": "é" * 6000}, path)
"""


def test_feedback_from_threads_and_processes_at_once_loses_no_line(tmp_path):
    path = tmp_path / "avis" / "feedback.jsonl"
    processes = [
        subprocess.Popen([sys.executable, "-c", _APPEND_FROM_A_PROCESS, str(path), str(worker), "25"],
                         env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, cwd=PROJECT_ROOT)
        for worker in range(4)
    ]
    errors: list[str] = []
    turn = make_turn("Quelle est la date limite ? " + "é" * 3000)  # lines longer than a pipe's atomic write

    def person(worker: int) -> None:
        for number in range(10):
            try:
                record = feedback_record(turn, "up" if number % 2 else "down")
                append_feedback(record | {"worker": f"fil-{worker}", "number": number}, path)
            except Exception as error:
                errors.append(repr(error))

    threads = [threading.Thread(target=person, args=(worker,)) for worker in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(process.wait(timeout=60) == 0 for process in processes)
    assert not errors, errors[:3]
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""  # every record ends its line
    records = [json.loads(line) for line in lines[:-1]]
    seen = sorted((record["worker"], record["number"]) for record in records)
    expected = sorted([(f"fil-{w}", n) for w in range(20) for n in range(10)]
                      + [(f"processus-{w}", n) for w in range(4) for n in range(25)])
    assert seen == expected
    print(f"\navis concurrents : {len(records)} lignes, toutes présentes et valides")


# ---------------------------------------------------------------- (b) the page, several browser sessions


SESSIONS = 5
SESSION_QUESTIONS = [
    ("Quelle est la date limite de dépôt des dossiers de l'appel à projets EIG 4 ?",
     "Combien de défis dans la promotion 3 ?"),
    ("Qui peut devenir EIG ?", '<img src=x onerror="alert(document.domain)">'),
    ("Quel est le salaire net mensuel d'un EIG ?", "Comment se déroulent les 10 mois du programme ?"),
    ("Quelle administration a accueilli le plus de défis ?", "What is the salary of an EIG fellow?"),
    ("Quels sont les critères de sélection des projets des administrations ?", "Quel est le rôle des mentors ?"),
]
ANSWER_MS = 180_000


@pytest.fixture
def load_server(real_settings, tmp_path):
    """`streamlit run` on a free port of 127.0.0.1 over the real corpus; yields (url, pid, feedback file, log)."""
    require_chromium()
    feedback = tmp_path / "avis.jsonl"
    with running_page(real_settings.corpus_dir, feedback, tmp_path / "streamlit.log") as server:
        yield server.url, server.process.pid, feedback, server.log


async def _one_person(browser, url: str, questions: tuple[str, ...]) -> dict:
    """One browser session: open the page, ask each question, rate each answer 👍."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = await context.new_page()
    dialogs: list[str] = []

    async def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    latencies: list[float] = []
    try:
        await page.goto(url, wait_until="domcontentloaded")
        box = page.get_by_test_id("stChatInputTextArea")
        await box.wait_for(timeout=ANSWER_MS)
        for number, question in enumerate(questions):
            started = time.perf_counter()
            await box.fill(question)
            await box.press("Enter")
            rating = page.get_by_test_id("stFeedback").nth(number)  # shown once the answer is drawn
            await rating.wait_for(timeout=ANSWER_MS)
            latencies.append(time.perf_counter() - started)
            await rating.get_by_role("radio", name="Thumbs up").click()
            await page.get_by_text("Merci, votre avis est enregistré.").nth(number).wait_for(timeout=ANSWER_MS)
        return {
            "latencies": latencies,
            "dialogs": dialogs,
            "exceptions": await page.get_by_test_id("stException").count(),
            "errors": await page.locator("[data-testid='stAlertContentError']").count(),
            "script_images": await page.locator("img[onerror], script:not([src])").evaluate_all(
                "nodes => nodes.filter(n => (n.getAttribute('onerror') || n.textContent).includes('alert')).length"),
        }
    finally:
        await context.close()


async def _many_people(url: str) -> list[dict | BaseException]:
    from playwright.async_api import async_playwright


    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(*(_one_person(browser, url, questions) for questions in SESSION_QUESTIONS),
                                        return_exceptions=True)
        finally:
            await browser.close()


@pytest.mark.real
@pytest.mark.browser
@pytest.mark.slow
def test_several_browser_sessions_use_the_page_at_once(load_server):
    url, server_pid, feedback, log = load_server
    assert url.startswith("http://127.0.0.1:")
    started = time.perf_counter()
    results = asyncio.run(_many_people(url))
    elapsed = time.perf_counter() - started
    failures = [repr(result) for result in results if isinstance(result, BaseException)]
    sessions = [result for result in results if isinstance(result, dict)]
    latencies = [latency for session in sessions for latency in session["latencies"]]
    server_peak = _peak_rss_bytes(server_pid)
    _figures(f"{SESSIONS} sessions de navigateur", latencies or [0.0], failures,
             f", {elapsed:.1f} s en tout, RSS max du serveur {server_peak / 1e6:.0f} Mo")
    assert not failures, failures
    assert len(latencies) == sum(len(questions) for questions in SESSION_QUESTIONS)
    for session in sessions:
        assert session["dialogs"] == [] and session["script_images"] == 0
        assert session["exceptions"] == 0 and session["errors"] == 0
    records = [json.loads(line) for line in feedback.read_text(encoding="utf-8").splitlines()]
    asked = {question for questions in SESSION_QUESTIONS for question in questions}
    assert len(records) == len(latencies), "a 👍 was lost"
    assert {record["question"] for record in records} == asked
    assert all(tuple(record) == RECORD_KEYS and record["rating"] == "up" for record in records)
    assert "Traceback" not in log.read_text()
    assert server_peak < MAX_RSS_BYTES
