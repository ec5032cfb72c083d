"""Archive pages: the deputy's own archive on the phone (score, records, self-report,
check-in, leave, the report to voters) and staff pages (activities, attendance, leave,
verification, rules, the yearly table and figures).

Views parse input, get objects through ``access``, call one action and render; a refused
action re-renders the page with the Chinese message and what was typed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_POST

from renda.core import audit
from renda.core.access import congresses_for, pick_congress
from renda.core.errors import DomainError
from renda.core.models import Congress
from renda.core.perms import Perm, has_perm
from renda.core.xlsx import xlsx_response
from renda.deputies.models import Delegation, Deputy, Mandate

from . import actions, documents, exports, figures, queries
from .access import (
    can_view_deputy,
    deputy_of,
    get_activity_for,
    get_record_to_verify,
    require_deputy,
    verify_filter,
)
from .models import (
    SELF_REPORT_KINDS,
    Activity,
    ActivityKind,
    Attendance,
    DutyRecord,
    Invitation,
    RecordKind,
    YearScore,
)
from .scoring import compute_year, deputy_breakdown, rules_of, ruleset_for, scores_stale

PAGE = 50


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year") or request.POST.get("year")
    today = timezone.localdate().year
    if raw in (None, ""):
        return today
    try:
        year = int(raw)
    except ValueError:
        raise Http404("年度不正确。") from None
    if not 2000 <= year <= today + 1:
        raise Http404("年度不正确。")
    return year


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


# --- the deputy --------------------------------------------------------------------------------


def _my_congress(request: HttpRequest, deputy: Deputy) -> Congress:
    options = queries.deputy_congresses(deputy)
    if not options:
        raise PermissionDenied("您还没有代表资格。")
    raw = request.GET.get("congress") or request.POST.get("congress")
    if raw:
        chosen = next((c for c in options if str(c.pk) == raw), None)
        if chosen is None:
            raise Http404("没有这个人大。")
        return chosen
    return options[0]


def _archive_context(deputy: Deputy, congress: Congress, year: int) -> dict[str, Any]:
    records = list(queries.records_of(deputy.pk, congress.pk, year))
    return {"deputy": deputy, "congress": congress, "year": year,
            "years": queries.year_choices(), "breakdown": deputy_breakdown(deputy.pk, congress.pk,
                                                                          year),
            "records": records,
            "score": YearScore.objects.filter(deputy=deputy, congress=congress, year=year).first()}


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    deputy = require_deputy(request.user)
    congress = _my_congress(request, deputy)
    year = _year(request)
    ctx = _archive_context(deputy, congress, year)
    ctx.update({"own": True, "congresses": queries.deputy_congresses(deputy),
                "invitations": list(queries.invitations_of(deputy))})
    return render(request, "archive/mine.html", ctx)


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    deputy = require_deputy(request.user)
    congress = _my_congress(request, deputy)
    form: dict[str, Any] = {"kind": "", "day": timezone.localdate().isoformat(), "title": "",
                            "detail": ""}
    error = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            actions.self_report(request.user, congress, form["kind"], parse_date(form["day"] or "")
                                if _valid_date(form["day"]) else None, form["title"],
                                form["detail"], request.FILES.getlist("files"), request=request)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "已提交，工作人员核实后计入积分。")
            return redirect(f"{reverse('archive:mine')}?congress={congress.pk}")
    kinds = [(k, RecordKind(k).label) for k in SELF_REPORT_KINDS]
    return render(request, "archive/report_new.html", {
        "form": form, "error": error, "kinds": kinds, "congress": congress}, status=400 if error
        else 200)


def _valid_date(text: str) -> bool:
    try:
        return parse_date(text or "") is not None
    except ValueError:
        return False


@login_required
def checkin(request: HttpRequest) -> HttpResponse:
    """The page the venue's QR code opens on the deputy's phone."""
    code = request.POST.get("code") or request.GET.get("code") or ""
    activity_id = request.POST.get("activity") or None
    error = None
    activity = None
    if request.method == "POST":
        try:
            inv = actions.check_in(request.user, code, int(activity_id) if activity_id and
                                   activity_id.isdigit() else None, request=request)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"签到成功：{inv.activity.title}。已记入您的履职档案。")
            return redirect("archive:mine")
    else:
        found = actions.activity_of_code(code)
        if found:
            activity = Activity.objects.filter(pk=found[0],
                                               congress_id__in=request.user.congress_ids()).first()
    return render(request, "archive/checkin.html", {"code": code, "activity": activity,
                                                     "error": error},
                  status=400 if error else 200)


@login_required
def report_draft(request: HttpRequest) -> HttpResponse:
    """述职报告: drafted from the year's records, edited and saved, then printed as PDF."""
    deputy = require_deputy(request.user)
    congress = _my_congress(request, deputy)
    year = _year(request)
    error = None
    saved = False
    if request.method == "POST" and request.POST.get("reset"):
        text = documents.draft_report(deputy, congress, year)
    elif request.method == "POST":
        text = request.POST.get("text", "")
        try:
            actions.save_report_draft(request.user, congress, year, text, request=request)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "述职报告已保存。")
            return redirect(f"{reverse('archive:report_draft')}?congress={congress.pk}"
                            f"&year={year}")
    else:
        text, saved = documents.report_text(deputy, congress, year)
    return render(request, "archive/report_draft.html", {
        "text": text, "saved": saved, "error": error, "congress": congress, "year": year,
        "years": queries.year_choices()})


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    deputy = require_deputy(request.user)
    congress = _my_congress(request, deputy)
    year = _year(request)
    try:
        data = documents.report_pdf(deputy, congress, year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("archive:report_draft")
    return _pdf_response(data, f"{deputy.name}{year}年述职报告.pdf")


@login_required
def card(request: HttpRequest, deputy_id: int) -> HttpResponse:
    """履职档案卡 as PDF: the deputy themself, or staff and leaders of the congress."""
    deputy = get_object_or_404(Deputy, pk=deputy_id)
    own = deputy_of(request.user)
    if own is not None and own.pk == deputy.pk:
        congress = _my_congress(request, deputy)
    else:
        congress = pick_congress(request.user, Perm.ARCHIVE_VIEW_ALL, request.GET.get("congress"))
        if not can_view_deputy(request.user, deputy, congress.pk):
            raise Http404("没有这位代表。")
    year = _year(request)
    try:
        data = documents.card_pdf(deputy, congress, year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("archive:mine")
    audit.record("archive.card_printed", actor=request.user, congress=congress, obj=deputy,
                 request=request, summary={"year": year})
    return _pdf_response(data, f"{deputy.name}{year}年履职档案卡.pdf")


@login_required
def deputy_archive(request: HttpRequest, deputy_id: int) -> HttpResponse:
    """Staff and leaders read one deputy's archive."""
    congress = pick_congress(request.user, Perm.ARCHIVE_VIEW_ALL, request.GET.get("congress"))
    deputy = get_object_or_404(Deputy, pk=deputy_id)
    if not can_view_deputy(request.user, deputy, congress.pk):
        raise Http404("没有这位代表。")
    ctx = _archive_context(deputy, congress, _year(request))
    ctx["own"] = False
    return render(request, "archive/mine.html", ctx)


# --- activities --------------------------------------------------------------------------------


def _parse_dt(text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        return None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@login_required
def activities(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.ARCHIVE_MANAGE, request.GET.get("congress"))
    qs = Activity.objects.filter(congress=congress)
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    ids = [a.pk for a in page.object_list]
    from django.db.models import Count, Q

    stats = {r["activity_id"]: r for r in Invitation.objects.filter(activity_id__in=ids)
             .values("activity_id").annotate(
                 total=Count("id"), attended=Count("id", filter=Q(status=Attendance.ATTENDED)),
                 leave=Count("id", filter=Q(status=Attendance.LEAVE_REQUESTED)))}
    for a in page.object_list:
        a.stats = stats.get(a.pk, {"total": 0, "attended": 0, "leave": 0})
    return render(request, "archive/activities.html", {
        "congress": congress, "congresses": congresses_for(request.user, Perm.ARCHIVE_MANAGE),
        "page": page, "kinds": ActivityKind.choices, "kind": kind})


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.ARCHIVE_MANAGE,
                             request.POST.get("congress") or request.GET.get("congress"))
    form = {"kind": "", "title": "", "organiser": "", "place": "", "starts_at": "",
            "ends_at": "", "description": ""}
    chosen: list[str] = []
    error = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        chosen = request.POST.getlist("deputies")
        deputy_ids = [int(x) for x in chosen if x.isdigit()]
        delegation = request.POST.get("delegation", "")
        if delegation.isdigit():
            deputy_ids += list(Mandate.objects.filter(
                congress=congress, delegation_id=int(delegation), status="active")
                .values_list("deputy_id", flat=True))
        data = actions.ActivityData(
            kind=form["kind"], title=form["title"], organiser=form["organiser"],
            place=form["place"], starts_at=_parse_dt(form["starts_at"]),
            ends_at=_parse_dt(form["ends_at"]), description=form["description"])
        try:
            activity = actions.create_activity(request.user, congress, data, deputy_ids,
                                               request=request)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "活动已创建，邀请已发给代表。")
            return redirect("archive:activity", activity.pk)
    members = (Mandate.objects.filter(congress=congress, status="active")
               .select_related("deputy", "delegation").order_by("delegation__sort_order",
                                                                "deputy__name"))
    return render(request, "archive/activity_new.html", {
        "congress": congress, "form": form, "error": error, "kinds": ActivityKind.choices,
        "members": members, "chosen": chosen,
        "delegations": Delegation.objects.filter(congress=congress)},
        status=400 if error else 200)


def _qr(request: HttpRequest, activity: Activity) -> tuple[str, str]:
    url = request.build_absolute_uri(reverse("archive:checkin")) + "?" + urlencode(
        {"code": actions.checkin_code(activity)})
    return segno.make(url, error="m").svg_inline(scale=4, title="签到二维码"), url


@login_required
def activity(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff manage the activity; an invited deputy sees their invitation, checks in or asks
    for leave."""
    obj = Activity.objects.filter(pk=pk, congress_id__in=request.user.congress_ids()).first()
    if obj is None:
        raise Http404("没有这个活动。")
    if has_perm(request.user, Perm.ARCHIVE_MANAGE, obj.congress_id):
        invitations = list(obj.invitations.select_related("deputy").order_by("deputy__name"))
        qr, url = _qr(request, obj)
        invited = {i.deputy_id for i in invitations}
        others = (Mandate.objects.filter(congress_id=obj.congress_id, status="active")
                  .exclude(deputy_id__in=invited).select_related("deputy")
                  .order_by("deputy__name"))
        return render(request, "archive/activity_staff.html", {
            "a": obj, "invitations": invitations, "qr": qr, "qr_url": url,
            "counts": queries.activity_counts(obj), "others": others,
            "open": obj.is_checkin_open()})
    deputy = deputy_of(request.user)
    inv = Invitation.objects.filter(activity=obj, deputy=deputy).first() if deputy else None
    if inv is None:
        raise Http404("没有这个活动。")
    return render(request, "archive/activity_deputy.html", {
        "a": obj, "inv": inv, "open": obj.is_checkin_open(), "ended": timezone.now() > obj.ends_at,
        "error": None})


@login_required
@require_POST
def activity_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    obj = Activity.objects.filter(pk=pk, congress_id__in=request.user.congress_ids()).first()
    if obj is None:
        raise Http404("没有这个活动。")
    user = request.user
    back = redirect("archive:activity", obj.pk)
    try:
        if verb == "checkin":
            actions.check_in(user, request.POST.get("code", ""), obj.pk, request=request)
            messages.success(request, "签到成功，已记入您的履职档案。")
        elif verb == "leave":
            actions.request_leave(user, obj, request.POST.get("reason", ""), request=request)
            messages.success(request, "请假已提交，等待工作人员批准。")
        else:
            obj = get_activity_for(user, pk)
            deputy_id = int(request.POST.get("deputy") or 0)
            if verb == "attend":
                actions.mark_attendance(user, obj, deputy_id, Attendance.ATTENDED, request=request)
                messages.success(request, "已登记出席。")
            elif verb == "attend_all":
                n = actions.mark_all_attended(user, obj, request=request)
                messages.success(request, f"已登记 {n} 名代表出席。")
            elif verb == "absent":
                actions.mark_attendance(user, obj, deputy_id, Attendance.ABSENT, request=request)
                messages.success(request, "已登记缺席。")
            elif verb in ("approve_leave", "refuse_leave"):
                actions.decide_leave(user, obj, deputy_id, verb == "approve_leave",
                                     request.POST.get("note", ""), request=request)
                messages.success(request, "已处理请假。")
            elif verb == "invite":
                n = actions.invite(user, obj, [int(x) for x in request.POST.getlist("deputies")
                                               if x.isdigit()], request=request)
                messages.success(request, f"已邀请 {n} 名代表。")
            elif verb == "renew":
                actions.renew_checkin_code(user, obj, request=request)
                messages.success(request, "已更换签到码，之前的二维码不能再用。")
            else:
                raise Http404
    except DomainError as exc:
        if verb in ("checkin", "leave"):
            deputy = deputy_of(user)
            inv = Invitation.objects.filter(activity=obj, deputy=deputy).first() if deputy else None
            if inv is None:
                raise Http404("没有这个活动。") from None
            return render(request, "archive/activity_deputy.html", {
                "a": obj, "inv": inv, "open": obj.is_checkin_open(),
                "ended": timezone.now() > obj.ends_at, "error": exc,
                "code": request.POST.get("code", ""), "reason": request.POST.get("reason", "")},
                status=400)
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, "请求参数有误。")
    return back


@login_required
def activity_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR as a PNG to print and put up at the venue."""
    from io import BytesIO

    obj = get_activity_for(request.user, pk)
    _, url = _qr(request, obj)
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    return HttpResponse(buffer.getvalue(), content_type="image/png")


# --- verification ------------------------------------------------------------------------------


@login_required
def verify_queue(request: HttpRequest) -> HttpResponse:
    if not any(has_perm(request.user, Perm.ARCHIVE_VERIFY, c) for c in request.user.congress_ids()):
        raise PermissionDenied("您没有核实履职记录的权限。")
    page = Paginator(queries.verify_queue(request.user), PAGE).get_page(request.GET.get("page"))
    return render(request, "archive/verify.html", {"page": page})


@login_required
@require_POST
def verify_act(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_to_verify(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        actions.verify(request.user, record, approve, request.POST.get("reason", ""),
                       request=request)
    except DomainError as exc:
        messages.error(request, f"{record.deputy.name}：{exc.message}")
    else:
        messages.success(request, f"{record.deputy.name}的“{record.title}”"
                                  f"{'已核实' if approve else '已退回'}。")
    return redirect("archive:verify")


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import FileResponse

    from .models import Evidence

    item = get_object_or_404(Evidence.objects.select_related("record"), pk=pk)
    rec = item.record
    own = deputy_of(request.user)
    allowed = (own is not None and own.pk == rec.deputy_id) or has_perm(
        request.user, Perm.ARCHIVE_VIEW_ALL, rec.congress_id) or DutyRecord.objects.filter(
        verify_filter(request.user), pk=rec.pk).exists()
    if not allowed:
        raise Http404("没有这个文件。")
    return FileResponse(item.file.open("rb"), filename=item.name)


# --- rules, yearly table, figures ------------------------------------------------------------


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.ARCHIVE_MANAGE,
                             request.POST.get("congress") or request.GET.get("congress"))
    year = _year(request)
    rs = ruleset_for(congress.pk, year)
    assert rs is not None
    error = None
    current = rules_of(rs)
    points = {k: str(current.get(k, (0, None))[0]) for k in RecordKind.values}
    caps = {k: ("" if current.get(k, (0, None))[1] is None else str(current[k][1]))
            for k in RecordKind.values}
    bands = [(b["min"] if b["min"] is not None else "", b["label"]) for b in rs.bands]
    summary = rs.summary_date.isoformat()
    if request.method == "POST":
        points = {k: request.POST.get(f"points_{k}", "") for k in RecordKind.values}
        caps = {k: request.POST.get(f"cap_{k}", "") for k in RecordKind.values}
        bands = list(zip(request.POST.getlist("band_min"), request.POST.getlist("band_label"),
                         strict=False))
        summary = request.POST.get("summary_date", "")
        try:
            actions.save_rules(request.user, congress, year, points, caps, bands,
                               parse_date(summary) if _valid_date(summary) else None,
                               request=request)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"{year}年积分规则已保存；其他年度不受影响。")
            return redirect(f"{reverse('archive:rules')}?congress={congress.pk}&year={year}")
    while len(bands) < 5:
        bands.append(("", ""))
    rows = [(k, RecordKind(k).label, points[k], caps[k]) for k in RecordKind.values]
    return render(request, "archive/rules.html", {
        "congress": congress, "year": year, "years": queries.year_choices(), "rows": rows,
        "bands": bands, "summary": summary, "error": error}, status=400 if error else 200)


@login_required
def table(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.ARCHIVE_VIEW_ALL, request.GET.get("congress"))
    year = _year(request)
    if request.method == "POST":
        if not has_perm(request.user, Perm.ARCHIVE_MANAGE, congress):
            raise PermissionDenied("只有工作人员可以重新计算。")
        compute_year(congress.pk, year)
        messages.success(request, "已重新计算。")
        return redirect(f"{reverse('archive:table')}?congress={congress.pk}&year={year}")
    if scores_stale(congress.pk, year):
        compute_year(congress.pk, year)
    qs = YearScore.objects.filter(congress=congress, year=year).select_related(
        "deputy", "delegation").order_by("rank", "deputy__name")
    delegation = request.GET.get("delegation", "")
    if delegation.isdigit():
        qs = qs.filter(delegation_id=int(delegation))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(deputy__name__contains=q)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    if request.GET.get("format") == "xlsx":
        audit.record("archive.table_exported", actor=request.user, congress=congress,
                     obj=congress, request=request, summary={"year": year})
        return xlsx_response(exports.year_table_xlsx(congress, year),
                             f"{congress.short_name or congress.name}{year}年度代表履职统计表.xlsx")
    return render(request, "archive/table.html", {
        "congress": congress, "year": year, "years": queries.year_choices(), "page": page,
        "delegations": Delegation.objects.filter(congress=congress), "delegation": delegation,
        "q": q, "rs": ruleset_for(congress.pk, year),
        "can_manage": has_perm(request.user, Perm.ARCHIVE_MANAGE, congress)})


@login_required
def figures_view(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.ARCHIVE_VIEW_ALL, request.GET.get("congress"))
    year = _year(request)
    f = figures.year_figures(congress.pk, year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(figures.figures_xlsx(congress, f),
                             f"{congress.short_name or congress.name}{year}年履职统计图表.xlsx")
    return render(request, "archive/figures.html", {
        "congress": congress, "year": year, "years": queries.year_choices(), "f": f,
        "charts": f.charts()})


