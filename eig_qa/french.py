"""French text helpers shared by every stage: folding (case, accents, ligatures, apostrophes) and Snowball stems, for
matching only."""

from __future__ import annotations

import functools
import unicodedata

import Stemmer

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
          "décembre")
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


# Folded number words up to twelve: questions on the programme name months (6 to 12), promotions (1 to 6) and team
# sizes in words; each place asks for the range it reads. text2num 3.1 was measured instead: it leaves "première",
# "seconde" and "deux premières" alone by default and, with threshold 0, turns every article "un"/"une" into "1".
_CARDINALS = ("un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze")
_ORDINALS = ("premiere", "deuxieme", "troisieme", "quatrieme", "cinquieme", "sixieme", "septieme", "huitieme",
             "neuvieme", "dixieme", "onzieme", "douzieme")
# "3e", "1re", "2eme" after accent folding.
ORDINAL_SUFFIX = r"(?:e|eme|ere|er|re)"
# A year as documents and questions write them (1900 to 2099).
YEAR = r"(?:19|20)\d\d"


def number_words(low: int = 1, high: int = len(_CARDINALS)) -> dict[str, int]:
    """Folded cardinal words from low to high with their value; "une" stands beside "un"."""
    words = {}
    for value, word in enumerate(_CARDINALS, start=1):
        if low <= value <= high:
            words[word] = value
            if word == "un":
                words["une"] = 1
    return words


def ordinal_words(low: int = 1, high: int = len(_ORDINALS)) -> dict[str, int]:
    """Folded feminine ordinal words from low to high with their rank; "seconde" stands beside "deuxieme"."""
    words = {}
    for rank, word in enumerate(_ORDINALS, start=1):
        if low <= rank <= high:
            words[word] = rank
            if rank == 2:
                words["seconde"] = 2
    return words


@functools.lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the Snowball stem of one lowercase word, accents folded first: people often type without them, and
    Snowball's French rules stem "données" and "donnees", "collectivité" and "collectivite" apart."""
    return _stemmer().stemWord(fold_accents(word))
