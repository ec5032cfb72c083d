"""The congresses and the deputy roster through the API: scoped to the user's congresses
(another congress's deputy is 404, never 403), phones masked for those without a need to
call, paged with checked parameters; the OpenAPI docs need no outside CDN."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from renda.api.auth import issue_token
from renda.core.models import Role
from tests.conftest import make_deputy, make_user

pytestmark = pytest.mark.django_db


def api_for(user) -> Client:
    key, _ = issue_token(user)
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def roster(city, delegation, deputy_user):
    """Three deputies of our congress: 王建国 (with an account), 李秀英, 张明华."""
    make_deputy(city, "李秀英", "13800000002", delegation)
    make_deputy(city, "张明华", "13800000003", delegation)
    return city


def assert_error(response, status):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    return body


# --- congresses -------------------------------------------------------------------------------


def test_congresses_lists_only_the_users_congresses(staff, city, other_congress):
    body = api_for(staff).get("/api/v1/congresses").json()
    assert [c["id"] for c in body] == [city.pk]
    assert body[0]["current_term"] == "第十六届"
    assert body[0]["level_label"] == "设区的市级"


def test_outsider_sees_only_their_own_congress(outsider, city, other_congress):
    body = api_for(outsider).get("/api/v1/congresses").json()
    assert [c["id"] for c in body] == [other_congress.pk]


def test_user_with_roles_in_two_congresses_sees_both(city, other_congress):
    user = make_user("both", city, Role.STAFF)
    user.roles.create(congress=other_congress, role=Role.LEADER, start_date="2022-01-01")
    body = api_for(user).get("/api/v1/congresses").json()
    assert {c["id"] for c in body} == {city.pk, other_congress.pk}


def test_user_without_roles_sees_no_congress(city):
    assert api_for(make_user("norole", city)).get("/api/v1/congresses").json() == []


# --- the roster -------------------------------------------------------------------------------


def test_staff_sees_the_roster_with_full_phones(staff, roster):
    body = api_for(staff).get("/api/v1/deputies").json()
    assert body["count"] == 3
    phones = {item["name"]: item["phone"] for item in body["items"]}
    assert phones["李秀英"] == "13800000002"
    assert phones["王建国"] == "13900000001"


def test_leader_sees_masked_phones(leader, roster):
    body = api_for(leader).get("/api/v1/deputies").json()
    phones = {item["name"]: item["phone"] for item in body["items"]}
    assert phones["李秀英"] == "138****0002"
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", p) for p in phones.values())


def test_roster_is_paged(staff, roster):
    client = api_for(staff)
    first = client.get("/api/v1/deputies", {"page_size": 2}).json()
    assert (first["count"], first["page"], first["pages"], first["page_size"]) == (3, 1, 2, 2)
    assert len(first["items"]) == 2
    second = client.get("/api/v1/deputies", {"page_size": 2, "page": 2}).json()
    assert second["page"] == 2
    assert len(second["items"]) == 1
    names = {i["name"] for i in first["items"]} | {i["name"] for i in second["items"]}
    assert names == {"王建国", "李秀英", "张明华"}


@pytest.mark.parametrize("size", [0, 201, -5])
def test_page_size_out_of_range_is_422(staff, roster, size):
    body = assert_error(api_for(staff).get("/api/v1/deputies", {"page_size": size}), 422)
    assert body["errors"][0]["field"] == "page_size"
    assert "每页条数" in body["errors"][0]["message"]


def test_page_size_not_a_number_is_422(staff, roster):
    body = assert_error(api_for(staff).get("/api/v1/deputies", {"page_size": "many"}), 422)
    assert body["errors"] == [{"field": "page_size", "message": "每页条数：应为整数"}]


def test_page_past_the_end_is_422(staff, roster):
    body = assert_error(api_for(staff).get("/api/v1/deputies", {"page": 9}), 422)
    assert body["errors"][0]["field"] == "page"


def test_roster_of_another_congress_is_404(staff, roster, other_congress, other_deputy):
    response = api_for(staff).get("/api/v1/deputies", {"congress": other_congress.pk})
    body = assert_error(response, 404)
    assert "赵外地" not in str(body)


def test_outsider_roster_holds_none_of_our_deputies(outsider, roster, other_deputy):
    body = api_for(outsider).get("/api/v1/deputies").json()
    assert [i["name"] for i in body["items"]] == ["赵外地"]


def test_roster_without_a_viewing_role_is_403(sysadmin, roster):
    assert_error(api_for(sysadmin).get("/api/v1/deputies"), 403)


def test_roster_needs_authentication(roster):
    assert_error(Client().get("/api/v1/deputies"), 401)


# --- one deputy -------------------------------------------------------------------------------


def test_staff_reads_a_deputy_of_our_congress(staff, roster, deputy_user):
    deputy = deputy_user.deputy
    body = api_for(staff).get(f"/api/v1/deputies/{deputy.pk}").json()
    assert body["name"] == "王建国"
    assert body["phone"] == "13900000001"
    assert [m["congress_id"] for m in body["mandates"]] == [roster.pk]


def test_leader_reads_a_deputy_with_masked_phone(leader, roster, deputy_user):
    body = api_for(leader).get(f"/api/v1/deputies/{deputy_user.deputy.pk}").json()
    assert body["phone"] == "139****0001"
    assert body["birth_date"] is None


def test_deputy_reads_their_own_full_phone(deputy_user):
    body = api_for(deputy_user).get(f"/api/v1/deputies/{deputy_user.deputy.pk}").json()
    assert body["phone"] == "13900000001"


def test_staff_gets_404_for_a_deputy_of_another_congress(staff, other_deputy):
    body = assert_error(api_for(staff).get(f"/api/v1/deputies/{other_deputy.pk}"), 404)
    assert "赵外地" not in str(body)


def test_outsider_gets_404_for_our_deputy(outsider, deputy_user):
    body = assert_error(api_for(outsider).get(f"/api/v1/deputies/{deputy_user.deputy.pk}"),
                        404)
    assert "王建国" not in str(body)


def test_unknown_deputy_is_404(staff):
    assert_error(api_for(staff).get("/api/v1/deputies/999999"), 404)


# --- documentation ----------------------------------------------------------------------------


def test_openapi_schema_is_served(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "数字人大 renda API"
    assert {"/api/v1/auth/token", "/api/v1/me", "/api/v1/deputies"} <= set(schema["paths"])


def test_docs_page_uses_no_outside_cdn(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
