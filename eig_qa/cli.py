"""Command line: index, ask, eval, bench, figures. Domain errors become French messages here, never tracebacks."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from collections.abc import Iterator

from eig_qa.errors import EigQaError, user_message


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eig_qa", description="Assistant documentaire du programme EIG.")
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index", help="construire l'index s'il manque ou n'est plus à jour")
    index.add_argument("--force", action="store_true", help="reconstruire même si l'index est à jour")
    ask = commands.add_parser("ask", help="poser une question (sans question : une par ligne sur l'entrée standard)")
    ask.add_argument("question", nargs="?", help="la question ; absente, les questions sont lues sur stdin")
    ask.add_argument("--json", action="store_true", help="une ligne JSON par question")
    ask.add_argument("-k", type=_positive, default=None, help="nombre de passages (défaut 5)")
    evaluate = commands.add_parser("eval", help="mesurer la qualité sur un fichier de questions (JSON Lines)")
    evaluate.add_argument("files", nargs="+", help="questions.jsonl et/ou figures.jsonl")
    evaluate.add_argument("--json", action="store_true", help="résultats en JSON")
    evaluate.add_argument("-k", type=_positive, default=10, help="passages récupérés par question (défaut 10)")
    commands.add_parser("bench", help="mesurer construction, latence, démarrage à froid et mémoire")
    figures = commands.add_parser("figures", help="afficher le catalogue des chiffres clés")
    figures.add_argument("--json", action="store_true", help="en JSON")
    return parser


def _positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"un entier positif est attendu, pas {raw!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except EigQaError as error:
        print(f"Erreur : {user_message(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


def _index(args: argparse.Namespace) -> int:
    from eig_qa.config import load_settings
    from eig_qa.embedding import load_embedder
    from eig_qa.indexing import build_index

    settings = load_settings()
    embedder = load_embedder(settings.model, threads=2)
    report = build_index(settings, embedder, force=args.force, progress=True)
    if not report.built:
        print(f"L'index de {settings.index_dir} est à jour ; --force pour le reconstruire.")
        return 0
    for problem in report.problems:
        print(f"  fichier {'ignoré' if problem.skipped else 'lu partiellement'} : {problem.source} — {problem.reason}")
    skipped = sum(problem.skipped for problem in report.problems)
    print(
        f"Index construit dans {settings.index_dir} : {report.documents} documents, {report.pages} pages de PDF, "
        f"{report.sections} sections, {report.passages} passages ({report.embedded} nouveaux embeddings), "
        f"{skipped} fichier(s) ignoré(s), {report.seconds:.1f} s."
    )
    return 0


def _questions_from_stdin() -> Iterator[str | None]:
    """Yield one question per input line; undecodable bytes are replaced, JSON lines give their "question"."""
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if line.lstrip().startswith(("{", '"')):
            try:
                value = json.loads(line)
            except ValueError:
                yield line
                continue
            yield value.get("question") if isinstance(value, dict) else value
        else:
            yield line


def _ask(args: argparse.Namespace) -> int:
    from eig_qa.assistant import Assistant

    assistant = Assistant.open(progress=True)
    questions = [args.question] if args.question is not None else _questions_from_stdin()
    for question in questions:
        answer = assistant.ask(question, k=args.k)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(format_answer(answer), flush=True)
    return 0


def format_answer(answer) -> str:
    """Readable text of an answer: short answer, figures, then cited passages with the answering sentence marked."""
    lines = [f"Question : {answer.question}", "", answer.text]
    if answer.notice:
        lines += ["", f"Note : {answer.notice}"]
    if answer.figures:
        lines += ["", "Chiffres clés :"]
        lines += [f"  • {figure.label} : {figure.value} {figure.unit} ({figure.scope})" for figure in answer.figures]
    if answer.hits:
        lines += ["", "Documents proches :" if answer.abstained else "Sources :"]
    for position, hit in enumerate(answer.hits, start=1):
        passage = hit.passage
        where = f", page {passage.page}" if passage.page else ""
        date = f" ({passage.date})" if passage.date else ""
        lines.append(f"[{position}] {passage.title}{date}{where} — {passage.url or passage.source}")
        text = passage.text
        for item in sorted((h for h in answer.highlights if h.hit_index == position - 1), key=lambda h: -h.start):
            text = text[: item.start] + ">>> " + text[item.start : item.end] + " <<<" + text[item.end :]
        lines += textwrap.wrap(text, width=100, initial_indent="    ", subsequent_indent="    ")
    return "\n".join(lines)


def _eval(args: argparse.Namespace) -> int:
    from eig_qa.evaluation import run_evaluation

    return run_evaluation(args.files, as_json=args.json, k=args.k)


def _bench(args: argparse.Namespace) -> int:
    from eig_qa.bench import run_bench

    return run_bench()


def _figures(args: argparse.Namespace) -> int:
    from eig_qa.config import load_settings
    from eig_qa.figures import catalogue
    from eig_qa.structured_data import load_structured_data

    data = load_structured_data(load_settings().corpus_dir)
    if data is None:
        print("Ce corpus n'a pas de données structurées (data/defis.yml, personnes.yml, promos.yml).")
        return 0
    figures = catalogue(data)
    if args.json:
        print(json.dumps([figure.to_dict() for figure in figures], ensure_ascii=False, indent=1))
        return 0
    for figure in figures:
        print(f"{figure.label} : {figure.value} {figure.unit}".rstrip())
        print(f"    {figure.scope} — {figure.computation} [{figure.source}]")
    return 0


_COMMANDS = {"index": _index, "ask": _ask, "eval": _eval, "bench": _bench, "figures": _figures}
