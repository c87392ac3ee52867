"""How far a question is from what the corpus is about, measured against the corpus's own document titles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from eig_qa.tuning import TUNING, Tuning


@dataclass(frozen=True)
class TopicProfile:
    """The centroid of the passage vectors, and how close the document titles, embedded as questions, come to it:
    a question much further from the centroid than the titles are is about something else."""

    centroid: tuple[float, ...]
    mean: float
    spread: float

    def topicality(self, query_vector: np.ndarray) -> float:
        """How many spreads the question's similarity to the centroid lies above (or below) the titles' mean."""
        return (float(np.dot(np.asarray(self.centroid, dtype=np.float32), query_vector)) - self.mean) / self.spread

    def to_dict(self) -> dict:
        """A JSON-ready form (see from_dict)."""
        return {"centroid": list(self.centroid), "mean": self.mean, "spread": self.spread}

    @classmethod
    def from_dict(cls, data: dict) -> TopicProfile:
        """Read what to_dict wrote; ValueError when it is not a profile."""
        try:
            return cls(tuple(float(x) for x in data["centroid"]), float(data["mean"]), float(data["spread"]))
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a topic profile: {error}") from error


def topic_profile(passage_vectors: np.ndarray, title_vectors: Sequence[np.ndarray],
                  tuning: Tuning = TUNING) -> TopicProfile | None:
    """Profile a corpus from its passage vectors and its titles embedded as questions; None with too few titles."""
    if len(title_vectors) < tuning.topic_min_titles or len(passage_vectors) == 0:
        return None
    centroid = np.asarray(passage_vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    if norm == 0:
        return None
    centroid /= norm
    similarities = np.asarray(title_vectors, dtype=np.float32) @ centroid
    spread = max(float(similarities.std()), tuning.topic_min_spread) * small_sample_factor(len(title_vectors), tuning)
    return TopicProfile(tuple(float(x) for x in centroid), float(similarities.mean()), spread)


def small_sample_factor(titles: int, tuning: Tuning = TUNING) -> float:
    """How much wider the spread of a new question's similarity is than that of the n titles it was measured on
    (Student's prediction interval at the off-topic bound): 1.01 for 133 titles, 1.37 for 5, so that a small corpus
    does not call its own subjects off topic."""
    from scipy.stats import norm, t  # build time only: scipy takes a while to import

    bound = tuning.topic_reference_bound
    return float(t.ppf(norm.cdf(bound), titles - 1) / bound * np.sqrt(1 + 1 / titles))
