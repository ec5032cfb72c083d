"""Receptions: the keeper records one, the issues become messages, deputies check in."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from renda.core.errors import DomainError
from renda.core.models import AuditEvent, Role
from renda.deputies.models import Deputy
from renda.stations import actions
from renda.stations.models import Message, Reception, ReceptionDeputy, Source, StationDeputy
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_deputies(station, deputy2_user, deputy_user):
    _user, d2 = deputy2_user
    StationDeputy.objects.create(station=station, deputy=d2, level_label="区人大代表")
    return [Deputy.objects.get(user=deputy_user), d2]


def data(deputies, **overrides):
    values = {"day": timezone.localdate(), "visitors": 9, "notes": "听取意见",
              "deputy_ids": [d.pk for d in deputies],
              "issues": [actions.Issue("希望增设社区老年食堂，方便独居老人用餐。", "social")]}
    values.update(overrides)
    return actions.ReceptionData(**values)


def test_keeper_records_reception_and_issue_becomes_message(keeper, station, two_deputies):
    r = actions.record_reception(keeper, station, data(two_deputies))
    assert r.attendance.count() == 2
    m = Message.objects.get(reception=r)
    assert m.source == Source.RECEPTION and m.status == "received" and m.station == station
    assert AuditEvent.objects.filter(action="reception.recorded").exists()


@pytest.mark.parametrize(("overrides", "words"), [
    ({"day": None}, "接待日期"),
    ({"visitors": -1}, "人次"),
    ({"deputy_ids": []}, "请选择参加接待的代表"),
    ({"issues": [actions.Issue("<script>alert(1)</script>要修路")]}, "网页代码"),
])
def test_bad_reception_saves_nothing(keeper, station, two_deputies, overrides, words):
    with pytest.raises(DomainError, match=words):
        actions.record_reception(keeper, station, data(two_deputies, **overrides))
    assert not Reception.objects.exists() and not Message.objects.exists()


def test_future_date_and_foreign_deputy_refused(keeper, station, two_deputies, other_deputy):
    with pytest.raises(DomainError, match="不能晚于今天"):
        actions.record_reception(keeper, station, data(
            two_deputies, day=timezone.localdate() + timedelta(days=1)))
    with pytest.raises(DomainError, match="进站代表"):
        actions.record_reception(keeper, station, data([other_deputy]))


def test_non_image_photo_refused(keeper, station, two_deputies):
    bad = SimpleUploadedFile("a.png", b"not a png", content_type="image/png")
    with pytest.raises(DomainError, match="不是有效的图片"):
        actions.record_reception(keeper, station, data(two_deputies, photos=[bad]))
    assert not Reception.objects.exists()


def test_photo_saved(keeper, station, two_deputies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "JPEG")
    ok = SimpleUploadedFile("a.jpg", buf.getvalue(), content_type="image/jpeg")
    r = actions.record_reception(keeper, station, data(two_deputies, photos=[ok]))
    assert r.photos.count() == 1
    assert client_for(keeper).get(f"/stations/receptions/photos/{r.photos.get().pk}/").status_code == 200


def test_other_keeper_and_unit_refused(city, station, two_deputies, unit_user):
    other = make_user("keeper9", city, Role.STATION_KEEPER)
    for who in (other, unit_user):
        with pytest.raises(DomainError, match="管理员"):
            actions.record_reception(who, station, data(two_deputies))
    assert client_for(other).get(f"/stations/{station.pk}/receptions/new/").status_code == 404


def test_check_in_once_by_listed_deputy_only(keeper, station, two_deputies, deputy_user,
                                             deputy2_user, city):
    r = actions.record_reception(keeper, station, data(two_deputies[:1]))
    actions.check_in(deputy_user, r)
    with pytest.raises(DomainError, match="已经签到"):
        actions.check_in(deputy_user, r)
    with pytest.raises(DomainError, match="不在这次接待"):
        actions.check_in(deputy2_user[0], r)
    with pytest.raises(DomainError, match="代表本人"):
        actions.check_in(keeper, r)
    assert ReceptionDeputy.objects.get(reception=r).checked_in_at is not None
    # the unlisted deputy cannot even open it
    assert client_for(deputy2_user[0]).get(f"/stations/receptions/{r.pk}/").status_code == 404


def test_reception_page_form_round_trip(keeper, station, two_deputies):
    c = client_for(keeper)
    r = c.post(f"/stations/{station.pk}/receptions/new/", {
        "day": timezone.localdate().isoformat(), "visitors": "3",
        "deputies": [str(d.pk) for d in two_deputies], "issue": ["路口缺少红绿灯，过马路很危险。", ""],
        "issue_category": ["traffic", "other"]})
    assert r.status_code == 302
    assert Message.objects.filter(category="traffic").count() == 1
    r = c.post(f"/stations/{station.pk}/receptions/new/", {"day": "", "visitors": "x"})
    assert r.status_code == 400 and "接待日期" in r.content.decode()


def test_check_in_makes_one_archive_record(keeper, station, two_deputies, deputy_user):
    from renda.archive.models import DutyRecord, RecordKind

    r = actions.record_reception(keeper, station, data(two_deputies))
    assert not DutyRecord.objects.exists()  # listed is not attended
    actions.check_in(deputy_user, r)
    with pytest.raises(DomainError):
        actions.check_in(deputy_user, r)
    record = DutyRecord.objects.get()
    assert (record.kind, record.deputy.user, record.day) == (RecordKind.RECEPTION, deputy_user, r.date)
