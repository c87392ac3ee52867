import pytest

from eig_qa.search.fusion import reciprocal_rank_fusion


def test_items_ranked_well_in_both_lists_win():
    fused = reciprocal_rank_fusion([[1, 2, 3], [2, 1, 4]], k=60)
    assert [item for item, _ in fused[:2]] == [1, 2] or [item for item, _ in fused[:2]] == [2, 1]
    assert {item for item, _ in fused} == {1, 2, 3, 4}
    assert fused[-1][0] in (3, 4)


def test_scores_follow_the_formula():
    fused = dict(reciprocal_rank_fusion([[7], [8, 7]], k=10))
    assert fused[7] == pytest.approx(1 / 11 + 1 / 12)
    assert fused[8] == pytest.approx(1 / 11)


def test_weights_tilt_the_result():
    fused = reciprocal_rank_fusion([[1, 2], [2, 1]], k=1, weights=[3.0, 1.0])
    assert fused[0][0] == 1


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="k must be positive"):
        reciprocal_rank_fusion([[1]], k=0)
    with pytest.raises(ValueError, match="weights"):
        reciprocal_rank_fusion([[1], [2]], weights=[1.0])


def test_empty_rankings_give_nothing():
    assert reciprocal_rank_fusion([[], []]) == []
