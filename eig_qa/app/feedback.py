"""Append-only store of 👍/👎 on answers, one JSON object per line."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from eig_qa.app.conversation import Turn
from eig_qa.config import PROJECT_ROOT
from eig_qa.errors import EigQaError

FEEDBACK_ENV = "EIG_QA_FEEDBACK"
DEFAULT_FEEDBACK_FILE = PROJECT_ROOT / "data" / "feedback.jsonl"  # data/ is git-ignored
THUMBS = ("down", "up")  # st.feedback("thumbs") gives 0 for 👎 and 1 for 👍
_LOCK_TIMEOUT_SECONDS = 10
# Everything a record holds: what the user gave and saw, nothing about the user or the machine.
RECORD_KEYS = ("timestamp", "rating", "question", "understood_as", "answer", "kind", "sources")
SOURCE_KEYS = ("source", "page", "url")  # each cited passage: corpus-relative file, page, public link


class FeedbackError(EigQaError):
    """The feedback could not be written."""


def feedback_path(env: Mapping[str, str] | None = None) -> Path:
    """Where feedback goes: EIG_QA_FEEDBACK (a relative path starts at the working folder), or
    data/feedback.jsonl at the project root."""
    raw = (os.environ if env is None else env).get(FEEDBACK_ENV, "").strip()
    if not raw:
        return DEFAULT_FEEDBACK_FILE
    try:
        return Path(raw).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):  # unknown "~user", link loop, NUL byte: reported when writing
        return Path(raw)


def feedback_record(turn: Turn, rating: str, now: datetime | None = None) -> dict:
    """What is kept of one rating: the question and answer the user saw, the cited sources, the time."""
    if rating not in THUMBS:
        raise ValueError(f"rating must be one of {THUMBS}, got {rating!r}")
    return {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "rating": rating,
        "question": turn.question,
        "understood_as": turn.understood_as,
        "answer": turn.answer.text,
        "kind": turn.answer.kind,
        "sources": turn.sources(),
    }


def append_feedback(record: Mapping, path: Path | None = None) -> None:
    """Append one record as a line; earlier lines are never rewritten. Raises FeedbackError."""
    path = path or feedback_path()
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The lock keeps lines from several processes whole; O_APPEND keeps each write at the end of the file.
        with FileLock(f"{path}.lock", timeout=_LOCK_TIMEOUT_SECONDS):
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                written = 0
                while written < len(line):
                    written += os.write(descriptor, line[written:])
            finally:
                os.close(descriptor)
    except (OSError, ValueError, Timeout) as error:  # ValueError: a NUL byte in the path
        raise FeedbackError(
            f"Votre avis n'a pas pu être enregistré dans {path} ({error.__class__.__name__}). "
            f"Vérifiez que ce dossier est accessible en écriture, ou choisissez un autre fichier avec {FEEDBACK_ENV}."
        ) from error
