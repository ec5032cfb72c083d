"""Shared personas: one city congress with its people, and a user of another congress."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from renda.core.models import (
    Congress,
    Level,
    Organization,
    OrgKind,
    Role,
    RoleAssignment,
    Session,
    Term,
    User,
)
from renda.deputies.models import Delegation, Deputy, DeputyGroup, GroupKind, Mandate

PASSWORD = "Renda-test-2026"


def make_congress(name: str, code: str, level: str = Level.CITY,
                  parent: Congress | None = None) -> Congress:
    congress = Congress.objects.create(name=name, short_name=name[:6], level=level,
                                       region_code=code, parent=parent)
    term = Term.objects.create(congress=congress, number=16, start_date=date(2022, 1, 10),
                               is_current=True)
    Session.objects.create(term=term, number=1, start_date=date(2022, 1, 10),
                           end_date=date(2022, 1, 14))
    return congress


def make_user(username: str, congress: Congress, role: str | None = None,
              organization: Organization | None = None, **extra: Any) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, congress=congress,
                                    full_name=extra.pop("full_name", username), **extra)
    if role:
        RoleAssignment.objects.create(user=user, congress=congress, role=role,
                                      organization=organization, start_date=date(2022, 1, 1))
    return user


def make_deputy(congress: Congress, name: str, phone: str, delegation: Delegation | None = None,
                user: User | None = None, **extra: Any) -> Deputy:
    deputy = Deputy.objects.create(name=name, gender=extra.pop("gender", "M"), phone=phone,
                                   user=user, **extra)
    Mandate.objects.create(deputy=deputy, congress=congress, term=congress.current_term(),
                           delegation=delegation, start_date=date(2022, 1, 10))
    return deputy


@pytest.fixture
def city(db: Any) -> Congress:
    return make_congress("示例市人民代表大会", "330100")


@pytest.fixture
def other_congress(db: Any) -> Congress:
    return make_congress("别处市人民代表大会", "440100")


@pytest.fixture
def delegation(city: Congress) -> Delegation:
    return Delegation.objects.create(congress=city, name="东城区代表团")


@pytest.fixture
def group(city: Congress) -> DeputyGroup:
    return DeputyGroup.objects.create(congress=city, name="医疗卫生行业代表小组",
                                      kind=GroupKind.INDUSTRY)


@pytest.fixture
def unit_org(city: Congress) -> Organization:
    return Organization.objects.create(congress=city, name="市住房和城乡建设局", kind=OrgKind.UNIT)


@pytest.fixture
def committee_org(city: Congress) -> Organization:
    return Organization.objects.create(congress=city, name="财政经济委员会",
                                       kind=OrgKind.SPECIAL_COMMITTEE)


@pytest.fixture
def staff(city: Congress) -> User:
    return make_user("staff", city, Role.STAFF)


@pytest.fixture
def leader(city: Congress) -> User:
    return make_user("leader", city, Role.LEADER)


@pytest.fixture
def unit_user(city: Congress, unit_org: Organization) -> User:
    return make_user("unit", city, Role.UNIT, unit_org)


@pytest.fixture
def sysadmin(city: Congress) -> User:
    return make_user("sysadmin", city, Role.SYSADMIN)


@pytest.fixture
def secadmin(city: Congress) -> User:
    return make_user("secadmin", city, Role.SECADMIN)


@pytest.fixture
def auditor(city: Congress) -> User:
    return make_user("auditor", city, Role.AUDITOR)


@pytest.fixture
def deputy_user(city: Congress, delegation: Delegation) -> User:
    user = make_user("deputy", city, Role.DEPUTY, phone="13900000001")
    make_deputy(city, "王建国", "13900000001", delegation, user=user)
    return user


@pytest.fixture
def outsider(other_congress: Congress) -> User:
    """Staff of another congress: must see nothing of ours."""
    return make_user("outsider", other_congress, Role.STAFF)


@pytest.fixture
def other_deputy(other_congress: Congress) -> Deputy:
    return make_deputy(other_congress, "赵外地", "13700000009")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run_at_once(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """Call ``fn(item)`` for every item in its own thread, all released at the same moment
    by a barrier once connected to the database; returns the results in order, an
    exception where a call raised. Each thread closes its database connection (for tests
    that need real parallel writers)."""
    barrier = threading.Barrier(len(items))
    results: list[Any] = [None] * len(items)

    def work(i: int, item: Any) -> None:
        try:
            connections["default"].ensure_connection()  # connecting would stagger the start
            barrier.wait()
            results[i] = fn(item)
        except Exception as exc:  # collected and asserted by the caller
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, it)) for i, it in enumerate(items)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
