"""/api/v1/assist: routing proposals for staff, hints and similar suggestions for deputies."""

from __future__ import annotations

from renda.assist import actions
from renda.suggestions.models import Assignment
from tests.conftest import client_for


def post(user, url, data):
    return client_for(user).post(f"/api/v1/assist{url}", data, content_type="application/json")


def test_route_gives_top_three_with_confidence_and_assigns_nothing(city, staff, units, history):
    actions.train(city, actor=staff, evaluate=False)
    before = Assignment.objects.count()
    r = post(staff, "/route", {"congress": city.pk, "subject": "关于增开公交线路的建议",
                               "text": "居民出行不便，公交线路少，等车时间长。"})
    assert r.status_code == 200
    body = r.json()
    assert body["source"] == "model" and body["model_version"] == 1
    assert len(body["proposals"]) == 3 and body["proposals"][0]["name"] == "市交通运输局"
    assert body["proposals"][0]["confidence"] >= body["proposals"][1]["confidence"]
    assert Assignment.objects.count() == before


def test_route_refused_to_deputy_and_other_congress(city, other_congress, deputy_user, outsider, units):
    assert post(deputy_user, "/route", {"congress": city.pk, "text": "公交"}).status_code == 403
    assert post(outsider, "/route", {"congress": city.pk, "text": "公交"}).status_code == 404


def test_route_bad_body_is_422(city, staff):
    assert post(staff, "/route", {"congress": city.pk, "text": ""}).status_code == 422
    assert post(staff, "/route", {"text": "公交"}).status_code == 422


def test_draft_help_for_deputy(city, deputy_user):
    r = post(deputy_user, "/draft-help", {"congress": city.pk, "title": "关于修路的建议", "problem": "路不好走。"})
    assert r.status_code == 200
    codes = {h["code"] for h in r.json()["hints"]}
    assert {"no_analysis", "no_measures", "short"} <= codes


def test_draft_help_refused_to_staff(city, staff):
    assert post(staff, "/draft-help", {"congress": city.pk, "title": "x"}).status_code == 403
