"""A station with a keeper and two deputies, and messages built through the actions."""

from __future__ import annotations

from datetime import date

import pytest

from renda.core.models import Role
from renda.stations import actions, antiabuse
from renda.stations.models import Station, StationDeputy
from tests.conftest import make_deputy, make_user


def solve(token_question: tuple[str, str]) -> tuple[str, str]:
    """Answer the arithmetic challenge as a person would."""
    question, token = token_question
    a, rest = question.split(" 加 ")
    b = rest.split(" ")[0]
    return token, str(int(a) + int(b))


def message_data(**overrides) -> actions.MessageData:
    token, answer = solve(antiabuse.make_challenge())
    values = {"content": "小区门口的路灯坏了两个月，晚上出行很不方便，请尽快修复。",
              "category": "urban", "name": "张三", "phone": "13812345678",
              "challenge_token": token, "challenge_answer": answer}
    values.update(overrides)
    return actions.MessageData(**values)


@pytest.fixture(autouse=True)
def _fresh_config_cache():
    """Congress and station ids repeat between tests; the per-process caches must not."""
    from django.core.cache import cache

    from renda.stations import models

    models._CONFIG_CACHE.clear()
    models._OPEN_STATIONS.clear()
    cache.clear()  # the per-process cache (the shared one is rolled back with the test)
    yield
    models._CONFIG_CACHE.clear()
    models._OPEN_STATIONS.clear()
    cache.clear()


@pytest.fixture
def station(city, deputy_user):
    s = Station.objects.create(congress=city, name="湖滨街道代表联络站", address="湖滨路1号",
                               lat=30.0130, lon=120.6050, hours="工作日 9:00–17:00")
    from renda.deputies.models import Deputy

    StationDeputy.objects.create(station=s, deputy=Deputy.objects.get(user=deputy_user),
                                 level_label="市人大代表")
    return s


@pytest.fixture
def deputy2_user(city, delegation):
    user = make_user("deputy2", city, Role.DEPUTY, phone="13900000002")
    d = make_deputy(city, "李秀英", "13900000002", delegation, user=user)
    return user, d


@pytest.fixture
def keeper(city, station):
    user = make_user("keeper", city, Role.STATION_KEEPER)
    station.keepers.add(user)
    return user


@pytest.fixture
def received(station):
    return actions.submit_message(station=station, data=message_data(), ip="10.0.0.1")


@pytest.fixture
def accepted(received, staff):
    return actions.accept(staff, received)


@pytest.fixture
def transferred(accepted, staff, unit_org, unit_user):
    return actions.transfer_to_unit(staff, accepted, unit_org)


@pytest.fixture
def answered(transferred, unit_user):
    return actions.answer(unit_user, transferred, "已安排维修人员更换路灯，三日内完成，感谢您的反映。")


def day(y: int, m: int, d: int) -> date:
    return date(y, m, d)
