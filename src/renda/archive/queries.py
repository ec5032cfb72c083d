"""Read helpers for pages, the API, the home page and other apps."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from renda.core.models import Congress
from renda.core.perms import Perm, congresses_with
from renda.deputies.models import Deputy, Mandate

from .access import deputy_of, verify_filter
from .models import Activity, Attendance, DutyRecord, Invitation, RecordKind, RecordStatus


def deputy_congresses(deputy: Deputy) -> list[Congress]:
    """Every congress the person holds or held a mandate in (档随人走: the whole archive)."""
    return list(Congress.objects.filter(
        id__in=Mandate.objects.filter(deputy=deputy).values("congress_id")).order_by(
        "region_code", "id"))


def year_choices(today: Any = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return [year, year - 1, year - 2, year - 3, year - 4]


def records_of(deputy_id: int, congress_id: int, year: int) -> Any:
    return (DutyRecord.objects.filter(deputy_id=deputy_id, congress_id=congress_id, year=year)
            .prefetch_related("evidence").order_by("-day", "-id"))


def invitations_of(deputy: Deputy, *, upcoming: bool = True) -> Any:
    qs = Invitation.objects.filter(deputy=deputy).select_related("activity")
    if upcoming:
        qs = qs.filter(activity__ends_at__gte=timezone.now() - timezone.timedelta(days=1))
    return qs.order_by("activity__starts_at")


def verify_queue(user: Any) -> Any:
    return (DutyRecord.objects.filter(verify_filter(user), status=RecordStatus.PENDING,
                                      voided_at__isnull=True)
            .select_related("deputy", "congress").prefetch_related("evidence")
            .order_by("created_at", "id"))


def activity_counts(activity: Activity) -> dict[str, int]:
    rows = activity.invitations.values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in Attendance.values}
    counts.update({r["status"]: r["n"] for r in rows})
    counts["total"] = sum(r["n"] for r in rows)
    return counts


def home_cards(user: Any, roles: set[str]) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    if congresses_with(user, Perm.ARCHIVE_OWN):
        deputy = deputy_of(user)
        if deputy is not None:
            year = timezone.localdate().year
            n = DutyRecord.objects.counted().filter(deputy=deputy, year=year).count()
            cards.append({"title": "我的履职档案", "value": n, "unit": f"条{year}年履职记录",
                          "url": "archive:mine", "action": "查看积分与记录"})
            upcoming = invitations_of(deputy).filter(status=Attendance.INVITED).count()
            if upcoming:
                cards.append({"title": "邀请我参加的活动", "value": upcoming, "unit": "项",
                              "url": "archive:mine", "action": "签到或请假", "hot": True})
    if congresses_with(user, Perm.ARCHIVE_VERIFY):
        pending = verify_queue(user).count()
        cards.append({"title": "待核实履职记录", "value": pending, "unit": "条",
                      "url": "archive:verify", "action": "去核实", "hot": bool(pending)})
    manage = congresses_with(user, Perm.ARCHIVE_MANAGE)
    if manage:
        leave = Invitation.objects.filter(activity__congress_id__in=manage,
                                          status=Attendance.LEAVE_REQUESTED).count()
        cards.append({"title": "履职活动", "value": leave, "unit": "件请假待批",
                      "url": "archive:activities", "action": "管理活动", "hot": bool(leave)})
    return cards


def coverage(congress_id: int, year: int, deputy_ids: list[int]) -> dict[str, Any]:
    """Share of the year's deputies with at least one reception, one activity, training."""
    base = DutyRecord.objects.counted().filter(congress_id=congress_id, year=year,
                                               deputy_id__in=deputy_ids)
    activity_kinds = [RecordKind.INSPECTION, RecordKind.RESEARCH, RecordKind.LAW_CHECK,
                      RecordKind.INQUIRY, RecordKind.STANDING, RecordKind.GROUP,
                      RecordKind.TRAINING, RecordKind.REPORT]
    row = base.aggregate(
        reception=Count("deputy", filter=Q(kind=RecordKind.RECEPTION), distinct=True),
        activity=Count("deputy", filter=Q(kind__in=activity_kinds), distinct=True),
        training=Count("deputy", filter=Q(kind=RecordKind.TRAINING), distinct=True),
        any=Count("deputy", distinct=True),
    )
    total = len(deputy_ids)
    return {"total": total, **{k: {"n": v, "pct": round(v * 100 / total, 1) if total else 0.0}
                               for k, v in row.items()}}
