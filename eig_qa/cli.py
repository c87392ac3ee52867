"""Command line: index, ask, eval, train-scorer, tuning, bench, figures. Domain errors become French messages, never
tracebacks."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import textwrap
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

from eig_qa.errors import EigQaError, user_message

log = logging.getLogger(__name__)

DEBUG_ENV = "EIG_QA_DEBUG"  # set to 1 to see the traceback of an unexpected error
# JSON leaves these line separators unescaped; some readers (str.splitlines, JavaScript) split lines on them.
_LINE_SEPARATORS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eig_qa", description="Assistant documentaire du programme EIG.")
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index", help="construire l'index s'il manque ou n'est plus à jour")
    index.add_argument("--force", action="store_true", help="reconstruire même si l'index est à jour")
    ask = commands.add_parser("ask", help="poser une question (sans question : une par ligne sur l'entrée standard)")
    ask.add_argument("question", nargs="?", help="la question ; absente, les questions sont lues sur stdin")
    ask.add_argument("--json", action="store_true", help="une ligne JSON par question")
    ask.add_argument("-k", type=_positive, default=None, help="nombre de passages (défaut 5)")
    ask.add_argument("--conversation", action="store_true",
                     help="les questions lues forment une conversation : « et pour la promotion 4 ? » "
                          "reprend les éléments des questions précédentes")
    evaluate = commands.add_parser("eval", help="mesurer la qualité sur un fichier de questions (JSON Lines)")
    evaluate.add_argument("files", nargs="+", help="questions.jsonl et/ou figures.jsonl")
    evaluate.add_argument("--json", action="store_true", help="résultats en JSON")
    evaluate.add_argument("-k", type=_positive, default=10, help="passages récupérés par question (défaut 10)")
    _add_set(evaluate)
    train = commands.add_parser("train-scorer", help="entraîner le classement des phrases qui répondent "
                                                     "(questions de réglage et FAQ du corpus)")
    train.add_argument("files", nargs="*", help="questions.jsonl (seules les lignes du split « tune » servent)")
    train.add_argument("--output", default=None, help="fichier de poids écrit (défaut : celui du paquet)")
    _add_set(train)
    tuning = commands.add_parser("tuning", help="afficher les constantes de réglage (raisons : eig_qa/tuning.py)")
    _add_set(tuning)
    bench = commands.add_parser("bench", help="mesurer construction, latence, démarrage à froid et mémoire")
    bench.add_argument("--models", help="comparer des modèles (séparés par des virgules) : construction, mémoire, "
                                        "hit@5 et MRR sur ../shared/eval/questions.jsonl")
    figures = commands.add_parser("figures", help="afficher le catalogue des chiffres clés")
    figures.add_argument("--json", action="store_true", help="en JSON")
    return parser


def _add_set(command: argparse.ArgumentParser) -> None:
    command.add_argument("--set", action="append", default=[], metavar="NOM=VALEUR", dest="overrides",
                         help="remplacer une constante de réglage pour cette exécution (répétable ; "
                              "liste : python -m eig_qa tuning)")


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
    _tolerant_output()
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except EigQaError as error:
        print(f"Erreur : {user_message(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`… | head`): stop quietly, as Unix tools do
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 128 + 13  # SIGPIPE
    except Exception as error:  # a bug must end with a French message, not a traceback
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            traceback.print_exc()
        print(f"Erreur : {user_message(error)} (détails : relancez avec {DEBUG_ENV}=1)", file=sys.stderr)
        return 1


def _tolerant_output() -> None:
    """Never die on a character the terminal cannot show (a lone surrogate, or a non-UTF-8 locale): replace it."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):  # not a TextIOWrapper (replaced by a caller)
            stream.reconfigure(errors="replace")


def _index(args: argparse.Namespace) -> int:
    from eig_qa.app.formatting import format_number
    from eig_qa.config import load_settings
    from eig_qa.search.embedding import load_embedder
    from eig_qa.search.indexing import build_index

    settings = load_settings()
    embedder = load_embedder(settings.model, threads=2)
    # Each problem file is printed once below; its log warning is kept back unless the build fails.
    held = _HeldWarnings()
    documents_log = logging.getLogger("eig_qa.ingest.documents")
    documents_log.addHandler(held)
    documents_log.propagate = False
    try:
        report = build_index(settings, embedder, force=args.force, progress=True)
    except BaseException:
        held.show()
        raise
    finally:
        documents_log.removeHandler(held)
        documents_log.propagate = True
    if not report.built:
        print(f"L'index de {settings.index_dir} est à jour ; --force pour le reconstruire.")
        return 0
    for problem in report.problems:
        print(f"  fichier {'ignoré' if problem.skipped else 'lu partiellement'} : {problem.source} — {problem.reason}")
    skipped = sum(problem.skipped for problem in report.problems)
    print(
        f"Index construit dans {settings.index_dir} : {report.documents} documents, {report.pages} pages de PDF, "
        f"{report.sections} sections, {report.passages} passages ({report.embedded} nouveaux embeddings), "
        f"{skipped} fichier(s) ignoré(s), {format_number(round(report.seconds, 1))} s."
    )
    # The corpus's own answer scorer is trained now rather than at the first question (answer/corpus_scorer.py).
    from eig_qa.assistant import Assistant

    print(f"Classement des réponses : {Assistant.open(settings, build=False, embedder=embedder).scorer.trained_on}.")
    return 0


class _HeldWarnings(logging.Handler):
    """Keeps log records back, to print them only if they are the only report the user will get."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def show(self) -> None:
        for record in self.records:
            print(f"{record.levelname} {record.getMessage()}", file=sys.stderr)
        self.records.clear()


@dataclass(frozen=True)
class NotAQuestion:
    """An input line that cannot be a question (a JSON value without a "question" text), with the reason."""

    line: str
    message: str


_JSON_HINT = 'écrivez la question en texte, ou en JSON sous la forme {"question": "…"}.'
NO_QUESTION_FIELD = f"Cette ligne JSON ne contient pas de question : {_JSON_HINT}"
BROKEN_JSON = f"Cette ligne JSON est mal formée : {_JSON_HINT}"


def _question_of_line(line: str) -> str | NotAQuestion:
    """A line of text is a question; a JSON object gives its "question" text, a JSON string its text."""
    stripped = line.strip()
    if not stripped.startswith(("{", "[", '"')):
        return line
    try:
        value = json.loads(stripped)
    except ValueError:
        # "[EIG 4] date limite ?" is a question; a line opening with "{" is meant as JSON.
        return NotAQuestion(line, BROKEN_JSON) if stripped.startswith("{") else line
    if isinstance(value, dict):
        value = value.get("question")
    return value if isinstance(value, str) else NotAQuestion(line, NO_QUESTION_FIELD)


def _questions_from_stdin() -> Iterator[str | NotAQuestion]:
    """Yield one question per input line; undecodable bytes are replaced, JSON lines give their "question"."""
    for raw in sys.stdin.buffer:
        yield _question_of_line(raw.decode("utf-8", errors="replace").rstrip("\r\n"))


def _json_line(payload: dict) -> str:
    """One line of JSON, whatever the texts hold: no raw line separator, no lone surrogate."""
    text = json.dumps(payload, ensure_ascii=False)
    for separator, escaped in _LINE_SEPARATORS.items():
        text = text.replace(separator, escaped)
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _answer_one(assistant, question: str | NotAQuestion, k: int | None, history: list[str]):
    """The answer to one input line; a failure becomes an answer of kind "invalid" or "error", never an exit."""
    from eig_qa.answer.answering import Answer
    from eig_qa.config import MAX_QUESTION_CHARS

    if isinstance(question, NotAQuestion):
        return Answer(question.line[:MAX_QUESTION_CHARS], question.message, False, [], [], kind="invalid")
    try:
        return assistant.ask(question, k=k, history=history)
    except Exception as error:  # one bad question must not stop the questions after it
        log.debug("question en échec", exc_info=True)
        return Answer(question[:MAX_QUESTION_CHARS], user_message(error), False, [], [], kind="error")


def _ask(args: argparse.Namespace) -> int:
    from eig_qa.assistant import Assistant

    assistant = Assistant.open(progress=True)
    questions = [args.question] if args.question is not None else _questions_from_stdin()
    history: list[str] = []
    for question in questions:
        answer = _answer_one(assistant, question, args.k, history)
        if args.conversation and isinstance(question, str):
            history.append(question)
        if args.json:
            print(_json_line(answer.to_json()), flush=True)
        else:
            print(format_answer(answer), flush=True)
    return 0


def format_answer(answer) -> str:
    """Readable text of an answer: short answer, confidence, figures, then cited passages with the answering sentence
    marked."""
    from eig_qa.answer.answering import confidence_caption
    from eig_qa.app.formatting import with_unit

    lines = [f"Question : {answer.question}"]
    if answer.understood_as:
        lines.append(f"Comprise comme : {answer.understood_as}")
    lines += ["", answer.text]
    caption = confidence_caption(answer)
    if caption:
        lines.append(caption)
    if answer.notice:
        lines += ["", f"Note : {answer.notice}"]
    if answer.figures:
        lines += ["", "Chiffres clés :"]
        lines += [f"  • {figure.label} : {with_unit(figure.value, figure.unit)} ({figure.scope})"
                  for figure in answer.figures]
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
    from eig_qa.tuning import with_overrides

    tuning = with_overrides(args.overrides)  # checked before the model loads
    return run_evaluation(args.files, as_json=args.json, k=args.k, tuning=tuning)


def _train(args: argparse.Namespace) -> int:
    from eig_qa.evaluation import run_training
    from eig_qa.tuning import with_overrides

    return run_training(args.files, args.output, with_overrides(args.overrides))


def _tuning(args: argparse.Namespace) -> int:
    from eig_qa.tuning import describe, with_overrides

    print("Constantes de réglage (la raison de chaque valeur est écrite dans eig_qa/tuning.py) :")
    print(describe(with_overrides(args.overrides)))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from eig_qa.bench import run_bench

    return run_bench(models=[m.strip() for m in args.models.split(",") if m.strip()] if args.models else None)


def _figures(args: argparse.Namespace) -> int:
    from eig_qa.app.formatting import with_unit
    from eig_qa.config import load_settings
    from eig_qa.figures.data import load_structured_data
    from eig_qa.figures.engine import catalogue

    data = load_structured_data(load_settings().corpus_dir)
    if data is None:
        print("Ce corpus n'a pas de données structurées (data/defis.yml, personnes.yml, promos.yml).")
        return 0
    figures = catalogue(data)
    if args.json:
        print(json.dumps([figure.to_dict() for figure in figures], ensure_ascii=False, indent=1))
        return 0
    for figure in figures:  # French numbers ("77,8 %"); the JSON above keeps them numeric
        print(f"{figure.label} : {with_unit(figure.value, figure.unit)}")
        print(f"    {figure.scope} — {figure.computation} [{figure.source}]")
    return 0


_COMMANDS = {"index": _index, "ask": _ask, "eval": _eval, "train-scorer": _train, "tuning": _tuning, "bench": _bench,
             "figures": _figures}
