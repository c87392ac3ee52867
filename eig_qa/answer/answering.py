"""Extractive answers: the sentences of the retrieved passages that best answer the question, or an abstention."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from eig_qa.ingest.sentences import sentence_spans
from eig_qa.search.analyzer import analyze, fold_accents, term_set, words
from eig_qa.search.retrieval import Hit, Retrieval

NOT_FOUND = "Je ne trouve pas cela dans les documents."
# When the text abstains but key figures computed from the structured data fit the question.
NOT_FOUND_FIGURES = (
    " Aucune phrase des documents ne répond directement, mais les chiffres clés ci-contre, calculés à partir des "
    "données structurées du programme, portent sur votre question."
)
OFF_TOPIC_DETAIL = (
    " Les documents ne semblent pas traiter de ce sujet ; les passages ci-dessous sont seulement les moins "
    "éloignés."
)
NOT_FOUND_DETAIL = (
    " Les passages ci-dessous sont les plus proches, mais aucun ne semble répondre à la question. "
    "Essayez de la reformuler avec d'autres mots."
)

# Question types and the cues that an answering sentence tends to carry.
_NUMBER_QUESTION = re.compile(r"\b(combien|nombre|nb|montant|pourcentage|part|proportion|taux|salaire|remuneration|"
                              r"cout|budget|duree|age|somme|prix|financement|maximum|minimum)\b")
_DATE_QUESTION = re.compile(r"\b(quand|date|annee|jour|mois|delai|calendrier|jusqu|periode|echeance)\b")
# A number that is not just a year ("500 euros", "12 défis", "41%"), and dates or deadline wording.
_NUMBER = re.compile(r"(?<![\d,.])(?!(?:19|20)\d\d\b)\d+")
_YEAR_QUESTION = re.compile(r"\b(annee|quand|depuis quand)\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTHS = r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
_DATE = re.compile(rf"\b({_MONTHS}|jusqu(?:'|’)?au|avant le|au plus tard)\b")
_MONEY_QUESTION = re.compile(r"\b(financement|montant|salaire|remuneration|cout|budget|prix|somme|subvention)\b")
_MONEY = re.compile(r"\d\s*(?:€|euros?|k€|m€|\$|dollars?|millions? d|milliards? d)|[$€]\s*\d")
# What a question counts ("combien de dossiers", "nombre d'EIG", "combien coûte le goûter"): the first word after.
# Adjectives before the noun ("combien d'anciens EIG") are skipped.
_COUNTED = re.compile(r"\b(?:(?P<of>combien|nombre)\s+d(?:e\s+|['’]\s*)|combien\s+coute(?:nt)?\s+"
                      r"(?:les?\s+|la\s+|une?\s+|l['’]\s*)?)"
                      r"(?:(?:anciens?|anciennes?|nouveaux|nouvelles?|autres?|premi[e]re?s?|derni[e]re?s?|"
                      r"differente?s|grande?s|petite?s|vrais|vraies)\s+)?(?P<word>[^\W\d_]+)")
# Narrower than _MONEY_QUESTION: a question on "financement" or "subvention" may ask who or how, not how much.
_AMOUNT_QUESTION = re.compile(r"\b(budget|montant|cout|coute|coutent|prix|tarif|salaire|remuneration|paie|paye)\b")
_YEARS_WORDS = "ans années"
_TIME_UNIT = r"(?:jours?|semaines?|mois|ans?|annees?|heures?)"
_DURATION = re.compile(rf"\b{_TIME_UNIT}\b")
_UNIT_NEXT = re.compile(rf"\s*{_TIME_UNIT}\b")
# A count in a sentence: a number that is neither a year, a rank ("5e", "article 1"), a day of a date ("2 mai")
# nor a time ("23h59"), or a French number or share word.
_COUNT = re.compile(r"(?<![\w,.])(?<!article )(?<!annexe )(?<!etape )(?<!page )(?<!p\. )(?!(?:19|20)\d\d\b)"
                    r"(?P<digits>\d+(?:[  \u202f]\d{3})*(?:[,.]\d+)?)(?!\d)"
                    rf"(?!(?:e|eme|er|ere|re|nde?)\b|(?:er)?\s*(?:{_MONTHS}|h\d|h\b))"
                    r"|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|"
                    r"cinquante|soixante|cent|cents|mille|dizaines?|vingtaines?|trentaines?|centaines?|milliers?|"
                    r"moitie|tiers|quarts?|plusieurs|aucune?|majorite|minorite)\b")
_DAY = rf"(?:le\s+)?(?:\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+)?"
_YEAR_RANGE = re.compile(rf"\b(?:entre|de|du|depuis)\s+{_DAY}(?P<first>(?:19|20)\d\d)\s+"
                         rf"(?:et|a|au|jusqu['’]au)\s+{_DAY}(?P<last>(?:19|20)\d\d)\b")
_CAPITALISED = r"[A-ZÀ-Ý][^\W_]*(?:-[^\W_]+)*"
_MULTIWORD_NAME = re.compile(rf"\b(?!(?:Le|La|Les|Un|Une|Ce|Cette|Ces)\b){_CAPITALISED}"
                             rf"(?:\s+(?:(?:for|of|de|du|des|la|le)\s+)?(?:d['’]|l['’])?{_CAPITALISED})+")
_NAME_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
Name = tuple[str, ...]  # the folded words of a name
# The IDF weight (see term_weights) of a term found in about a tenth of the passages or more.
_CENTRAL_WEIGHT = math.log(11)
_LONG_SENTENCE = 350
_LIST_ITEM = re.compile(r"^(?:[-–•▪*]\s|\d{1,2}[.)]\s)")
_MAX_LIST_ITEMS = 8

@dataclass(frozen=True)
class Highlight:
    """A sentence of a retrieved passage that answers, by its position in the hit list and its offsets."""

    hit_index: int
    start: int
    end: int
    text: str
    score: float
    coverage: float = 0.0  # share of the question's IDF mass in the sentence, its heading and previous sentence
    fits: bool = True  # holds what the question asks for: its numbers, what it counts, an amount (see Expectation)


@dataclass(frozen=True)
class AbstentionRule:
    """When to say "je ne trouve pas": the best sentence does not fit the question (another number than the
    question's, no count of what it counts, no amount when it asks for one, another entity of the same name:
    see Expectation); or it holds
    hardly any word of the question, even with its context; or the best passages do not stand out from the corpus,
    neither by meaning nor by words (query-performance prediction; thresholds measured on the dev questions of two
    corpora, README); or the question lies far from what the corpus is about, compared with its own document
    titles. No absolute similarity threshold: cosines differ from one embedding model to another."""

    min_coverage: float = 0.1
    min_dense_standout: float = 0.64
    min_lexical_standout: float = 1.6
    # Spreads below the document titles' mean similarity to the corpus (topicality.py): 2, the usual outlier bound;
    # measured (README): the answerable dev questions of both corpora stay above -1.1.
    min_topicality: float = -2.0

    def off_topic(self, retrieval: Retrieval) -> bool:
        """Whether the question lies far from everything the corpus is about."""
        return retrieval.topicality is not None and retrieval.topicality < self.min_topicality

    def should_abstain(self, best: Highlight | None, retrieval: Retrieval, central: bool = False) -> bool:
        """Decide from the best sentence and the retrieval's signals; `central` tells that every word of the
        question is common in the corpus ("Qu'est-ce que le programme EIG ?"): no passage stands out for such a
        question, yet it is about what the corpus is about."""
        if best is None or not best.fits or self.off_topic(retrieval):
            return True
        if best.coverage < self.min_coverage:
            return True
        return (not central and retrieval.dense_standout < self.min_dense_standout
                and retrieval.lexical_standout < self.min_lexical_standout)


@dataclass(frozen=True)
class Expectation:
    """What a sentence must hold to answer a question, beyond its words: the question's numbers ("promotion 4",
    "2019"), a count of the thing it counts ("combien de dossiers" → "112 dossiers", or a duration for "combien de
    temps"), an amount of money when it asks for one; and it must not be about a sibling of a name of the question
    ("Code for Canada" for "Code for Australia")."""

    numbers: frozenset[str] = frozenset()
    counted: frozenset[str] = frozenset()
    duration: bool = False
    amount: bool = False
    names: tuple[Name, ...] = ()

    def met_by(self, sentence_folded: str, terms: frozenset[str], context: frozenset[str],
               nearby: frozenset[str] = frozenset(), names_so_far: Sequence[Name] = (),
               names_in_sentence: Sequence[Name] = ()) -> bool:
        """Whether a sentence (folded text, its terms, the terms of its title and heading, those of the sentences
        around it, the names of its heading and of its passage up to its end, in order, and its own names) fits."""
        # A number may stand in the title or heading ("promotion 4"), a neighbouring sentence may be about another.
        found = terms | context
        if not self.numbers <= found and not self.numbers <= found | _years_in_ranges(sentence_folded):
            return False
        if any(_about_a_sibling(name, names_so_far, names_in_sentence) for name in self.names):
            return False
        # The count must be in the sentence; what it counts may be named just before ("des gestes … : entre 50 et 60").
        if self.counted and not (self._names_counted(terms | nearby) and self._has_count(sentence_folded)):
            return False
        if self.duration and not _DURATION.search(sentence_folded):
            return False
        return not self.amount or bool(_MONEY.search(sentence_folded))

    def _names_counted(self, terms: frozenset[str]) -> bool:
        """Whether the terms name what is counted, or a word derived from it ("gestes" → "gestuelles")."""
        if self.counted & terms:
            return True
        return any(term.startswith(counted) for counted in self.counted if len(counted) >= 4 for term in terms)

    def _has_count(self, sentence_folded: str) -> bool:
        """A count other than the question's own numbers ("la 5e promotion" does not say how many candidatures),
        and not a duration ("pendant 10 mois" does not say how many EIG) unless time is what is counted."""
        counts_time = bool(self.counted & _time_terms())
        text = _LIST_ITEM.sub("", sentence_folded.lstrip(), count=1)
        for match in _COUNT.finditer(text):
            digits = match.group("digits")
            if digits is not None and re.sub(r"\D", "", digits) in self.numbers:
                continue
            if not counts_time and _UNIT_NEXT.match(text, match.end()):
                continue
            return True
        return False


@functools.cache
def _time_terms() -> frozenset[str]:
    """The terms of the units of time ("mois", "an", "heur"…)."""
    return term_set("jour jours semaine semaines mois an ans année années heure heures")


def expectation(question: str) -> Expectation:
    """Read from the question what its answer must hold."""
    folded = fold_accents(question)
    numbers = frozenset(term for term in analyze(question) if term.isdigit())
    counted = _COUNTED.search(folded)
    word = counted.group("word") if counted else ""
    if word == "temps":
        return Expectation(numbers, duration=True)
    if word in ("fois", "plus", "moins"):
        counted_terms = frozenset()
    else:  # "combien d'années" is answered in "ans" as well
        counted_terms = term_set(_YEARS_WORDS if word in ("an", "ans", "annee", "annees") else word)
    # "combien de mois de salaire" counts months; "combien coûte le goûter" and "quel budget" ask for an amount.
    amount = not (counted and counted.group("of")) and bool(_AMOUNT_QUESTION.search(folded))
    return Expectation(numbers, counted_terms, amount=amount, names=multiword_names(question))


def multiword_names(text: str) -> tuple[Name, ...]:
    """Names of two capitalised words or more ("Code for Canada", "Ministère de l'Intérieur"), as folded words, in
    order."""
    return tuple(name for _end, name in _names_with_ends(text))


@functools.lru_cache(maxsize=50_000)
def _names_with_ends(text: str) -> tuple[tuple[int, Name], ...]:
    """Multi-word names with the offset where each ends; cached because the same passages and sentences come back
    across questions."""
    return tuple((match.end(), tuple(_NAME_WORD.findall(fold_accents(match.group(0)))))
                 for match in _MULTIWORD_NAME.finditer(text))


def _years_in_ranges(sentence_folded: str) -> frozenset[str]:
    """The years inside the spans of years a sentence gives ("entre le 1er janvier 2004 et le 31 décembre 2013")."""
    years = set()
    for match in _YEAR_RANGE.finditer(sentence_folded):
        first, last = int(match.group("first")), int(match.group("last"))
        if 0 <= last - first <= 100:
            years.update(str(year) for year in range(first, last + 1))
    return frozenset(years)


def _about_a_sibling(name: Name, names_so_far: Sequence[Name], in_sentence: Sequence[Name]) -> bool:
    """Whether a sentence that does not name the question's `name` is about a sibling of it: the last name with
    the same first word before it ends is another ("Code for Canada" for "Code for Australia")."""
    if name in in_sentence:
        return False
    siblings = [other for other in names_so_far if other[0] == name[0]]
    return bool(siblings) and siblings[-1] != name


def question_terms(question: str) -> list[str]:
    """Distinct analyzed terms of a question, in order."""
    return list(dict.fromkeys(analyze(question)))


def term_weights(terms: Sequence[str], document_frequency: Mapping[str, int], total: int) -> dict[str, float]:
    """IDF weight of each term; unknown terms count as rare."""
    return {term: math.log(1 + (total + 1) / (document_frequency.get(term, 0) + 1)) for term in terms}


def coverage(sentence_terms: set[str], weights: Mapping[str, float]) -> float:
    """Share of the question's IDF mass present in a sentence."""
    total = sum(weights.values())
    if total == 0:
        return 0.0
    return sum(weight for term, weight in weights.items() if term in sentence_terms) / total


def _type_bonus(question_folded: str, sentence_folded: str) -> float:
    """Favour sentences carrying what the question asks for: a number, a date or year, an amount."""
    def cue(question_pattern: re.Pattern, sentence_pattern: re.Pattern) -> bool:
        return bool(question_pattern.search(question_folded) and sentence_pattern.search(sentence_folded))

    dated = cue(_DATE_QUESTION, _DATE) or cue(_YEAR_QUESTION, _YEAR)
    return 0.15 * (cue(_NUMBER_QUESTION, _NUMBER) + dated + cue(_MONEY_QUESTION, _MONEY))


def _sentence_score(own: float, with_context: float, sentence: str, bonus: float) -> float:
    """Own coverage counts most; context (heading, previous sentence) supplies the subject; long and
    interrogative sentences are rarely the answer."""
    value = 0.6 * own + 0.4 * with_context + bonus
    if len(sentence) > _LONG_SENTENCE:
        value *= (_LONG_SENTENCE / len(sentence)) ** 0.5
    if sentence.rstrip().endswith("?"):
        value *= 0.3
    return value


@functools.lru_cache(maxsize=50_000)
def _folded_if_long_enough(sentence: str) -> str | None:
    """The folded sentence, or None for fragments of fewer than three words (headings, page numbers); cached
    because the same passages come back across questions."""
    return fold_accents(sentence) if len(words(sentence)) >= 3 else None


@functools.lru_cache(maxsize=20_000)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The sentence offsets of a passage; cached because the same passages come back across questions."""
    return tuple(sentence_spans(text))


def score_sentences(question: str, hits: Sequence[Hit], weights: Mapping[str, float]) -> list[Highlight]:
    """Score every sentence of the hits against the question, best first."""
    question_folded = fold_accents(question)
    expected = expectation(question)
    top_score = max((hit.score for hit in hits), default=1.0) or 1.0
    scored = []
    for hit_index, hit in enumerate(hits):
        text = hit.passage.text
        # What the whole passage is about: its title, heading and year ("2018" for a post of March 2018).
        context = term_set(f"{hit.passage.title} {hit.passage.heading or ''} {(hit.passage.date or '')[:4]}")
        spans = _sentence_spans(text)
        heading_names = multiword_names(hit.passage.heading or "")
        sentence_terms = [term_set(text[start:end]) for start, end in spans]
        for position, (start, end) in enumerate(spans):
            sentence = text[start:end]
            terms = sentence_terms[position]
            # The subject is often named in the sentence before or after the one that answers.
            neighbours = sentence_terms[max(0, position - 1) : position + 2]
            surroundings = context.union(*neighbours)
            sentence_folded = _folded_if_long_enough(sentence)
            if sentence_folded is None:
                continue
            bonus = _type_bonus(question_folded, sentence_folded)
            context_coverage = coverage(surroundings, weights)
            value = _sentence_score(coverage(terms, weights), context_coverage, sentence, bonus)
            # An earlier sentence or the heading names what the sentence is about ("Code for Canada fonctionnait …
            # La province a versé …").
            names_so_far = heading_names + tuple(name for name_end, name in _names_with_ends(text)
                                                 if name_end <= end) if expected.names else ()
            fits = expected.met_by(sentence_folded, terms, context, frozenset().union(*neighbours), names_so_far,
                                   multiword_names(sentence) if expected.names else ())
            if not fits:
                value *= 0.4
            value += 0.1 * hit.score / top_score  # the retriever's confidence in the passage
            scored.append(Highlight(hit_index, start, end, sentence, round(value, 4), context_coverage, fits))
    return sorted(scored, key=lambda item: -item.score)


def select_highlights(scored: Sequence[Highlight], limit: int = 3, ratio: float = 0.7) -> list[Highlight]:
    """Keep the best sentence and, up to `limit`, the next ones scoring close to it."""
    if not scored:
        return []
    chosen = [scored[0]]
    for candidate in scored[1:]:
        if len(chosen) >= limit or candidate.score < ratio * scored[0].score:
            break
        if all(candidate.text != kept.text for kept in chosen):
            chosen.append(candidate)
    return chosen


@dataclass(frozen=True)
class Answer:
    """What the assistant says to one question: short answer, cited passages, key figures."""

    question: str
    text: str
    abstained: bool
    hits: list[Hit]
    highlights: list[Highlight]
    figures: list = field(default_factory=list)  # list[Figure], filled by the assistant
    kind: str = "answer"  # answer | abstention | smalltalk | invalid
    notice: str | None = None
    understood_as: str | None = None

    def to_json(self) -> dict:
        """The public JSON shape of `ask --json` (fields are only ever added)."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "passages": [
                {
                    "source": hit.passage.source,
                    "page": hit.passage.page,
                    "title": hit.passage.title,
                    "date": hit.passage.date,
                    "kind": hit.passage.kind,
                    "url": hit.passage.url,
                    "text": hit.passage.text,
                    "score": round(hit.score, 6),
                }
                for hit in self.hits
            ],
            "figures": [figure.to_dict() for figure in self.figures],
            "kind": self.kind,
            "highlights": [
                {"passage": item.hit_index, "start": item.start, "end": item.end, "text": item.text}
                for item in self.highlights
            ],
            "notice": self.notice,
            "understood_as": self.understood_as,
        }


def build_answer(question: str, retrieval: Retrieval, weights: Mapping[str, float],
                 rule: AbstentionRule = AbstentionRule(), scored: Sequence[Highlight] | None = None) -> Answer:
    """Extract the answering sentences from the retrieved passages, or abstain when they do not answer;
    `scored` gives the hits' sentences already scored (best first), e.g. by the reranker."""
    hits = retrieval.hits
    scored = score_sentences(question, hits, weights) if scored is None else scored
    central = bool(weights) and max(weights.values()) <= _CENTRAL_WEIGHT
    if rule.should_abstain(scored[0] if scored else None, retrieval, central):
        detail = OFF_TOPIC_DETAIL if rule.off_topic(retrieval) else NOT_FOUND_DETAIL
        return Answer(question, NOT_FOUND + detail, True, hits, [], kind="abstention")
    highlights = [item for chosen in select_highlights(scored) for item in _with_list_items(chosen, hits)]
    text = " ".join(item.text for item in highlights) if highlights else hits[0].passage.text[:300]
    return Answer(question, text, False, hits, highlights)


def _with_list_items(chosen: Highlight, hits: Sequence[Hit]) -> list[Highlight]:
    """A sentence that announces a list ("les 6 facteurs : …") answers with the items that follow it: the lines
    of the same paragraph after a colon, or the numbered or bulleted items that come next."""
    text = hits[chosen.hit_index].passage.text
    announces = chosen.text.rstrip().endswith(":")
    if not announces and not _LIST_ITEM.match(_next_text(chosen, hits)):
        return [chosen]
    items = [chosen]
    previous_end = chosen.end
    for start, end in sentence_spans(text[chosen.end :]):
        start, end = chosen.end + start, chosen.end + end
        item = text[start:end]
        # The list may start after a blank line, but a later blank line ends it.
        in_list = len(items) == 1 or "\n\n" not in text[previous_end:start]
        if len(items) > _MAX_LIST_ITEMS or not (_LIST_ITEM.match(item) or (announces and in_list)):
            break
        items.append(Highlight(chosen.hit_index, start, end, item, chosen.score, chosen.coverage, chosen.fits))
        previous_end = end
    return items


def _next_text(chosen: Highlight, hits: Sequence[Hit]) -> str:
    return hits[chosen.hit_index].passage.text[chosen.end :].lstrip()
