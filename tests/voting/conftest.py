"""A round of 12 candidates for 10 seats in 示例市, with deputies who can vote."""

from __future__ import annotations

import pytest

from renda.core.models import Organization, OrgKind, Role
from renda.voting import actions
from renda.voting.models import Choice, Round
from tests.conftest import make_deputy, make_user

TITLES = ["老旧小区加装电梯", "社区嵌入式养老服务中心", "中小学课后服务", "农贸市场改造提升",
          "城市口袋公园", "公交线网优化", "社区卫生服务站", "农村饮水安全", "背街小巷整治",
          "停车泊位增设", "残疾人无障碍改造", "智慧助餐点"]


@pytest.fixture
def unit_org(city):
    return Organization.objects.create(congress=city, name="市民政局", kind=OrgKind.UNIT)


@pytest.fixture
def voters(city, delegation, deputy_user):
    """The demo deputy plus four more deputies with accounts (5 entitled in all)."""
    users = [deputy_user]
    for i in range(4):
        phone = f"1380000{i:04d}"
        u = make_user(f"dep{i}", city, Role.DEPUTY, phone=phone)
        make_deputy(city, f"代表{i}", phone, delegation, user=u)
        users.append(u)
    return users


def make_round(staff, city, n: int = 12, seats: int = 10, **kw) -> Round:
    r = actions.create_round(staff, city, year=2026, title="2026年民生实事项目票决", seats=seats,
                             **kw)
    for i in range(n):
        actions.add_candidate(staff, r, title=TITLES[i % len(TITLES)], description="项目说明" * 3,
                              budget=100 + i)
    return r


@pytest.fixture
def fixed_round(staff, city, voters):
    r = make_round(staff, city)
    actions.move(staff, r, "screening")
    actions.fix_candidates(staff, r)
    return Round.objects.get(pk=r.pk)


@pytest.fixture
def open_round(fixed_round, staff):
    return actions.open_vote(staff, fixed_round)


def ballot(r: Round, yes: int = 10, order: list[int] | None = None) -> dict[str, str]:
    ids = order or list(r.candidates.values_list("id", flat=True))
    return {str(c): (Choice.YES if i < yes else Choice.NO) for i, c in enumerate(ids)}


@pytest.fixture
def other_deputy_user(other_congress):
    user = make_user("otherdeputy", other_congress, Role.DEPUTY, phone="13700000008")
    make_deputy(other_congress, "钱外省", "13700000008", user=user)
    return user
