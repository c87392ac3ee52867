"""A hand-set answer scorer for unit tests that must not depend on the shipped, trained weights, and a made-up corpus
to train one on."""

from eig_qa.answer.features import FEATURE_NAMES, QuestionProfile
from eig_qa.answer.scorer import ScorerModel
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit

_COEFFICIENTS = {"own_coverage": 4.0, "context_coverage": 2.0, "fits": 2.0, "type_match": 1.0, "interrogative": -3.0,
                 "retrieval": 0.5, "missing_key": -2.0}


def simple_scorer(abstain_below: float = 0.3, high_from: float = 0.7) -> ScorerModel:
    """Coverage, fit and type weigh in; questions in the text weigh against."""
    names = len(FEATURE_NAMES)
    return ScorerModel(FEATURE_NAMES, (0.0,) * names, (1.0,) * names,
                       tuple(_COEFFICIENTS.get(name, 0.0) for name in FEATURE_NAMES), -4.5, abstain_below, high_from,
                       trained_on="tests")


class _Everywhere(dict):
    """Document frequencies where a term not listed is in 5 passages: the test corpus knows every word."""

    def get(self, key, default=None):
        return super().get(key, 5)


def profile(question: str, frequencies: dict | None = None, total: int = 100) -> QuestionProfile:
    """A question profiled against a corpus of `total` passages with these document frequencies (a term not
    listed is in 5 passages when none are given, in none otherwise)."""
    return QuestionProfile.of(question, frequencies if frequencies is not None else _Everywhere(), total)


def synthetic_corpus() -> tuple[list[str], dict[str, list[Hit]]]:
    """Eight topics, one passage each, where the answer sentence shares the question's words and the others do not;
    each question's hits put its own passage first."""
    topics = ["jury", "budget", "calendrier", "mentor", "salaire", "contrat", "locaux", "formation"]
    passages, hits_of = [], {}
    for number, topic in enumerate(topics):
        text = (f"Le {topic} est décrit dans le règlement numéro {number}. Les équipes travaillent ensemble. "
                f"Les séminaires ont lieu en mai.")
        passages.append(Passage(id=number, source=f"{topic}.md", page=None, title="Guide du programme",
                                date="2021-03-01", kind=None, url=None, heading=None, text=text, start=0,
                                end=len(text)))
    for number, topic in enumerate(topics):
        order = [number, *(i for i in range(len(topics)) if i != number)][:3]
        hits_of[f"Que dit le règlement sur le {topic} ?"] = [Hit(passages[i], 1.0 / (1 + r), 1.0, 0.5)
                                                          for r, i in enumerate(order)]
    return topics, hits_of
