"""Pages: the deputy's phone pages, staff pages, scoping and refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from renda.archive import actions, capture
from renda.archive.models import Activity, Attendance, DutyRecord, Invitation, RecordKind
from renda.core.models import AuditEvent
from tests.conftest import client_for


def test_my_archive_shows_score_breakdown_and_records(deputy_user, deputy, city):
    capture.record(deputy, RecordKind.TRAINING, "t:1", timezone.localdate(), congress=city,
                   title="参加新任代表履职培训")
    r = client_for(deputy_user).get("/archive/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "参加新任代表履职培训" in html and "参加学习培训" in html
    assert 'data-testid="score">4<' in html


def test_staff_and_others_cannot_open_a_deputys_own_pages(staff, outsider, unit_user):
    for user in (staff, outsider, unit_user):
        assert client_for(user).get("/archive/").status_code == 403
        assert client_for(user).get("/archive/report/").status_code == 403


def test_deputy_cannot_open_staff_pages(deputy_user):
    c = client_for(deputy_user)
    for url in ("/archive/activities/", "/archive/activities/new/", "/archive/rules/",
                "/archive/table/", "/archive/figures/", "/archive/verify/"):
        assert c.get(url).status_code == 403, url


def test_self_report_with_a_photo_then_staff_verify_changes_the_score(deputy_user, deputy,
                                                                     staff, city):
    c = client_for(deputy_user)
    photo = SimpleUploadedFile("走访.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg")
    r = c.post("/archive/report/", {"congress": city.pk, "kind": "contact",
                                    "day": timezone.localdate().isoformat(),
                                    "title": "走访东城社区，收集停车难问题", "detail": "",
                                    "files": [photo]})
    assert r.status_code == 302
    rec = DutyRecord.objects.get()
    assert (rec.status, rec.self_reported, rec.evidence.count()) == ("pending", True, 1)
    assert 'data-testid="score">0<' in c.get("/archive/").content.decode()
    staff_client = client_for(staff)
    queue = staff_client.get("/archive/verify/").content.decode()
    assert "走访东城社区" in queue and "走访.jpg" in queue
    assert staff_client.get(f"/archive/evidence/{rec.evidence.get().pk}/").status_code == 200
    r = staff_client.post(f"/archive/verify/{rec.pk}/", {"decision": "approve"})
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "confirmed" and rec.verified_by == staff
    assert 'data-testid="score">1<' in c.get("/archive/").content.decode()
    assert AuditEvent.objects.filter(action="archive.record_verified").exists()


@pytest.mark.parametrize("data, message", [
    ({"kind": "", "title": "走访"}, "请选择可以填报的履职类别"),
    ({"kind": "suggestion", "title": "走访"}, "请选择可以填报的履职类别"),
    ({"kind": "contact", "title": ""}, "请填写事项"),
    ({"kind": "contact", "title": "走访", "day": "2026-13-45"}, "请填写日期"),
    ({"kind": "contact", "title": "走访", "day": "2099-01-01"}, "日期不能晚于今天"),
    ({"kind": "contact", "title": "走" * 201}, "不能超过200字"),
])
def test_bad_self_reports_are_refused_in_chinese_and_kept(deputy_user, city, data, message):
    form = {"congress": city.pk, "day": timezone.localdate().isoformat(), **data}
    r = client_for(deputy_user).post("/archive/report/", form)
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html
    if data.get("title"):
        assert data["title"][:50] in html  # what was typed stays
    assert not DutyRecord.objects.exists()


def test_bad_evidence_is_refused(deputy_user, city):
    bad = SimpleUploadedFile("病毒.exe", b"MZ", "application/octet-stream")
    r = client_for(deputy_user).post("/archive/report/", {
        "congress": city.pk, "kind": "contact", "day": timezone.localdate().isoformat(),
        "title": "走访", "files": [bad]})
    assert r.status_code == 400 and "不是照片或 PDF" in r.content.decode()
    assert not DutyRecord.objects.exists()


def test_reject_needs_a_reason_and_is_told_to_the_deputy(deputy_user, staff, city):
    rec = actions.self_report(deputy_user, city, "legal", timezone.localdate(), "普法讲座")
    c = client_for(staff)
    c.post(f"/archive/verify/{rec.pk}/", {"decision": "reject", "reason": ""})
    rec.refresh_from_db()
    assert rec.status == "pending"
    c.post(f"/archive/verify/{rec.pk}/", {"decision": "reject", "reason": "缺少活动照片"})
    rec.refresh_from_db()
    assert (rec.status, rec.reject_reason) == ("rejected", "缺少活动照片")
    assert "缺少活动照片" in client_for(deputy_user).get("/archive/").content.decode()
    # Decided once: no second decision.
    c.post(f"/archive/verify/{rec.pk}/", {"decision": "approve"})
    rec.refresh_from_db()
    assert rec.status == "rejected"


def test_station_keeper_verifies_only_station_kinds(deputy_user, keeper, city):
    station = actions.self_report(deputy_user, city, "reception", timezone.localdate(), "接待")
    other = actions.self_report(deputy_user, city, "legal", timezone.localdate(), "普法")
    c = client_for(keeper)
    html = c.get("/archive/verify/").content.decode()
    assert "接待" in html and "普法" not in html
    assert c.post(f"/archive/verify/{other.pk}/", {"decision": "approve"}).status_code == 403
    assert c.post(f"/archive/verify/{station.pk}/", {"decision": "approve"}).status_code == 302


def test_outsider_gets_404_for_our_records_and_activities(outsider, deputy_user, city,
                                                          activity):
    rec = actions.self_report(deputy_user, city, "legal", timezone.localdate(), "普法")
    c = client_for(outsider)
    assert c.post(f"/archive/verify/{rec.pk}/", {"decision": "approve"}).status_code == 404
    assert c.get(f"/archive/activities/{activity.pk}/").status_code == 404
    assert c.get(f"/archive/activities/{activity.pk}/qr.png").status_code == 404
    assert c.get(f"/archive/deputies/{deputy_user.deputy.pk}/").status_code == 404


def test_staff_creates_an_activity_with_a_delegation(staff, city, delegation, deputy,
                                                     cosigner_user):
    start = timezone.localtime() + timedelta(days=2)
    r = client_for(staff).post("/archive/activities/new/", {
        "congress": city.pk, "kind": "research", "title": "乡村振兴专题调研",
        "organiser": "农业与农村委员会", "place": "东城区", "delegation": delegation.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 302
    a = Activity.objects.get()
    assert set(a.invitations.values_list("deputy__name", flat=True)) == {"王建国", "李秀英"}
    page = client_for(staff).get(f"/archive/activities/{a.pk}/").content.decode()
    assert "<svg" in page and "乡村振兴专题调研" in page
    png = client_for(staff).get(f"/archive/activities/{a.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_activity_form_keeps_input_on_error(staff, city):
    r = client_for(staff).post("/archive/activities/new/", {
        "congress": city.pk, "kind": "research", "title": "乡村振兴专题调研",
        "organiser": "农委", "place": "东城区", "starts_at": "2026-05-01T10:00",
        "ends_at": "2026-05-01T09:00"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "结束时间应晚于开始时间" in html and "乡村振兴专题调研" in html
    assert not Activity.objects.exists()


def test_deputy_checks_in_via_the_qr_link_and_asks_leave_elsewhere(deputy_user, staff, city,
                                                                   deputy, activity):
    c = client_for(deputy_user)
    code = actions.checkin_code(activity)
    page = c.get("/archive/checkin/", {"code": code}).content.decode()
    assert activity.title in page and "确认签到" in page
    r = c.post("/archive/checkin/", {"code": code})
    assert r.status_code == 302
    assert Invitation.objects.get(activity=activity).status == Attendance.ATTENDED
    from tests.archive.conftest import new_activity

    later = new_activity(staff, city, [deputy], start=timezone.now() + timedelta(days=3),
                         title="执法检查")
    r = c.post(f"/archive/activities/{later.pk}/checkin/", {"code": code})
    assert r.status_code == 400 and "另一个活动" in r.content.decode()
    c.post(f"/archive/activities/{later.pk}/leave/", {"reason": "外地出差"})
    assert Invitation.objects.get(activity=later).status == Attendance.LEAVE_REQUESTED
    client_for(staff).post(f"/archive/activities/{later.pk}/approve_leave/",
                           {"deputy": deputy.pk})
    assert Invitation.objects.get(activity=later).status == Attendance.LEAVE_APPROVED


def test_rules_page_saves_only_that_year(staff, city):
    c = client_for(staff)
    page = c.get(f"/archive/rules/?congress={city.pk}&year=2026")
    assert page.status_code == 200
    form = {"congress": city.pk, "year": 2026, "summary_date": "2026-11-25",
            "band_label": ["好", "较好", "差"], "band_min": ["80", "60", ""]}
    for k in RecordKind.values:
        form[f"points_{k}"] = "2"
        form[f"cap_{k}"] = ""
    assert c.post("/archive/rules/", form).status_code == 302
    from renda.archive.scoring import ruleset_for

    assert ruleset_for(city.pk, 2026).rules.get(kind="session").points == 2
    assert ruleset_for(city.pk, 2025).rules.get(kind="session").points == 10
    form["points_session"] = "x"
    r = c.post("/archive/rules/", form)
    assert r.status_code == 400 and "应为数字" in r.content.decode()


def test_table_is_paginated_with_bounded_queries(staff, city, delegation,
                                                 django_assert_max_num_queries):
    from tests.conftest import make_deputy

    for i in range(60):
        d = make_deputy(city, f"代表{i:02d}", f"1380000{i:04d}", delegation)
        capture.record(d, RecordKind.SESSION, f"s:{i}", date(2026, 3, 1), congress=city)
    c = client_for(staff)
    c.get(f"/archive/table/?congress={city.pk}&year=2026")  # computes once
    with django_assert_max_num_queries(20):
        r = c.get(f"/archive/table/?congress={city.pk}&year=2026&page=2")
    assert "第 2 / 2 页" in r.content.decode()


def test_report_draft_is_editable_and_saved(deputy_user, deputy, city):
    capture.record(deputy, RecordKind.REPORT, "r:1", timezone.localdate(), congress=city,
                   title="向东城选民述职")
    c = client_for(deputy_user)
    html = c.get("/archive/speech/").content.decode()
    assert "向东城选民述职" in html
    c.post("/archive/speech/", {"congress": city.pk, "year": timezone.localdate().year,
                                "text": "我修改过的述职报告。"})
    assert "我修改过的述职报告。" in c.get("/archive/speech/").content.decode()
    r = c.post("/archive/speech/", {"congress": city.pk, "text": ""})
    assert "请填写述职报告" in r.content.decode()


def test_home_cards_and_nav(deputy_user, staff):
    html = client_for(deputy_user).get("/").content.decode()
    assert "我的履职档案" in html and 'href="/archive/"' in html
    html = client_for(staff).get("/").content.decode()
    assert "待核实履职记录" in html and "履职活动" in html and "履职统计" in html


def test_leader_reads_the_table_and_figures_but_cannot_recompute(leader, staff, city, deputy):
    capture.record(deputy, RecordKind.SESSION, "s:1", date(2026, 3, 1), congress=city)
    c = client_for(leader)
    html = c.get(f"/archive/table/?congress={city.pk}&year=2026").content.decode()
    assert "王建国" in html and "重新计算" not in html
    assert c.post(f"/archive/table/?congress={city.pk}&year=2026").status_code == 403
    page = c.get(f"/archive/figures/?congress={city.pk}&year=2026")
    assert page.status_code == 200 and page.content.decode().count("<svg") == 5
    assert c.get("/archive/activities/").status_code == 403
    assert client_for(staff).post(
        f"/archive/table/?congress={city.pk}&year=2026").status_code == 302
