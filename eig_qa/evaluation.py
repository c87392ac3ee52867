"""Measuring retrieval, answers, abstention and figures on JSON Lines question files."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eig_qa.errors import ConfigError
from eig_qa.french import fold_accents, plain_apostrophes
from eig_qa.tuning import TUNING, Tuning, describe_changes


@dataclass
class QuestionResult:
    """The outcome of one evaluated question."""

    id: str
    question: str
    kind: str  # "answerable", "unanswerable" or "figure"
    split: str = "tune"  # "tune" (design and fit on it) or "check" (measure only)
    rank: int | None = None  # 1-based rank of the first passage holding the answer
    answer_ok: bool = False
    first_ok: bool = False  # answered, and the first highlighted sentence (with the list it announces) holds it
    abstained: bool = False
    figures_ok: bool = False
    figures_shown: bool = False  # at least one key figure was shown
    seconds: float = 0.0
    probability: float | None = None  # the scorer's probability that the best sentence answers
    best_right: bool = False  # the best sentences hold the expected text (whether or not the assistant abstained)


@dataclass
class EvaluationReport:
    """Aggregated metrics over a set of questions."""

    answerable: int = 0
    unanswerable: int = 0
    figure_questions: int = 0
    hit_at_1: float | None = None
    hit_at_5: float | None = None
    mrr_at_10: float | None = None
    answer_contains: float | None = None
    first_sentence: float | None = None
    abstention: float | None = None
    false_abstention: float | None = None
    figures: float | None = None
    figures_wrong: float | None = None  # figure questions showing figures without the expected value
    figures_elsewhere: float | None = None  # questions of the documents (not figure ones) that get a figure
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    # Calibration: (probability bin, questions, mean probability, share whose best sentences hold the answer).
    reliability: list[tuple[str, int, float, float]] = field(default_factory=list)
    results: list[QuestionResult] = field(default_factory=list)


def normalise(text: str) -> str:
    """Text folded for containment checks as ../shared/eval/README.md says: case, accents, apostrophes, whitespace."""
    return re.sub(r"\s+", " ", fold_accents(plain_apostrophes(text))).strip()


def contains_all(text: str, expected: Sequence[str]) -> bool:
    """Whether text contains every expected string (normalised)."""
    haystack = normalise(text)
    return all(normalise(item) in haystack for item in expected)


def answer_rank(passages: Sequence[dict], item: dict, depth: int = 10) -> int | None:
    """1-based rank of the first passage from an accepted source whose text holds every expected string."""
    sources = {item.get("source"), *(item.get("alt_sources") or [])} - {None}
    for rank, passage in enumerate(passages[:depth], start=1):
        if passage["source"] in sources and contains_all(passage["text"], item.get("answer_contains") or []):
            return rank
    return None


def load_questions(paths: Sequence[str | Path]) -> list[dict]:
    """Read JSON Lines question files; a bad file or line raises ConfigError with its location."""
    items = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"Fichier de questions introuvable : {path}.")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as error:
                raise ConfigError(f"{path}, ligne {number} : JSON invalide ({error}).") from error
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise ConfigError(f"{path}, ligne {number} : un objet avec un champ « question » est attendu.")
            items.append(item)
    return items


def evaluate_item(assistant, item: dict, k: int, answer_k: int | None = None) -> QuestionResult:
    """Ask one question and score it according to its kind: passage ranks among `k` hits, the answer as given
    with `answer_k` cited passages (the product's setting; `k` when None), as it depends on them."""
    started = time.perf_counter()
    answer = assistant.ask(item["question"], k=answer_k or k)
    seconds = time.perf_counter() - started
    result = QuestionResult(id=str(item.get("id", "")), question=item["question"], kind=_kind(item),
                            split=str(item.get("split") or "tune"), abstained=answer.abstained, seconds=seconds,
                            figures_shown=bool(answer.figures), probability=answer.probability)
    if result.kind == "figure":
        from eig_qa.figures.catalogue import figures_contain

        result.figures_ok = figures_contain(answer.figures, item["expected"])
    elif result.kind == "answerable":
        ranked = answer if answer_k in (None, k) else assistant.ask(item["question"], k=k)
        result.rank = answer_rank(ranked.to_json()["passages"], item)
        result.best_right = contains_all(answer.best_text, item.get("answer_contains") or [])
        result.answer_ok = not answer.abstained and result.best_right
        result.first_ok = not answer.abstained and contains_all(_first_sentence(answer.highlights),
                                                                item.get("answer_contains") or [])
    return result


def _first_sentence(highlights) -> str:
    """The first highlighted sentence, with the list items quoted after it (they share its passage and score)."""
    if not highlights:
        return ""
    first = highlights[0]
    group = [item for item in highlights if (item.hit_index, item.score) == (first.hit_index, first.score)]
    return " ".join(item.text for item in group)


def _kind(item: dict) -> str:
    if "expected" in item:
        return "figure"
    return "unanswerable" if item.get("unanswerable") else "answerable"


def _share(values: Sequence[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def summarise(results: Sequence[QuestionResult]) -> EvaluationReport:
    """Aggregate per-question results into the report's metrics."""
    answerable = [r for r in results if r.kind == "answerable"]
    unanswerable = [r for r in results if r.kind == "unanswerable"]
    figure_items = [r for r in results if r.kind == "figure"]
    latencies = sorted(r.seconds * 1000 for r in results if r.kind != "figure") or [0.0]
    report = EvaluationReport(answerable=len(answerable), unanswerable=len(unanswerable),
                              figure_questions=len(figure_items), results=list(results))
    if answerable:
        report.hit_at_1 = _share([r.rank == 1 for r in answerable])
        report.hit_at_5 = _share([r.rank is not None and r.rank <= 5 for r in answerable])
        report.mrr_at_10 = round(statistics.fmean(1 / r.rank if r.rank else 0.0 for r in answerable), 3)
        report.answer_contains = _share([r.answer_ok for r in answerable])
        report.first_sentence = _share([r.first_ok for r in answerable])
        report.false_abstention = _share([r.abstained for r in answerable])
    if unanswerable:
        report.abstention = _share([r.abstained for r in unanswerable])
    if figure_items:
        report.figures = _share([r.figures_ok for r in figure_items])
        report.figures_wrong = _share([r.figures_shown and not r.figures_ok for r in figure_items])
    others = [r for r in results if r.kind != "figure"]
    if others:
        report.figures_elsewhere = _share([r.figures_shown for r in others])
    report.reliability = reliability_table([(r.probability, r.best_right) for r in results
                                            if r.kind != "figure" and r.probability is not None])
    report.latency_p50_ms = round(_percentile(latencies, 50), 1)
    report.latency_p95_ms = round(_percentile(latencies, 95), 1)
    return report


def reliability_table(pairs: Sequence[tuple[float, bool]], bins: int = 5) -> list[tuple[str, int, float, float]]:
    """For each probability bin: how many questions fall in it, their mean probability, and the share that is
    right; a calibrated scorer has the last two close."""
    table = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        inside = [(p, right) for p, right in pairs if low <= p < high or (index == bins - 1 and p >= high)]
        if inside:
            table.append((f"{low:.1f}–{high:.1f}", len(inside), round(statistics.fmean(p for p, _ in inside), 3),
                          round(statistics.fmean(right for _, right in inside), 3)))
    return table


def summarise_by_split(results: Sequence[QuestionResult]) -> dict[str, EvaluationReport]:
    """One report per split present ("tune" first, then "check", then any other), and one over all questions."""
    order = {"tune": 0, "check": 1}
    splits = sorted({r.split for r in results}, key=lambda name: (order.get(name, 2), name))
    reports = {name: summarise([r for r in results if r.split == name]) for name in splits}
    if len(reports) > 1:
        reports["tout"] = summarise(results)
    return reports


def _percentile(sorted_values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    index = max(0, min(len(sorted_values) - 1, round(percent / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


_ROWS = (
    ("questions avec réponse", "answerable"), ("questions sans réponse", "unanswerable"),
    ("questions de chiffres", "figure_questions"), ("hit@1", "hit_at_1"), ("hit@5", "hit_at_5"),
    ("MRR@10", "mrr_at_10"), ("réponse contient l'attendu", "answer_contains"),
    ("1re phrase surlignée le contient", "first_sentence"),
    ("abstention (sans réponse)", "abstention"), ("fausses abstentions", "false_abstention"),
    ("chiffres clés justes", "figures"), ("chiffres clés faux affichés", "figures_wrong"),
    ("chiffres hors questions chiffres", "figures_elsewhere"), ("latence p50 (ms)", "latency_p50_ms"),
    ("latence p95 (ms)", "latency_p95_ms"),
)


def _cell(value: object) -> str:
    return "—" if value is None else str(value)


def format_report(report: EvaluationReport | dict[str, EvaluationReport]) -> str:
    """Readable table of the metrics, one column per split, then the questions that failed."""
    reports = report if isinstance(report, dict) else {"": report}
    header = [f"{'':<32} " + " ".join(f"{name:>8}" for name in reports)] if len(reports) > 1 else []
    lines = header + [f"{label:<32} " + " ".join(f"{_cell(getattr(r, attribute)):>8}" for r in reports.values())
                      for label, attribute in _ROWS]
    for name, single in reports.items():
        if single.reliability:
            lines += ["", f"Fiabilité{' ' + name if name else ''} (probabilité de la meilleure phrase : questions, "
                          "probabilité moyenne, part où elle contient l'attendu)"]
            lines += [f"  {bin_name:<9} {count:>4} {mean:>6.2f} {right:>6.2f}"
                      for bin_name, count, mean, right in single.reliability]
    results = next(iter(reports.values())).results if len(reports) == 1 else reports.get("tout").results
    failures = [r for r in results if _failed(r)]
    if failures:
        lines += ["", "Questions en échec :"]
        lines += [f"  {r.id} [{r.kind}, {r.split}] rang={r.rank} réponse={'ok' if r.answer_ok else 'non'} "
                  f"abstention={r.abstained} : {r.question}" for r in failures]
    return "\n".join(lines)


def _failed(result: QuestionResult) -> bool:
    if result.kind == "figure":
        return not result.figures_ok
    if result.kind == "unanswerable":
        return not result.abstained
    return result.rank is None or result.rank > 5 or not result.answer_ok


def run_evaluation(paths: Sequence[str], as_json: bool = False, k: int = 10, tuning: Tuning = TUNING) -> int:
    """Evaluate the configured assistant, with `tuning`'s constants, on question files and print the report."""
    from eig_qa.assistant import Assistant

    items = load_questions(paths)
    assistant = Assistant.open(progress=True, tuning=tuning)
    assistant.ask("échauffement", k=k)  # the first query pays one-off costs that are not latency
    answer_k = assistant.settings.top_k
    reports = summarise_by_split([evaluate_item(assistant, item, k, answer_k) for item in items])
    if as_json:
        print(json.dumps({name: asdict(report) for name, report in reports.items()}, ensure_ascii=False, indent=1))
    else:
        changes = describe_changes(tuning)
        scope = (f"Rangs des passages parmi {k} ; réponses, abstentions et latences telles que données avec "
                 f"{answer_k} passages cités (EIG_QA_TOP_K).\n\n")
        print((f"Réglages modifiés : {changes}\n\n" if changes else "") + scope + format_report(reports))
    return 0


def run_training(paths: Sequence[str], output: str | None = None, tuning: Tuning = TUNING) -> int:
    """Train the answer scorer on the `tune` questions of `paths` and the corpus's own question/answer pairs, with
    `tuning`'s constants; write its weights and the labelled questions' rows (each corpus's own scorer is trained
    from them, answer/corpus_scorer.py), and print its out-of-fold calibration."""
    from eig_qa.answer.corpus_scorer import LABELLED_ROWS, save_rows, train_corpus_scorer
    from eig_qa.answer.scorer import DEFAULT_WEIGHTS, untrained_scorer
    from eig_qa.answer.training import collect, labelled_examples
    from eig_qa.assistant import Assistant

    items = load_questions(paths)
    assistant = Assistant.open(progress=True, scorer=untrained_scorer(), tuning=tuning)

    def candidates_of(profile):
        return assistant.candidates(profile, tuning.rerank_depth)

    labelled = collect(labelled_examples(items), assistant.profile, candidates_of)
    model, found = train_corpus_scorer(assistant.entries, assistant.profile, candidates_of, labelled, tuning)
    path = Path(output) if output else DEFAULT_WEIGHTS
    rows = path.with_suffix(".rows.npz") if output else LABELLED_ROWS
    path.write_text(model.to_json(), encoding="utf-8")
    save_rows(labelled, rows)
    print(f"Poids écrits dans {path} : {model.trained_on} ; questions étiquetées dans {rows}.")
    print(f"Abstention sous {model.abstain_below:.2f} ; confiance haute dès {model.high_from:.2f}.")
    print("Fiabilité hors échantillon (probabilité : questions, probabilité moyenne, part où la meilleure phrase "
          "répond) :")
    for bin_name, count, mean, right in reliability_table([(item.probability, item.correct) for item in found]):
        print(f"  {bin_name:<9} {count:>4} {mean:>6.2f} {right:>6.2f}")
    return 0
