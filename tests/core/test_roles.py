"""三员分立 (等保 2.0): the system administrator manages accounts, the security administrator
grants roles and sets the security policy, the auditor reads the audit log and changes
nothing; no one holds two of the three, and another congress is 404, never 403."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from renda.core import actions
from renda.core.errors import DomainError
from renda.core.models import (
    AuditEvent,
    Organization,
    OrgKind,
    Role,
    RoleAssignment,
    SecurityPolicy,
    User,
)
from renda.core.perms import Perm, has_perm
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(city):
    """An account of our congress without any role yet."""
    return make_user("newcomer", city)


def create_user_by_post(client, congress, username="lixiaohong"):
    return client.post("/users/create/", {"congress": congress.pk, "username": username,
                                          "full_name": "李晓红", "phone": "13812345678"})


def grant_by_post(client, congress, login, role, organization=None):
    return client.post("/roles/grant/", {"congress": congress.pk, "login": login, "role": role,
                                         "organization": organization.pk if organization else ""})


def post_policy(client, congress, **values):
    data = {"congress": congress.pk, "max_failed_logins": 3, "lockout_minutes": 30,
            "idle_minutes": 20, **values}
    return client.post("/security/", data)


# --- system administrator ----------------------------------------------------------------------


def test_sysadmin_creates_an_account_that_must_change_its_password(sysadmin, city):
    response = create_user_by_post(client_for(sysadmin), city)
    assert response.status_code == 302
    user = User.objects.get(username="lixiaohong")
    assert user.congress == city
    assert user.must_change_password
    assert not user.current_roles()
    event = AuditEvent.objects.get(action="user.created")
    assert event.actor_id == sysadmin.pk
    assert event.object_id == str(user.pk)


def test_sysadmin_resets_a_password(sysadmin, city, leader):
    response = client_for(sysadmin).post(f"/users/{leader.pk}/reset/", {"congress": city.pk})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert not leader.check_password(PASSWORD)
    assert leader.must_change_password
    assert AuditEvent.objects.filter(action="user.password_reset",
                                     object_id=str(leader.pk)).exists()


def test_sysadmin_cannot_grant_roles(sysadmin, city, newcomer):
    with pytest.raises(DomainError):
        actions.grant_role(sysadmin, city, newcomer, Role.STAFF)
    response = grant_by_post(client_for(sysadmin), city, "newcomer", Role.STAFF)
    assert response.status_code == 403
    assert not newcomer.roles.exists()


def test_sysadmin_cannot_read_the_audit_log(sysadmin):
    assert client_for(sysadmin).get("/audit/").status_code == 403
    assert client_for(sysadmin).get("/audit/verify/").status_code == 403


def test_sysadmin_cannot_change_the_security_policy(sysadmin, city):
    assert post_policy(client_for(sysadmin), city).status_code == 403
    assert not SecurityPolicy.objects.exists()


def test_sysadmin_cannot_reset_a_password_in_another_congress(sysadmin, city, outsider):
    with pytest.raises(DomainError):
        actions.reset_password(sysadmin, city, outsider)
    response = client_for(sysadmin).post(f"/users/{outsider.pk}/reset/", {"congress": city.pk})
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)


# --- security administrator --------------------------------------------------------------------


def test_secadmin_grants_a_role(secadmin, city, newcomer):
    response = grant_by_post(client_for(secadmin), city, "newcomer", Role.LEADER)
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    assert (assignment.congress, assignment.role) == (city, Role.LEADER)
    assert assignment.granted_by == secadmin
    assert has_perm(User.objects.get(pk=newcomer.pk), Perm.DEPUTIES_VIEW, city)
    event = AuditEvent.objects.get(action="role.granted")
    assert event.actor_id == secadmin.pk
    assert event.summary["user"] == "newcomer"
    assert event.summary["role"] == Role.LEADER


def test_secadmin_grants_a_unit_role_with_its_unit(secadmin, city, newcomer, unit_org):
    grant_by_post(client_for(secadmin), city, "newcomer", Role.UNIT, unit_org)
    assert RoleAssignment.objects.get(user=newcomer).organization == unit_org


def test_secadmin_revokes_a_role(secadmin, city, leader):
    assignment = leader.roles.get()
    response = client_for(secadmin).post(f"/roles/{assignment.pk}/revoke/",
                                         {"congress": city.pk})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_date is not None
    event = AuditEvent.objects.get(action="role.revoked")
    assert event.actor_id == secadmin.pk
    assert event.object_id == str(assignment.pk)


def test_revoked_role_no_longer_grants_access(secadmin, leader, city):
    actions.revoke_role(secadmin, leader.roles.get())
    leader = User.objects.get(pk=leader.pk)
    assert not has_perm(leader, Perm.DEPUTIES_VIEW, city)
    assert client_for(leader).get("/deputies/").status_code == 403


def test_secadmin_changes_the_security_policy(secadmin, city):
    response = post_policy(client_for(secadmin), city)
    assert response.status_code == 302
    policy = SecurityPolicy.for_congress(city.pk)
    assert policy.pk is not None
    assert (policy.max_failed_logins, policy.lockout_minutes, policy.idle_minutes) == (3, 30, 20)
    event = AuditEvent.objects.get(action="security.policy_updated")
    assert event.summary == {
        "before": {"max_failed_logins": 5, "lockout_minutes": 15, "idle_minutes": 0},
        "after": {"max_failed_logins": 3, "lockout_minutes": 30, "idle_minutes": 20},
    }


def test_policy_out_of_range_is_refused(secadmin, city):
    with pytest.raises(DomainError) as exc:
        actions.update_security_policy(secadmin, city, max_failed_logins=1, lockout_minutes=15,
                                       idle_minutes=0)
    assert exc.value.field == "max_failed_logins"
    assert not SecurityPolicy.objects.exists()


def test_secadmin_cannot_create_users(secadmin, city):
    with pytest.raises(DomainError):
        actions.create_user(secadmin, city, username="lixiaohong", full_name="李晓红")
    assert create_user_by_post(client_for(secadmin), city).status_code == 403
    assert not User.objects.filter(username="lixiaohong").exists()


def test_secadmin_cannot_read_the_audit_log(secadmin):
    assert client_for(secadmin).get("/audit/").status_code == 403


# --- auditor ---------------------------------------------------------------------------------


def test_auditor_reads_the_audit_log_of_the_congress(auditor, sysadmin, city):
    create_user_by_post(client_for(sysadmin), city)
    response = client_for(auditor).get("/audit/")
    assert response.status_code == 200
    actions_shown = [e.action for e in response.context["page"].object_list]
    assert "user.created" in actions_shown


def test_auditor_cannot_create_users(auditor, city):
    assert create_user_by_post(client_for(auditor), city).status_code == 403
    assert not User.objects.filter(username="lixiaohong").exists()


def test_auditor_cannot_grant_roles(auditor, city, newcomer):
    assert grant_by_post(client_for(auditor), city, "newcomer", Role.STAFF).status_code == 403
    assert not newcomer.roles.exists()


def test_auditor_cannot_revoke_roles(auditor, city, leader):
    assignment = leader.roles.get()
    response = client_for(auditor).post(f"/roles/{assignment.pk}/revoke/",
                                        {"congress": city.pk})
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.end_date is None


def test_auditor_cannot_change_the_security_policy(auditor, city):
    assert post_policy(client_for(auditor), city).status_code == 403
    assert not SecurityPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action="security.policy_updated").exists()


def test_auditor_cannot_reset_passwords(auditor, city, leader):
    response = client_for(auditor).post(f"/users/{leader.pk}/reset/", {"congress": city.pk})
    assert response.status_code == 403
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD)


# --- the rules of granting -------------------------------------------------------------------


@pytest.mark.parametrize("holder, second", [
    ("sysadmin", Role.SECADMIN),
    ("sysadmin", Role.AUDITOR),
    ("auditor", Role.SYSADMIN),
])
def test_one_person_cannot_hold_two_of_the_three_admin_roles(request, secadmin, city, holder,
                                                             second):
    user = request.getfixturevalue(holder)
    with pytest.raises(DomainError) as exc:
        actions.grant_role(secadmin, city, user, second)
    assert "三员分立" in exc.value.message
    assert user.roles.count() == 1


def test_three_admin_rule_holds_across_congresses(secadmin, city, other_congress):
    other_sysadmin = make_user("other-sysadmin", other_congress, Role.SYSADMIN)
    with pytest.raises(DomainError):
        actions.grant_role(secadmin, city, other_sysadmin, Role.AUDITOR)


def test_secadmin_cannot_grant_a_role_to_themself(secadmin, city):
    with pytest.raises(DomainError) as exc:
        actions.grant_role(secadmin, city, secadmin, Role.STAFF)
    assert exc.value.field == "user"
    assert secadmin.roles.count() == 1


def test_secadmin_cannot_revoke_their_own_role(secadmin):
    with pytest.raises(DomainError):
        actions.revoke_role(secadmin, secadmin.roles.get())
    assert secadmin.roles.get().end_date is None


def test_same_role_twice_is_refused(secadmin, city, leader):
    with pytest.raises(DomainError):
        actions.grant_role(secadmin, city, leader, Role.LEADER)
    assert leader.roles.count() == 1


def test_unit_role_requires_an_organization(secadmin, city, newcomer):
    with pytest.raises(DomainError) as exc:
        actions.grant_role(secadmin, city, newcomer, Role.UNIT)
    assert exc.value.field == "organization"
    assert not newcomer.roles.exists()


def test_unit_role_requires_a_unit_not_a_committee(secadmin, city, newcomer, committee_org):
    with pytest.raises(DomainError) as exc:
        actions.grant_role(secadmin, city, newcomer, Role.UNIT, committee_org)
    assert exc.value.field == "organization"


def test_organization_of_another_congress_is_refused(secadmin, city, other_congress, newcomer):
    foreign_unit = Organization.objects.create(congress=other_congress, name="外市住建局",
                                               kind=OrgKind.UNIT)
    with pytest.raises(DomainError) as exc:
        actions.grant_role(secadmin, city, newcomer, Role.UNIT, foreign_unit)
    assert exc.value.message == "所属机构不属于本人大。"
    grant_by_post(client_for(secadmin), city, "newcomer", Role.UNIT, foreign_unit)
    assert not newcomer.roles.exists()


def test_role_starting_later_is_not_yet_current(secadmin, city, newcomer):
    actions.grant_role(secadmin, city, newcomer, Role.STAFF, start=date(2099, 1, 1))
    assert not has_perm(User.objects.get(pk=newcomer.pk), Perm.DEPUTIES_VIEW, city)


# --- another congress ----------------------------------------------------------------------------


def test_secadmin_of_another_congress_cannot_grant_here(city, other_congress, newcomer):
    foreign_secadmin = make_user("foreign-secadmin", other_congress, Role.SECADMIN)
    with pytest.raises(DomainError):
        actions.grant_role(foreign_secadmin, city, newcomer, Role.STAFF)
    assert grant_by_post(client_for(foreign_secadmin), city, "newcomer",
                         Role.STAFF).status_code == 404
    assert not newcomer.roles.exists()


def test_secadmin_cannot_revoke_a_role_of_another_congress(secadmin, city, outsider):
    assignment = outsider.roles.get()
    response = client_for(secadmin).post(f"/roles/{assignment.pk}/revoke/",
                                         {"congress": city.pk})
    assert response.status_code == 404
    with pytest.raises(DomainError):
        actions.revoke_role(secadmin, assignment)
    assignment.refresh_from_db()
    assert assignment.end_date is None


def test_sysadmin_cannot_create_users_in_another_congress(sysadmin, other_congress):
    assert create_user_by_post(client_for(sysadmin), other_congress).status_code == 404
    assert not User.objects.filter(username="lixiaohong").exists()


def test_users_page_of_another_congress_is_404_for_the_secadmin(secadmin, other_congress):
    response = client_for(secadmin).get(f"/users/?congress={other_congress.pk}")
    assert response.status_code == 404


def test_users_page_of_another_congress_is_404_for_the_sysadmin(sysadmin, other_congress):
    response = client_for(sysadmin).get(f"/users/?congress={other_congress.pk}")
    assert response.status_code == 404


def test_users_page_lists_only_our_accounts(sysadmin, city, outsider, leader):
    response = client_for(sysadmin).get(f"/users/?congress={city.pk}")
    assert response.status_code == 200
    listed = {u.username for u in response.context["page"].object_list}
    assert "leader" in listed
    assert "outsider" not in listed


def test_audit_log_of_another_congress_is_404(auditor, other_congress):
    response = client_for(auditor).get(f"/audit/?congress={other_congress.pk}")
    assert response.status_code == 404


def test_audit_log_shows_no_events_of_another_congress(auditor, outsider, other_congress):
    actions.change_password(outsider, PASSWORD, "Qiushui-Changtian-7")
    response = client_for(auditor).get("/audit/")
    assert response.status_code == 200
    assert not [e for e in response.context["page"].object_list
                if e.congress_id == other_congress.pk]


def test_organizations_of_another_congress_are_404(staff, other_congress):
    response = client_for(staff).get(f"/organizations/?congress={other_congress.pk}")
    assert response.status_code == 404


def test_a_congress_security_policy_does_not_change_another_congress(secadmin, city,
                                                                    other_congress):
    actions.update_security_policy(secadmin, city, max_failed_logins=3, lockout_minutes=30,
                                   idle_minutes=10)
    assert SecurityPolicy.for_congress(city.pk).max_failed_logins == 3
    other = SecurityPolicy.for_congress(other_congress.pk)
    assert (other.pk, other.max_failed_logins, other.effective_idle_minutes) == (None, 5, 30)


def test_secadmin_cannot_set_another_congress_policy(secadmin, other_congress):
    with pytest.raises(DomainError):
        actions.update_security_policy(secadmin, other_congress, max_failed_logins=3,
                                       lockout_minutes=30, idle_minutes=10)
    assert not SecurityPolicy.objects.exists()


def test_current_roles_are_exactly_the_assignments_in_force_today(city, other_congress):
    today = timezone.localdate()
    user = make_user("many-roles", city)
    spans = {"ended": (today - timedelta(days=30), today - timedelta(days=1)),
             "ends-today": (today - timedelta(days=30), today),
             "starts-today": (today, None), "future": (today + timedelta(days=1), None),
             "open": (today - timedelta(days=400), None)}
    made = {}
    for i, (name, (start, end)) in enumerate(spans.items()):
        made[name] = RoleAssignment.objects.create(
            user=user, congress=city if i % 2 else other_congress, role=Role.STAFF,
            start_date=start, end_date=end)
    user = User.objects.get(pk=user.pk)
    got = {ra.pk for ra in user.current_roles()}
    assert got == set(user.roles.current().values_list("pk", flat=True))
    assert got == {made[n].pk for n in ("ends-today", "starts-today", "open")}
