"""French lexical analyzer for BM25: elisions split, stopwords dropped, Snowball stems, accents folded."""

from __future__ import annotations

import re

from bm25s.stopwords import STOPWORDS_FRENCH

from eig_qa.french import fold_accents, ordinal_words, stem

# Bump when analyze() changes: indexes built with another version are stale.
ANALYZER_VERSION = 6

# Question words and fillers that carry no topic in a question.
_QUESTION_WORDS = {
    "combien", "comment", "pourquoi", "quand", "quel", "quelle", "quels", "quelles", "lequel", "laquelle",
    "lesquels", "lesquelles", "est-ce", "ce", "cela", "ca", "qui", "que", "quoi", "dont", "ou", "y", "a",
    "il", "ils", "elle", "elles", "on", "nous", "vous", "je", "tu", "t", "faut", "peut", "peuvent",
}
# Adverbs and function words that carry no topic; bm25s's French list keeps them (Lucene's drops most of them).
_FUNCTION_WORDS = {
    "plus", "moins", "beaucoup", "tres", "vraiment", "aussi", "bien", "comme", "tout", "tous", "toute", "toutes",
    "si", "encore", "deja", "toujours", "souvent", "peu", "trop", "assez", "ainsi", "donc", "alors", "etc",
    "chaque", "leurs", "etre", "avoir", "fait", "faire", "fois", "afin", "car", "cependant", "ceci", "celle",
    "celles", "celui", "ceux", "chez", "lorsque", "puisque", "sans", "sous", "vers", "voici", "voila",
    "concretement", "exactement", "notamment",
}
_ELISION = re.compile(r"\b(?:l|d|j|qu|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu|presqu)['’‘`]", re.IGNORECASE)
# French thousands are written with (non-breaking) spaces: "4 000" must match "4000".
_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})(?:[  \u202f](\d{3}))+(?![\d])")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_LETTERS_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
# "data-scientist" and "datascientist" should meet: hyphenated compounds also yield their joined form,
# but not verb-subject inversions ("ont-ils", "peut-elle", "est-ce").
_COMPOUND = re.compile(r"\b[^\W\d_]{2,}(?:-[^\W\d_]{2,})+\b")
_INVERTED_PRONOUNS = {"il", "ils", "elle", "elles", "on", "ce", "je", "tu", "nous", "vous"}
# Everyday abbreviations that the documents spell out.
_ABBREVIATIONS = {"promo": "promotion", "promos": "promotions", "dispo": "disposition", "nb": "nombre",
                  "appli": "application", "infos": "informations", "info": "information", "admin": "administration"}

# "la troisième promotion" is "la promotion 3" ("premier" and "second" are left alone: too often not a rank, and
# only words in "-ième" are looked up).
_ORDINALS = {word: str(rank) for word, rank in ordinal_words(2, 10).items()}
_RANK_SUFFIX = r"(?:ème|eme|e|ère|ere|er|re|nde|nd)"  # "3e", "1re", "2nd"
_ORDINAL_SUFFIX = re.compile(rf"(?<=\d){_RANK_SUFFIX}\b", re.IGNORECASE)


STOPWORDS = frozenset(fold_accents(word) for word in STOPWORDS_FRENCH) | _QUESTION_WORDS | _FUNCTION_WORDS


def _join_thousands(text: str) -> str:
    return _THOUSANDS.sub(lambda match: re.sub(r"\D", "", match.group(0)), text)


def words(text: str) -> list[str]:
    """Split into lowercase words: elisions removed, thousands joined, letters and digits apart ("EIG3")."""
    text = _join_thousands(_ELISION.sub(" ", text))
    text = _LETTERS_DIGITS.sub(" ", _ORDINAL_SUFFIX.sub("", text))
    text = _COMPOUND.sub(_with_joined_form, text)
    tokens = (token.lower() for token in _TOKEN.findall(text))
    return [_ABBREVIATIONS.get(token) or _ordinal(token) for token in tokens]


# A number that names a thing: right after a word, glued to it or joined by one space or hyphen ("promotion 7",
# "EIG4", "titre-3"), or a rank before one ("4e promo", "quatrième promotion"). Punctuation or a line break between
# them ("maximum)\n\n7. Enjeux", "février - 7 avril", "juin, 8 juin") makes it a list number or a date instead.
# A unit after the number makes it a quantity ("contrat 10 mois", "salaire 4000 euros"): measured (2 December),
# answers tune 0.631 -> 0.646 and false abstentions 0.077 -> 0.062, check unchanged.
_NAMED = re.compile(r"([^\W\d_]+)(?:[ \u00a0-]?)(\d{1,3})(?![\d,.]?\d)(?![ \u00a0]*(?:%|€|\$|"
                    r"(?:euros?|dollars?|jours?|semaines?|mois|ans?|ann[ée]es?|heures?|h|minutes?|km|m|ko|mo|go)\b))",
                    re.IGNORECASE)
_RANKED = re.compile(rf"\b(\d{{1,3}}){_RANK_SUFFIX}[ \u00a0]+([^\W\d_]+)", re.IGNORECASE)
_RANK_WORD = re.compile(r"\b([^\W\d_]+i[eè]me)[ \u00a0]+([^\W\d_]+)", re.IGNORECASE)


def labelled_numbers(text: str) -> frozenset[tuple[str, str]]:
    """The (term, number) pairs where a number names a thing rather than counts it: "promotion 7" gives
    ("promot", "7"), "4e promo" ("promot", "4"); quantities, dates and years ("les 10 mois", "7 juin") give none."""
    return frozenset((term, number) for term, number, _typed in labelled_mentions(text))


def labelled_mentions(text: str) -> list[tuple[str, str, str]]:
    """The labelled numbers of `labelled_numbers`, each with the words that say it, as written ("deuxième promo")."""
    found = [(match.group(1), match.group(2), match.group(0)) for match in _NAMED.finditer(text)]
    found += [(match.group(2), match.group(1), match.group(0)) for match in _RANKED.finditer(text)]
    found += [(match.group(2), _ORDINALS[fold_accents(match.group(1).lower())], match.group(0))
              for match in _RANK_WORD.finditer(text) if fold_accents(match.group(1).lower()) in _ORDINALS]
    return [(terms[0], number, typed) for word, number, typed in found if (terms := analyze(word))]


def acronym_numbers(text: str) -> frozenset[str]:
    """The numbers an acronym names ("EIG 2", "DINUM2"): an edition of what the acronym stands for, whatever the
    question calls it ("la deuxième promo")."""
    return frozenset(number for word, number in _NAMED.findall(text) if len(word) >= 2 and word.isupper())


def _ordinal(token: str) -> str:
    """"troisième" → "3"; any other token unchanged."""
    return _ORDINALS.get(fold_accents(token), token) if token.endswith(("ième", "ieme")) else token


def _with_joined_form(match: re.Match) -> str:
    compound = match.group(0)
    if compound.rsplit("-", 1)[-1].lower() in _INVERTED_PRONOUNS:
        return compound
    return f"{compound} {compound.replace('-', '')}"


def analyze(text: str) -> list[str]:
    """Turn text into BM25 terms: content words as folded stems, numbers kept as they are."""
    terms = []
    for word in words(text):
        if fold_accents(word) in STOPWORDS:
            continue
        terms.append(word if word.isdigit() else stem(word))
    return terms


def term_set(text: str) -> frozenset[str]:
    """The distinct terms of a text (a passage's are stored with it: search/passage_analysis.py)."""
    return frozenset(analyze(text))
