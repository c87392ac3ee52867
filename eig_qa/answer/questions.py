"""Cleaning what people type before it is searched: limits, control characters, small talk."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from eig_qa.config import MAX_QUESTION_CHARS
from eig_qa.errors import QuestionError
from eig_qa.french import fold_accents
from eig_qa.search.analyzer import words

_SMALLTALK = {
    "greeting": (r"bonjour|bonsoir|salut|coucou|hello|hi|hey|allo|yo|bjr|slt",
                 "Bonjour ! Posez-moi une question sur le programme Entrepreneurs d'intérêt général : "
                 "candidature, calendrier, défis, chiffres clés…"),
    "thanks": (r"merci|merci beaucoup|thanks|super merci|parfait merci|top merci|genial",
               "Avec plaisir ! N'hésitez pas si vous avez une autre question sur le programme EIG."),
    "bye": (r"au revoir|bonne journee|bonne soiree|a bientot|bye|ciao",
            "Au revoir, et bonne continuation !"),
    "identity": (r"qui es tu|qui etes vous|tu es qui|que sais tu faire|aide|help|comment ca marche|ca va",
                 "Je suis l'assistant documentaire du programme Entrepreneurs d'intérêt général (EIG). "
                 "Je réponds à partir des documents publics du programme, en citant mes sources, "
                 "et j'affiche les chiffres clés calculés à partir des données des défis."),
}
_SMALLTALK_PATTERNS = {
    kind: re.compile(rf"^(?:(?:{pattern})\s*)+$") for kind, (pattern, _reply) in _SMALLTALK.items()
}


CUT_NOTICE = (f"Votre question a été coupée à {MAX_QUESTION_CHARS} caractères : "
              "posez une question courte pour une réponse précise.")
# Terminal escape sequences (colours, cursor moves) pasted from a console: dropped whole, not just their ESC.
_TERMINAL_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


@dataclass(frozen=True)
class CleanQuestion:
    """A question ready to search, with a note for the user when it had to be changed."""

    text: str
    notice: str | None = None


def clean_question(raw: object) -> CleanQuestion:
    """Strip control characters, cut over-long questions, reject empty ones (QuestionError)."""
    if not isinstance(raw, str):
        raise QuestionError("La question doit être du texte.")
    text = _TERMINAL_ESCAPE.sub("", raw)
    text = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise QuestionError("La question est vide : écrivez une question, par exemple « Qui peut devenir EIG ? ».")
    notice = None
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
        notice = CUT_NOTICE
    if not words(text):
        raise QuestionError("La question ne contient aucun mot : écrivez-la avec des lettres ou des chiffres.")
    return CleanQuestion(text, notice)


def smalltalk_reply(text: str) -> str | None:
    """Return a friendly reply when the message is only a greeting, thanks or the like."""
    folded = " ".join(words(fold_accents(text)))
    for kind, pattern in _SMALLTALK_PATTERNS.items():
        if pattern.match(folded):
            return _SMALLTALK[kind][1]
    return None
