"""The demo's stations: every message state, calendars, receptions — built in seconds."""

from __future__ import annotations

import time

import pytest

from renda.demo.build import load_demo
from renda.stations.models import Message, MessageStatus, Reception, Station
from renda.stations.queries import upcoming_days

pytestmark = pytest.mark.django_db


def test_demo_stations(settings):
    settings.RENDA_EMAIL_NOTIFICATIONS = False
    started = time.monotonic()
    assert load_demo(suggestions=False)
    elapsed = time.monotonic() - started
    assert Station.objects.count() == 15
    assert Message.objects.count() == 2000
    assert set(Message.objects.values_list("status", flat=True)) == set(MessageStatus.values)
    assert Reception.objects.count() > 100
    s = Station.objects.first()
    assert s.assignments.count() >= 3
    assert {a.level_label for a in Station.objects.get(name__startswith="湖滨").assignments.all()} \
        >= {"市人大代表", "区人大代表"}
    assert upcoming_days(s)
    assert elapsed < 120
