"""The demo has a year of archive data: activities with attendance, verified and pending
reports, scores for every deputy; built quickly."""

from __future__ import annotations

import random
import time

from django.utils import timezone

from renda.archive.models import Activity, Attendance, DutyRecord, Invitation, YearScore
from renda.core import audit
from renda.core.models import Congress
from renda.demo.archive import load_archive
from renda.demo.build import load_demo


def test_demo_archive(db):
    assert load_demo(suggestions=False, stations=False, archive=False)
    city = Congress.objects.get(name="示例市人民代表大会")
    assert not Activity.objects.exists()
    started = time.monotonic()
    counts = load_archive(city, random.Random(1))
    elapsed = time.monotonic() - started
    assert counts["archive_activities"] == 19
    year = timezone.localdate().year
    assert Activity.objects.filter(congress=city).count() == 19
    assert Invitation.objects.filter(status=Attendance.ATTENDED).count() > 300
    assert Invitation.objects.filter(status=Attendance.LEAVE_REQUESTED).exists()
    records = DutyRecord.objects.filter(congress=city, year=year)
    assert records.filter(status="pending").exists() and records.filter(status="rejected").exists()
    assert records.counted().filter(self_reported=True).exists()
    assert records.filter(kind="absence").exists()
    demo = DutyRecord.objects.filter(deputy__user__username="deputy", year=year)
    assert demo.counted().count() >= 8
    scores = YearScore.objects.filter(congress=city, year=year)
    assert scores.count() >= 250 and len(set(scores.values_list("grade", flat=True))) >= 2
    assert audit.verify().ok
    assert elapsed < 30, elapsed
