"""Password rules (≥10 characters, not only digits, not like the username or phone), the
forced change of imported and reset accounts, and first passwords for imported deputies."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from renda.core import actions
from renda.core.errors import DomainError
from renda.core.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db

GOOD = "Qiushui-Changtian-7"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clerk(city):
    return make_user("zhangxiaoming", city, Role.STAFF, phone="13912345678")


@pytest.fixture
def imported(city):
    """A deputy account made by the roster import: no usable password, never signed in."""
    return User.objects.create_user(username="13911112222", password=None, congress=city,
                                    phone="13911112222", full_name="李秀英")


def refused_field(user, new, old=PASSWORD) -> str | None:
    with pytest.raises(DomainError) as exc:
        actions.change_password(user, old, new)
    return exc.value.field


def signs_in(login: str, password: str) -> bool:
    client = Client()
    client.post("/login/", {"login": login, "password": password})
    return "_auth_user_id" in client.session


# --- the rules, through the action -----------------------------------------------------------


def test_password_shorter_than_ten_characters_is_refused(clerk):
    assert refused_field(clerk, "Ab3-xyz9") == "new_password"
    assert clerk.check_password(PASSWORD)


def test_password_of_only_digits_is_refused(clerk):
    assert refused_field(clerk, "8273645190372") == "new_password"


def test_password_like_the_username_is_refused(clerk):
    assert refused_field(clerk, "zhangxiaoming1") == "new_password"


def test_password_like_the_phone_number_is_refused(clerk):
    assert refused_field(clerk, "13912345678ab") == "new_password"


def test_wrong_old_password_is_refused(clerk):
    assert refused_field(clerk, GOOD, old="not-my-password") == "old_password"
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_new_password_equal_to_the_old_one_is_refused(clerk):
    assert refused_field(clerk, PASSWORD) == "new_password"


def test_good_password_is_accepted_and_audited(clerk):
    clerk.must_change_password = True
    clerk.save()
    actions.change_password(clerk, PASSWORD, GOOD)
    clerk.refresh_from_db()
    assert clerk.check_password(GOOD)
    assert not clerk.must_change_password
    assert clerk.password_changed_at is not None
    event = AuditEvent.objects.get(action="user.password_changed")
    assert event.actor_id == clerk.pk
    assert event.congress_id == clerk.congress_id


def test_refused_change_writes_no_audit_event(clerk):
    with pytest.raises(DomainError):
        actions.change_password(clerk, PASSWORD, "short")
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()


# --- the rules, through the /password/ page ---------------------------------------------------


def post_change(client, old, new, again=None):
    return client.post("/password/", {"old_password": old, "new_password": new,
                                      "new_password2": new if again is None else again})


@pytest.mark.parametrize("weak", ["Ab3-xyz9", "8273645190372", "zhangxiaoming1",
                                  "13912345678ab"],
                         ids=["short", "only-digits", "like-username", "like-phone"])
def test_page_refuses_a_weak_password_and_shows_why(clerk, weak):
    response = post_change(client_for(clerk), PASSWORD, weak)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password"]
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_page_refuses_a_wrong_old_password(clerk):
    response = post_change(client_for(clerk), "not-my-password", GOOD)
    assert "原密码不正确。" in response.context["form"].errors["old_password"]
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_page_refuses_two_different_new_passwords(clerk):
    response = post_change(client_for(clerk), PASSWORD, GOOD, again=GOOD + "x")
    assert "两次输入的新密码不一致。" in response.context["form"].errors["new_password2"]
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_page_changes_the_password_and_keeps_the_session(clerk):
    client = client_for(clerk)
    response = post_change(client, PASSWORD, GOOD)
    assert response.status_code == 302
    assert response.url == "/"
    clerk.refresh_from_db()
    assert clerk.check_password(GOOD)
    assert client.get("/").status_code == 200


# --- forced change ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/deputies/", "/notifications/", "/organizations/"])
def test_must_change_password_user_is_sent_to_the_password_page(clerk, path):
    clerk.must_change_password = True
    clerk.save()
    response = client_for(clerk).get(path)
    assert response.status_code == 302
    assert response.url == "/password/"


def test_must_change_password_user_can_open_the_password_page(clerk):
    clerk.must_change_password = True
    clerk.save()
    response = client_for(clerk).get("/password/")
    assert response.status_code == 200
    assert "请先设置自己的密码" in response.content.decode()


def test_must_change_password_user_can_still_sign_out(clerk):
    clerk.must_change_password = True
    clerk.save()
    client = client_for(clerk)
    response = client.post("/logout/")
    assert response.url == "/login/"
    assert "_auth_user_id" not in client.session


def test_after_the_change_pages_open_normally(clerk):
    clerk.must_change_password = True
    clerk.save()
    client = client_for(clerk)
    assert client.get("/").url == "/password/"
    post_change(client, PASSWORD, GOOD)
    assert client.get("/").status_code == 200
    assert client.get("/deputies/").status_code == 200


# --- imported accounts and first passwords ---------------------------------------------------


def test_imported_account_without_password_cannot_sign_in(imported):
    assert not imported.has_usable_password()
    assert not signs_in("13911112222", PASSWORD)
    assert not signs_in("13911112222", imported.password)


def test_initial_password_signs_in_and_must_be_changed(sysadmin, city, imported):
    [(user, password)] = actions.issue_initial_passwords(sysadmin, city, [imported])
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_initial$")
    assert user.must_change_password

    client = Client()
    response = client.post("/login/", {"login": "13911112222", "password": password})
    assert response.status_code == 302
    assert client.get("/").url == "/password/"
    assert AuditEvent.objects.filter(action="user.initial_passwords_issued").exists()


def test_initial_passwords_skip_accounts_that_have_signed_in(sysadmin, city, staff):
    staff.last_login = staff.date_joined
    staff.save()
    assert actions.issue_initial_passwords(sysadmin, city, [staff]) == []
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_only_the_sysadmin_issues_initial_passwords(staff, city, imported):
    with pytest.raises(DomainError):
        actions.issue_initial_passwords(staff, city, [imported])
    imported.refresh_from_db()
    assert not imported.has_usable_password()


def test_initial_passwords_cannot_be_issued_for_another_congress(sysadmin, city, other_congress):
    stranger = User.objects.create_user(username="13722223333", password=None,
                                        congress=other_congress, phone="13722223333")
    try:
        issued = actions.issue_initial_passwords(sysadmin, city, [stranger])
    except DomainError:
        issued = []
    assert issued == []
    stranger.refresh_from_db()
    assert not stranger.has_usable_password()
