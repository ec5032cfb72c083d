"""Personas of the archive: a deputy with an account, a second deputy, staff, a station
keeper, and an activity that is on now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from renda.archive import actions
from renda.core.models import Role
from tests.conftest import make_deputy, make_user


@pytest.fixture
def deputy(deputy_user):
    return deputy_user.deputy


@pytest.fixture
def cosigner_user(city, delegation):
    user = make_user("cosigner", city, Role.DEPUTY, phone="13900000002")
    make_deputy(city, "李秀英", "13900000002", delegation, user=user)
    return user


@pytest.fixture
def keeper(city):
    return make_user("keeper", city, Role.STATION_KEEPER)


def new_activity(staff, congress, deputies, *, start=None, hours=2, kind="inspection",
                 title="城市更新项目视察"):
    start = start or timezone.now() - timedelta(minutes=30)
    data = actions.ActivityData(kind=kind, title=title, organiser="市人大常委会代表工作委员会",
                                place="示例市城市规划展览馆", starts_at=start,
                                ends_at=start + timedelta(hours=hours))
    return actions.create_activity(staff, congress, data, [d.pk for d in deputies])


@pytest.fixture
def activity(staff, city, deputy):
    return new_activity(staff, city, [deputy])
