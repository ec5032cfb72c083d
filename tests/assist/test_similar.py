"""Similar texts: near-duplicates come first; unrelated texts are left out; edge cases."""

from __future__ import annotations

from renda.assist.similar import SimilarIndex, similar

TEXTS = [
    (1, "关于增开北山镇公交线路的建议：北山镇居民出行不便，公交线路少，高峰期等车时间长。"),
    (2, "关于新建南湖社区小学的建议：适龄儿童增多，学位紧张，班额过大。"),
    (3, "关于治理滨江新区噪音扰民的建议：工地夜间施工，噪音严重影响居民休息。"),
    (4, "关于社区医院增加医生的建议：看病排队时间长，医生少，药品不全。"),
]


def test_near_duplicate_is_found_first():
    query = "建议增开北山镇的公交线路，居民出行很不方便，高峰期等车时间太长了"
    found = similar(query, TEXTS, k=3)
    assert found[0].key == 1
    assert found[0].score > 0.4


def test_unrelated_texts_are_left_out():
    assert similar("今天天气很好", TEXTS, k=3, min_score=0.25) == []


def test_exclude_leaves_out_the_text_itself():
    index = SimilarIndex(TEXTS)
    found = index.query(TEXTS[1][1], k=2, exclude=2)
    assert all(m.key != 2 for m in found)


def test_empty_inputs():
    assert similar("公交", [], k=3) == []
    assert SimilarIndex([(1, "")]).query("公交") == []
    assert SimilarIndex(TEXTS).query("") == []


def test_scores_are_ranked_and_bounded():
    found = SimilarIndex(TEXTS).query(TEXTS[0][1], k=4)
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)
    assert 0.99 <= scores[0] <= 1.0001


def test_batched_overlap_equals_one_by_one():
    import numpy as np

    from renda.assist.similar import _grams, _jaccard, _overlaps, normalise

    texts = [normalise(t) for _, t in TEXTS] + ["", "公交", "公交公交公交"]
    query = _grams(normalise("建议增开北山镇的公交线路，公交公交"))
    expected = [_jaccard(query, _grams(t)) for t in texts]
    assert np.allclose(_overlaps(query, texts), expected)
