"""The reminder to staff before the yearly summary date (default 30 November): the yearly
table and the archive cards are due then. Sent once per congress and year — the reminder is
claimed by inserting a row with a unique key in the same transaction as its notifications,
so concurrent sweeps never send it twice."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core.models import Congress, Role, User
from renda.core.notify import notify

from .models import DutyRecord, RecordStatus, SummaryReminder
from .scoring import ruleset_for


def sweep(today: date | None = None) -> int:
    """Remind the staff of every congress whose summary date is near; returns how many
    congresses were reminded now."""
    today = today or timezone.localdate()
    sent = 0
    congress_ids = set(User.objects.filter(roles__role=Role.STAFF)
                       .values_list("roles__congress_id", flat=True))
    for congress in Congress.objects.filter(pk__in=congress_ids):
        rs = ruleset_for(congress.pk, today.year)
        assert rs is not None
        if not (rs.summary_date - timedelta(days=rs.remind_days) <= today <= rs.summary_date):
            continue
        key = f"summary:{congress.pk}:{today.year}"
        try:
            with transaction.atomic():
                SummaryReminder.objects.create(key=key)
                pending = DutyRecord.objects.filter(congress=congress, year=today.year,
                                                    status=RecordStatus.PENDING,
                                                    voided_at__isnull=True).count()
                staff = User.objects.filter(roles__congress=congress, roles__role=Role.STAFF,
                                            is_active=True).distinct()
                notify(staff, f"{today.year}年度履职统计将于{rs.summary_date:%m月%d日}汇总",
                       f"请在汇总日前核实待核实的履职记录（现有{pending}条），"
                       "然后导出年度统计表和履职档案卡。",
                       f"/archive/table/?year={today.year}", congress.pk)
        except IntegrityError:
            continue
        sent += 1
    return sent
