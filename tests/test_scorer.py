"""The learned answer scorer: features on small made-up passages, the weights file, training and calibration."""

import json

import numpy as np
import pytest

from eig_qa.answer.features import FEATURE_NAMES, QuestionProfile, candidates, feature_matrix
from eig_qa.answer.scorer import DEFAULT_WEIGHTS, HIGH, LOW, MEDIUM, ScorerModel, load_scorer
from eig_qa.answer.training import (
    Example,
    QuestionOutcome,
    TrainingSet,
    choose_thresholds,
    collect,
    corpus_examples,
    label,
    labelled_examples,
    train,
)
from eig_qa.errors import ConfigError
from eig_qa.evaluation import reliability_table
from eig_qa.ingest.chunking import Passage
from eig_qa.search.retrieval import Hit, Retrieval
from tests.scoring_helpers import synthetic_corpus


def _passage(text, heading=None, passage_id=0, source="guide.md", title="Guide du programme", kind=None):
    return Passage(id=passage_id, source=source, page=None, title=title, date="2021-03-01", kind=kind, url=None,
                   heading=heading, text=text, start=0, end=len(text))


def _profile(question, frequencies=None, total=100):
    return QuestionProfile.of(question, frequencies or {}, total)


def _features(question, hits, frequencies=None, **signals):
    retrieval = Retrieval(hits, signals.get("dense_standout", 1.0), signals.get("lexical_standout", 2.0),
                          signals.get("topicality"))
    found = candidates(_profile(question, frequencies), retrieval)
    return {item.text: dict(zip(FEATURE_NAMES, item.values, strict=True)) for item in found}


def test_features_read_coverage_type_and_prose():
    text = ("Le programme accueille des profils variés. La rémunération est de 4 000 euros nets par mois. "
            "Voir https://example.org/page pour la suite.")
    features = _features("Quelle est la rémunération mensuelle ?", [Hit(_passage(text), 1.0, 3.0, 0.8)])
    pay = features["La rémunération est de 4 000 euros nets par mois."]
    other = features["Le programme accueille des profils variés."]
    assert pay["own_coverage"] > other["own_coverage"] == 0
    assert pay["asks_type"] == 1 and pay["type_match"] >= 1 and other["type_match"] == 0
    assert features["Voir https://example.org/page pour la suite."]["url"] == 1 and pay["url"] == 0
    assert pay["retrieval"] == 1 and pay["rank"] == 1 and pay["dense_gap"] == 0
    assert len(features) == 3  # fragments of fewer than three words are not candidates


def test_features_say_which_key_terms_and_unknown_words_the_passage_lacks():
    text = "La rémunération des EIG est de 4 000 euros nets par mois."
    hit = Hit(_passage(text), 1.0, 3.0, 0.8)
    known = {"remuner": 10, "eig": 60, "ticket": 0, "restaur": 0}
    missing = _features("tickets-restaurant des EIG ?", [hit], known)[text]
    present = _features("rémunération des EIG ?", [hit], known)[text]
    assert missing["missing_key"] == 1 and missing["unknown_share"] > 0.5
    assert present["missing_key"] == 0 and present["unknown_share"] == 0


def test_features_of_an_faq_answer_match_its_question_despite_typos():
    text = "Une collectivité peut-elle candidater ?\n\nOui, toute administration peut candidater au programme."
    hit = Hit(_passage(text, heading="Une collectivité peut-elle candidater ?", kind="faq"), 1.0, 3.0, 0.8)
    features = _features("est ce qu'une colectivité peut candidater", [hit])
    answer = features["Oui, toute administration peut candidater au programme."]
    assert answer["after_question"] == 1 and answer["question_match"] > 0.8
    assert features["Une collectivité peut-elle candidater ?"]["interrogative"] == 1


def test_feature_matrix_has_one_row_per_candidate():
    assert feature_matrix([]).shape == (0, len(FEATURE_NAMES))
    hits = [Hit(_passage("Le jury compte 12 membres. Il se réunit en mai."), 1.0, 1.0, 0.5)]
    found = candidates(_profile("Combien de membres ?"), Retrieval(hits, 1.0, 1.0))
    assert feature_matrix(found).shape == (2, len(FEATURE_NAMES))


def _model(**changes):
    names = len(FEATURE_NAMES)
    coefficients = [0.0] * names
    coefficients[FEATURE_NAMES.index("own_coverage")] = 4.0
    values = dict(names=FEATURE_NAMES, means=(0.0,) * names, scales=(1.0,) * names,
                  coefficients=tuple(coefficients), intercept=-2.0, abstain_below=0.3, high_from=0.7)
    return ScorerModel(**{**values, **changes})


def test_a_model_round_trips_through_its_json_file(tmp_path):
    model = _model(trained_on="test")
    path = tmp_path / "weights.json"
    path.write_text(model.to_json(), encoding="utf-8")
    loaded = load_scorer(path)
    assert loaded == model
    matrix = np.eye(len(FEATURE_NAMES))
    assert np.allclose(loaded.probabilities(matrix), model.probabilities(matrix))
    assert json.loads(path.read_text())["names"] == list(FEATURE_NAMES)


def test_a_weights_file_for_other_features_is_refused_with_a_french_message(tmp_path):
    data = json.loads(_model().to_json())
    data["names"] = data["names"][:-1]
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="Réentraînez"):
        load_scorer(path)
    with pytest.raises(ConfigError, match="inutilisable"):
        load_scorer(tmp_path / "absent.json")


def test_the_shipped_model_loads_and_has_sensible_thresholds():
    model = load_scorer(DEFAULT_WEIGHTS)
    assert 0 <= model.abstain_below <= model.high_from <= 1  # 0: the other abstention rules decide alone
    assert model.trained_on
    assert model.confidence(1.0) == HIGH and model.confidence(model.abstain_below) in (MEDIUM, HIGH)
    made_up = _model()
    assert (made_up.confidence(0.8), made_up.confidence(0.5), made_up.confidence(0.1)) == (HIGH, MEDIUM, LOW)


def test_probabilities_grow_with_coverage():
    model = _model()
    matrix = np.zeros((2, len(FEATURE_NAMES)))
    matrix[1, FEATURE_NAMES.index("own_coverage")] = 1.0
    low, high = model.probabilities(matrix)
    assert low < 0.3 < 0.7 < high
    assert model.probabilities(np.zeros((0, len(FEATURE_NAMES)))).size == 0


def test_labels_come_from_the_expected_text_or_the_answer_passages():
    hits = [Hit(_passage("Le jury compte 12 membres. Il se réunit en mai.", passage_id=4), 1.0, 1.0, 0.5)]
    retrieval = Retrieval(hits, 1.0, 1.0)
    found = candidates(_profile("Combien de membres ?"), retrieval)
    expected = Example("Combien de membres ?", ("12 membres",), frozenset({"guide.md"}))
    assert [label(expected, item, retrieval) for item in found] == [True, False]
    elsewhere = Example("Combien de membres ?", ("12 membres",), frozenset({"autre.md"}))
    assert not any(label(elsewhere, item, retrieval) for item in found)
    by_passage = Example("Combien de membres ?", answer_passages=frozenset({4}))
    assert all(label(by_passage, item, retrieval) for item in found)
    assert not any(label(Example("?", unanswerable=True), item, retrieval) for item in found)


def test_only_the_tune_split_is_learned():
    items = [{"question": "a", "answer_contains": ["x"], "source": "s", "split": "tune"},
             {"question": "b", "answer_contains": ["y"], "source": "s", "split": "check"},
             {"question": "c", "unanswerable": True},
             {"question": "d", "expected": {}}]
    examples = labelled_examples(items)
    assert [example.question for example in examples] == ["a", "c"]
    assert examples[1].unanswerable


def test_faq_entries_give_an_answerable_and_an_unanswerable_example():
    from eig_qa.answer.question_match import QuestionEntry

    examples = corpus_examples([QuestionEntry("Qui peut candidater ?", "candidater", (3, 4))])
    assert [(e.answer_passages, e.excluded, e.unanswerable) for e in examples] == [
        (frozenset({3, 4}), frozenset(), False), (frozenset(), frozenset({3, 4}), True)]


def test_thresholds_separate_answers_from_unanswerable_questions():
    found = ([QuestionOutcome(p, True, True) for p in (0.6, 0.7, 0.8, 0.9)]
             + [QuestionOutcome(p, False, False) for p in (0.05, 0.1, 0.2)])
    abstain_below, high_from = choose_thresholds(found)
    assert 0.2 < abstain_below <= 0.6 and abstain_below <= high_from <= 0.6


def test_training_on_a_fixture_gives_a_calibrated_model_that_finds_the_answers():
    topics, hits_of = synthetic_corpus()
    examples = [Example(question, (f"Le {topic} est",), frozenset({f"{topic}.md"}))
                for topic, question in zip(topics, hits_of, strict=True)]
    examples += [Example(question, unanswerable=True, excluded=frozenset({number}))
                 for number, question in enumerate(hits_of)]
    training = collect(examples, _profile, lambda profile: Retrieval(hits_of[profile.text], 1.0, 1.0))
    assert isinstance(training, TrainingSet) and training.labels.sum() == len(topics)
    model, found = train(training, "fixture")
    assert model.trained_on == "fixture" and len(found) == len(examples)
    right = [item for item in found if item.answerable]
    assert sum(item.correct for item in right) >= len(right) - 1
    table = reliability_table([(item.probability, item.correct) for item in found])
    assert sum(row[1] for row in table) == len(found)
    for _bin, count, mean, share in table:  # calibrated on held-out questions: means and shares close
        assert abs(mean - share) <= 0.5 or count < 3
