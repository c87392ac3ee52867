"""The page served by a real `streamlit run` on a free port of 127.0.0.1, for browser and load tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from eig_qa.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SERVER_START_SECONDS = 120


@dataclass(frozen=True)
class Server:
    """A running page: its address, process and log file."""

    url: str
    process: subprocess.Popen
    log: Path


def require(what: str) -> None:
    """Skip on a developer's machine without the tool; in CI (CI=true) the tool must be there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} : requis en CI pour le test de bout en bout.")
    pytest.skip(what)


def require_chromium() -> None:
    """Debian's Chromium, never a browser downloaded by a test tool."""
    if not CHROMIUM.exists():
        require(f"{CHROMIUM} absent : installez le paquet Debian chromium (make browser)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"streamlit s'est arrêté (code {server.process.returncode}) :\n"
                        f"{server.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit n'a pas répondu sur {server.url} en {SERVER_START_SECONDS} s :\n"
                f"{server.log.read_text()[-3000:]}")


@contextlib.contextmanager
def running_page(corpus_dir: Path, feedback: Path, log: Path) -> Iterator[Server]:
    """Start the page over a corpus with the default model, wait until it answers, stop it afterwards."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "EIG_QA_MODEL"}
    env.update(EIG_QA_CORPUS=str(corpus_dir), EIG_QA_FEEDBACK=str(feedback))
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
