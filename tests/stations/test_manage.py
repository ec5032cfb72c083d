"""Staff manage stations: deputies of several levels, keepers, calendar rules and exceptions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from renda.core.errors import DomainError
from renda.core.models import AuditEvent, Role
from renda.deputies.models import Deputy
from renda.stations import actions
from renda.stations.calendar import station_days
from renda.stations.models import CalendarRule, Station
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def data(deputies=(), keepers=(), **overrides):
    values = {"name": "月湖街道代表联络站", "kind": "station", "address": "月湖路8号",
              "lat": 29.999, "lon": 120.602, "hours": "工作日 9:00–17:00",
              "deputy_ids": [d.pk for d in deputies], "keeper_ids": [k.pk for k in keepers]}
    values.update(overrides)
    return actions.StationData(**values)


def test_staff_create_station_with_mixed_levels(staff, city, deputy_user, other_deputy, keeper):
    d = Deputy.objects.get(user=deputy_user)
    s = actions.save_station(staff, city, data([d], [keeper], level_labels={d.pk: "市人大代表"}))
    assert s.assignments.get().level_label == "市人大代表"
    assert list(s.keepers.all()) == [keeper]
    assert AuditEvent.objects.filter(action="station.created").exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": ""}, "name"), ({"kind": "bogus"}, "kind"), ({"address": ""}, "address"),
    ({"lat": None}, "lat"), ({"lat": 91.0}, "lat"),
])
def test_bad_station_refused(staff, city, overrides, field):
    with pytest.raises(DomainError) as err:
        actions.save_station(staff, city, data(**overrides))
    assert err.value.field == field
    assert not Station.objects.exists()


def test_only_staff_manage(keeper, unit_user, outsider, city):
    for who in (keeper, unit_user, outsider):
        with pytest.raises(DomainError):
            actions.save_station(who, city, data())
    assert client_for(keeper).get("/stations/new/").status_code == 403


def test_non_keeper_account_refused_as_keeper(staff, city, unit_user):
    with pytest.raises(DomainError, match="管理员"):
        actions.save_station(staff, city, data(keepers=[unit_user]))


def test_rules_and_exceptions_shape_the_calendar(staff, station, deputy_user):
    d = Deputy.objects.get(user=deputy_user)
    start = date(2026, 1, 1)
    actions.add_rule(staff, station, kind="monthly_day", day=31, start=start, duty_ids=[d.pk])
    days = [x.day for x in station_days(station, date(2026, 1, 1), date(2026, 4, 30))]
    assert days == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    actions.set_exception(staff, station, date(2026, 3, 31), "cancel", "因会议取消")
    actions.set_exception(staff, station, date(2026, 3, 18), "extra", "专题接待", [d.pk])
    days = station_days(station, date(2026, 3, 1), date(2026, 3, 31))
    assert [x.day for x in days] == [date(2026, 3, 18)] and days[0].deputy_ids == [d.pk]
    with pytest.raises(DomainError, match="1 到 31"):
        actions.add_rule(staff, station, kind="monthly_day", day=0)
    with pytest.raises(DomainError, match="第几个"):
        actions.add_rule(staff, station, kind="monthly_nth", weekday=1, nths="5")
    with pytest.raises(DomainError, match="早于"):
        actions.add_rule(staff, station, kind="weekly", weekday=2, start=start,
                         end=start - timedelta(days=1))


def test_station_edit_page_round_trip(staff, station):
    c = client_for(staff)
    assert "湖滨街道代表联络站" in c.get(f"/stations/{station.pk}/edit/").content.decode()
    r = c.post(f"/stations/{station.pk}/edit/", {"verb": "rule", "kind": "weekly", "weekday": "2",
                                                  "start": timezone.localdate().isoformat()})
    assert r.status_code == 302 and CalendarRule.objects.filter(station=station).count() == 1
    r = c.post(f"/stations/{station.pk}/edit/", {"verb": "rule", "kind": "weekly"})
    assert r.status_code == 400 and "星期几" in r.content.decode()
    assert "每周三" in c.get(f"/s/{station.pk}/").content.decode()


def test_keeper_of_other_congress_cannot_open(station, other_congress):
    k = make_user("k-other", other_congress, Role.STATION_KEEPER)
    assert client_for(k).get(f"/stations/{station.pk}/edit/").status_code == 404
