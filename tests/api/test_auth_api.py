"""Bearer tokens for the phone app: issued for a username or phone and password, expiring
after 30 days, revocable; every error is {"detail": ..., "errors": [...]} in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from renda.api.auth import issue_token
from renda.core.models import ApiToken, AuditEvent, Role, User
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def ask_token(login=None, password=None):
    body = {k: v for k, v in {"login": login, "password": password}.items() if v is not None}
    return Client().post(TOKEN_URL, body, content_type="application/json")


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_token_for_username_and_password(staff):
    response = ask_token("staff", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["must_change_password"] is False
    assert ApiToken.objects.get(user=staff).key_hash == ApiToken.hash_key(body["token"])


def test_token_for_phone_and_password(deputy_user):
    response = ask_token("13900000001", PASSWORD)
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=deputy_user).count() == 1


def test_token_expires_after_thirty_days(staff):
    body = ask_token("staff", PASSWORD).json()
    record = ApiToken.objects.get(user=staff)
    assert record.expires_at == pytest.approx(timezone.now() + timedelta(days=30),
                                              abs=timedelta(minutes=1))
    assert body["expires_at"].startswith(record.expires_at.strftime("%Y-%m-%d"))


def test_issuing_a_token_is_audited(staff):
    token = ask_token("staff", PASSWORD).json()["token"]
    event = AuditEvent.objects.get(action="auth.token_issued")
    assert event.actor_id == staff.pk
    assert event.summary == {"prefix": token[:8]}


def test_wrong_password_is_401_with_the_error_shape(staff):
    response = ask_token("staff", "not-the-password")
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名/手机号或密码不正确。", "errors": []}
    assert not ApiToken.objects.exists()


def test_wrong_password_counts_towards_the_lock(staff):
    ask_token("staff", "not-the-password")
    staff.refresh_from_db()
    assert staff.failed_logins == 1


def test_locked_account_gets_no_token(staff):
    for _ in range(5):
        ask_token("staff", "not-the-password")
    response = ask_token("staff", PASSWORD)
    assert response.status_code == 423
    assert "锁定" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_inactive_account_gets_no_token(city):
    make_user("retired", city, Role.STAFF, is_active=False)
    assert ask_token("retired", PASSWORD).status_code == 401


@pytest.mark.parametrize("missing, label", [("password", "密码"), ("login", "用户名或手机号")])
def test_missing_field_is_422_naming_it_in_chinese(staff, missing, label):
    values = {"login": "staff", "password": PASSWORD}
    del values[missing]
    response = ask_token(**values)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "请求参数有误。"
    assert body["errors"] == [{"field": missing, "message": f"{label}：必填"}]


def test_empty_login_is_422(staff):
    response = ask_token("", PASSWORD)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "login", "message": "用户名或手机号：不能为空"}]


def test_me_lists_the_users_roles(staff, city):
    token = ask_token("staff", PASSWORD).json()["token"]
    response = bearer(token).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "staff"
    assert body["roles"] == [{"congress_id": city.pk, "congress": city.name, "role": "staff",
                              "role_label": "人大工作人员", "organization_id": None,
                              "organization": None}]


def test_me_of_a_unit_user_names_the_unit(unit_user, unit_org):
    key, _ = issue_token(unit_user)
    [role] = bearer(key).get("/api/v1/me").json()["roles"]
    assert (role["role"], role["organization_id"]) == ("unit", unit_org.pk)


def test_me_without_credentials_is_401(db):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌已失效，请重新登录。", "errors": []}


def test_unknown_token_is_401(staff):
    assert bearer("made-up-token").get("/api/v1/me").status_code == 401


def test_expired_token_is_401(staff):
    key, _ = issue_token(staff)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        response = bearer(key).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["errors"] == []


def test_token_still_works_on_day_twenty_nine(staff):
    key, _ = issue_token(staff)
    with time_machine.travel(timezone.now() + timedelta(days=29), tick=False):
        assert bearer(key).get("/api/v1/me").json()["username"] == "staff"


def test_delete_revokes_the_token(staff):
    key, record = issue_token(staff)
    client = bearer(key)
    response = client.delete(TOKEN_URL)
    assert response.status_code == 204
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert client.get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(action="auth.token_revoked", actor=staff).exists()


def test_revoking_one_token_leaves_the_others(staff):
    first, _ = issue_token(staff)
    second, _ = issue_token(staff)
    bearer(first).delete(TOKEN_URL)
    assert bearer(second).get("/api/v1/me").status_code == 200


def test_token_of_a_deactivated_user_stops_working(staff):
    key, _ = issue_token(staff)
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert bearer(key).get("/api/v1/me").status_code == 401


def test_browser_session_works_for_the_api(staff):
    assert client_for(staff).get("/api/v1/me").json()["username"] == "staff"


def test_session_that_must_change_password_is_refused(staff):
    staff.must_change_password = True
    staff.save()
    assert client_for(staff).get("/api/v1/me").status_code == 401


def test_token_of_an_account_that_must_change_password_only_reaches_the_password_endpoint(
        city, staff):
    User.objects.filter(pk=staff.pk).update(must_change_password=True)
    client = Client()
    token = client.post("/api/v1/auth/token", {"login": "staff", "password": PASSWORD},
                        content_type="application/json").json()
    assert token["must_change_password"] is True
    auth = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    weak = client.post("/api/v1/me/password", {"old_password": PASSWORD,
                                               "new_password": "1234567890"},
                       content_type="application/json", headers=auth)
    assert weak.status_code == 400 and weak.json()["errors"][0]["field"] == "new_password"
    ok = client.post("/api/v1/me/password", {"old_password": PASSWORD,
                                             "new_password": "Qingshan-river-2026"},
                     content_type="application/json", headers=auth)
    assert ok.status_code == 204
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    staff.refresh_from_db()
    assert staff.check_password("Qingshan-river-2026") and not staff.must_change_password


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_empty_answers_are_given_without_deprecated_tuples(staff):
    """ninja deprecates returning (status, body); an endpoint doing so fails here."""
    key, _ = issue_token(staff)
    auth = {"Authorization": f"Bearer {key}"}
    changed = Client().post("/api/v1/me/password", {"old_password": PASSWORD,
                                                    "new_password": "Qingshan-river-2026"},
                            content_type="application/json", headers=auth)
    assert changed.status_code == 204 and changed.content == b""
    revoked = bearer(key).delete(TOKEN_URL)
    assert revoked.status_code == 204 and revoked.content == b""
