"""French text folding shared by every stage: case, accents, ligatures and apostrophes, for matching only."""

from __future__ import annotations

import unicodedata

# Typographic apostrophes and ligatures as people type them on a keyboard.
_PLAIN = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "œ": "oe", "æ": "ae", "Œ": "OE", "Æ": "AE"})


def plain_apostrophes(text: str) -> str:
    """Typographic apostrophes and the œ/æ ligatures written the keyboard way ("l’œuvre" → "l'oeuvre")."""
    return text.translate(_PLAIN)


def fold_accents(text: str) -> str:
    """Lowercase and strip diacritics ("Défi" → "defi")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold_in_place(text: str) -> str:
    """Lowercase without accents and with plain apostrophes, one character per character, so offsets still apply."""
    return "".join(unicodedata.normalize("NFKD", char.lower())[:1] or char for char in text.replace("’", "'"))
