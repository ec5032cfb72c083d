"""Every change to activities and duty records: check, change in one transaction, audit.

Views, the API and tasks all call these functions; none of them writes the tables itself.
A refusal raises ``DomainError`` with a Chinese message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import DomainError
from renda.core.models import Role, User
from renda.core.notify import notify
from renda.core.perms import Perm, has_perm
from renda.deputies.models import Mandate

from . import capture
from .access import verify_filter
from .models import (
    ACTIVITY_RECORD_KIND,
    SELF_REPORT_KINDS,
    Activity,
    ActivityKind,
    Attendance,
    DutyRecord,
    Evidence,
    PointRule,
    RecordKind,
    RecordStatus,
    ReportDraft,
    RuleSet,
)

CHECKIN_SALT = "renda.archive.checkin"
MAX_EVIDENCE = 5
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".heic", ".webp")


def _require(actor: User, perm: Perm, congress_id: int) -> None:
    if not has_perm(actor, perm, congress_id):
        raise DomainError("您没有此项权限。")


def _text(value: Any, label: str, field: str, *, maximum: int, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        raise DomainError(f"请填写{label}。", field=field)
    if len(text) > maximum:
        raise DomainError(f"{label}不能超过{maximum}字（现有{len(text)}字）。", field=field)
    return text


def _members(congress_id: int) -> Any:
    return Mandate.objects.filter(congress_id=congress_id, status="active")


# --- activities --------------------------------------------------------------------------------


@dataclass
class ActivityData:
    kind: str
    title: str
    organiser: str
    place: str
    starts_at: datetime | None
    ends_at: datetime | None
    description: str = ""


def _check_activity(data: ActivityData) -> None:
    if data.kind not in ActivityKind.values:
        raise DomainError("请选择活动类别。", field="kind")
    _text(data.title, "活动名称", "title", maximum=100)
    _text(data.organiser, "组织单位", "organiser", maximum=100)
    _text(data.place, "地点", "place", maximum=200)
    _text(data.description, "内容", "description", maximum=2000, required=False)
    if data.starts_at is None:
        raise DomainError("请填写开始时间。", field="starts_at")
    if data.ends_at is None:
        raise DomainError("请填写结束时间。", field="ends_at")
    if data.ends_at <= data.starts_at:
        raise DomainError("结束时间应晚于开始时间。", field="ends_at")


def create_activity(actor: User, congress: Any, data: ActivityData,
                    deputy_ids: Sequence[int] = (), *, request: Any = None) -> Activity:
    """Staff create an activity and invite deputies of their congress."""
    congress_id = getattr(congress, "pk", congress)
    _require(actor, Perm.ARCHIVE_MANAGE, congress_id)
    _check_activity(data)
    with transaction.atomic():
        activity = Activity.objects.create(
            congress_id=congress_id, kind=data.kind, title=data.title.strip(),
            organiser=data.organiser.strip(), place=data.place.strip(),
            starts_at=data.starts_at, ends_at=data.ends_at,
            description=(data.description or "").strip(), created_by=actor)
        audit.record("archive.activity_created", actor=actor, congress=congress_id, obj=activity,
                      request=request, summary={"title": activity.title, "kind": data.kind})
        if deputy_ids:
            _invite(actor, activity, deputy_ids, request)
    return activity


def invite(actor: User, activity: Activity, deputy_ids: Sequence[int], *,
           request: Any = None) -> int:
    """Invite more deputies; those already invited stay as they are."""
    _require(actor, Perm.ARCHIVE_MANAGE, activity.congress_id)
    with transaction.atomic():
        return _invite(actor, activity, deputy_ids, request)


def _invite(actor: User, activity: Activity, deputy_ids: Iterable[int], request: Any) -> int:
    ids = {int(i) for i in deputy_ids}
    valid = set(_members(activity.congress_id).filter(deputy_id__in=ids)
                .values_list("deputy_id", flat=True))
    if ids - valid:
        raise DomainError("只能邀请本人大的在任代表。", field="deputies")
    already = set(activity.invitations.values_list("deputy_id", flat=True))
    new = sorted(valid - already)
    from .models import Invitation

    Invitation.objects.bulk_create([Invitation(activity=activity, deputy_id=d) for d in new])
    if new:
        audit.record("archive.invited", actor=actor, congress=activity.congress_id, obj=activity,
                     request=request, summary={"deputies": new})
        users = User.objects.filter(deputy__id__in=new)
        start = timezone.localtime(activity.starts_at)
        notify(users, f"邀请您参加{activity.get_kind_display()}：{activity.title}",
               f"{start:%m月%d日 %H:%M}，{activity.place}", f"/archive/activities/{activity.pk}/",
               activity.congress_id)
    return len(new)


def checkin_code(activity: Activity) -> str:
    """The code in the venue's QR: the activity and its current secret, signed (short, so
    the printed QR stays easy to scan)."""
    return signing.Signer(salt=CHECKIN_SALT).sign(f"{activity.pk}.{activity.checkin_secret}")


def activity_of_code(code: str) -> tuple[int, str] | None:
    """(activity id, secret) of a genuine code, None for anything else."""
    try:
        value = signing.Signer(salt=CHECKIN_SALT).unsign((code or "").strip())
    except signing.BadSignature:
        return None
    pk, _, secret = value.partition(".")
    return (int(pk), secret) if pk.isdigit() and secret else None


def renew_checkin_code(actor: User, activity: Activity, *, request: Any = None) -> Activity:
    """A new secret: every QR printed before stops working (e.g. a photo went round)."""
    from .models import new_secret

    _require(actor, Perm.ARCHIVE_MANAGE, activity.congress_id)
    with transaction.atomic():
        a = Activity.objects.select_for_update().get(pk=activity.pk)
        a.checkin_secret = new_secret()
        a.save(update_fields=["checkin_secret"])
        audit.record("archive.checkin_code_renewed", actor=actor, congress=a.congress_id, obj=a,
                     request=request)
    return a


def _attend(invitation: Any, actor: User | None, way: str) -> None:
    activity = invitation.activity
    invitation.status = Attendance.ATTENDED
    invitation.checked_in_at = invitation.checked_in_at or timezone.now()
    invitation.checkin_way = way
    invitation.save()
    capture.void(f"activity:{activity.pk}:absent:{invitation.deputy_id}",
                 reason="已改为出席", actor=actor)
    capture.record(invitation.deputy_id, ACTIVITY_RECORD_KIND[activity.kind],
                   f"activity:{activity.pk}:{invitation.deputy_id}",
                   timezone.localdate(activity.starts_at), congress=activity.congress_id,
                   title=f"{activity.get_kind_display()}：{activity.title}",
                   detail=f"{activity.organiser}组织，地点：{activity.place}",
                   source=f"activity:{activity.pk}", actor=actor)


def check_in(actor: User, code: str, activity_id: int | None = None, *,
             now: datetime | None = None, request: Any = None) -> Any:
    """A deputy checks in by scanning the venue's QR code. The code must be this activity's
    current code, and check-in is open from an hour before the start to the end."""
    from .access import require_deputy
    from .models import Invitation

    try:
        deputy = require_deputy(actor)
    except PermissionDenied:
        raise DomainError("只有代表本人可以扫码签到。") from None
    found = activity_of_code(code)
    if found is None:
        raise DomainError("签到码无效，请扫描活动现场的签到二维码。", field="code")
    activity = Activity.objects.filter(pk=found[0]).first()
    if activity is None or activity.checkin_secret != found[1]:
        raise DomainError("签到码已失效（已更换），请扫描现场最新的签到二维码。", field="code")
    if activity_id is not None and int(activity_id) != activity.pk:
        raise DomainError(f"这是另一个活动（{activity.title}）的签到码，不能为本活动签到。",
                          field="code")
    now = now or timezone.now()
    if now < activity.checkin_opens_at:
        opens = timezone.localtime(activity.checkin_opens_at)
        raise DomainError(f"签到尚未开始，{opens:%m月%d日 %H:%M}起可以签到。", field="code")
    if now > activity.ends_at:
        raise DomainError("活动已结束，签到码已过期。如确已参加，请联系工作人员登记。",
                          field="code")
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update().select_related("activity")
                      .filter(activity=activity, deputy=deputy).first())
        if invitation is None:
            raise DomainError("您不在本次活动的邀请名单中，请联系工作人员。", field="code")
        if invitation.status == Attendance.ATTENDED:
            raise DomainError("您已签到，无需重复签到。", field="code")
        _attend(invitation, actor, "qr")
        audit.record("archive.checked_in", actor=actor, congress=activity.congress_id,
                     obj=activity, request=request, summary={"deputy": deputy.pk, "way": "qr"})
    return invitation


def mark_attendance(actor: User, activity: Activity, deputy_id: int, status: str, *,
                    request: Any = None) -> Any:
    """Staff record attendance: 出席 makes the record; 缺席 voids it, and an unexcused
    absence from a congress meeting (会议) records negative points."""
    from .models import Invitation

    _require(actor, Perm.ARCHIVE_MANAGE, activity.congress_id)
    if status not in (Attendance.ATTENDED, Attendance.ABSENT):
        raise DomainError("出席情况只能登记为出席或缺席。", field="status")
    with transaction.atomic():
        inv = (Invitation.objects.select_for_update().select_related("activity")
               .filter(activity=activity, deputy_id=deputy_id).first())
        if inv is None:
            raise DomainError("该代表不在本次活动的邀请名单中。", field="deputy")
        before = inv.status
        if status == Attendance.ATTENDED:
            _attend(inv, actor, "staff")
        else:
            if inv.status == Attendance.LEAVE_APPROVED:
                raise DomainError("该代表已准假，不能登记为缺席。", field="status")
            inv.status = Attendance.ABSENT
            inv.checked_in_at = None
            inv.checkin_way = ""
            inv.save()
            capture.void(f"activity:{activity.pk}:{deputy_id}", reason="登记为缺席", actor=actor)
            if activity.kind == ActivityKind.MEETING:
                capture.record(deputy_id, RecordKind.ABSENCE,
                               f"activity:{activity.pk}:absent:{deputy_id}",
                               timezone.localdate(activity.starts_at),
                               congress=activity.congress_id,
                               title=f"无故缺席：{activity.title}",
                               source=f"activity:{activity.pk}", actor=actor)
        audit.record("archive.attendance_marked", actor=actor, congress=activity.congress_id,
                     obj=activity, request=request,
                     summary={"deputy": deputy_id, "from": before, "to": status})
    return inv


def mark_all_attended(actor: User, activity: Activity, deputy_ids: Sequence[int] | None = None,
                      *, request: Any = None) -> int:
    """Staff record the invited deputies (all not yet marked, or the given ones) as present
    in one go — e.g. from the meeting's sign-in sheet. Deputies on approved leave or marked
    absent are left as they are. Returns how many were marked."""
    from .models import Invitation

    _require(actor, Perm.ARCHIVE_MANAGE, activity.congress_id)
    with transaction.atomic():
        qs = Invitation.objects.select_for_update().filter(
            activity=activity, status__in=[Attendance.INVITED, Attendance.LEAVE_REQUESTED])
        if deputy_ids is not None:
            qs = qs.filter(deputy_id__in=list(deputy_ids))
        invs = list(qs)
        if not invs:
            return 0
        now = timezone.now()
        Invitation.objects.filter(pk__in=[i.pk for i in invs]).update(
            status=Attendance.ATTENDED, checked_in_at=now, checkin_way="staff")
        day = timezone.localdate(activity.starts_at)
        capture.record_many([{
            "deputy": i.deputy_id, "kind": ACTIVITY_RECORD_KIND[activity.kind],
            "source_key": f"activity:{activity.pk}:{i.deputy_id}", "day": day,
            "title": f"{activity.get_kind_display()}：{activity.title}",
            "detail": f"{activity.organiser}组织，地点：{activity.place}"} for i in invs],
            congress=activity.congress_id, source=f"activity:{activity.pk}", actor=actor)
        audit.record("archive.attendance_marked", actor=actor, congress=activity.congress_id,
                     obj=activity, request=request,
                     summary={"deputies": [i.deputy_id for i in invs], "to": "attended"})
    return len(invs)


def request_leave(actor: User, activity: Activity, reason: str, *, request: Any = None) -> Any:
    """A deputy asks for leave (请假) with a reason, before the activity ends."""
    from .access import require_deputy
    from .models import Invitation

    deputy = require_deputy(actor)
    reason = _text(reason, "请假事由", "reason", maximum=300)
    if timezone.now() > activity.ends_at:
        raise DomainError("活动已结束，不能再请假。")
    with transaction.atomic():
        inv = Invitation.objects.select_for_update().filter(activity=activity,
                                                            deputy=deputy).first()
        if inv is None:
            raise DomainError("您不在本次活动的邀请名单中。")
        if inv.status not in (Attendance.INVITED,):
            raise DomainError(f"您的出席情况为“{inv.get_status_display()}”，不能再请假。")
        inv.status = Attendance.LEAVE_REQUESTED
        inv.leave_reason = reason
        inv.leave_requested_at = timezone.now()
        inv.save()
        audit.record("archive.leave_requested", actor=actor, congress=activity.congress_id,
                     obj=activity, request=request, summary={"deputy": deputy.pk})
        staff = User.objects.filter(roles__congress_id=activity.congress_id,
                                    roles__role=Role.STAFF).distinct()
        notify(staff, f"{deputy.name}代表请假：{activity.title}", reason,
               f"/archive/activities/{activity.pk}/", activity.congress_id)
    return inv


def decide_leave(actor: User, activity: Activity, deputy_id: int, approve: bool,
                 note: str = "", *, request: Any = None) -> Any:
    from .models import Invitation

    _require(actor, Perm.ARCHIVE_MANAGE, activity.congress_id)
    note = _text(note, "说明", "note", maximum=300, required=not approve)
    with transaction.atomic():
        inv = Invitation.objects.select_for_update().filter(activity=activity,
                                                            deputy_id=deputy_id).first()
        if inv is None or inv.status != Attendance.LEAVE_REQUESTED:
            raise DomainError("没有待批的请假。")
        inv.status = Attendance.LEAVE_APPROVED if approve else Attendance.INVITED
        inv.decided_by = actor
        inv.decided_at = timezone.now()
        inv.decision_note = note
        inv.save()
        audit.record("archive.leave_" + ("approved" if approve else "refused"), actor=actor,
                     congress=activity.congress_id, obj=activity, request=request,
                     summary={"deputy": deputy_id, "note": note})
        user = User.objects.filter(deputy__id=deputy_id).first()
        if user:
            notify([user], f"请假{'已批准' if approve else '未批准'}：{activity.title}", note,
                   f"/archive/activities/{activity.pk}/", activity.congress_id)
    return inv


# --- self-reported records --------------------------------------------------------------------


def check_evidence(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_EVIDENCE:
        raise DomainError(f"佐证材料最多{MAX_EVIDENCE}个文件。", field="files")
    for f in files:
        if not f.name.lower().endswith(EVIDENCE_TYPES):
            raise DomainError(f"“{f.name}”不是照片或 PDF（支持 jpg、png、heic、webp、pdf）。",
                              field="files")
        if f.size > MAX_EVIDENCE_BYTES:
            raise DomainError(f"“{f.name}”超过 10 MB。", field="files")


def self_report(actor: User, congress: Any, kind: str, day: date | None, title: str,
                detail: str = "", files: Sequence[UploadedFile] = (), *,
                request: Any = None) -> DutyRecord:
    """The deputy reports a duty with evidence; it counts once staff or the station verify it."""
    from .access import require_deputy

    deputy = require_deputy(actor)
    congress_id = getattr(congress, "pk", congress)
    if not Mandate.objects.filter(deputy=deputy, congress_id=congress_id).exists():
        raise DomainError("您不是该人大的代表。", field="congress")
    if kind not in SELF_REPORT_KINDS:
        raise DomainError("请选择可以填报的履职类别。", field="kind")
    if day is None:
        raise DomainError("请填写日期。", field="day")
    if day > timezone.localdate():
        raise DomainError("日期不能晚于今天。", field="day")
    if day.year < timezone.localdate().year - 1:
        raise DomainError("只能填报今年和去年的履职情况。", field="day")
    title = _text(title, "事项", "title", maximum=200)
    detail = _text(detail, "情况说明", "detail", maximum=2000, required=False)
    check_evidence(files)
    with transaction.atomic():
        rec = DutyRecord.objects.create(
            congress_id=congress_id, deputy=deputy, kind=kind, day=day, year=day.year,
            title=title, detail=detail, self_reported=True, status=RecordStatus.PENDING,
            created_by=actor)
        for f in files:
            Evidence.objects.create(record=rec, file=f, name=f.name[:200], size=f.size)
        audit.record("archive.self_reported", actor=actor, congress=congress_id, obj=rec,
                     request=request, summary={"kind": kind, "files": len(files)})
        staff = User.objects.filter(roles__congress_id=congress_id,
                                    roles__role=Role.STAFF).distinct()
        notify(staff, f"{deputy.name}代表填报了履职记录，待核实", title, "/archive/verify/",
               congress_id)
    return rec


def verify(actor: User, record: DutyRecord, approve: bool, reason: str = "", *,
           request: Any = None) -> DutyRecord:
    """Staff or the station keeper confirm a self-reported record, or reject it with a reason."""
    reason = _text(reason, "不通过的原因", "reason", maximum=300, required=not approve)
    with transaction.atomic():
        rec = DutyRecord.objects.select_for_update().filter(pk=record.pk).first()
        if rec is None or not DutyRecord.objects.filter(verify_filter(actor), pk=rec.pk).exists():
            raise DomainError("您不能核实这条记录。")
        if rec.status != RecordStatus.PENDING:
            raise DomainError(f"这条记录已“{rec.get_status_display()}”，不能再核实。")
        rec.status = RecordStatus.CONFIRMED if approve else RecordStatus.REJECTED
        rec.verified_by = actor
        rec.verified_at = timezone.now()
        rec.reject_reason = "" if approve else reason
        rec.save()
        audit.record("archive.record_" + ("verified" if approve else "rejected"), actor=actor,
                     congress=rec.congress_id, obj=rec, request=request,
                     summary={"reason": reason} if reason else {})
        user = User.objects.filter(deputy__id=rec.deputy_id).first()
        if user:
            notify([user], f"履职记录{'已核实' if approve else '未通过核实'}：{rec.title}",
                   reason, "/archive/", rec.congress_id)
    return rec


# --- rules and the report draft -------------------------------------------------------------


def _decimal(value: Any, label: str, field: str, *, allow_empty: bool = False) -> Decimal | None:
    text = str(value if value is not None else "").strip()
    if not text:
        if allow_empty:
            return None
        raise DomainError(f"请填写{label}。", field=field)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise DomainError(f"{label}应为数字（如 3 或 2.5）。", field=field) from None
    if not number.is_finite() or abs(number) >= 1000 or number != number.quantize(Decimal("0.1")):
        raise DomainError(f"{label}应在 -999.9 到 999.9 之间，最多一位小数。", field=field)
    return number


def save_rules(actor: User, congress: Any, year: int, points: dict[str, Any],
               caps: dict[str, Any], bands: list[tuple[Any, str]], summary_date: date | None,
               *, request: Any = None) -> RuleSet:
    """Set one year's rules. Only that year's rows change; other years keep theirs."""
    from .scoring import ruleset_for

    congress_id = getattr(congress, "pk", congress)
    _require(actor, Perm.ARCHIVE_MANAGE, congress_id)
    parsed: dict[str, tuple[Decimal, Decimal | None]] = {}
    for kind in RecordKind.values:
        p = _decimal(points.get(kind), f"“{RecordKind(kind).label}”的分值", f"points_{kind}")
        c = _decimal(caps.get(kind), f"“{RecordKind(kind).label}”的年度上限", f"cap_{kind}",
                     allow_empty=True)
        if c is not None and c < 0:
            raise DomainError(f"“{RecordKind(kind).label}”的年度上限不能为负数。",
                              field=f"cap_{kind}")
        assert p is not None
        parsed[kind] = (p, c)
    clean_bands: list[dict[str, Any]] = []
    for low, label in bands:
        label = (label or "").strip()
        low_text = str(low if low is not None else "").strip()
        if not label and not low_text:
            continue
        if not label:
            raise DomainError("每个等次都要有名称。", field="bands")
        value = _decimal(low_text, f"等次“{label}”的最低分", "bands", allow_empty=True)
        clean_bands.append({"min": float(value) if value is not None else None, "label": label})
    if not clean_bands:
        raise DomainError("至少要有一个等次。", field="bands")
    mins = [b["min"] for b in clean_bands[:-1]]
    if any(m is None for m in mins) or mins != sorted(mins, reverse=True):
        raise DomainError("等次应从高到低填写，最低分逐级递减，只有最后一个等次可以不填最低分。",
                          field="bands")
    if clean_bands[-1]["min"] is not None:
        clean_bands.append({"min": None, "label": "未达等次"})
    if summary_date is None or summary_date.year != year:
        raise DomainError(f"年度汇总日应是 {year} 年内的日期。", field="summary_date")
    with transaction.atomic():
        rs = ruleset_for(congress_id, year)
        assert rs is not None
        rs = RuleSet.objects.select_for_update().get(pk=rs.pk)
        before = {r.kind: [str(r.points), str(r.cap)] for r in rs.rules.all()}
        rs.rules.all().delete()
        PointRule.objects.bulk_create([PointRule(ruleset=rs, kind=k, points=p, cap=c)
                                       for k, (p, c) in parsed.items()])
        rs.bands = clean_bands
        rs.summary_date = summary_date
        rs.save()
        audit.record("archive.rules_saved", actor=actor, congress=congress_id, obj=rs,
                     request=request, summary={"year": year, "before": before,
                                               "after": {k: [str(p), str(c)]
                                                         for k, (p, c) in parsed.items()},
                                               "bands": clean_bands})
    return rs


def save_report_draft(actor: User, congress: Any, year: int, text: str, *,
                      request: Any = None) -> ReportDraft:
    from .access import require_deputy

    deputy = require_deputy(actor)
    congress_id = getattr(congress, "pk", congress)
    text = _text(text, "述职报告", "text", maximum=20000)
    with transaction.atomic():
        draft, _ = ReportDraft.objects.update_or_create(
            deputy=deputy, congress_id=congress_id, year=year, defaults={"text": text})
        audit.record("archive.report_saved", actor=actor, congress=congress_id, obj=draft,
                     request=request, summary={"year": year, "chars": len(text)})
    return draft
