"""Training the answer scorer: labelled questions (the `tune` split) and pairs any corpus provides (its FAQ entries,
answerable with their passages and unanswerable without them), a logistic regression, and thresholds chosen on
out-of-fold probabilities so that they are calibrated on questions the model did not see."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from eig_qa.answer.features import FEATURE_NAMES, Candidate, QuestionProfile, candidates, feature_matrix
from eig_qa.answer.question_match import QuestionEntry
from eig_qa.answer.scorer import SCORER_VERSION, ScorerModel, calibrated
from eig_qa.search.retrieval import Retrieval
from eig_qa.tuning import TUNING, Tuning

# Out-of-fold probabilities: questions split in this many groups, each predicted by a model fitted on the others.
_FOLDS = 5

ProfileOf = Callable[[str], QuestionProfile]
CandidatesOf = Callable[[QuestionProfile], Retrieval]


@dataclass(frozen=True)
class Example:
    """One training question: what makes a sentence its answer, and which passages to leave out."""

    question: str
    answer_contains: tuple[str, ...] = ()  # the strings the answer holds (labelled questions)
    sources: frozenset[str] = frozenset()  # documents that may hold it
    answer_passages: frozenset[int] = frozenset()  # passages that answer (corpus pairs)
    excluded: frozenset[int] = frozenset()  # passages removed from the candidates
    unanswerable: bool = False
    origin: str = "tune"


@dataclass
class TrainingSet:
    """Candidates' features, labels and the question each belongs to."""

    matrix: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    examples: list[Example] = field(default_factory=list)


def labelled_examples(items: Sequence[dict]) -> list[Example]:
    """Examples from evaluation items (questions.jsonl lines) of the `tune` split only: `check` is never learned."""
    return [Example(item["question"], tuple(item.get("answer_contains") or ()),
                    frozenset({item.get("source"), *(item.get("alt_sources") or [])} - {None}),
                    unanswerable=bool(item.get("unanswerable")))
            for item in items if (item.get("split") or "tune") == "tune" and "expected" not in item]


def corpus_examples(entries: Sequence[QuestionEntry]) -> list[Example]:
    """Each FAQ entry's question, answered by its passages; and again without them (nor those of the same question
    asked elsewhere), as an unanswerable question."""
    same: dict[str, set[int]] = {}
    for entry in entries:
        same.setdefault(entry.content, set()).update(entry.passage_ids)
    examples = []
    for entry in entries:
        examples.append(Example(entry.question, answer_passages=frozenset(entry.passage_ids), origin="corpus"))
        examples.append(Example(entry.question, excluded=frozenset(same[entry.content]), unanswerable=True,
                                origin="corpus"))
    return examples


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def label(example: Example, candidate: Candidate, retrieval: Retrieval) -> bool:
    """Whether a candidate sentence answers the example's question."""
    if example.unanswerable:
        return False
    passage = retrieval.hits[candidate.hit_index].passage
    if example.answer_passages:
        return passage.id in example.answer_passages and not candidate.text.rstrip().endswith("?")
    if passage.source not in example.sources:
        return False
    # An answer in several parts ("16 000" … "20 000", the items of a list) is given by the sentences holding them.
    sentence = _normalise(candidate.text)
    return any(_normalise(part) in sentence for part in example.answer_contains)


def collect(examples: Sequence[Example], profile_of: ProfileOf, candidates_of: CandidatesOf) -> TrainingSet:
    """Run the pipeline's candidate generation on every example and label its sentences."""
    rows, labels, groups = [], [], []
    for number, example in enumerate(examples):
        profile = profile_of(example.question)
        retrieval = candidates_of(profile)
        if example.excluded:
            retrieval = replace(retrieval, hits=[hit for hit in retrieval.hits
                                                 if hit.passage.id not in example.excluded])
        found = candidates(profile, retrieval)
        rows.append(feature_matrix(found))
        labels += [label(example, candidate, retrieval) for candidate in found]
        groups += [number] * len(found)
    matrix = np.vstack(rows) if rows else np.zeros((0, len(FEATURE_NAMES)))
    return TrainingSet(matrix, np.array(labels, dtype=bool), np.array(groups), list(examples))


def _fit(matrix: np.ndarray, labels: np.ndarray, tuning: Tuning, trained_on: str = "") -> ScorerModel:
    """A logistic regression (regularised by `train_c`) on standardised features, as a ScorerModel with thresholds
    still to set."""
    from sklearn.linear_model import LogisticRegression

    means = matrix.mean(axis=0)
    scales = matrix.std(axis=0)
    scales[scales == 0] = 1.0
    regression = LogisticRegression(C=tuning.train_c, max_iter=2000).fit((matrix - means) / scales, labels)
    return ScorerModel(FEATURE_NAMES, tuple(means.tolist()), tuple(scales.tolist()),
                       tuple(regression.coef_[0].tolist()), float(regression.intercept_[0]), 0.5, 1.0,
                       SCORER_VERSION, trained_on)


def out_of_fold(training: TrainingSet, tuning: Tuning = TUNING) -> np.ndarray:
    """Each candidate's logit from a model fitted without its question."""
    from sklearn.model_selection import GroupKFold

    logits = np.zeros(len(training.labels))
    for fitted, held in GroupKFold(n_splits=_FOLDS).split(training.matrix, training.labels, training.groups):
        model = _fit(training.matrix[fitted], training.labels[fitted], tuning)
        logits[held] = model.logits(training.matrix[held])
    return logits


@dataclass(frozen=True)
class QuestionOutcome:
    """The best candidate of one question: its probability, whether it answers, whether the question has an
    answer."""

    probability: float
    correct: bool
    answerable: bool


def outcomes(training: TrainingSet, probabilities: np.ndarray) -> list[QuestionOutcome]:
    """The best candidate of each question, by probability (or logit)."""
    found = []
    for number, example in enumerate(training.examples):
        rows = np.flatnonzero(training.groups == number)
        if rows.size == 0:
            found.append(QuestionOutcome(0.0, False, not example.unanswerable))
            continue
        best = rows[np.argmax(probabilities[rows])]
        found.append(QuestionOutcome(float(probabilities[best]), bool(training.labels[best]),
                                     not example.unanswerable))
    return found


def choose_thresholds(found: Sequence[QuestionOutcome], tuning: Tuning = TUNING) -> tuple[float, float]:
    """The abstention threshold that abstains on the most unanswerable questions while refusing at most
    `train_max_false_abstention` of the answerable ones, the most right answers breaking ties; and the probability
    from which the best sentence answers `train_high_precision` of the time ("haute" confidence)."""
    answerable = [item for item in found if item.answerable]
    unanswerable = [item for item in found if not item.answerable]

    def outcome(threshold: float) -> tuple[bool, float, float]:
        refused = sum(item.probability < threshold for item in answerable) / max(1, len(answerable))
        right = sum(item.correct and item.probability >= threshold for item in answerable) / max(1, len(answerable))
        abstained = sum(item.probability < threshold for item in unanswerable) / max(1, len(unanswerable))
        return refused <= tuning.train_max_false_abstention, abstained, right

    grid = np.unique(np.round([0.0, *(item.probability for item in found)], 4))
    abstain_below = float(max(grid, key=lambda threshold: (*outcome(threshold), -threshold)))
    high_from = 1.0
    for threshold in grid[grid >= abstain_below]:
        answered = [item for item in found if item.probability >= threshold]
        if answered and sum(item.correct for item in answered) / len(answered) >= tuning.train_high_precision:
            high_from = float(threshold)
            break
    return abstain_below, high_from


def train(training: TrainingSet, trained_on: str,
          tuning: Tuning = TUNING) -> tuple[ScorerModel, list[QuestionOutcome]]:
    """Fit on every candidate; calibrate and set the thresholds on out-of-fold logits of the labelled questions
    (those generated from the corpus when there are none: their exact wording makes them easier than people's
    questions). Also return the calibrated out-of-fold outcomes."""
    logits = out_of_fold(training, tuning)
    labelled = [example.origin == "tune" for example in training.examples]
    chosen = [item for item, keep in zip(outcomes(training, logits), labelled, strict=True)
              if keep or not any(labelled)]
    calibration = platt([item.probability for item in chosen], [item.correct for item in chosen], tuning)
    found = [replace(item, probability=float(calibrated(np.array([item.probability]), calibration)[0]))
             for item in chosen]
    abstain_below, high_from = choose_thresholds(found, tuning)
    model = _fit(training.matrix, training.labels, tuning, trained_on)
    return replace(model, abstain_below=abstain_below, high_from=high_from, calibration=calibration), found


def platt(logits: Sequence[float], correct: Sequence[bool], tuning: Tuning = TUNING) -> tuple[float, float]:
    """Slope and offset mapping the best sentence's logit to the probability that it answers."""
    from sklearn.linear_model import LogisticRegression

    if len(set(correct)) < 2:
        return 1.0, 0.0
    regression = LogisticRegression(C=tuning.train_c).fit(np.array(logits).reshape(-1, 1), np.array(correct))
    return float(regression.coef_[0][0]), float(regression.intercept_[0])

