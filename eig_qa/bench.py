"""Speed, memory and quality figures: index build per model, warm and loaded query latency, cold start, peak memory,
and hit@5 / MRR@10 on the dev questions when they sit beside the clone."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from eig_qa.config import PROJECT_ROOT, load_settings

DEV_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"

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


def _child(code: str, env: dict[str, str]) -> tuple[float, float, float]:
    """Run python code in a fresh process; return (seconds, CPU seconds, peak RSS in MB of that process alone).

    CPU seconds hardly change on a machine shared with other work, unlike seconds. The peak counts the parent's
    pages until the child starts Python, so bench starts its children before it loads anything large.
    """
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own usage; getrusage's would be the largest so far
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


_BUILD = ("from eig_qa.config import load_settings; from eig_qa.search.embedding import load_embedder; "
          "from eig_qa.search.indexing import build_index; s = load_settings(); "
          "build_index(s, load_embedder(s.model, threads=2), force=True)")


def print_retrieval_quality(path: str) -> None:
    """Print, as JSON, hit@5 and MRR@10 by split of the answerable questions of a file (run in a child process)."""
    from eig_qa.assistant import Assistant
    from eig_qa.evaluation import evaluate_item, load_questions, summarise_by_split

    assistant = Assistant.open(build=False)
    items = [item for item in load_questions([path]) if "expected" not in item]
    reports = summarise_by_split([evaluate_item(assistant, item, 10) for item in items])
    print(json.dumps({split: [report.hit_at_5, report.mrr_at_10] for split, report in reports.items()}))


def _retrieval_quality(env: dict[str, str]) -> str:
    """hit@5 and MRR@10 of the dev questions, by split, with the index and model of env (in a fresh process)."""
    code = f"from eig_qa.bench import print_retrieval_quality; print_retrieval_quality({str(DEV_QUESTIONS)!r})"
    out = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    scores = json.loads(out.stdout.decode().splitlines()[-1])
    return "   ".join(f"{split} hit@5 {hit:.3f} MRR {mrr:.3f}" for split, (hit, mrr) in scores.items())


def compare_models(models: list[str]) -> None:
    """Per model: index build from scratch (seconds, CPU seconds, peak memory), then retrieval quality."""
    for model in models:
        with tempfile.TemporaryDirectory() as scratch:
            env = {**os.environ, "EIG_QA_INDEX": str(Path(scratch) / "index"), "EIG_QA_MODEL": model}
            seconds, cpu, rss = _child(_BUILD, env)
            quality = _retrieval_quality(env) if DEV_QUESTIONS.is_file() else "(questions de développement absentes)"
        print(f"{model:14} construction {seconds:6.1f} s ({cpu:6.1f} s CPU)  pic {rss:5.0f} Mo   {quality}")


def run_bench(repeats: int = 3, threads: int = 4, models: list[str] | None = None) -> int:
    """Print build seconds (fresh index, no cache), latencies, cold start and peak RSS; with models, compare them."""
    if models:
        compare_models(models)
        return 0
    settings = load_settings()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as scratch:
        build_seconds, build_cpu, build_rss = _child(_BUILD, {**env, "EIG_QA_INDEX": str(Path(scratch) / "index")})
    print(f"construction de l'index (sans cache)  {build_seconds:8.1f} s ({build_cpu:.1f} s CPU)   "
          f"pic mémoire {build_rss:7.0f} Mo")

    serve_code = ("import time; t = time.perf_counter(); from eig_qa.assistant import Assistant; "
                  "a = Assistant.open(build=True); a.ask('Qui peut devenir EIG ?')")
    cold_seconds, _, serve_rss = _child(serve_code, env)
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
