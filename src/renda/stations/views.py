"""Pages for staff, keepers and units handling messages, and for receptions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from renda.core import audit
from renda.core.access import pick_congress
from renda.core.errors import DomainError
from renda.core.models import Organization
from renda.core.perms import Perm, congresses_with, has_perm
from renda.core.xlsx import xlsx_response
from renda.deputies.models import Deputy, MandateStatus

from . import access, actions, exports, queries, states
from .models import (
    MessageCategory,
    MessageStatus,
    Reception,
    ReceptionDeputy,
    Station,
)


def _can_list(user: Any) -> set[int]:
    return (congresses_with(user, Perm.STATIONS_VIEW_ALL)
            | {c for c in congresses_with(user, Perm.STATIONS_KEEP)})


@login_required
@require_safe
def message_list(request: HttpRequest) -> HttpResponse:
    ids = _can_list(request.user)
    if not ids:
        raise PermissionDenied("您没有查看群众留言的权限。")
    perm = Perm.STATIONS_VIEW_ALL if congresses_with(request.user, Perm.STATIONS_VIEW_ALL) \
        else Perm.STATIONS_KEEP
    congress = pick_congress(request.user, perm, request.GET.get("congress"))
    flt = queries.MessageFilter.from_params(request.GET)
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    rows, has_next = queries.page_of(queries.message_list(request.user, congress.pk, flt), page)
    staff = has_perm(request.user, Perm.STATIONS_MANAGE, congress)
    stations = Station.objects.filter(congress=congress).only("id", "name")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "stations/messages.html", {
        "congress": congress, "rows": rows, "page": page, "has_next": has_next, "flt": flt,
        "statuses": MessageStatus.choices, "categories": MessageCategory.choices,
        "stations": stations, "staff": staff, "query": query.urlencode(),
        "today": timezone.localdate()})


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    if not access.unit_ids(request.user):
        raise PermissionDenied("只有承办单位可以查看转办的留言。")
    rows = list(queries.unit_inbox(request.user)[:200])
    return render(request, "stations/inbox.html", {"rows": rows, "today": timezone.localdate()})


@login_required
@require_safe
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = access.get_message_for(request.user, pk)
    roles = access.roles_for(request.user, m)
    allowed = states.allowed_targets(m.status, roles)
    units = Organization.objects.units().filter(congress_id=m.congress_id)
    deputies = (Deputy.objects.filter(mandates__congress_id=m.congress_id,
                                      mandates__status=MandateStatus.ACTIVE).distinct()
                .order_by("name")[:500]) if MessageStatus.TRANSFERRED in allowed else []
    return render(request, "stations/message.html", {
        "m": m, "phone": access.shown_phone(request.user, m), "roles": roles,
        "allowed": allowed, "units": units, "deputies": deputies,
        "steps": m.transitions.select_related("actor"), "S": MessageStatus})


PRESELECT_MIN = 0.3


@login_required
@require_safe
def message_assist(request: HttpRequest, pk: int) -> HttpResponse:
    """办理辅助, loaded into the message page after it is shown: the units proposed for
    the transfer (only to whoever may transfer it; the first is put into the unit list if
    nobody has chosen one) and similar messages the user may see."""
    from renda.assist import queries as assist
    from renda.assist.models import RoutingTarget

    m = access.get_message_for(request.user, pk)
    may_transfer = MessageStatus.TRANSFERRED in states.allowed_targets(
        m.status, access.roles_for(request.user, m))
    result = (assist.route(m.congress_id, m.content, target=RoutingTarget.MESSAGE_UNIT)
              if may_transfer else None)
    # A short message often says little about who should handle it: a weak first proposal
    # is shown but not put into the form, where a hurried click would send it on.
    lead = (result.first.unit_id if result and result.first
            and result.first.confidence >= PRESELECT_MIN else None)
    return render(request, "stations/_assist.html", {
        "m": m, "result": result, "lead": lead, "preselect_min": round(PRESELECT_MIN * 100),
        "found": queries.similar_messages(request.user, m)})


@login_required
@require_POST
def message_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    m = access.get_message_for(request.user, pk)
    post = request.POST
    try:
        if verb == "accept":
            actions.accept(request.user, m, request=request)
            flash.success(request, "已受理。")
        elif verb == "reject":
            actions.reject(request.user, m, post.get("reason", ""), request=request)
            flash.success(request, "已不予受理，理由会显示给留言人。")
        elif verb == "transfer_unit":
            due = _date(post.get("due"))
            unit = post.get("unit") or ""
            if not unit.isdigit():
                raise DomainError("请选择承办单位。", field="unit")
            actions.transfer_to_unit(request.user, m, int(unit), due=due, request=request)
            flash.success(request, "已转承办单位。")
        elif verb == "transfer_suggestion":
            deputy = post.get("deputy") or ""
            if not deputy.isdigit():
                raise DomainError("请选择代表。", field="deputy")
            actions.transfer_to_suggestion(request.user, m, int(deputy), due=_date(post.get("due")),
                                           request=request)
            flash.success(request, "已转为代表建议草稿。")
        elif verb == "answer":
            actions.answer(request.user, m, post.get("answer", ""), request=request)
            flash.success(request, "已答复，留言人可以用查询码看到答复。")
        elif verb == "close":
            actions.close(request.user, m, request=request)
            flash.success(request, "已办结。")
        else:
            raise Http404
    except DomainError as exc:
        flash.error(request, exc.message)
    return redirect("stations:message", pk=m.pk)


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError("日期格式应为 年-月-日。", field="due") from None


@login_required
@require_safe
def message_photo(request: HttpRequest, pk: int) -> HttpResponse:
    m = access.get_message_for(request.user, pk)
    if not m.photo:
        raise Http404
    return FileResponse(m.photo.open("rb"))


@login_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The message list as Excel: phone numbers masked unless the user handles messages."""
    congress = pick_congress(request.user, Perm.STATIONS_VIEW_ALL, request.GET.get("congress"))
    flt = queries.MessageFilter.from_params(request.GET)
    qs = queries.message_list(request.user, congress.pk, flt)[:exports.MAX_ROWS]
    data = exports.messages_xlsx(request.user, qs)
    audit.record("station_message.export", actor=request.user, congress=congress,
                 request=request, summary={"filter": request.GET.dict()})
    return xlsx_response(data, f"群众留言-{timezone.localdate():%Y%m%d}.xlsx")


# --- keepers and receptions ----------------------------------------------------------------


@login_required
@require_safe
def keeper(request: HttpRequest) -> HttpResponse:
    kept = access.kept_station_ids(request.user)
    manage = congresses_with(request.user, Perm.STATIONS_MANAGE)
    if not kept and not manage:
        raise PermissionDenied("您不是联络站管理员。")
    stations = Station.objects.filter(pk__in=kept) if kept else \
        Station.objects.filter(congress_id__in=manage)
    stations = list(stations.order_by("id"))
    receptions = (Reception.objects.filter(station__in=stations).select_related("station")
                  .prefetch_related("attendance__deputy").order_by("-date", "-id")[:20])
    return render(request, "stations/keeper.html", {"stations": stations, "receptions": receptions})


@login_required
@require_safe
def stations_list(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.STATIONS_VIEW_ALL, request.GET.get("congress"))
    stations = (Station.objects.filter(congress=congress).prefetch_related("assignments__deputy",
                                                                           "keepers")
                .order_by("id"))
    return render(request, "stations/stations.html", {"congress": congress, "stations": stations})


@login_required
def reception_new(request: HttpRequest, pk: int) -> HttpResponse:
    station = access.get_station_for_keeper(request.user, pk)
    assigned = queries.station_deputies(station)
    context: dict[str, Any] = {"station": station, "assigned": assigned,
                               "categories": MessageCategory.choices,
                               "today": timezone.localdate(), "data": {}}
    if request.method == "POST":
        post = request.POST
        issues = [actions.Issue(content=c, category=cat)
                  for c, cat in zip(post.getlist("issue"), post.getlist("issue_category"),
                                    strict=False)]
        try:
            visitors = int(post.get("visitors") or 0)
        except ValueError:
            visitors = -1
        try:
            data = actions.ReceptionData(
                day=_date(post.get("day")), visitors=visitors, notes=post.get("notes", ""),
                deputy_ids=[int(i) for i in post.getlist("deputies") if i.isdigit()],
                issues=issues, photos=request.FILES.getlist("photos"))
            r = actions.record_reception(request.user, station, data, request=request)
        except DomainError as exc:
            context.update(error=exc, data=post)
            return render(request, "stations/reception_form.html", context, status=400)
        flash.success(request, "接待记录已保存，已通知代表签到。")
        return redirect("stations:reception", pk=r.pk)
    return render(request, "stations/reception_form.html", context)


def _reception_for(user: Any, pk: int) -> tuple[Reception, ReceptionDeputy | None, bool]:
    r = get_object_or_404(Reception.objects.select_related("station", "station__congress"), pk=pk)
    mine = None
    deputy = Deputy.objects.filter(user=user).first() if user.is_authenticated else None
    if deputy is not None:
        mine = ReceptionDeputy.objects.filter(reception=r, deputy=deputy).first()
    keeper = (r.station_id in access.kept_station_ids(user)
              or has_perm(user, Perm.STATIONS_VIEW_ALL, r.station.congress_id))
    if mine is None and not keeper:
        raise Http404("没有这次接待，或您无权查看。")
    return r, mine, keeper


@login_required
@require_safe
def reception(request: HttpRequest, pk: int) -> HttpResponse:
    r, mine, _keeper = _reception_for(request.user, pk)
    return render(request, "stations/reception.html", {
        "r": r, "mine": mine, "attendance": r.attendance.select_related("deputy"),
        "issues": r.messages.all(), "photos": r.photos.all()})


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    r, _mine, _keeper = _reception_for(request.user, pk)
    try:
        actions.check_in(request.user, r, request=request)
        flash.success(request, "签到成功。")
    except DomainError as exc:
        flash.error(request, exc.message)
    return redirect("stations:reception", pk=r.pk)


@login_required
@require_safe
def reception_photo(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import ReceptionPhoto

    photo = get_object_or_404(ReceptionPhoto, pk=pk)
    _reception_for(request.user, photo.reception_id)
    return FileResponse(photo.image.open("rb"))



@login_required
@require_safe
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 poster of a station (staff and its keepers)."""
    from django.utils.http import content_disposition_header

    from .documents import poster_pdf

    station = access.get_station_for_keeper(request.user, pk)
    try:
        pdf = poster_pdf(station, request.build_absolute_uri("/"))
    except DomainError as exc:
        return render(request, "core/error.html", {"message": exc.message}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{station.name}-海报.pdf")
    return response


@login_required
@require_safe
def figures_page(request: HttpRequest) -> HttpResponse:
    from renda.core import charts

    from .figures import cached

    congress = pick_congress(request.user, Perm.STATIONS_FIGURES, request.GET.get("congress"))
    year = _year(request.GET.get("year"))
    fig = cached(congress.pk, year)
    chart = {
        "month": charts.line(fig.by_month, title=f"{year}年各月留言", unit="条"),
        "category": charts.bar(fig.by_category, title="留言类别", unit="条"),
        "status": charts.donut(fig.by_status, title="办理状态", unit="条"),
        "station": charts.stacked_bar(
            [n for n, _t, _a in fig.by_station[:15]],
            {"已答复": [a for _n, _t, a in fig.by_station[:15]],
             "未答复": [t - a for _n, t, a in fig.by_station[:15]]},
            title="各联络站留言", unit="条"),
        "receptions": charts.bar([(n, c) for n, c, _k in fig.receptions[:15]],
                                 title="代表接待次数（前15位）", unit="次"),
    }
    this_year = timezone.localdate().year
    return render(request, "stations/figures.html", {
        "congress": congress, "fig": fig, "chart": chart, "year": year,
        "years": list(range(this_year, this_year - 6, -1))})


def _year(value: Any) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return this_year
    return year if 2000 <= year <= this_year + 1 else this_year


@login_required
@require_safe
def figures_export(request: HttpRequest) -> HttpResponse:
    from .figures import cached, workbook

    congress = pick_congress(request.user, Perm.STATIONS_FIGURES, request.GET.get("congress"))
    year = _year(request.GET.get("year"))
    data = workbook(cached(congress.pk, year), congress.name)
    return xlsx_response(data, f"群众留言统计-{year}.xlsx")


# --- station management (staff) ----------------------------------------------------------------


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@login_required
def station_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a station, its deputies and keepers, and its reception calendar."""
    from renda.core.models import Role, RoleAssignment, User

    from .calendar import station_days
    from .models import CalendarException, CalendarRule, RuleKind, StationKind

    if pk is None:
        congress = pick_congress(request.user, Perm.STATIONS_MANAGE, request.GET.get("congress"))
        station = None
    else:
        station = access.get_station_for_keeper(request.user, pk)
        congress = station.congress
        if not has_perm(request.user, Perm.STATIONS_MANAGE, congress):
            raise PermissionDenied("只有人大工作人员可以管理联络站。")
    error = None
    if request.method == "POST":
        post = request.POST
        verb = post.get("verb", "station")
        try:
            if verb == "station":
                ids = [int(i) for i in post.getlist("deputies") if i.isdigit()]
                station = actions.save_station(request.user, congress, actions.StationData(
                    name=post.get("name", ""), kind=post.get("kind", ""),
                    address=post.get("address", ""), lat=_float(post.get("lat")),
                    lon=_float(post.get("lon")), phone=post.get("phone", ""),
                    hours=post.get("hours", ""), intro=post.get("intro", ""), deputy_ids=ids,
                    level_labels={i: post.get(f"level_{i}", "") for i in ids},
                    keeper_ids=[int(i) for i in post.getlist("keepers") if i.isdigit()]),
                    station=station, request=request)
                flash.success(request, "联络站已保存。")
            elif station is None:
                raise DomainError("请先保存联络站。")
            elif verb == "rule":
                actions.add_rule(request.user, station, kind=post.get("kind", ""),
                                 weekday=_int_or_none(post.get("weekday")),
                                 day=_int_or_none(post.get("day")), nths=post.get("nths", ""),
                                 start=_date(post.get("start")), end=_date(post.get("end")),
                                 note=post.get("note", ""),
                                 duty_ids=[int(i) for i in post.getlist("duty") if i.isdigit()],
                                 request=request)
                flash.success(request, "接待日规则已添加。")
            elif verb == "delete_rule":
                rule = get_object_or_404(CalendarRule, pk=_int_or_none(post.get("rule")),
                                         station=station)
                actions.delete_rule(request.user, rule, request=request)
                flash.success(request, "接待日规则已删除。")
            elif verb == "exception":
                actions.set_exception(request.user, station, _date(post.get("date")),
                                      post.get("kind", ""), post.get("note", ""),
                                      [int(i) for i in post.getlist("duty") if i.isdigit()],
                                      request=request)
                flash.success(request, "已调整该日的接待安排。")
            else:
                raise Http404
            return redirect("stations:edit", pk=station.pk)
        except DomainError as exc:
            error = exc
    assigned = queries.station_deputies(station) if station else []
    assigned_ids = {a.deputy_id for a in assigned}
    candidates = (Deputy.objects.filter(mandates__status=MandateStatus.ACTIVE,
                                        mandates__congress__in=[congress, *congress.children.all()])
                  .exclude(pk__in=assigned_ids).distinct().order_by("name")[:1000])
    keepers = User.objects.filter(pk__in=RoleAssignment.objects.current().filter(
        congress=congress, role=Role.STATION_KEEPER).values("user_id"))
    today = timezone.localdate()
    return render(request, "stations/station_edit.html", {
        "station": station, "congress": congress, "kinds": StationKind.choices,
        "assigned": assigned, "candidates": candidates, "keepers": keepers,
        "kept": set(station.keepers.values_list("id", flat=True)) if station else set(),
        "rules": list(station.rules.prefetch_related("duty_deputies")) if station else [],
        "exceptions": CalendarException.objects.filter(station=station, date__gte=today)
        if station else [],
        "days": station_days(station, today, today + timedelta(days=60))[:10] if station else [],
        "rule_kinds": RuleKind.choices, "weekdays": list(enumerate("一二三四五六日")),
        "error": error, "post": request.POST if error else {}},
        status=400 if error else 200)
