"""Follow-up questions rewritten with what the previous question was about."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from eig_qa.french import ORDINAL_SUFFIX, YEAR, fold_in_place, ordinal_words

# A follow-up is short: "et pour la promotion 4 ?", "qui les portait ?".
_MAX_FOLLOW_UP_WORDS = 8

_ORDINALS = {word: str(rank) for word, rank in ordinal_words(1, 6).items()}
# Patterns run on folded text (lowercase, no accents, same length as the original).
_PROMOTION = re.compile(
    r"\b(?:promo(?:tion)?s?\s+(?:eig\s*-?\s*)?(?P<number>\d)"
    r"|eig\s*-?\s*(?P<eig>\d)"
    rf"|(?P<ordinal_number>\d)\s*{ORDINAL_SUFFIX}\s+promo(?:tion)?"
    r"|(?P<ordinal>" + "|".join(_ORDINALS) + r")\s+promo(?:tion)?"
    r"|(?:promo(?:tion)?\s+)?(?P<dig>dig))\b"
)
_YEAR = re.compile(rf"\b({YEAR})\b")
# What a question is about, with the article that goes before it in the singular.
_TOPICS = (
    (r"defis?", "le"),
    (r"entrepreneurs? d'interet general|entrepreneurs?|eigs?", "les"),
    (r"mentors?", "le"),
    (r"administrations?", "l'"),
    (r"projets?", "le"),
    (r"candidat(?:e|s|es)?", "le"),
    (r"candidatures?", "la"),
    (r"promotions?|promos?", "la"),
    (r"programmes?", "le"),
    (r"designers?|developpeu(?:r|rs|se|ses)|data ?scientists?", "le"),
    (r"personnes|laureats?|equipes?|dossiers?", "le"),
)
_TOPIC = re.compile(r"\b(?:" + "|".join(pattern for pattern, _article in _TOPICS) + r")\b")
_SUBJECT = re.compile(r"(?:(?<=\s)|^)(ils|elles)\b")
_INVERTED_SUBJECT = re.compile(r"(?:-t)?-(ils|elles|il|elle)\b")
# An object pronoun before its verb, right after a question word or a subject: "qui les portait".
_OBJECT = re.compile(r"(?:^|\b(?:qui|que|qu'|comment|ou|pourquoi|quand|on|je|nous|vous|ils|elles)\s*)"
                     r"(?P<pronoun>les\s+|la\s+|le\s+|l')(?P<verb>[^\W\d_]+)")
_AUXILIARIES = {"a", "ont", "avait", "avaient", "aura", "auront", "est", "sont", "etait", "etaient"}
# Complex inversion: a question that opens with its own noun subject repeats it as a pronoun after the verb
# ("Une collectivité territoriale peut-elle candidater ?"); that pronoun refers to nothing before.
_NOUN_SUBJECT = re.compile(r"^(?:une?|les?|la|l'|des|du|ce|cet|cette|ces|mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|"
                           r"votre|vos|leurs?|tout|toute|tous|toutes)\s*[^\W\d_]")
_OTHER_PRONOUNS = re.compile(r"\b(?:leurs?|celui|celle|ceux|celles|cela|ca)\b")
# Words that may surround the entities of a follow-up without making it a new question.
_FILLERS = {"et", "pour", "en", "dans", "de", "d", "du", "des", "la", "le", "les", "l", "a", "au", "aux", "sur",
            "chez", "avec", "quid", "alors", "ou", "celle", "celui", "ceux", "celles", "ci", "meme", "question",
            "idem", "pareil", "annee", "promotion", "promo"}
_WORD = re.compile(r"[^\W_]+")
_END = re.compile(r"[\s?!.…]*$")


@dataclass(frozen=True)
class _Span:
    kind: str  # promotion | year | name | topic
    value: str
    start: int
    end: int


def _entities(folded: str, names: Sequence[str]) -> list[_Span]:
    spans = []
    for match in _PROMOTION.finditer(folded):
        number = match["number"] or match["eig"] or match["ordinal_number"] or _ORDINALS.get(match["ordinal"] or "")
        spans.append(_Span("promotion", number or "DIG", match.start(), match.end()))
    spans += [_Span("year", match[1], match.start(), match.end()) for match in _YEAR.finditer(folded)]
    for name in names:
        for match in re.finditer(rf"(?<!\w)(?:(?:la|le|les)\s+|l')?{re.escape(name)}(?!\w)", folded):
            if not any(span.start < match.end() and match.start() < span.end for span in spans):
                spans.append(_Span("name", name, match.start(), match.end()))
    return sorted(spans, key=lambda span: span.start)


def _topics(folded: str, entities: Sequence[_Span]) -> list[_Span]:
    return [
        _Span("topic", match[0], match.start(), match.end())
        for match in _TOPIC.finditer(folded)
        if not any(span.start <= match.start() < span.end for span in entities)
    ]


def _split_end(text: str) -> tuple[str, str]:
    """Split "Combien de défis ?" into "Combien de défis" and " ?"."""
    end = _END.search(text)
    return text[: end.start()], text[end.start():]


@dataclass(frozen=True)
class _Parsed:
    text: str
    folded: str
    entities: list[_Span]
    topics: list[_Span]

    @classmethod
    def of(cls, text: str, names: Sequence[str]) -> _Parsed:
        folded = fold_in_place(text)
        entities = _entities(folded, names)
        return cls(text, folded, entities, _topics(folded, entities))

    def surface(self, span: _Span) -> str:
        return self.text[span.start : span.end]

    def subject(self) -> str | None:
        """What "ils", "les" or "leur" stand for after this question: "les défis de la promotion 3"."""
        qualifiers = [_qualifier(self.surface(span), span, "de") for span in self.entities]
        if self.topics:
            topic = self.topics[0]
            return _contract(" ".join([_with_article(self.surface(topic), topic.value), *qualifiers]))
        carriers = [span for span in self.entities if span.kind != "year"]
        if carriers:
            return _contract(" ".join(_qualifier(self.surface(span), span, "de") for span in carriers)[3:])
        return None


def _with_article(surface: str, folded: str) -> str:
    article = next(article for pattern, article in _TOPICS if re.fullmatch(pattern, folded))
    if folded.endswith("s") and not folded.startswith("entrepreneur d"):
        article = "les"
    return f"{article}{surface}" if article.endswith("'") else f"{article} {surface}"


def _qualifier(surface: str, span: _Span, preposition: str) -> str:
    """Say where an entity applies: "de la promotion 3", "en 2019", "pour Cour des comptes"."""
    if span.kind == "promotion":
        return f"{preposition} la promotion {span.value}"
    if span.kind == "year":
        return f"en {span.value}"
    return f"{preposition} {surface}"


def _contract(text: str) -> str:
    """French contractions: "de les" → "des", "de le" → "du", "de ADEX" → "d'ADEX"."""
    text = re.sub(r"\bde les\b", "des", re.sub(r"\bde le\b", "du", text))
    return re.sub(r"\bde (?=[aeiouyàâéèêîôûAEIOUYÀÂÉÈÊÎÔÛ])", "d'", text)


def _substitute(previous: _Parsed, question: _Parsed) -> str:
    """Put the entities of the follow-up in place of those of the same kind in the previous question."""
    replacements: list[tuple[_Span, str]] = []
    appended: list[str] = []
    free = list(previous.entities)
    for span in question.entities:
        match = next((old for old in free if old.kind == span.kind), None)
        if match is None:
            appended.append(_qualifier(question.surface(span), span, "pour"))
            continue
        free.remove(match)
        old_surface = previous.surface(match)
        if span.kind == "promotion" and span.value.isdigit() and re.search(r"\d", old_surface):
            new_surface = re.sub(r"\d", span.value, old_surface, count=1)
        elif span.kind == "promotion":
            new_surface = f"promotion {span.value}"
        else:
            new_surface = question.surface(span)
        replacements.append((match, new_surface))
    text = previous.text
    for span, new_surface in sorted(replacements, key=lambda item: -item[0].start):
        text = text[: span.start] + new_surface + text[span.end :]
    if appended:
        core, end = _split_end(text)
        text = " ".join([core, *appended]) + end
    return text


def _place_subject(question: _Parsed, subject: str) -> str:
    """Put the subject where the pronoun stands, or after the question when it cannot be placed."""
    core, end = _split_end(question.text)
    folded = question.folded[: len(core)]
    inverted = _INVERTED_SUBJECT.search(folded)
    if inverted:
        return f"{core[: inverted.start()]} {subject}{core[inverted.end():]}{end}"
    standalone = _SUBJECT.search(folded)
    if standalone:
        return f"{core[: standalone.start()]}{subject}{core[standalone.end():]}{end}"
    clitic = _OBJECT.search(folded)
    if clitic:
        after = clitic.end("verb")
        if clitic["verb"] in _AUXILIARIES:  # "qui les a portés" → after the participle
            participle = _WORD.search(folded, after)
            after = participle.end() if participle else after
        moved = core[: clitic.start("pronoun")] + core[clitic.end("pronoun") : after]
        return _contract(f"{moved} {subject}{core[after:]}") + end
    return f"{core} ({subject}){end}"


def _has_pronoun(folded: str) -> bool:
    return any(pattern.search(folded) for pattern in (_INVERTED_SUBJECT, _SUBJECT, _OBJECT, _OTHER_PRONOUNS))


def _rewrite(question: str, context: _Parsed | None, names: Sequence[str]) -> str:
    if context is None:
        return question
    parsed = _Parsed.of(question, names)
    words = _WORD.findall(_split_end(parsed.folded)[0])
    if not words or len(words) > _MAX_FOLLOW_UP_WORDS:
        return question
    starts_with_and = words[0] == "et"
    if parsed.entities and not parsed.topics:
        rest = "".join(char for index, char in enumerate(parsed.folded)
                       if not any(span.start <= index < span.end for span in parsed.entities))
        if starts_with_and or set(_WORD.findall(rest)) <= _FILLERS:
            return _substitute(context, parsed)
        return question
    if parsed.topics and not parsed.entities and starts_with_and and context.entities:
        core, end = _split_end(question)
        core = re.sub(r"^\s*et\s+", "", core, flags=re.IGNORECASE)
        qualifiers = [_qualifier(context.surface(span), span, "de") for span in context.entities]
        rewritten = _contract(" ".join([core, *qualifiers])) + end
        return rewritten[:1].upper() + rewritten[1:]
    subject = context.subject()
    own_subject = _NOUN_SUBJECT.match(parsed.folded) and _INVERTED_SUBJECT.search(parsed.folded)
    if not parsed.topics and not parsed.entities and subject and _has_pronoun(parsed.folded) and not own_subject:
        return _place_subject(parsed, subject)
    return question


def rewrite_follow_up(question: str, history: list[str], names: Iterable[str] = ()) -> str:
    """Rewrite a follow-up with the entities of the previous questions; other questions come back unchanged.

    `history` holds the previous user questions, oldest first; `names` are défis or administrations to recognise.
    """
    known = sorted({fold_in_place(name) for name in names if len(name.strip()) >= 3}, key=len, reverse=True)
    context: _Parsed | None = None
    for previous in history:
        parsed = _Parsed.of(_rewrite(previous, context, known), known)
        # Small talk ("merci") carries nothing: keep what the conversation was about.
        if parsed.entities or parsed.topics:
            context = parsed
    return _rewrite(question, context, known)
