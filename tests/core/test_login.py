"""Sign-in with a username or a phone number; five failures lock the account for fifteen
minutes (等保 2.0 登录失败处理), each failure and lock is audited; `next` stays on our host."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from renda.core.models import AuditEvent, Role
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # The per-IP sign-in limiter lives in the process-wide cache; start every test empty.
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Client, login: str, password: str, path: str = "/login/", **extra):
    return client.post(path, {"login": login, "password": password, **extra})


def signed_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def test_sign_in_with_username(staff):
    client = Client()
    response = sign_in(client, "staff", PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_as(client) == staff.pk


def test_username_is_case_insensitive(staff):
    client = Client()
    sign_in(client, "STAFF", PASSWORD)
    assert signed_in_as(client) == staff.pk


def test_sign_in_with_phone_number(deputy_user):
    client = Client()
    response = sign_in(client, "13900000001", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == deputy_user.pk


def test_successful_sign_in_is_audited(staff):
    sign_in(Client(), "staff", PASSWORD)
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor_id == staff.pk
    assert event.object_id == str(staff.pk)


def test_wrong_password_is_refused_with_a_message(staff):
    client = Client()
    response = sign_in(client, "staff", WRONG)
    assert response.status_code == 200
    assert "用户名/手机号或密码不正确。" in response.content.decode()
    assert signed_in_as(client) is None


def test_unknown_user_gets_the_same_message_as_a_wrong_password(staff):
    response = sign_in(Client(), "nobody-here", WRONG)
    assert "用户名/手机号或密码不正确。" in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()


def test_failed_attempt_is_counted_and_audited(staff):
    sign_in(Client(), "staff", WRONG)
    staff.refresh_from_db()
    assert staff.failed_logins == 1
    event = AuditEvent.objects.get(action="auth.failed")
    assert event.object_id == str(staff.pk)
    assert event.summary == {"user": "staff", "failures": 1}
    assert event.congress_id == staff.congress_id


def test_right_password_resets_the_failure_count(staff):
    client = Client()
    for _ in range(3):
        sign_in(client, "staff", WRONG)
    sign_in(client, "staff", PASSWORD)
    staff.refresh_from_db()
    assert staff.failed_logins == 0
    assert signed_in_as(client) == staff.pk


def test_account_locks_after_five_failures(staff):
    client = Client()
    for _ in range(5):
        sign_in(client, "staff", WRONG)
    staff.refresh_from_db()
    assert staff.is_locked()
    assert staff.locked_until == pytest.approx(timezone.now() + timedelta(minutes=15),
                                               abs=timedelta(seconds=30))
    assert AuditEvent.objects.filter(action="auth.failed").count() == 4
    locked = AuditEvent.objects.get(action="auth.locked")
    assert locked.summary == {"user": "staff", "minutes": 15}


def test_four_failures_do_not_lock(staff):
    for _ in range(4):
        sign_in(Client(), "staff", WRONG)
    staff.refresh_from_db()
    assert not staff.is_locked()
    assert not AuditEvent.objects.filter(action="auth.locked").exists()


def test_right_password_is_refused_while_locked(staff):
    client = Client()
    for _ in range(5):
        sign_in(client, "staff", WRONG)
    response = sign_in(client, "staff", PASSWORD)
    assert "账号已锁定" in response.content.decode()
    assert signed_in_as(client) is None


def test_locked_account_can_sign_in_after_fifteen_minutes(staff):
    client = Client()
    for _ in range(5):
        sign_in(client, "staff", WRONG)
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = sign_in(client, "staff", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == staff.pk
    staff.refresh_from_db()
    assert staff.locked_until is None


def test_lock_is_still_in_force_after_fourteen_minutes(staff):
    client = Client()
    for _ in range(5):
        sign_in(client, "staff", WRONG)
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        response = sign_in(client, "staff", PASSWORD)
    assert "账号已锁定" in response.content.decode()
    assert signed_in_as(client) is None


def test_lock_of_one_account_does_not_touch_another(staff, leader):
    for _ in range(5):
        sign_in(Client(), "staff", WRONG)
    client = Client()
    sign_in(client, "leader", PASSWORD)
    assert signed_in_as(client) == leader.pk


def test_inactive_account_is_refused_even_with_the_right_password(city):
    make_user("retired", city, Role.STAFF, is_active=False)
    client = Client()
    response = sign_in(client, "retired", PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert signed_in_as(client) is None


def test_next_redirects_to_a_page_of_our_site(staff):
    client = Client()
    response = sign_in(client, "staff", PASSWORD, path="/login/?next=/deputies/")
    assert response.status_code == 302
    assert response.url == "/deputies/"


@pytest.mark.parametrize("target", [
    "https://evil.example.com/phish",
    "//evil.example.com/phish",
    "http://evil.example.com",
    "javascript:alert(1)",
])
def test_next_to_another_host_is_refused(staff, target):
    client = Client()
    response = sign_in(client, "staff", PASSWORD, next=target)
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_as(client) == staff.pk


def test_logout_by_get_is_refused(staff):
    client = client_for(staff)
    response = client.get("/logout/")
    assert response.status_code == 405
    assert signed_in_as(client) == staff.pk


def test_logout_by_post_signs_out_and_is_audited(staff):
    client = client_for(staff)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response.url == "/login/"
    assert signed_in_as(client) is None
    assert AuditEvent.objects.filter(action="auth.logout", actor=staff).exists()
