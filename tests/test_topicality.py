"""The topic profile: where the corpus's own titles fall, and how far a question lies from them."""

import numpy as np
import pytest

from eig_qa.search.topicality import TopicProfile, topic_profile
from eig_qa.tuning import TUNING


def _unit(*values):
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


PASSAGES = np.array([_unit(1, 0.1, 0), _unit(1, -0.1, 0), _unit(1, 0, 0.1)])
TITLES = [_unit(1, 0.2, 0), _unit(1, 0, 0.3), _unit(1, 0.3, 0.1), _unit(1, -0.2, 0)]


def test_a_question_like_the_titles_is_on_topic_and_an_orthogonal_one_is_not():
    profile = topic_profile(PASSAGES, TITLES)
    assert profile.topicality(_unit(1, 0.1, 0.1)) > -1
    assert profile.topicality(_unit(0, 1, 0)) < -10


def test_too_few_titles_or_no_passages_give_no_profile():
    assert topic_profile(PASSAGES, TITLES[: TUNING.topic_min_titles - 1]) is None
    assert topic_profile(np.zeros((0, 3), dtype=np.float32), TITLES) is None


def test_identical_titles_keep_a_spread_floor():
    profile = topic_profile(PASSAGES, [TITLES[0]] * 5)
    assert profile.spread > 0 and np.isfinite(profile.topicality(_unit(0, 1, 0)))


def test_profile_round_trips_and_rejects_what_is_not_one():
    profile = topic_profile(PASSAGES, TITLES)
    assert TopicProfile.from_dict(profile.to_dict()) == profile
    with pytest.raises(ValueError):
        TopicProfile.from_dict({"mean": 0.5})


def test_few_titles_widen_the_spread_that_calls_a_question_off_topic():
    from eig_qa.search.topicality import small_sample_factor

    factors = [small_sample_factor(count) for count in (3, 5, 20, 133, 10_000)]
    assert factors == sorted(factors, reverse=True)
    assert factors[1] > 1.3 and abs(factors[3] - 1.01) < 0.01 and abs(factors[4] - 1.0) < 0.001
