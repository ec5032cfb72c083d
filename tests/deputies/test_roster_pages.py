"""The roster pages: list with search and filters, detail, export, import with progress —
scoped to the user's congress (another congress's deputies are 404, never 403)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from renda.core.models import AuditEvent, Level, Role
from renda.deputies.models import (
    Deputy,
    GroupMembership,
    ImportStatus,
    Mandate,
    MandateStatus,
    RosterImport,
)
from renda.deputies.roster import HEADERS, import_roster
from tests.conftest import client_for, make_congress, make_deputy, make_user

from .helpers import people, roster_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(city, delegation, group):
    import_roster(roster_file(people(12)), city, None)
    return Mandate.objects.filter(congress=city)


def test_staff_sees_the_roster_with_full_phones(staff, roster):
    response = client_for(staff).get("/deputies/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 12
    assert "13800000001" in response.content.decode()


def test_leader_sees_masked_phones(leader, roster):
    body = client_for(leader).get("/deputies/").content.decode()
    assert "138****0001" in body and "13800000001" not in body


def test_search_by_name_and_work_unit(staff, roster, city):
    deputy = Deputy.objects.get(phone="13800000003")
    deputy.work_unit = "示例市港务集团"
    deputy.save()
    client = client_for(staff)
    page = client.get("/deputies/", {"q": "港务"}).context["page"]
    assert [m.deputy.phone for m in page] == ["13800000003"]
    page = client.get("/deputies/", {"q": deputy.name}).context["page"]
    assert deputy.pk in {m.deputy_id for m in page}


def test_filters_by_delegation_group_party_and_status(staff, roster, city, delegation, group):
    client = client_for(staff)
    first = Mandate.objects.get(deputy__phone="13800000001")
    first.delegation = None
    first.save()
    Deputy.objects.filter(phone="13800000002").update(party="民盟")
    GroupMembership.objects.filter(mandate__deputy__phone="13800000004").delete()
    Mandate.objects.filter(deputy__phone="13800000005").update(
        status=MandateStatus.ENDED, end_reason="resigned", end_date="2024-05-01")
    count = lambda **p: client.get("/deputies/", p).context["page"].paginator.count  # noqa: E731
    assert count() == 11
    assert count(delegation=delegation.pk) == 10
    assert count(group=group.pk) == 10
    assert count(party="民盟") == 1
    assert count(status="ended") == 1
    assert count(status="all") == 12
    assert count(party="not-a-party") == 11  # unknown values are ignored, not a 500
    assert count(delegation="abc") == 11


def test_level_filter_finds_deputies_who_also_sit_at_county_level(staff, roster, city):
    county = make_congress("示例市东湖区人民代表大会", "330102", Level.COUNTY, parent=city)
    deputy = Deputy.objects.get(phone="13800000007")
    Mandate.objects.create(deputy=deputy, congress=county, term=county.current_term(),
                           start_date="2022-01-01")
    page = client_for(staff).get("/deputies/", {"level": "county"}).context["page"]
    assert [m.deputy_id for m in page] == [deputy.pk]


def test_htmx_request_returns_only_the_roster_partial(staff, roster):
    response = client_for(staff).get("/deputies/", {"q": "赵"}, headers={
        "HX-Request": "true", "HX-Target": "roster"})
    body = response.content.decode()
    assert 'id="roster"' in body and "<html" not in body


def test_list_pages_are_paginated(staff, city, delegation, group):
    import_roster(roster_file(people(70)), city, None)
    client = client_for(staff)
    page = client.get("/deputies/", {"page": 3}).context["page"]
    assert page.number == 3 and len(page.object_list) == 10
    assert client.get("/deputies/", {"page": "x"}).status_code == 200


def _bulk_roster(city, delegation, group, n):
    deputies = Deputy.objects.bulk_create(
        [Deputy(name=f"代表{i:05d}", gender="M", phone=f"1370{i:07d}") for i in range(n)],
        batch_size=2000)
    term = city.current_term()
    mandates = Mandate.objects.bulk_create(
        [Mandate(deputy=d, congress=city, term=term, delegation=delegation,
                 start_date=term.start_date) for d in deputies], batch_size=2000)
    GroupMembership.objects.bulk_create(
        [GroupMembership(group=group, mandate=m) for m in mandates], batch_size=2000)


@pytest.mark.parametrize("size", [80, 10_000])
def test_deputy_list_runs_the_same_bounded_number_of_queries_at_any_size(
        staff, city, delegation, group, size, django_assert_max_num_queries):
    _bulk_roster(city, delegation, group, size)
    client = client_for(staff)
    client.get("/deputies/")  # the first request of a session stamps its activity
    with django_assert_max_num_queries(13) as captured:
        response = client.get("/deputies/", {"page": 2, "q": "代表"})
    assert len(response.context["page"].object_list) == 30
    assert response.context["page"].paginator.count == size
    assert len(captured) <= 13


def test_another_congress_sees_none_of_our_deputies(outsider, roster, city):
    client = client_for(outsider)
    body = client.get("/deputies/").content.decode()
    assert "13800000001" not in body and "138****0001" not in body
    deputy = Deputy.objects.get(phone="13800000001")
    assert client.get(f"/deputies/{deputy.pk}/").status_code == 404
    assert client.get("/deputies/", {"congress": city.pk}).status_code == 404
    assert client.get("/deputies/export.xlsx", {"congress": city.pk}).status_code == 404


def test_staff_cannot_open_another_congress_deputy(staff, other_deputy):
    assert client_for(staff).get(f"/deputies/{other_deputy.pk}/").status_code == 404


def test_detail_shows_only_mandates_in_visible_congresses(staff, city, delegation, other_congress):
    deputy = make_deputy(city, "刘德华", "13811112222", delegation)
    Mandate.objects.create(deputy=deputy, congress=other_congress,
                           term=other_congress.current_term(), start_date="2022-01-01")
    response = client_for(staff).get(f"/deputies/{deputy.pk}/")
    assert response.status_code == 200
    assert [m.congress_id for m in response.context["mandates"]] == [city.pk]
    assert "别处市人民代表大会" not in response.content.decode()


def test_deputy_sees_own_phone_but_others_masked(deputy_user, city, delegation):
    other = make_deputy(city, "周其他", "13811113333", delegation)
    client = client_for(deputy_user)
    own = client.get(f"/deputies/{deputy_user.deputy.pk}/").content.decode()
    assert "13900000001" in own
    body = client.get(f"/deputies/{other.pk}/").content.decode()
    assert "138****3333" in body and "13811113333" not in body


def test_export_is_a_round_trip_with_import(staff, roster, city):
    response = client_for(staff).get("/deputies/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    ws = wb["代表名册"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.max_row == 13
    result = import_roster(BytesIO(response.content), city, staff)
    assert result.imported, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (0, 12)
    assert Deputy.objects.count() == 12
    assert AuditEvent.objects.filter(action="deputies.roster_exported").exists()


def test_leader_export_masks_phones_and_unit_cannot_export(leader, unit_user, roster):
    content = client_for(leader).get("/deputies/export.xlsx").content
    phones = [r[8] for r in load_workbook(BytesIO(content))["代表名册"].iter_rows(
        min_row=2, values_only=True)]
    assert phones and all("****" in p for p in phones)
    assert client_for(unit_user).get("/deputies/export.xlsx").status_code == 403


def test_template_download_needs_import_right(staff, leader, city, delegation):
    assert client_for(staff).get("/deputies/template.xlsx").status_code == 200
    assert client_for(leader).get("/deputies/template.xlsx").status_code == 403


def _upload(rows, name="roster.xlsx"):
    return SimpleUploadedFile(name, roster_file(rows).getvalue())


def test_import_page_runs_the_import_and_shows_progress_and_result(staff, city, delegation,
                                                                   group):
    client = client_for(staff)
    response = client.post("/deputies/import/", {"file": _upload(people(3))})
    job = RosterImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/deputies/import/{job.pk}/"
    assert job.status == ImportStatus.DONE and job.created_count == 3
    assert job.percent == 100
    partial = client.get(f"/deputies/import/{job.pk}/", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert 'id="progress"' in body and "新增 3 名" in body and "<html" not in body
    assert "every 1s" not in body  # finished: the page stops polling


def test_import_page_reports_bad_rows_and_saves_nothing(staff, city, delegation, group):
    rows = people(3)
    rows[1]["手机号"] = "abc"
    client = client_for(staff)
    client.post("/deputies/import/", {"file": _upload(rows)})
    job = RosterImport.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.errors == [{"row": 3, "column": "手机号", "message": "“abc”不是11位手机号"}]
    assert Deputy.objects.count() == 0
    body = client.get(f"/deputies/import/{job.pk}/").content.decode()
    assert "整份文件没有导入" in body and "“abc”不是11位手机号" in body


@pytest.mark.parametrize(("name", "content", "message"), [
    ("roster.csv", b"a,b", "只能上传 .xlsx"),
    ("roster.xlsx", b"not a zip file", "不是 Excel"),
])
def test_import_page_refuses_files_that_are_not_xlsx(staff, city, name, content, message):
    response = client_for(staff).post("/deputies/import/",
                                      {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_import_refused_for_roles_without_the_right(leader, unit_user, deputy_user, city):
    for user in (leader, unit_user, deputy_user):
        response = client_for(user).post("/deputies/import/", {"file": _upload(people(1))})
        assert response.status_code == 403
    assert RosterImport.objects.count() == 0


def test_import_status_of_another_congress_is_404(staff, outsider, city, delegation, group):
    client_for(staff).post("/deputies/import/", {"file": _upload(people(1))})
    job = RosterImport.objects.get()
    assert client_for(outsider).get(f"/deputies/import/{job.pk}/").status_code == 404


def test_sysadmin_issues_a_password_sheet_for_deputies_never_signed_in(sysadmin, city,
                                                                       delegation, group):
    import_roster(roster_file(people(3)), city, None)
    response = client_for(sysadmin).post("/deputies/initial-passwords/",
                                         {"congress": city.pk})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(
        min_row=2, values_only=True))
    assert len(rows) == 3
    from renda.core.models import User

    user = User.objects.get(username=rows[0][1])
    assert user.check_password(rows[0][2]) and user.must_change_password
    assert AuditEvent.objects.filter(action="user.initial_passwords_issued").exists()


def test_staff_cannot_issue_password_sheets(staff, city):
    assert client_for(staff).post("/deputies/initial-passwords/").status_code == 403


def test_anonymous_users_are_sent_to_sign_in(roster):
    from django.test import Client

    response = Client().get("/deputies/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_roles_of_a_user_in_two_congresses_show_both_rosters(city, other_congress, roster,
                                                             other_deputy):
    from renda.core.models import RoleAssignment

    user = make_user("both", city, Role.STAFF)
    RoleAssignment.objects.create(user=user, congress=other_congress, role=Role.LEADER)
    client = client_for(user)
    assert client.get("/deputies/", {"congress": other_congress.pk}).context[
        "page"].paginator.count == 1
    assert client.get(f"/deputies/{other_deputy.pk}/").status_code == 200
