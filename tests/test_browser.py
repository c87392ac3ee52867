"""End to end: the page served by `streamlit run`, driven in Debian's headless Chromium, checked with axe-core."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from eig_qa.config import PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.real, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# Set to regenerate the README's picture (docs/screenshot.png) from this run.
UPDATE_SCREENSHOT_ENV = "EIG_QA_UPDATE_SCREENSHOT"
DEADLINE_QUESTION = "Quelle est la date limite de dépôt des dossiers de l'appel à projets EIG 4 ?"
FIGURES_QUESTION = "Combien de défis dans la promotion 3 ?"
SERVER_START_SECONDS = 120
ANSWER_MS = 120_000
# axe rules that fail on markup Streamlit itself renders, which the page cannot change.
# Each entry: rule id → CSS selectors of the nodes concerned (only those nodes are let through).
STREAMLIT_VIOLATIONS: dict[str, tuple[str, ...]] = {}


def _missing(what: str) -> None:
    """Skip on a developer's machine without the tool; in CI (CI=true) the tool must be there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} : requis en CI pour le test de bout en bout.")
    pytest.skip(what)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit s'est arrêté (code {server.returncode}) :\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit n'a pas répondu sur {url} en {SERVER_START_SECONDS} s :\n{log.read_text()[-3000:]}")


@pytest.fixture(autouse=True)
def browser_tools():
    """Debian's Chromium and axe-core, checked before a server is started."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} absent : installez le paquet Debian chromium (make browser)")
    if not AXE.exists():
        _missing(f"{AXE} absent : installez axe-core avec `npm ci`")


@pytest.fixture
def server_url(real_settings, tmp_path):
    """`streamlit run` on a free port over the real corpus (index already built by the fixture)."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "EIG_QA_MODEL"}  # the default model
    env.update(EIG_QA_CORPUS=str(real_settings.corpus_dir), EIG_QA_FEEDBACK=str(tmp_path / "avis.jsonl"))
    log = tmp_path / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def page(server_url):
    """A Chromium page on the app, 1280 × 900; any JavaScript dialog is recorded in `page.dialogs`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            page.dialogs = []
            page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(server_url, wait_until="domcontentloaded")
            page.get_by_test_id("stChatInputTextArea").wait_for(timeout=ANSWER_MS)
            yield page
        finally:
            browser.close()


def _ask(page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.get_by_test_id("stChatMessage").filter(has_text=question).first.wait_for(timeout=ANSWER_MS)
    page.get_by_test_id("stSpinner").wait_for(state="detached", timeout=ANSWER_MS)


def _serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        allowed = STREAMLIT_VIOLATIONS.get(violation["id"], ())
        nodes = [node for node in violation["nodes"] if not any(target in allowed for target in node["target"])]
        if nodes:
            found.append({"id": violation["id"], "impact": violation["impact"], "help": violation["help"],
                          "nodes": [(node["target"], node["failureSummary"]) for node in nodes[:5]]})
    return found


def test_a_person_asks_questions_and_reads_cited_answers(page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "accueil.png"))
    assert page.get_by_role("heading", name="Entrepreneurs d'intérêt général — Assistant documentaire").is_visible()

    _ask(page, DEADLINE_QUESTION)
    link = page.locator('a[href*="#page="]').locator("visible=true").first
    link.wait_for(timeout=ANSWER_MS)
    assert link.is_visible()
    assert link.inner_text().startswith("Ouvrir « ")
    page.screenshot(path=str(ARTIFACTS / "reponse.png"))

    _ask(page, FIGURES_QUESTION)
    metric = page.get_by_test_id("stMetric").first
    metric.wait_for(timeout=ANSWER_MS)
    assert "15" in metric.inner_text()
    # The conversation scrolls inside the page, and sticks to its end while the answer settles:
    # let it settle, then bring this question to the top for the picture.
    page.wait_for_timeout(1000)
    page.get_by_test_id("stChatMessage").filter(has_text=FIGURES_QUESTION).first.evaluate(
        "element => element.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "chiffres.png"))
    if os.environ.get(UPDATE_SCREENSHOT_ENV):
        page.screenshot(path=str(PROJECT_ROOT / "docs" / "screenshot.png"))

    _ask(page, "<script>alert(1)</script> [x](javascript:alert(1))")
    shown = page.get_by_test_id("stChatMessage").filter(has_text="<script>alert(1)</script>").first
    assert shown.is_visible()
    assert page.locator('a[href^="javascript"]').count() == 0
    assert page.dialogs == []

    violations = _serious_violations(page)
    assert not violations, violations
