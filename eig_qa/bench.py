"""Speed and memory figures: index build, warm and loaded query latency, cold start, peak memory."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from eig_qa.config import load_settings

# Generic questions about a public programme, varied in length and style; repeated to reach the sample size.
BENCH_QUESTIONS = [
    "Qui peut devenir entrepreneur d'intérêt général ?",
    "Quel est le salaire d'un EIG ?",
    "Combien de temps dure le programme ?",
    "Quelle est la date limite de candidature ?",
    "Comment une administration dépose-t-elle un défi ?",
    "Quels profils sont recherchés ?",
    "Qu'est-ce qu'un mentor ?",
    "Quels sont les critères de sélection des défis ?",
    "cofinancement défi service déconcentré",
    "open source code publié défis",
    "Quels défis concernent la santé ?",
    "Comment se passe le jury ?",
    "bootcamp intégration promotion",
    "Quels sont les facteurs de réussite d'un défi ?",
    "Que deviennent les défis après le programme ?",
    "Combien de défis dans la promotion 3 ?",
    "Où travaillent les EIG ?",
    "Quel accompagnement est proposé aux EIG ?",
    "logiciel libre mini-guide",
    "Quels sont les impacts du programme sur l'administration ?",
]

# Figure questions of each operation, answered by the key-figure engine alone (no retrieval).
BENCH_FIGURE_QUESTIONS = [
    "Combien de défis dans la promotion 3 ?", "Durée moyenne des défis DIG ?", "Quel défi compte le plus de mentors ?",
    "Quels EIG ont participé à plus d'un défi ?", "Nombre d'EIG par promotion",
    "Combien d'EIG de plus en promo 4 qu'en promo 3 ?", "Part des designers parmi les EIG de la promo 2 ?",
    "Combien de défis de la promo 2 ont été menés par un binôme ?",
]


def _percentiles(values_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(values_ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered), p95


def _child(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Run python code in a fresh process; return (seconds, peak RSS in MB of that process)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-c", code], check=True, env=env, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak_kb, before) / 1024


def run_bench(repeats: int = 3, threads: int = 4) -> int:
    """Print build seconds (fresh index, no cache), latencies, cold start and peak RSS."""
    settings = load_settings()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as scratch:
        build_env = {**env, "EIG_QA_INDEX": str(Path(scratch) / "index")}
        build_code = ("from eig_qa.config import load_settings; from eig_qa.search.embedding import load_embedder; "
                      "from eig_qa.search.indexing import build_index; s = load_settings(); "
                      "build_index(s, load_embedder(s.model, threads=2), force=True)")
        build_seconds, build_rss = _child(build_code, build_env)
    print(f"construction de l'index (sans cache)  {build_seconds:8.1f} s   pic mémoire {build_rss:7.0f} Mo")

    serve_code = ("import time; t = time.perf_counter(); from eig_qa.assistant import Assistant; "
                  "a = Assistant.open(build=True); a.ask('Qui peut devenir EIG ?')")
    cold_seconds, serve_rss = _child(serve_code, env)
    print(f"démarrage à froid (jusqu'à 1re réponse) {cold_seconds:8.1f} s   pic mémoire {serve_rss:7.0f} Mo")

    from eig_qa.assistant import Assistant

    assistant = Assistant.open(settings)
    assistant.ask("échauffement")
    questions = BENCH_QUESTIONS * repeats
    warm = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        warm.append((time.perf_counter() - started) * 1000)
    p50, p95 = _percentiles(warm)
    print(f"latence à chaud, {len(warm)} questions     p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    if assistant.data is not None:
        from eig_qa.figures.matching import figures_for_question

        timings = []
        for question in BENCH_FIGURE_QUESTIONS * repeats:
            started = time.perf_counter()
            figures_for_question(question, assistant.data)
            timings.append((time.perf_counter() - started) * 1000)
        p50, p95 = _percentiles(timings)
        print(f"chiffres clés à chaud, {len(timings)} questions p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")

    loaded: list[float] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        for question in questions[offset:] + questions[:offset]:
            started = time.perf_counter()
            assistant.ask(question)
            with lock:
                loaded.append((time.perf_counter() - started) * 1000)

    workers = [threading.Thread(target=worker, args=(i * 7,)) for i in range(threads)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    p50, p95 = _percentiles(loaded)
    print(f"latence sous charge, {threads} fils, {len(loaded)} q.  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
          f"débit {len(loaded) / elapsed:5.1f} q/s")
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pic mémoire du processus de service  {max(own_rss, serve_rss):8.0f} Mo")
    return 0
