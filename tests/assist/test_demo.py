"""The demo's assist data: keyword rules for the units it has, local names, a model when
there is history."""

from __future__ import annotations

from renda.assist import queries
from renda.assist.models import DictWord, KeywordRule, RoutingModel
from renda.demo.assist import load_assist


def test_demo_rules_words_and_model(city, staff, units, history):
    load_assist(city, train=True)
    assert set(KeywordRule.objects.filter(congress=city).values_list("unit__name", flat=True)) == {
        "市交通运输局", "市教育局", "市卫生健康委员会"}
    assert DictWord.objects.filter(congress=city, word="东湖区").exists()
    assert RoutingModel.objects.get(congress=city).reason == "demo"
    assert queries.route(city, "公交线路太少").source == "model"


def test_demo_without_history_uses_rules(city, units):
    load_assist(city, train=True)
    assert not RoutingModel.objects.exists()
    result = queries.route(city, "关于新建学校的建议\n学位紧张")
    assert result.source == "rules" and result.first.name == "市教育局"
