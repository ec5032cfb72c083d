"""The archive API: the deputy's archive, self-reports, check-in and staff verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from renda.archive import actions, capture
from renda.archive.models import DutyRecord, RecordKind
from renda.core.models import Role
from tests.archive.conftest import new_activity
from tests.conftest import make_deputy, make_user


@pytest.fixture
def deputy(deputy_user):
    return deputy_user.deputy


def api(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c, url, data):
    return c.post(f"/api/v1/archive{url}", data, content_type="application/json")


def test_my_archive_with_breakdown(deputy_user, deputy, city):
    capture.record(deputy, RecordKind.SESSION, "s:1", timezone.localdate(), congress=city)
    capture.void("s:0")
    r = api(deputy_user).get("/api/v1/archive/me")
    assert r.status_code == 200
    body = r.json()
    assert body["score"] == 10 and body["grade"] == "差"
    assert body["lines"] == [{"kind": "session", "label": "出席代表大会会议", "count": 1,
                              "points": 10.0, "cap": 20.0, "earned": 10.0}]
    assert body["records"][0]["counts"] is True


def test_archive_is_for_deputies_only(staff, outsider):
    assert api(staff).get("/api/v1/archive/me").status_code == 403
    assert api(outsider).get("/api/v1/archive/me").status_code == 403
    assert Client().get("/api/v1/archive/me").status_code == 401


def test_self_report_then_verify_changes_the_score(deputy_user, staff, city):
    c = api(deputy_user)
    r = post(c, "/me/records", {"kind": "legal", "day": timezone.localdate().isoformat(),
                                "title": "社区普法讲座"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert c.get("/api/v1/archive/me").json()["score"] == 0
    pending = api(staff).get("/api/v1/archive/pending").json()
    assert [p["title"] for p in pending] == ["社区普法讲座"]
    rid = pending[0]["id"]
    assert post(api(staff), f"/records/{rid}/verify", {"approve": False}).status_code == 400
    r = post(api(staff), f"/records/{rid}/verify", {"approve": True})
    assert r.status_code == 200 and r.json()["counts"] is True
    assert c.get("/api/v1/archive/me").json()["score"] == 2
    assert post(api(staff), f"/records/{rid}/verify", {"approve": True}).status_code == 400


@pytest.mark.parametrize("body, status", [
    ({"kind": "legal", "day": "2026-02-30", "title": "普法"}, 422),
    ({"kind": "legal", "title": "普法"}, 422),
    ({"kind": "voting", "day": "2026-01-05", "title": "票决"}, 400),
    ({"kind": "legal", "day": "2026-01-05", "title": "   "}, 400),
])
def test_bad_self_reports(deputy_user, body, status):
    r = post(api(deputy_user), "/me/records", body)
    assert r.status_code == status
    assert r.json()["detail"]
    assert not DutyRecord.objects.exists()


def test_verify_scoping(deputy_user, staff, outsider, city):
    rec = actions.self_report(deputy_user, city, "legal", timezone.localdate(), "普法")
    assert post(api(outsider), f"/records/{rec.pk}/verify", {"approve": True}).status_code == 404
    assert post(api(deputy_user), f"/records/{rec.pk}/verify",
                {"approve": True}).status_code == 403
    assert api(deputy_user).get("/api/v1/archive/pending").status_code == 403


def test_check_in_api_refuses_another_activitys_code_and_expired(deputy_user, deputy, staff,
                                                                 city):
    now_on = new_activity(staff, city, [deputy])
    other = new_activity(staff, city, [deputy], title="另一场调研", kind="research")
    past = new_activity(staff, city, [deputy], start=timezone.now() - timedelta(hours=6),
                        title="上周视察")
    c = api(deputy_user)
    r = post(c, "/checkin", {"code": actions.checkin_code(other), "activity_id": now_on.pk})
    assert r.status_code == 400 and "另一个活动" in r.json()["detail"]
    r = post(c, "/checkin", {"code": actions.checkin_code(past)})
    assert r.status_code == 400 and "已过期" in r.json()["detail"]
    r = post(c, "/checkin", {"code": actions.checkin_code(now_on), "activity_id": now_on.pk})
    assert r.status_code == 200 and r.json()["title"] == "城市更新项目视察"
    assert DutyRecord.objects.get().kind == "inspection"
    assert post(api(staff), "/checkin", {"code": actions.checkin_code(now_on)}).status_code == 403


def test_deputy_of_two_congresses_picks_one(deputy_user, deputy, city, other_congress):
    from renda.core.models import RoleAssignment
    from renda.deputies.models import Mandate

    Mandate.objects.create(deputy=deputy, congress=other_congress,
                           term=other_congress.current_term(), start_date=timezone.localdate())
    RoleAssignment.objects.create(user=deputy_user, congress=other_congress, role=Role.DEPUTY)
    capture.record(deputy, RecordKind.GROUP, "g:1", timezone.localdate(), congress=other_congress)
    c = api(deputy_user)
    assert c.get(f"/api/v1/archive/me?congress_id={other_congress.pk}").json()["score"] == 2
    assert c.get(f"/api/v1/archive/me?congress_id={city.pk}").json()["score"] == 0
    stranger = make_user("x", city)
    make_deputy(city, "陌生", "13900000099")
    assert c.get("/api/v1/archive/me?congress_id=99999").status_code == 404
    assert stranger  # an account without a deputy
