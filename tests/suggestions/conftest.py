"""Personas and a suggestion at each step of its life, built through the actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from renda.core.models import Organization, OrgKind, Role, RoleAssignment, Session
from renda.suggestions import actions
from renda.suggestions.models import Category, Suggestion
from tests.conftest import make_deputy, make_user


@pytest.fixture
def session(city):
    """A session that is on today, so suggestions are numbered and made 大会期间."""
    today = timezone.localdate()
    return Session.objects.create(term=city.current_term(), number=2,
                                  start_date=today - timedelta(days=1),
                                  end_date=today + timedelta(days=3))


@pytest.fixture
def category(city, committee_org):
    return Category.objects.create(congress=city, name="城乡建设", committee=committee_org)


@pytest.fixture
def unit2_org(city):
    return Organization.objects.create(congress=city, name="市交通运输局", kind=OrgKind.UNIT)


@pytest.fixture
def unit3_org(city):
    return Organization.objects.create(congress=city, name="市教育局", kind=OrgKind.UNIT)


@pytest.fixture
def unit2_user(city, unit2_org):
    return make_user("unit2", city, Role.UNIT, unit2_org)


@pytest.fixture
def committee_user(city, committee_org):
    return make_user("committee", city, Role.COMMITTEE, committee_org)


@pytest.fixture
def cosigner_user(city, delegation):
    user = make_user("cosigner", city, Role.DEPUTY, phone="13900000002")
    make_deputy(city, "李秀英", "13900000002", delegation, user=user)
    return user


@pytest.fixture
def other_deputy_user(other_congress):
    user = make_user("otherdeputy", other_congress, Role.DEPUTY, phone="13700000008")
    make_deputy(other_congress, "钱外省", "13700000008", user=user)
    return user


def write(deputy_user, city, category, **overrides) -> Suggestion:
    data = actions.DraftData(
        title=overrides.pop("title", "关于加快老旧小区加装电梯的建议"),
        problem=overrides.pop("problem", "老旧小区多为六层以下住宅，没有电梯，老年人上下楼困难。"),
        analysis=overrides.pop("analysis", "加装电梯涉及低层住户利益，协调难、资金筹措难。"),
        measures=overrides.pop("measures", "建议出台补贴办法，简化审批，推动一楼住户补偿机制。"),
        category_id=category.pk if category else None,
    )
    return actions.save_draft(deputy_user, city, data, **overrides)


@pytest.fixture
def draft(deputy_user, city, category, session):
    return write(deputy_user, city, category)


@pytest.fixture
def submitted(draft, deputy_user):
    return actions.submit(deputy_user, draft)


@pytest.fixture
def registered(submitted, staff):
    return actions.register(staff, submitted)


@pytest.fixture
def assigned(registered, staff, unit_org, unit2_org, unit_user, unit2_user):
    """Lead: 市住房和城乡建设局 (unit_user); co: 市交通运输局 (unit2_user)."""
    actions.assign(staff, registered, lead=unit_org, co=[unit2_org])
    return Suggestion.objects.get(pk=registered.pk)


def lead_assignment(s: Suggestion):
    return s.assignments.get(kind="lead")


def co_assignment(s: Suggestion):
    return s.assignments.get(kind="co")


@pytest.fixture
def handling(assigned, unit_user):
    actions.accept(unit_user, lead_assignment(assigned))
    return Suggestion.objects.get(pk=assigned.pk)


@pytest.fixture
def replied(handling, unit_user):
    actions.reply(unit_user, lead_assignment(handling), reply_class="A",
                  text="经研究，我局已将老旧小区加装电梯纳入年度民生实事，今年完成加装120台。")
    return Suggestion.objects.get(pk=handling.pk)


@pytest.fixture
def leader_in_city(leader):
    return leader


def grant(user, congress, role, org=None):
    RoleAssignment.objects.create(user=user, congress=congress, role=role, organization=org,
                                  start_date=date(2022, 1, 1))
