"""The learned answer scorer: a logistic regression over the features of features.py, stored as plain JSON."""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from eig_qa.answer.features import FEATURE_NAMES
from eig_qa.errors import ConfigError

# Bump when the meaning of a feature changes: a weights file of another version is refused.
SCORER_VERSION = 1
DEFAULT_WEIGHTS = Path(__file__).with_name("scorer_weights.json")
# Confidence labels shown to the user: "haute" from this probability of the best sentence, "moyenne" down to the
# abstention threshold, "faible" below (the assistant then abstains).
HIGH, MEDIUM, LOW = "haute", "moyenne", "faible"


@runtime_checkable
class AnswerScorer(Protocol):
    """Gives each candidate sentence the probability that it answers, from its features (features.py)."""

    abstain_below: float  # below this probability of the best sentence, the assistant says it does not know

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """P(answers) for each row of a (sentences × FEATURE_NAMES) matrix."""
        ...

    def confidence(self, probability: float) -> str:
        """The confidence label shown with an answer whose best sentence has this probability."""
        ...


@dataclass(frozen=True)
class ScorerModel:
    """P(sentence answers the question) = sigmoid(coefficients · standardised features + intercept); abstain when
    the best sentence's probability is below `abstain_below`."""

    names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float
    abstain_below: float
    high_from: float
    version: int = SCORER_VERSION
    trained_on: str = ""
    # Platt scaling (slope, offset) of the logits, fitted on questions the regression did not see: the corpus's own
    # FAQ questions, easier than people's, would otherwise make it overconfident.
    calibration: tuple[float, float] = (1.0, 0.0)
    # The corpus question/answer pairs it was trained on (corpus_scorer.pairs_fingerprint), and what else: the
    # labelled rows and constants (corpus_scorer.scorer_basis).
    corpus: str = ""
    basis: str = ""

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """One calibrated probability per row of a feature matrix."""
        return calibrated(self.logits(matrix), self.calibration)

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        """The regression's raw logits, one per row."""
        if matrix.shape[0] == 0:
            return np.zeros(0)
        return ((matrix - self._means) / self._scales) @ self._coefficients + self.intercept

    def confidence(self, probability: float) -> str:
        """The user-facing confidence label of the best sentence's probability."""
        if probability >= self.high_from:
            return HIGH
        return MEDIUM if probability >= self.abstain_below else LOW

    @functools.cached_property
    def _means(self) -> np.ndarray:
        return np.asarray(self.means)

    @functools.cached_property
    def _scales(self) -> np.ndarray:
        return np.asarray(self.scales)

    @functools.cached_property
    def _coefficients(self) -> np.ndarray:
        return np.asarray(self.coefficients)

    def to_json(self) -> str:
        """The weights file's text."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ScorerModel:
        """Read a weights file's text; ValueError when it is not a scorer of this version and these features."""
        data = json.loads(text)
        arrays = ("names", "means", "scales", "coefficients", "calibration")
        model = cls(**{**data, **{key: tuple(data[key]) for key in arrays if key in data}})
        if model.version != SCORER_VERSION or model.names != FEATURE_NAMES:
            raise ValueError(f"scorer version {model.version} with features {model.names}")
        if not len(model.means) == len(model.scales) == len(model.coefficients) == len(FEATURE_NAMES):
            raise ValueError("weights of the wrong length")
        return model


def untrained_scorer() -> ScorerModel:
    """A scorer with no weights (every sentence at one half), for running the pipeline before training."""
    names = len(FEATURE_NAMES)
    return ScorerModel(FEATURE_NAMES, (0.0,) * names, (1.0,) * names, (0.0,) * names, 0.0, 0.0, 1.0,
                       trained_on="rien")


def calibrated(logits: np.ndarray, calibration: tuple[float, float]) -> np.ndarray:
    """Probabilities from logits through Platt scaling."""
    slope, offset = calibration
    return 1 / (1 + np.exp(-(slope * logits + offset)))


@functools.lru_cache(maxsize=4)
def load_scorer(path: Path = DEFAULT_WEIGHTS) -> ScorerModel:
    """Load a weights file (cached); ConfigError with a French message when it is missing or not usable."""
    try:
        return ScorerModel.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise ConfigError(f"Fichier de poids du classement des réponses inutilisable : {path} ({error}). "
                          "Réentraînez-le avec `python -m eig_qa train-scorer`.") from error
