"""Recognise what a French question names: promotions, défis, administrations, cities, skills, subjects."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz, process

from eig_qa.figures.data import StructuredData, clean, fold
from eig_qa.french import ORDINAL_SUFFIX, YEAR, number_words, ordinal_words

_PROMO = r"promo(?:tion)?s?"
_ORDINAL_WORDS = {word: str(rank) for word, rank in ordinal_words(1, 6).items()}
_NUMBER_WORDS = number_words(6, 12)  # months of a défi

_PROMOTION_SPAN = re.compile(rf"\b(?:{_PROMO} (?:eig ?)?|eig ?)([1-9]) (a|au|et) (?:{_PROMO} )?(?:eig ?)?([1-9])\b")
_PROMOTION_NUMBER = re.compile(rf"\b(?:{_PROMO} (?:eig ?)?(?:n |no |numero )?|eig ?)([1-9])\b")
_PROMOTION_ORDINAL = re.compile(rf"\b(?:(\d){ORDINAL_SUFFIX}|({'|'.join(_ORDINAL_WORDS)})) {_PROMO}\b")
_PROMOTION_YEAR = re.compile(rf"\b{_PROMO} (?:de |d |eig )?({YEAR})\b")
_COUNT_WORDS = number_words(2, 4)  # "les trois premières promotions"
_FIRST_PROMOTIONS = re.compile(rf"\b({'|'.join(_COUNT_WORDS)}) premieres? {_PROMO}\b")
_WORD_NUMBERS = {word: str(value) for word, value in number_words(1, 6).items()}  # "promo trois"
_PROMOTION_WORD = re.compile(rf"\b{_PROMO} (?:eig )?({'|'.join(_WORD_NUMBERS)})\b")
# "DIG compris", "y compris les DIG": every promotion, no filter.
_DIG_INCLUDED = re.compile(
    r"\b(?:y compris|inclus|incluant|en comptant) (?:les |des )?(?:defis |designers )?dig\b|\bdig (?:compris|inclus)\b"
)
_NO_DIG = re.compile(r"\b(?:hors|sans|excluant|exclus?|sauf|excepte)\b(?: \w+){0,3}? dig\b")
_EIG_AND_DIG = re.compile(
    r"\b(?:eig|entrepreneurs? d interet general)\b(?! ?\d)(?: \w+){0,3}? (?:ou|et) (?:\w+ ){0,3}?dig\b"
)
_DIG = re.compile(r"\bdesign(?:er|euse)s? (?:dig|d interet general)\b|\bdig\b")
_YEAR = re.compile(rf"\b({YEAR})\b")
_DURATION = re.compile(rf"\b(\d+|{'|'.join(_NUMBER_WORDS)}) mois\b|\b(un an|une annee)\b")
# The programme's hosts are context, not the administration asked about.
_PROGRAMME_HOST = re.compile(r"(\b(?:programme|dispositif)\b(?: \w+){0,4}?) (?:etalab|dinum)\b")

_SOURCE_CODE = (
    r"codes? sources?|open ?source|logiciels? libres?|codes? ouverts?|github|gitlab|(?:leur|son|le|du) code(?! postal)"
)
_SKILLS = {
    "datascience": r"data ?science|science des donnees",
    "dataengineering": r"data ?engineering|ingenierie (?:des|de) donnees",
    "geomatique": r"geomatique",
    "design": r"design",
    "dev": r"developpement(?! durable)|competences? (?:en )?dev|(?:du|au|le|en) dev",
}
_PROFILES = {
    "développeur": r"developpeu(?:r|se)s?|devs?",
    "data scientist": r"data ?scientists?",
    "designer": r"design(?:er|euse)s?",
    "data engineer": r"data ?engineers?",
}
_SUBJECTS = {
    "defis": r"defis?|projets?",
    "eig": r"eigs?|entrepreneurs?|talents?|personnes?|participants?|laureats?|" + "|".join(_PROFILES.values()),
    "mentors": r"mentors?",
    "administrations": r"administrations?|structures?|institutions?|porteurs?",
    "ministries": r"ministeres?",
    "promotions": _PROMO,
    "years": r"annees?",
    "skills": r"competences?|skills?|expertises?",
    "profiles": r"profils?|metiers?",
    "cities": r"villes?",
    "duration": r"durees?|temps",
    "source": _SOURCE_CODE,
}
_SUBJECT = re.compile("|".join(rf"(?P<{key}>\b(?:{pattern})\b)" for key, pattern in _SUBJECTS.items()))
_COUNT = re.compile(r"\b(?:combien|nombre|nb|total|effectifs?)\b")
_SHARE = re.compile(r"\b(?:part|pourcentage|proportion|taux|ratio)\b|%")
_RANKING = re.compile(r"\b(?:les? plus|les? moins|majoritairement|principa(?:l|le|les|ux)|classement|top)\b")
_ASK = re.compile(
    r"\b(?:quel|quelle|quels|quelles|lequel|laquelle|lesquels|lesquelles|liste[rz]?|citer|citez|nommer|qui)\b"
)
_PER = re.compile(r"\b(?:par|selon|chaque)\b")
_BREAKDOWN = re.compile(r"\b(?:par|selon|chaque|repartition)\b")
_OF = re.compile(r"\b(?:de|d|des|du)$")
_DIRECTORY = re.compile(r"\b(?:annuaire|communaute|repertoire|referencees?|fiches?)\b")

_ASPECTS = {
    "administration": r"administrations?|ministeres?|portes?|porteurs?|structures?|institutions?",
    "promotion": rf"{_PROMO}|annees?|quand|date|lances?",
    "team": r"equipes?|eigs?|membres|" + "|".join(_PROFILES.values()),
    "mentors": r"mentors?",
    "duration": r"durees?|dure|combien de temps|mois",
    "source_code": _SOURCE_CODE,
    "skills": r"competences?|skills?",
    "key_figures": r"chiffres? cles|chiffres?|resultats?|impacts?|bilan|indicateurs?|realisations?",
}

# Words of the rules above, to which a mistyped question word is corrected.
_KEYWORD_TEXT = """
combien nombre total effectif defis defi projets projet promotion promotions premiere deuxieme troisieme quatrieme
cinquieme sixieme designers designer designeuse designeuses developpeurs developpeur developpeuse developpeuses
mentors mentor administration administrations ministere ministeres competence competences pourcentage proportion
entrepreneurs entrepreneur personnes personne talents profils profil metiers villes ville duree source sources
science scientist scientists engineering engineer engineers geomatique quelle quelles quels repartition annee
annees distinctes interet general difference ecart moyenne moyen mediane maximum minimum binome trinome plusieurs
longtemps proportion
"""
_KEYWORDS = frozenset(_KEYWORD_TEXT.split())
# Words that carry no condition: articles, pronouns, auxiliaries and the verbs of asking for a figure.
_FILLER_TEXT = """
suivi suivis suivie suivies suit suivent encadre encadres encadrent accompagne accompagnes accompagnent
a ai as au aux avec avoir ont eu ete etait etaient est sont sera c ce ces cet cette ca d de des du en et ou la le
les l leur leurs un une il ils elle elles on y t se s qu que qui quoi quel quelle quels quelles lequel laquelle dans
sur pour par parmi entre chez sous avant apres selon d apres ne n pas plus moins tres bien tout tous toute toutes
ensemble au total total totale nb nombre combien donne donner moi me je nous vous svp merci fois chaque dont lors
pendant compte comptait comptaient comptent compter compte t mene menes menee menees mener accueilli accueillis
accueillie accueillies accueille accueillent porte portes portee portees porter participe participes participent
travaille travailles travaillent font fait faire appel mobilise mobilisent mobilises deroule deroulaient deroulent
apparait apparaissent figure figurent rattache rattaches rattachee rattachees publie publies publiee renseigne
renseignes dure durent duree lance lances eu distinct distincts distincte distinctes different differents differente
differentes programme dispositif eig entrepreneurs entrepreneur interet general generale champ champs yml fiche
fiches intra muros agent agents public publics porteur porteurs existe existent ya avait avaient mobilisant
repartition classement liste lister listez citer citez donnez indiquer sont ils elles cela ceci actuellement vs
versus rapport compare comparaison ni sans le plus la plus les plus grand grande nombre souvent quand meme comme
lien national nationale
"""
FILLER = frozenset(_FILLER_TEXT.split())

_ARTICLES = frozenset(["de", "la", "le", "les", "l", "des", "du", "d", "et", "a", "au", "aux", "en", "pour", "sur"])
_ADMIN_STOPWORDS = _ARTICLES | frozenset(
    ["ministere", "ministeres", "direction", "general", "generale", "national", "nationale", "service", "services",
     "agence"]
)
_PART_SPLIT = re.compile(r",\s*| - | et (?=[A-ZÉ])")


@dataclass(frozen=True)
class Selection:
    """What a question names: promotions, year, administration, city, skill, duration, défis, trade."""

    promotions: frozenset[str] = frozenset()
    year: int | None = None
    administration: str | None = None
    city: str | None = None
    skill: str | None = None
    duration_months: int | None = None
    with_source_code: bool = False
    defis: frozenset[str] = frozenset()
    profile: str | None = None


ALL = Selection()


@dataclass(frozen=True)
class _Administration:
    display: str
    tokens: frozenset[str]
    head: str


@dataclass(frozen=True)
class _Lexicon:
    """Names to look for in questions, drawn once from the data."""

    administrations: tuple[_Administration, ...]
    acronyms: dict[str, str]
    initials: dict[str, str]
    defis: dict[str, frozenset[str]]
    guarded_aliases: frozenset[str]
    cities: dict[str, str]
    vocabulary: frozenset[str]
    promotions: frozenset[str]  # codes, years, skills, labels and profiles of the data, read once
    years: frozenset[int]
    skills: frozenset[str]
    administration_labels: frozenset[str]
    profiles: dict[str, str]


@dataclass(frozen=True)
class _Query:
    """What a question asks: its intent, what it counts and about which défis."""

    text: str
    selection: Selection
    counted: str | None = None
    asked: str | None = None
    dimension: str | None = None
    share: bool = False
    count: bool = False


def _administration_names(labels: Sequence[str]) -> tuple[tuple[_Administration, ...], dict[str, str], dict[str, str]]:
    """Split administration labels into names (with their distinctive words), acronyms and initials."""
    names, acronyms, initials = {}, {}, {}
    for label in labels:
        for part in _PART_SPLIT.split(label):
            name = clean(re.sub(r"\([^)]*\)", "", part)).strip(" ,")
            key = fold(name)
            tokens = frozenset(key.split()) - _ADMIN_STOPWORDS
            if not tokens:
                continue
            names.setdefault(key, _Administration(name, tokens, key.split()[0]))
            for acronym in re.findall(r"\(([^)]+)\)", part) + re.findall(r"\b[A-Z]{3,}\b", name):
                acronyms.setdefault(fold(acronym), name)
            letters = "".join(word[0] for word in key.split() if word not in _ARTICLES)
            if len(letters) >= 3:
                initials.setdefault(letters, name)
    return tuple(names.values()), acronyms, initials


def _defi_aliases(defis: pd.DataFrame) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Map each way of naming a défi to the défis it names; plain single words need more care."""
    aliases: dict[str, set[str]] = {}
    guarded = set()
    for name, title in zip(defis["name"], defis["title"], strict=True):
        spellings = {name, title}
        if " - " in title and any(char.isupper() for char in title.split(" - ", 1)[1]):
            spellings.add(title.split(" - ", 1)[1])  # "MI - matchID" is also "matchID"
        for spelling in spellings:
            alias = fold(spelling)
            aliases.setdefault(alias, set()).add(name)
            # "Alphabet", "Plume", "LABEL" are also ordinary words.
            if " " not in alias and not re.search(r"\d|[a-z][A-Z]", spelling):
                guarded.add(alias)
    return {alias: frozenset(names) for alias, names in aliases.items()}, frozenset(guarded)


@lru_cache(maxsize=4)
def _lexicon(data: StructuredData) -> _Lexicon:
    administrations, acronyms, initials = _administration_names(sorted(data.defis["administration"].unique()))
    defis, guarded = _defi_aliases(data.defis)
    cities = {fold(city): city for city in data.defis["city"].dropna().unique()}
    words = set(_KEYWORDS) | FILLER | {token for administration in administrations for token in administration.tokens}
    words |= {token for city in cities for token in city.split()}
    words |= {token for profile in data.people["profile"].unique() for token in fold(profile).split()}
    return _Lexicon(
        administrations, acronyms, initials, defis, guarded, cities, frozenset(words),
        frozenset(data.promotions["promotion"]), frozenset(int(year) for year in data.defis["year"]),
        frozenset(data.defi_skills["skill"]), frozenset(data.defis["administration"]),
        {fold(profile): str(profile) for profile in data.people["profile"].unique()},
    )


@functools.lru_cache(maxsize=20_000)
def _corrected(token: str, vocabulary: frozenset[str]) -> str:
    """Return the known word a mistyped token stands for, or the token itself (cached: difflib is slow)."""
    if len(token) < 5 or token.isdigit() or token in vocabulary:
        return token
    for word in difflib.get_close_matches(token, vocabulary, n=3, cutoff=0.85):
        if not (word.startswith(token) or token.startswith(word)):
            return word
        # A longer form of a known word is only its plural or feminine ("travaillé" is not "travail").
        if token in (word + "s", word + "e", word + "es"):
            return word
    return token


def _blank(text: str, match: re.Match, filler: str = " ") -> str:
    return text[: match.start()] + filler + text[match.end():]


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _promotions(text: str, data: StructuredData) -> tuple[set[str], str]:
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
        codes = (codes or set(_lexicon(data).promotions)) - {"dig"}
    return codes, _squeeze(text)


def _find_defis(text: str, capitals: set[str], lexicon: _Lexicon) -> tuple[frozenset[str], str]:
    """Return the défis named in the question (exactly, else with a typo) and the text without them."""
    hits = []
    for alias, names in lexicon.defis.items():
        for match in re.finditer(rf"\b{re.escape(alias)}\b", text):
            before = text[: match.start()].split()[-1:]
            if alias in lexicon.guarded_aliases and alias not in capitals and before not in (["defi"], ["projet"]):
                continue
            hits.append((match.start(), match.end(), names))
    kept, taken = set(), []
    # Longest names first: "EIG Link 2019" wins over "EIG Link".
    for start, end, names in sorted(hits, key=lambda hit: hit[0] - hit[1]):
        if all(end <= other_start or start >= other_end for other_start, other_end in taken):
            taken.append((start, end))
            kept |= names
    for start, end in sorted(taken, reverse=True):
        text = text[:start] + " " + text[end:]
    return frozenset(kept), _squeeze(text)


def _fuzzy_defis(text: str, lexicon: _Lexicon) -> frozenset[str]:
    """Return the défi whose long name is closest to some unknown words of the text ("Signaux Faibls")."""
    tokens = text.split()
    windows: dict[int, list[str]] = {}

    def joined(width: int) -> list[str]:
        """Runs of `width` words, spaces removed; words of the rules or administrations are not a mistyped name."""
        if width not in windows:
            runs = (tokens[i : i + width] for i in range(len(tokens) - width + 1))
            windows[width] = ["".join(run) for run in runs if not any(token in lexicon.vocabulary for token in run)]
        return windows[width]

    best, score = frozenset(), 85.0
    for alias, names in lexicon.defis.items():
        squeezed = alias.replace(" ", "")
        if len(squeezed) < 8:  # short names match ordinary words too easily ("Recrues", "recrutés")
            continue
        size = len(alias.split())
        # rapidfuzz's ratio (C code) over every run at once: the pure-Python matcher took most of a figure's time.
        match = process.extractOne(squeezed, joined(size) + joined(size + 1), scorer=fuzz.ratio, score_cutoff=score)
        if match:
            best, score = names, match[1]
    return best


def _find_administration(text: str, question: str, capitals: set[str], lexicon: _Lexicon) -> tuple[str | None, str]:
    """Return the administration named in the question, even partly or by acronym, and the text without it."""
    tokens = set(text.split())
    uppercase = {fold(word) for word in re.findall(r"\w+", question) if sum(char.isupper() for char in word) >= 2}
    found = {}
    for administration in lexicon.administrations:
        # A single distinctive word ("Culture", "budget") must be capitalised or follow its head ("ministère").
        if administration.tokens <= tokens and (
            len(administration.tokens) > 1 or administration.head in tokens or administration.tokens & capitals
        ):
            found[administration.display] = administration.tokens
    for names, written in ((lexicon.acronyms, tokens), (lexicon.initials, uppercase)):
        for acronym, display in names.items():
            if acronym in written:
                found.setdefault(display, frozenset([acronym]))
    specific = [name for name, words in found.items() if not any(words < other for other in found.values())]
    if not specific:
        return None, text
    name = max(specific, key=lambda name: len(found[name]))
    return name, _squeeze(" ".join(token for token in text.split() if token not in found[name]))


def _find_first(patterns: dict[str, str], text: str) -> str | None:
    return next((key for key, pattern in patterns.items() if re.search(rf"\b(?:{pattern})\b", text)), None)


def _subject_after(text: str, position: int, need_of: bool, window: int = 8) -> str | None:
    """Return the first subject noun within a few words after a position (after "de" when need_of)."""
    for match in _SUBJECT.finditer(text, position):
        if len(text[position : match.start()].split()) > window:
            return None
        if not need_of or _OF.search(text[: match.start()].rstrip()):
            return match.lastgroup
    return None


def _after(pattern: re.Pattern, text: str, need_of: bool, window: int = 8) -> str | None:
    """Return the subject following the first match of a pattern."""
    for match in pattern.finditer(text):
        subject = _subject_after(text, match.end(), need_of, window)
        if subject:
            return subject
    return None


def _months(text: str) -> int | None:
    match = _DURATION.search(text)
    if not match:
        return None
    return 12 if match.group(2) else int(_NUMBER_WORDS.get(match.group(1), match.group(1)))


def _parse(question: str, data: StructuredData) -> _Query | None:
    """Read the entities and the intent of a question; None when it names facts absent from the data."""
    lexicon = _lexicon(data)
    words = [_corrected(token, lexicon.vocabulary) for token in fold(question).split()]
    text = _PROGRAMME_HOST.sub(r"\1", " ".join(words))
    capitals = {_corrected(fold(w), lexicon.vocabulary) for w in re.findall(r"\w+", question) if w[0].isupper()}

    # Each entity found is taken out of the text, so that later rules do not read it twice.
    codes, text = _promotions(text, data)
    if codes - lexicon.promotions:
        return None  # a promotion the data does not cover (EIG 5, EIG 6…)
    defis, text = _find_defis(text, capitals, lexicon)
    administration, text = _find_administration(text, question, capitals, lexicon)
    year = _YEAR.search(text)
    if year and int(year.group(1)) not in lexicon.years:
        return None
    known_skills = lexicon.skills
    selection = Selection(
        promotions=frozenset(codes),
        year=int(year.group(1)) if year else None,
        administration=administration,
        city=next((city for key, city in lexicon.cities.items() if re.search(rf"\b{key}\b", text)), None),
        skill=_find_first({key: pattern for key, pattern in _SKILLS.items() if key in known_skills}, text),
        duration_months=_months(text),
        with_source_code=bool(re.search(rf"\b(?:{_SOURCE_CODE})\b", text)),
        defis=defis or _fuzzy_defis(text, lexicon),
        profile=_find_first(_PROFILES, text),
    )
    counted = (_after(pattern, text, need_of=True) for pattern in (_COUNT, _BREAKDOWN, _RANKING))
    return _Query(
        text=text,
        selection=selection,
        counted=next(filter(None, counted), None),
        asked=_after(_ASK, text, need_of=False, window=3),
        dimension=_after(_PER, text, need_of=False, window=2),
        share=bool(_SHARE.search(text)),
        count=bool(_COUNT.search(text)),
    )

