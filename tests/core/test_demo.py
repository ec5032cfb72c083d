"""`renda demo`: the demo data is complete, consistent, and loaded only once."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from renda.core import audit
from renda.core.models import (
    AuditEvent,
    Congress,
    Level,
    Notification,
    Organization,
    OrgKind,
    Role,
    RoleAssignment,
    User,
)
from renda.demo import data
from renda.demo.build import AGE_REFERENCE, _Builder, load_demo
from renda.deputies.models import (
    Delegation,
    Deputy,
    DeputyGroup,
    GroupMembership,
    GroupRole,
    Mandate,
    MandateStatus,
    Party,
)


def counts() -> dict[str, int]:
    models: list[Any] = [Congress, Organization, User, RoleAssignment, Deputy, Mandate,
                         Delegation, DeputyGroup, GroupMembership, Notification, AuditEvent]
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def city(db: Any) -> Congress:
    assert load_demo(suggestions=False, stations=False, archive=False, assist=False, voting=False) is True
    return Congress.objects.get(name="示例市人民代表大会")


def test_city_congress_terms_bodies_and_units(city: Congress) -> None:
    assert city.level == Level.CITY and city.parent is None
    term = city.current_term()
    assert term is not None and term.number == 16
    assert term.sessions.count() == 5
    assert city.terms.filter(number=15, is_current=False).exists()
    orgs = Organization.objects.filter(congress=city)
    assert orgs.filter(kind=OrgKind.STANDING_COMMITTEE).count() == 1
    assert orgs.filter(kind=OrgKind.SPECIAL_COMMITTEE).count() >= 6
    assert orgs.filter(kind=OrgKind.WORKING_COMMITTEE, short_name="人代工委").exists()
    assert 28 <= orgs.units().count() <= 40
    government = orgs.get(name="市人民政府")
    assert orgs.get(name="市住房和城乡建设局").parent == government
    assert 8 <= Delegation.objects.filter(congress=city).count() <= 10
    groups = DeputyGroup.objects.filter(congress=city)
    assert groups.filter(kind="regional").exists() and groups.filter(kind="industry").exists()
    for group in groups:
        leaders = GroupMembership.objects.filter(group=group, role=GroupRole.LEADER)
        assert leaders.count() == 1, group


def test_deputies_are_realistic(city: Congress) -> None:
    mandates = Mandate.objects.filter(congress=city, term__is_current=True)
    active = mandates.filter(status=MandateStatus.ACTIVE)
    assert 280 <= active.count() <= 320
    ended = mandates.filter(status=MandateStatus.ENDED)
    assert 3 <= ended.count() <= 10
    assert all(m.end_reason and m.end_date and m.end_note for m in ended)
    people = [m.deputy for m in active.select_related("deputy")]
    n = len(people)
    assert 0.2 <= sum(d.gender == "F" for d in people) / n <= 0.4
    assert 0.55 <= sum(d.party == Party.CPC for d in people) / n <= 0.75
    assert {d.party for d in people} - {Party.CPC, Party.NONE, Party.NON_PARTY}
    assert 0.85 <= sum(d.ethnicity == "汉族" for d in people) / n < 1
    assert all(re.fullmatch(r"1[3-9]\d{9}", d.phone) for d in people)
    assert len({d.phone for d in people}) == n
    assert all(d.work_unit and d.title and d.bio and d.birth_date for d in people)
    assert all(30 <= d.age_on(AGE_REFERENCE) <= 65 for d in people)
    # The roster import gave every deputy an account with the DEPUTY role.
    assert all(d.user_id for d in people)
    assert RoleAssignment.objects.filter(congress=city, role=Role.DEPUTY).count() >= n


def test_county_congresses_with_shared_deputies(city: Congress) -> None:
    counties = Congress.objects.filter(parent=city, level=Level.COUNTY)
    assert counties.count() >= 3
    for county in counties:
        term = county.current_term()
        assert term is not None and term.sessions.exists()
        assert Organization.objects.filter(congress=county).units().exists()
        assert Delegation.objects.filter(congress=county).exists()
        n = Mandate.objects.filter(congress=county, status=MandateStatus.ACTIVE).count()
        assert 40 <= n <= 60
    both = Deputy.objects.filter(mandates__congress=city).filter(
        mandates__congress__level=Level.COUNTY).distinct()
    assert both.count() >= 10


def test_demo_accounts_roles_and_passwords(city: Congress) -> None:
    for username, full_name, role, org, _what in data.DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.check_password("renda-demo"), username
        assert not user.must_change_password
        assert user.full_name == full_name and user.congress == city
        assignment = RoleAssignment.objects.current().get(user=user, congress=city, role=role)
        if org:
            assert assignment.organization.name == org
    assert {"sysadmin", "secadmin", "auditor", "staff", "leader", "committee", "unit",
            "unit2", "keeper", "deputy"} <= {a[0] for a in data.DEMO_ACCOUNTS}
    assert RoleAssignment.objects.get(user__username="unit2").organization.name == "市交通运输局"

    deputy_user = User.objects.get(username="deputy")
    deputy = Deputy.objects.get(user=deputy_user)
    levels = set(deputy.mandates.filter(status=MandateStatus.ACTIVE)
                 .values_list("congress__level", flat=True))
    assert levels == {Level.CITY, Level.COUNTY}
    deputy_roles = RoleAssignment.objects.current().filter(user=deputy_user, role=Role.DEPUTY)
    assert deputy_roles.values("congress").distinct().count() == 2

    assert Notification.objects.filter(user=deputy_user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user__username="staff", read_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="demo.loaded").count() == 1
    assert audit.verify().ok


def test_second_load_changes_nothing(city: Congress) -> None:
    before = counts()
    out = StringIO()
    assert load_demo(stdout=out) is False
    assert "已存在" in out.getvalue()
    assert counts() == before


@pytest.mark.django_db
def test_command_without_serving() -> None:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "renda-demo" in text and "sysadmin" in text and "安全审计员" in text
    assert Congress.objects.filter(name="示例市人民代表大会").exists()
    before = counts()
    call_command("demo", "--no-serve", stdout=StringIO())
    assert counts() == before


def test_same_people_every_run() -> None:
    """A fixed seed: two builds generate the same roster (no database needed)."""

    def roster() -> list[tuple[str, ...]]:
        people = _Builder().city_people(None)  # type: ignore[arg-type]
        return [(p.name, p.phone, p.work_unit, p.title, p.party) for p in people]

    first = roster()
    assert first == roster()
    assert first[0][0] == "李明华"
    assert len({p[0] for p in first}) == len(first)
