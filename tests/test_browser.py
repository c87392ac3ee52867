"""End to end: the page served by `streamlit run`, driven in Debian's headless Chromium, checked with axe-core."""

from __future__ import annotations

import os

import pytest

from eig_qa.config import PROJECT_ROOT
from tests.streamlit_server import CHROMIUM, CHROMIUM_ARGS, require, require_chromium, running_page

pytestmark = [pytest.mark.browser, pytest.mark.real, pytest.mark.slow]

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# Set to regenerate the README's picture (docs/screenshot.png) from this run.
UPDATE_SCREENSHOT_ENV = "EIG_QA_UPDATE_SCREENSHOT"
DEADLINE_QUESTION = "Quelle est la date limite de dépôt des dossiers de l'appel à projets EIG 4 ?"
FIGURES_QUESTION = "Combien de défis dans la promotion 3 ?"
ANSWER_MS = 120_000
SETTLE_MS = 2_500  # the page waits until it stops growing (0,3 s) before showing the new answer
# axe rules that fail on markup Streamlit itself renders, which the page cannot change.
# Each entry: rule id → CSS selectors of the nodes concerned (only those nodes are let through).
STREAMLIT_VIOLATIONS: dict[str, tuple[str, ...]] = {}


@pytest.fixture(autouse=True)
def browser_tools():
    """Debian's Chromium and axe-core, checked before a server is started."""
    require_chromium()
    if not AXE.exists():
        require(f"{AXE} absent : installez axe-core avec `npm ci`")


@pytest.fixture
def server_url(real_settings, tmp_path):
    """`streamlit run` on a free port over the real corpus (index already built by the fixture)."""
    with running_page(real_settings.corpus_dir, tmp_path / "avis.jsonl", tmp_path / "streamlit.log") as server:
        yield server.url


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


def _eventually(page, check, timeout_ms: int = 8_000) -> bool:
    """Whether a check holds within the timeout: on a loaded machine the page may render for longer than SETTLE_MS."""
    for _ in range(timeout_ms // 250):
        if check():
            return True
        page.wait_for_timeout(250)
    return check()


def _top_in_view(page, text: str) -> bool:
    """Whether the top of the turn that asked this question lies inside the window."""
    top = page.get_by_test_id("stChatMessage").filter(has_text=text).first.evaluate(
        "element => element.getBoundingClientRect().top")
    return -2 <= top < page.viewport_size["height"] - 100


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
    # The page settles (at most 4 s of growth), then shows the top of the new answer, not the end of the conversation.
    assert _eventually(page, lambda: _top_in_view(page, FIGURES_QUESTION)), "the second answer is not in view"
    answer = page.get_by_test_id("stChatMessage").last
    first_paragraph = answer.get_by_test_id("stMarkdownContainer").first.inner_text()
    assert first_paragraph.startswith("Nombre de défis de la promotion EIG 3 : 15 défis"), first_paragraph
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


def test_a_long_paste_is_cut_with_a_note_and_a_passage_is_shown_in_its_page(page):
    pasted = DEADLINE_QUESTION + " " + "détail " * 214  # 1 500 characters
    assert len(pasted) >= 1500
    ARTIFACTS.mkdir(exist_ok=True)
    note = page.get_by_test_id("stAlert").filter(has_text="Votre question a été coupée à 1000 caractères")
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(pasted)
    box.press("Enter")
    note.first.wait_for(timeout=ANSWER_MS)
    page.get_by_test_id("stSpinner").wait_for(state="detached", timeout=ANSWER_MS)
    page.wait_for_timeout(SETTLE_MS)
    assert note.first.is_visible()

    # "Voir dans le document" on the first cited PDF passage of the last answer: the page as an image.
    last = page.get_by_test_id("stChatMessage").last
    # The toggle of the first cited passage that is shown unfolded (passages without a highlight stay folded).
    last.get_by_text("Voir dans le document").filter(visible=True).first.click()
    image = last.get_by_test_id("stImage").locator("img").first
    image.wait_for(timeout=ANSWER_MS)
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.complete && img.naturalWidth > 600")
    caption = last.get_by_test_id("stImage").first.inner_text()
    assert "sur fond bleu" in caption and "surlignée en jaune" in caption
    page.screenshot(path=str(ARTIFACTS / "page-du-document.png"))

    violations = _serious_violations(page)
    assert not violations, violations


def test_the_start_page_opens_at_its_top_on_a_phone(server_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True)
            phone.goto(server_url, wait_until="domcontentloaded")
            phone.get_by_test_id("stChatInputTextArea").wait_for(timeout=ANSWER_MS)
            phone.wait_for_timeout(SETTLE_MS)
            title = phone.get_by_role("heading", name="Entrepreneurs d'intérêt général — Assistant documentaire")
            top = title.evaluate("element => element.getBoundingClientRect().top")
            assert 0 <= top < 844, top
            ARTIFACTS.mkdir(exist_ok=True)
            phone.screenshot(path=str(ARTIFACTS / "accueil-telephone.png"))
        finally:
            browser.close()
