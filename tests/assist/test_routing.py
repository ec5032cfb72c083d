"""Routing: the cold start with keyword rules, training, retraining after new assignments,
a saved model that no longer fits the libraries, and that nothing assigns by itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from renda.assist import actions, queries
from renda.assist.models import KeywordRule, RetrainState, RoutingModel
from renda.assist.routing import IncompatibleModel, Router, check_compatible, load
from renda.core.errors import DomainError, NotAllowed
from renda.core.models import AuditEvent
from renda.suggestions.models import Assignment

from .conftest import make_history

TRAFFIC = "关于增开北山镇公交线路的建议\n北山镇居民出行不便，公交线路少，高峰期等车时间长。"


# --- cold start ------------------------------------------------------------------------------

def test_without_model_or_rules_there_is_no_proposal(city, units):
    result = queries.route(city, TRAFFIC)
    assert result.source == "none" and result.proposals == []


def test_cold_start_proposes_units_by_keyword_rules(city, staff, units):
    actions.save_rules(staff, city, {units["市交通运输局"].pk: "公交 地铁, 停车",
                                     units["市教育局"].pk: "学校 幼儿园 学位"})
    result = queries.route(city, TRAFFIC)
    assert result.source == "rules"
    assert [p.name for p in result.proposals] == ["市交通运输局"]
    assert result.proposals[0].confidence == pytest.approx(1.0)
    mixed = queries.route(city, "关于地铁站旁学校周边停车的建议\n学校门口没有停车位。")
    assert [p.name for p in mixed.proposals] == ["市交通运输局", "市教育局"]
    assert sum(p.confidence for p in mixed.proposals) == pytest.approx(1.0)


def test_keyword_in_subject_line_counts_double(city, staff, units):
    actions.save_rules(staff, city, {units["市交通运输局"].pk: "公交",
                                     units["市教育局"].pk: "学校"})
    result = queries.route(city, "学校\n公交车站离学校远")
    assert result.proposals[0].name == "市教育局"  # 学校 in the subject line: 2 + 1 vs 1


def test_editing_rules_is_audited_and_clearing_removes_rule(city, staff, units):
    unit = units["市教育局"]
    assert actions.save_rules(staff, city, {unit.pk: "学校，学位"}) == 1
    rule = KeywordRule.objects.get(congress=city, unit=unit)
    assert rule.keywords == "学校 学位"
    event = AuditEvent.objects.filter(action="assist.rules").latest("id")
    assert event.summary["changed"]["市教育局"] == {"before": "", "after": "学校 学位"}
    assert actions.save_rules(staff, city, {unit.pk: "学校 学位"}) == 0
    actions.save_rules(staff, city, {unit.pk: "  "})
    assert not KeywordRule.objects.filter(congress=city, unit=unit).exists()


def test_rules_refused_for_other_congress_unit_and_other_roles(city, other_congress, staff, units,
                                                               deputy_user, outsider):
    from renda.core.models import Organization, OrgKind

    foreign = Organization.objects.create(congress=other_congress, name="外地交通局", kind=OrgKind.UNIT)
    with pytest.raises(DomainError, match="不属于本人大"):
        actions.save_rules(staff, city, {foreign.pk: "公交"})
    with pytest.raises(NotAllowed):
        actions.save_rules(deputy_user, city, {units["市教育局"].pk: "学校"})
    with pytest.raises(NotAllowed):
        actions.save_rules(outsider, city, {units["市教育局"].pk: "学校"})
    with pytest.raises(DomainError, match="太长"):
        actions.save_rules(staff, city, {units["市教育局"].pk: "学" * 21})
    assert not KeywordRule.objects.exists()


# --- training --------------------------------------------------------------------------------

def test_training_refused_without_enough_history(city, staff, units, deputy_user):
    make_history(city, staff, units, per_pattern=1)  # 9 assignments
    with pytest.raises(DomainError, match="至少需要 20 件"):
        actions.train(city, actor=staff)
    assert not RoutingModel.objects.exists()


def test_training_stores_versioned_model_with_quality_and_libraries(city, staff, units, history):
    model = actions.train(city, actor=staff)
    assert model.version == 1 and model.is_active and model.n_train == len(history) == 27
    assert model.n_labels == 3
    assert 0.8 <= model.quality["macro_f1"] <= 1.0 and model.quality["folds"] == 5
    assert model.libraries["sklearn"] and model.libraries["format"] == 1
    assert model.labels[str(units["市交通运输局"].pk)] == "市交通运输局"
    assert AuditEvent.objects.filter(action="assist.train", object_id=str(model.pk)).exists()

    result = queries.route(city, TRAFFIC)
    assert result.source == "model" and len(result.proposals) == 3
    assert result.proposals[0].unit_id == units["市交通运输局"].pk
    assert result.proposals[0].confidence > result.proposals[1].confidence
    school = queries.route(city, "幼儿园学位不足", subject="关于新建幼儿园的建议")
    assert school.first.name == "市教育局"


def test_trained_model_beats_rules(city, staff, units, history):
    actions.save_rules(staff, city, {units["市教育局"].pk: "建议"})  # a bad rule
    actions.train(city, actor=staff)
    assert queries.route(city, TRAFFIC).first.name == "市交通运输局"


def test_deputy_cannot_train(city, deputy_user, history):
    with pytest.raises(NotAllowed):
        actions.train(city, actor=deputy_user)


def test_retraining_after_enough_new_assignments(city, staff, units, history, settings,
                                                django_capture_on_commit_callbacks):
    settings.RENDA_ASSIST_RETRAIN_AFTER = 5
    first = actions.train(city, actor=staff)
    assert RetrainState.objects.get(congress=city).new_assignments == 0
    with django_capture_on_commit_callbacks(execute=True):
        make_history(city, staff, units, per_pattern=1, offset=100)  # 9 new assignments
    latest = RoutingModel.objects.get(congress=city, is_active=True)
    assert latest.version == first.version + 1 and latest.reason == "auto"
    assert latest.n_train == 36
    first.refresh_from_db()
    assert not first.is_active
    state = RetrainState.objects.get(congress=city)
    assert state.queued_at is None
    # only one retraining was queued although 9 assignments came in: 5 → queued, then counted on
    assert RoutingModel.objects.filter(congress=city).count() == 2


def test_retrain_is_claimed_once(city, staff, history, settings):
    settings.RENDA_ASSIST_RETRAIN_AFTER = 1
    RetrainState.objects.update_or_create(congress=city, defaults={"new_assignments": 0})
    assert actions.note_new_assignment(city.pk) is True
    assert actions.note_new_assignment(city.pk) is False  # already queued
    assert actions.queue_retrain(staff, city) is False


# --- an incompatible saved model ---------------------------------------------------------------

def test_model_saved_by_other_library_version_is_refused_clearly(city, staff, units, history):
    model = actions.train(city, actor=staff, evaluate=False)
    model.libraries = {**model.libraries, "sklearn": "0.24.2"}
    model.save()
    with pytest.raises(IncompatibleModel, match=r"scikit-learn 0\.24\.2 训练.*不兼容.*重新训练"):
        load(model)
    actions.save_rules(staff, city, {units["市交通运输局"].pk: "公交"})
    result = queries.route(city, TRAFFIC)
    assert "不兼容" in result.warning
    assert result.source == "rules"  # falls back to the keyword rules, says why


def test_model_of_other_format_is_refused():
    with pytest.raises(IncompatibleModel, match="存储格式"):
        check_compatible({"format": 0, "sklearn": "1.0", "numpy": "1.0"})


def test_router_needs_two_labels():
    with pytest.raises(DomainError, match="两个不同"):
        Router().fit(["甲", "乙"], ["1", "1"])


def test_router_survives_pickling():
    router = Router().fit(["公交 地铁 拥堵"] * 3 + ["学校 学位 教师"] * 3, ["t"] * 3 + ["e"] * 3)
    again = Router.loads(router.dumps())
    assert again.top("地铁拥堵", k=1)[0][0] == "t"


# --- nothing is ever assigned without a person ---------------------------------------------------

def test_routing_and_training_never_create_assignments(city, staff, units, history, client):
    before = Assignment.objects.count()
    actions.train(city, actor=staff, evaluate=False)
    queries.route(city, TRAFFIC)
    from tests.conftest import client_for

    response = client_for(staff).get(f"/assist/route/{history[0].suggestion_id}/")
    assert response.status_code == 200
    assert Assignment.objects.count() == before


def test_assist_code_never_calls_an_assigning_action():
    """The only way to assign is the staff's 交办 (suggestions.actions.assign/assign_many);
    no module of this app imports or calls them."""
    root = Path(__file__).resolve().parents[2] / "src" / "renda" / "assist"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and "suggestions" in node.module:
                assert node.module in ("renda.suggestions.models", "renda.suggestions.access",
                                       "renda.suggestions.forms"), path
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("assign", "assign_many", "do_assign"), path
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("create", "bulk_create", "get_or_create"):
                owner = ast.unparse(node.func.value)
                assert "Assignment." not in owner + ".", path


def test_fast_single_text_path_gives_the_same_probabilities(city, staff, units, history):
    import numpy as np

    from renda.assist.actions import training_data

    texts, labels, _ = training_data(city)
    router = Router().fit(texts, labels)
    for text in [*texts[:5], "", "完全无关的内容"]:
        assert np.allclose(router.score_one(text), router.scores([text])[0], atol=1e-9)
    assert router.top(texts[0], k=3)[0][0] == labels[0]


def test_failed_retraining_releases_the_claim(city, staff, units, deputy_user):
    from renda.assist.tasks import retrain

    RetrainState.objects.create(congress=city, new_assignments=60, queued_at="2026-01-01T00:00:00Z")
    assert retrain.call(city.pk) is None  # too little history: refused, not crashed
    assert RetrainState.objects.get(congress=city).queued_at is None
