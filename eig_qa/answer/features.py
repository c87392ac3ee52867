"""General features of a (question, candidate sentence) pair, read by the learned answer scorer (scorer.py)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from eig_qa.answer.expectation import (
    DATE,
    DATE_QUESTION,
    MONEY,
    MONEY_QUESTION,
    NUMBER,
    NUMBER_QUESTION,
    YEAR,
    YEAR_QUESTION,
    Expectation,
    expectation,
)
from eig_qa.french import fold_accents
from eig_qa.ingest.chunking import SentenceAnalysis
from eig_qa.search.analyzer import analyze, term_set
from eig_qa.search.passage_analysis import analysis_of, content_words
from eig_qa.search.retrieval import Hit, Retrieval
from eig_qa.tuning import TUNING, Tuning

# In this order in the weights file; a model trained on other names is refused (scorer.py).
FEATURE_NAMES = (
    "own_coverage",  # share of the question's IDF mass in the sentence
    "context_coverage",  # … in the sentence, its neighbours, title, heading and year
    "passage_coverage",  # … anywhere in the passage or its header
    "heading_coverage",  # … in the title and heading
    "missing_key",  # weight of the heaviest question term absent from the passage, over the heaviest term's
    "unknown_share",  # share of the question's IDF mass on terms no passage of the corpus holds
    "fits",  # holds what the question asks for (Expectation)
    "type_match",  # number, date or amount asked and present (0 to 3)
    "asks_type",  # the question asks for a number, a date or an amount
    "retrieval",  # fused retrieval score over the best one
    "rank",  # 1 / (1 + rank of the passage in the retrieval)
    "dense",  # question–passage cosine
    "dense_gap",  # best cosine of the hits minus this passage's
    "lexical",  # BM25 score over the best one
    "dense_standout",  # how far the best passage stands out from the corpus, by meaning (retrieval.py)
    "lexical_standout",  # … by words
    "topicality",  # how close the question is to what the corpus is about (topicality.py)
    "max_idf",  # IDF of the question's rarest term over the largest IDF possible: 0 for questions of common words
    "length",  # log of the sentence length
    "long",  # longer than 350 characters
    "interrogative",  # ends with "?"
    "letters",  # share of letters among its characters: tables of contents, figures and URLs have few
    "url",  # holds a link
    "after_question",  # follows a sentence ending with "?" in its passage (an FAQ's or interview's answer)
    "question_match",  # fuzzy similarity of the question to the passage's heading phrased as a question
)
_LONG_SENTENCE = 350
_MIN_WORDS = 3  # shorter fragments (headings, page numbers) are not answers
_COMPOUND = re.compile(r"[^\W\d_]{2,}(?:-[^\W\d_]{2,})+")
_ASKING = (NUMBER_QUESTION, DATE_QUESTION, YEAR_QUESTION, MONEY_QUESTION)


@dataclass(frozen=True)
class QuestionProfile:
    """What the features need to know about a question, computed once per question."""

    text: str
    folded: str
    weights: Mapping[str, float]  # IDF of each distinct term
    unknown: frozenset[str]  # terms no passage holds
    expected: Expectation
    content: str  # folded content words, for fuzzy matching against other questions
    max_possible_idf: float
    # Terms that say what kind of answer is wanted ("montant", "date", "temps"): answered by a figure, not repeated.
    asking: frozenset[str] = frozenset()
    content_weights: tuple[float, ...] = ()  # IDF weight of each content word (1 when it has no term)
    tuning: Tuning = TUNING  # the thresholds the answer stage reads this question with

    @classmethod
    def of(cls, question: str, document_frequency: Mapping[str, int], total: int,
           tuning: Tuning = TUNING) -> QuestionProfile:
        """Profile a question against a corpus of `total` passages."""
        terms = list(dict.fromkeys(analyze(question)))
        weights = term_weights(terms, document_frequency, total)
        folded = fold_accents(question)
        expected = expectation(question)
        cues = [match.group(0) for pattern in _ASKING for match in pattern.finditer(folded)]
        unknown = {term for term in terms
                   if not document_frequency.get(term) and not _typo(term, document_frequency, tuning)}
        # A compound the corpus never uses is unknown as a whole, though its parts may be known ("tickets-restaurant":
        # "ticket" in "ouvrir un ticket", "restaurant" elsewhere).
        for compound in _COMPOUND.findall(question):
            if set(analyze(compound.replace("-", ""))) <= unknown:
                unknown.update(analyze(compound))
        content = content_words(question)
        return cls(question, folded, weights, frozenset(unknown), expected, content, math.log(2 + total),
                   term_set(" ".join([*cues, "temps" if expected.duration else ""])),
                   tuple(sum(weights.get(term, 0.0) for term in analyze(word)) or 1.0 for word in content.split()),
                   tuning=tuning)


    def unknown_share(self) -> float:
        """Share of the question's IDF mass on terms no passage holds."""
        return coverage(self.unknown, self.weights)


def _typo(term: str, document_frequency: Mapping[str, int], tuning: Tuning) -> bool:
    """Whether an unknown term is a typo of one the corpus uses ("colectiv" for "collectiv") or the beginning of one
    ("visio" for "visioconferent"); short words are not (one letter changes "tarte" into "carte")."""
    if term.isdigit():
        return False
    if len(term) >= tuning.unknown_clipped_min_chars and any(
            count and known != term and known.startswith(term) for known, count in document_frequency.items()):
        return True
    cutoff = 100 * tuning.unknown_typo_similarity
    return len(term) >= tuning.unknown_typo_min_chars and process.extractOne(
        term, document_frequency.keys(), scorer=fuzz.ratio, score_cutoff=cutoff) is not None


def term_weights(terms: Sequence[str], document_frequency: Mapping[str, int], total: int) -> dict[str, float]:
    """IDF weight of each term; unknown terms count as rare."""
    return {term: math.log(1 + (total + 1) / (document_frequency.get(term, 0) + 1)) for term in terms}


def coverage(sentence_terms: frozenset[str] | set[str], weights: Mapping[str, float]) -> float:
    """Share of the question's IDF mass present in a set of terms."""
    total = sum(weights.values())
    if total == 0:
        return 0.0
    return sum(weight for term, weight in weights.items() if term in sentence_terms) / total


def similarity(profile: QuestionProfile, other_content: str) -> float:
    """How much of a question another question asks (0-1): the IDF mass of its content words found among the
    other's, each word matched despite typos ("colectivité" for "collectivité"); a one-word question counts half."""
    asked = profile.content.split()
    offered = other_content.split()
    if not asked or not offered:
        return 0.0
    weights = profile.content_weights
    cutoff = 100 * profile.tuning.same_word_similarity
    found = [process.extractOne(word, offered, scorer=fuzz.ratio, score_cutoff=cutoff) is not None
             for word in asked]
    share = sum(weight for weight, hit in zip(weights, found, strict=True) if hit) / (sum(weights) or 1.0)
    return share if len(asked) > 1 else share / 2


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, by its position in the hit list and its offsets, with its features."""

    hit_index: int
    start: int
    end: int
    text: str
    values: tuple[float, ...]
    context_coverage: float
    fits: bool


def _sentence_shape(analysed: SentenceAnalysis, sentence: str) -> tuple[str, float, float, float, bool] | None:
    """Folded text, log length, letter share, URL, for sentences of three words or more (None otherwise), from the
    analysis stored in the index."""
    if analysed.words < _MIN_WORDS:
        return None
    return analysed.folded, math.log(len(sentence)), analysed.letters, float(analysed.url), \
        sentence.rstrip().endswith("?")


def _type_match(question_folded: str, sentence_folded: str) -> tuple[float, float]:
    """How many of number, date, amount the question asks for and the sentence holds; whether it asks any."""
    pairs = ((NUMBER_QUESTION, NUMBER), (DATE_QUESTION, DATE), (YEAR_QUESTION, YEAR), (MONEY_QUESTION, MONEY))
    asked = [sentence_pattern for question_pattern, sentence_pattern in pairs
             if question_pattern.search(question_folded)]
    return float(sum(bool(pattern.search(sentence_folded)) for pattern in asked)), float(bool(asked))


def candidates(profile: QuestionProfile, retrieval: Retrieval) -> list[Candidate]:
    """Every sentence of the hits, with its features, in reading order."""
    hits = retrieval.hits
    weights = profile.weights
    top_score = max((hit.score for hit in hits), default=1.0) or 1.0
    top_dense = max((hit.dense for hit in hits), default=0.0)
    top_lexical = max((hit.lexical for hit in hits), default=0.0) or 1.0
    heaviest = max(weights.values(), default=0.0) or 1.0
    shared = (profile.unknown_share(), retrieval.dense_standout,
              retrieval.lexical_standout, retrieval.topicality or 0.0, heaviest / profile.max_possible_idf)
    expected = profile.expected
    found: list[Candidate] = []
    for hit_index, hit in enumerate(hits):
        found += _hit_candidates(profile, hit, hit_index, expected, shared,
                                 (hit.score / top_score, 1 / (1 + hit_index), hit.dense, top_dense - hit.dense,
                                  hit.lexical / top_lexical), heaviest)
    return found


def _hit_candidates(profile: QuestionProfile, hit: Hit, hit_index: int, expected: Expectation,
                    shared: tuple[float, ...], retrieval_values: tuple[float, ...], heaviest: float) -> list[Candidate]:
    """The candidates of one passage."""
    weights = profile.weights
    passage = hit.passage
    text = passage.text
    analysis = analysis_of(passage)
    # What the whole passage is about: its title, heading and year ("2018" for a post of March 2018).
    context = analysis.context
    passage_terms = analysis.terms
    missing = max((weight for term, weight in weights.items() if term not in passage_terms
                   and term not in profile.asking), default=0.0)
    heading_question = analysis.heading_question
    question_match = similarity(profile, heading_question) if heading_question else 0.0
    passage_values = (coverage(passage_terms, weights), coverage(context, weights), missing / heaviest,
                      shared[0])
    spans = [(analysed.start, analysed.end) for analysed in analysis.sentences]
    sentence_terms = [analysed.terms for analysed in analysis.sentences]
    heading_names = analysis.heading_names if expected.names else ()
    found = []
    for position, (start, end) in enumerate(spans):
        sentence = text[start:end]
        shape = _sentence_shape(analysis.sentences[position], sentence)
        if shape is None:
            continue
        folded, log_length, letters, url, interrogative = shape
        terms = sentence_terms[position]
        # The subject is often named in the sentence before or after the one that answers.
        neighbours = sentence_terms[max(0, position - 1) : position + 2]
        context_coverage = coverage(context.union(*neighbours), weights)
        # An earlier sentence or the heading names what the sentence is about ("Code for Canada … La province …").
        names_so_far = heading_names + tuple(name for name_end, name in analysis.names
                                             if name_end <= end) if expected.names else ()
        fits = expected.met_by(folded, terms, context, frozenset().union(*neighbours), names_so_far,
                               analysis.sentences[position].names if expected.names else ())
        type_match, asks_type = _type_match(profile.folded, folded)
        after_question = position > 0 and text[spans[position - 1][0] : spans[position - 1][1]].rstrip().endswith("?")
        values = (coverage(terms, weights), context_coverage, passage_values[0], passage_values[1],
                  passage_values[2], passage_values[3], float(fits), type_match, asks_type, *retrieval_values,
                  *shared[1:], log_length, float(len(sentence) > _LONG_SENTENCE), float(interrogative), letters, url,
                  float(after_question), question_match)
        found.append(Candidate(hit_index, start, end, sentence, values, context_coverage, fits))
    return found


def feature_matrix(found: Sequence[Candidate]) -> np.ndarray:
    """The candidates' features as rows of a float matrix."""
    if not found:
        return np.zeros((0, len(FEATURE_NAMES)))
    return np.array([candidate.values for candidate in found], dtype=np.float64)
