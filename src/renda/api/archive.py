"""履职档案 through the API, under /api/v1/archive, for the phone app and staff.

Thin endpoints over ``renda.archive.actions`` and ``renda.archive.queries``: the same
functions as the web pages. 404 for objects of another congress or not the caller's; 403
when the role may not take the step; 400 with a Chinese message when a rule refuses; 422
for a body that cannot be parsed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from renda.archive import actions, queries
from renda.archive.access import deputy_of, get_record_to_verify, require_deputy
from renda.archive.models import DutyRecord
from renda.archive.scoring import deputy_breakdown
from renda.core.errors import DomainError
from renda.core.perms import Perm, has_perm

from .schemas import Error

router = Router(tags=["archive"])


class RecordOut(Schema):
    id: int
    congress_id: int
    kind: str
    kind_label: str
    day: date
    title: str
    detail: str
    status: str
    status_label: str
    self_reported: bool
    void: bool
    counts: bool
    reject_reason: str


class LineOut(Schema):
    kind: str
    label: str
    count: int
    points: float
    cap: float | None
    earned: float


class ArchiveOut(Schema):
    deputy_id: int
    deputy: str
    congress_id: int
    year: int
    score: float
    grade: str
    pending: int
    lines: list[LineOut]
    records: list[RecordOut]


class SelfReportIn(Schema):
    congress_id: int | None = None
    kind: str = Field(..., max_length=12)
    day: date
    title: str = Field(..., max_length=200)
    detail: str = Field("", max_length=2000)


class CheckInIn(Schema):
    code: str = Field(..., min_length=1, max_length=500)
    activity_id: int | None = None


class CheckInOut(Schema):
    activity_id: int
    title: str
    checked_in_at: datetime


class VerifyIn(Schema):
    approve: bool
    reason: str = Field("", max_length=300)


class PendingOut(RecordOut):
    deputy_id: int
    deputy: str


def _record(r: DutyRecord) -> dict[str, Any]:
    return {"id": r.pk, "congress_id": r.congress_id, "kind": r.kind,
            "kind_label": r.get_kind_display(), "day": r.day, "title": r.title,
            "detail": r.detail, "status": r.status, "status_label": r.get_status_display(),
            "self_reported": r.self_reported, "void": r.is_void, "counts": r.counts,
            "reject_reason": r.reject_reason}


def _congress_of(deputy: Any, congress_id: int | None) -> Any:
    options = queries.deputy_congresses(deputy)
    if not options:
        raise PermissionDenied("您还没有代表资格。")
    if congress_id is None:
        return options[0]
    chosen = next((c for c in options if c.pk == congress_id), None)
    if chosen is None:
        raise Http404
    return chosen


@router.get("/me", response={200: ArchiveOut, 403: Error, 404: Error},
            summary="我的履职档案：积分、明细和记录")
def my_archive(request: HttpRequest, year: int | None = None,
               congress_id: int | None = None) -> Any:
    deputy = require_deputy(request.user)
    congress = _congress_of(deputy, congress_id)
    year = year or timezone.localdate().year
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise DomainError("年度不正确。", field="year")
    b = deputy_breakdown(deputy.pk, congress.pk, year)
    return {"deputy_id": deputy.pk, "deputy": deputy.name, "congress_id": congress.pk,
            "year": year, "score": float(b.total), "grade": b.grade, "pending": b.pending,
            "lines": [{"kind": ln.kind, "label": ln.label, "count": ln.count,
                       "points": float(ln.points),
                       "cap": float(ln.cap) if ln.cap is not None else None,
                       "earned": float(ln.earned)} for ln in b.lines],
            "records": [_record(r) for r in queries.records_of(deputy.pk, congress.pk, year)]}


@router.post("/me/records", response={201: RecordOut, 400: Error, 403: Error, 404: Error,
                                      422: Error},
             summary="填报履职记录（待核实）")
def self_report(request: HttpRequest, payload: SelfReportIn) -> Any:
    deputy = require_deputy(request.user)
    congress = _congress_of(deputy, payload.congress_id)
    rec = actions.self_report(request.user, congress, payload.kind, payload.day, payload.title,
                              payload.detail, request=request)
    return Status(201, _record(rec))


@router.post("/checkin", response={200: CheckInOut, 400: Error, 403: Error, 422: Error},
             summary="扫码签到（二维码中的签到码）")
def check_in(request: HttpRequest, payload: CheckInIn) -> Any:
    if deputy_of(request.user) is None:
        raise PermissionDenied("只有代表本人可以扫码签到。")
    inv = actions.check_in(request.user, payload.code, payload.activity_id, request=request)
    return {"activity_id": inv.activity_id, "title": inv.activity.title,
            "checked_in_at": inv.checked_in_at}


@router.get("/pending", response={200: list[PendingOut], 403: Error},
            summary="待核实的履职记录（工作人员、联络站）")
def pending(request: HttpRequest) -> Any:
    if not any(has_perm(request.user, Perm.ARCHIVE_VERIFY, c)
               for c in request.user.congress_ids()):
        raise PermissionDenied("您没有核实履职记录的权限。")
    return [{**_record(r), "deputy_id": r.deputy_id, "deputy": r.deputy.name}
            for r in queries.verify_queue(request.user)[:200]]


@router.post("/records/{record_id}/verify", response={200: RecordOut, 400: Error, 403: Error,
                                                     404: Error, 422: Error},
             summary="核实或退回一条填报记录")
def verify(request: HttpRequest, record_id: int, payload: VerifyIn) -> Any:
    record = get_record_to_verify(request.user, record_id)
    rec = actions.verify(request.user, record, payload.approve, payload.reason, request=request)
    return _record(rec)



