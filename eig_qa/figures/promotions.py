"""The promotions a question names: numbers, ordinals, words, spans, years and the DIG, included or not."""

from __future__ import annotations

import re

from eig_qa.figures.data import StructuredData, clean
from eig_qa.figures.lexicon import data_lexicon
from eig_qa.figures.question_words import PROMO
from eig_qa.french import ORDINAL_SUFFIX, YEAR, number_words, ordinal_words

_ORDINAL_WORDS = {word: str(rank) for word, rank in ordinal_words(1, 6).items()}
_PROMOTION_SPAN = re.compile(rf"\b(?:{PROMO} (?:eig ?)?|eig ?)([1-9]) (a|au|et) (?:{PROMO} )?(?:eig ?)?([1-9])\b")
_PROMOTION_NUMBER = re.compile(rf"\b(?:{PROMO} (?:eig ?)?(?:n |no |numero )?|eig ?)([1-9])\b")
_PROMOTION_ORDINAL = re.compile(rf"\b(?:(\d){ORDINAL_SUFFIX}|({'|'.join(_ORDINAL_WORDS)})) {PROMO}\b")
_PROMOTION_YEAR = re.compile(rf"\b{PROMO} (?:de |d |eig )?({YEAR})\b")
_COUNT_WORDS = number_words(2, 4)  # "les trois premières promotions"
_FIRST_PROMOTIONS = re.compile(rf"\b({'|'.join(_COUNT_WORDS)}) premieres? {PROMO}\b")
_WORD_NUMBERS = {word: str(value) for word, value in number_words(1, 6).items()}  # "promo trois"
_PROMOTION_WORD = re.compile(rf"\b{PROMO} (?:eig )?({'|'.join(_WORD_NUMBERS)})\b")
# "DIG compris", "y compris les DIG": every promotion, no filter.
_DIG_INCLUDED = re.compile(
    r"\b(?:y compris|inclus|incluant|en comptant) (?:les |des )?(?:defis |designers )?dig\b|\bdig (?:compris|inclus)\b"
)
_NO_DIG = re.compile(r"\b(?:hors|sans|excluant|exclus?|sauf|excepte)\b(?: \w+){0,3}? dig\b")
_EIG_AND_DIG = re.compile(
    r"\b(?:eig|entrepreneurs? d interet general)\b(?! ?\d)(?: \w+){0,3}? (?:ou|et) (?:\w+ ){0,3}?dig\b"
)
_DIG = re.compile(r"\bdesign(?:er|euse)s? (?:dig|d interet general)\b|\bdig\b")


def _blank(text: str, match: re.Match, filler: str = " ") -> str:
    return text[: match.start()] + filler + text[match.end():]


def find_promotions(text: str, data: StructuredData) -> tuple[set[str], str]:
    """Return the promotion codes named in a folded text (DIG left out when excluded) and the text without them."""
    codes: set[str] = set()
    no_dig = _NO_DIG.search(text)
    if no_dig:
        text = _blank(text, no_dig)
    for included in list(_DIG_INCLUDED.finditer(text))[::-1]:
        text = _blank(text, included)
    union = _EIG_AND_DIG.search(text)
    if union:  # "EIG ou designers DIG": both programmes, no filter
        text = _blank(text, union)
    for match in list(_PROMOTION_SPAN.finditer(text))[::-1]:
        first, last = sorted((int(match.group(1)), int(match.group(3))))
        codes |= {str(n) for n in (range(first, last + 1) if match.group(2) != "et" else (first, last))}
        text = _blank(text, match)
    for match in list(_FIRST_PROMOTIONS.finditer(text))[::-1]:
        codes |= {str(n) for n in range(1, _COUNT_WORDS[match.group(1)] + 1)}
        text = _blank(text, match)
    for match in list(_PROMOTION_WORD.finditer(text))[::-1]:  # "promo trois"
        codes.add(_WORD_NUMBERS[match.group(1)])
        text = _blank(text, match)
    for pattern in (_PROMOTION_NUMBER, _PROMOTION_ORDINAL):
        for match in list(pattern.finditer(text))[::-1]:
            codes.add(match.group(1) or _ORDINAL_WORDS[match.group(2)])
            text = _blank(text, match)
    for match in list(_PROMOTION_YEAR.finditer(text))[::-1]:
        table = data.promotions[data.promotions["year"] == int(match.group(1))]
        # "La promo 2019" is EIG 3; DIG, the same year, is named as such.
        eig = table[table["promotion"] != "dig"]
        # A year without a promotion stays as an unknown code, so that the question gets no figure.
        codes |= set((eig if not eig.empty else table)["promotion"]) or {match.group(1)}
        text = _blank(text, match)
    for match in list(_DIG.finditer(text))[::-1]:
        codes.add("dig")
        # "designers DIG" are people to count, not the designer trade of the EIG.
        text = _blank(text, match, " personnes " if match.group(0).startswith("design") else " ")
    if no_dig:
        codes = (codes or set(data_lexicon(data).promotions)) - {"dig"}
    return codes, clean(text)

