"""A session without requests for longer than the idle window (30 minutes unless the
security administrator sets another) is signed out (等保 2.0 会话超时)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from renda.core import actions
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def set_idle_minutes(secadmin, city, minutes):
    actions.update_security_policy(secadmin, city, max_failed_logins=5, lockout_minutes=15,
                                   idle_minutes=minutes)


def test_idle_user_is_signed_out_after_thirty_minutes(staff, clock):
    client = client_for(staff)
    assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/deputies/")
    assert response.status_code == 302
    assert response.url == "/login/?next=%2Fdeputies%2F"
    assert not signed_in(client)


def test_idle_user_stays_signed_out_afterwards(staff, clock):
    client = client_for(staff)
    client.get("/")
    clock.shift(timedelta(minutes=31))
    client.get("/")
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_twenty_nine_quiet_minutes_keep_the_session(staff, clock):
    client = client_for(staff)
    client.get("/")
    clock.shift(timedelta(minutes=29))
    assert client.get("/").status_code == 200
    assert signed_in(client)


def test_activity_within_the_window_keeps_the_session(staff, clock):
    client = client_for(staff)
    client.get("/")
    for _ in range(4):
        clock.shift(timedelta(minutes=20))
        assert client.get("/").status_code == 200
    assert signed_in(client)


def test_secadmin_can_shorten_the_window(staff, secadmin, city, clock):
    set_idle_minutes(secadmin, city, 10)
    client = client_for(staff)
    client.get("/")
    clock.shift(timedelta(minutes=11))
    response = client.get("/")
    assert response.status_code == 302
    assert not signed_in(client)


def test_secadmin_can_lengthen_the_window(staff, secadmin, city, clock):
    set_idle_minutes(secadmin, city, 60)
    client = client_for(staff)
    client.get("/")
    clock.shift(timedelta(minutes=45))
    assert client.get("/").status_code == 200
    assert signed_in(client)


def test_window_set_on_the_security_page_applies(staff, secadmin, city, clock):
    response = client_for(secadmin).post("/security/", {
        "congress": city.pk, "max_failed_logins": 5, "lockout_minutes": 15, "idle_minutes": 10})
    assert response.status_code == 302
    client = client_for(staff)
    client.get("/")
    clock.shift(timedelta(minutes=11))
    assert client.get("/").status_code == 302
    assert not signed_in(client)


def test_idle_browser_session_gets_401_from_the_api(staff, clock):
    client = client_for(staff)
    assert client.get("/api/v1/me").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert not signed_in(client)
