"""Hot topics: texts of a period grouped into topics with keywords and counts."""

from __future__ import annotations

from renda.assist.topics import hot_topics

PARKING = [f"{p}小区停车位严重不足，车辆乱停乱放，停车难问题突出" for p in ("东湖", "西湖", "南苑", "北苑", "金桂", "银杏")]
SCHOOL = [f"{p}学校学位紧张，孩子入学难，学位不够" for p in ("东城", "西城", "新城", "老城")]
NOISE = [f"{p}工地夜间施工噪音扰民，居民无法休息" for p in ("滨江", "高新", "河西")]


def test_texts_are_grouped_into_topics_with_keywords_and_counts():
    topics = hot_topics(PARKING + SCHOOL + NOISE, n_topics=3)
    assert [t.count for t in topics] == [6, 4, 3]
    assert "停车位" in topics[0].keywords or "停车" in topics[0].keywords
    assert "学位" in topics[1].keywords
    assert any(k in topics[2].keywords for k in ("噪音", "施工", "扰民"))
    assert sorted(i for t in topics for i in t.members) == list(range(13))


def test_singletons_are_left_out_and_tiny_inputs_are_empty():
    topics = hot_topics([*PARKING, "今天我想说一件完全不同的事情关于图书馆开放时间"], n_topics=2)
    assert [t.count for t in topics] == [6]
    assert hot_topics([]) == []
    assert hot_topics(["只有一条"]) == []


def test_same_input_same_topics():
    texts = PARKING + SCHOOL + NOISE
    assert [t.keywords for t in hot_topics(texts)] == [t.keywords for t in hot_topics(texts)]
