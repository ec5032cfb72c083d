"""Public phone pages, no login (码上找代表): a station's and a deputy's page with their QR
codes and the message form, the tracking page, and "find your deputy".

Nothing personal is ever shown here: no citizen's name or phone, no deputy's phone.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from renda.core.errors import DomainError
from renda.core.ratelimit import hit
from renda.deputies.models import Deputy

from . import actions, antiabuse, gazetteer, qr, queries
from .models import Message, MessageCategory, MessageStatus, Rating, Station, StationDeputy


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _form_context(data: dict[str, Any] | None = None, error: DomainError | None = None
                  ) -> dict[str, Any]:
    question, token = antiabuse.make_challenge()
    return {"categories": MessageCategory.choices, "question": question, "token": token,
            "data": data or {}, "error": error, "max_content": actions.CONTENT_MAX}


def _submit(request: HttpRequest, *, station: Station | None, deputy: Deputy | None,
            template: str, context: dict[str, Any]) -> HttpResponse:
    if request.method == "POST":
        post = request.POST
        data = actions.MessageData(
            content=post.get("content", ""), category=post.get("category", ""),
            name=post.get("name", ""), phone=post.get("phone", ""),
            photo=request.FILES.get("photo"), challenge_token=post.get("token", ""),
            challenge_answer=post.get("answer", ""), website=post.get("website", ""))
        try:
            m = actions.submit_message(station=station, deputy=deputy, data=data,
                                       ip=_ip(request), request=request)
        except antiabuse.RateLimited as exc:
            kept = {k: post.get(k, "") for k in ("content", "category", "name", "phone")}
            return render(request, template, {**context, **_form_context(kept, exc)},
                          status=429)
        except DomainError as exc:
            kept = {k: post.get(k, "") for k in ("content", "category", "name", "phone")}
            return render(request, template, {**context, **_form_context(kept, exc)},
                          status=400)
        return redirect("stations_public:submitted", code=m.code)
    return render(request, template, {**context, **_form_context()})


@require_http_methods(["GET", "HEAD", "POST"])
def station_page(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(Station.objects.select_related("congress"), pk=pk, is_active=True)
    context = {"station": station, "deputies": queries.station_deputies(station),
               "days": queries.upcoming_days(station), "rules": list(station.rules.all()),
               "qr_path": qr.station_path(station.pk)}
    return _submit(request, station=station, deputy=None, template="stations/public_station.html",
                   context=context)


@require_http_methods(["GET", "HEAD", "POST"])
def deputy_page(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = get_object_or_404(Deputy, pk=pk)
    rows = list(StationDeputy.objects.filter(deputy=deputy, station__is_active=True)
                .select_related("station"))
    if not rows:
        return render(request, "core/error.html", {"message": "这位代表没有公开页面。"}, status=404)
    stations = [r.station for r in rows]
    days = []
    for s in stations:
        days += [(d, s) for d, people in queries.upcoming_days(s, days=60, limit=20)
                 if deputy in people]
    days.sort(key=lambda x: x[0].day)
    context = {"deputy": deputy, "level": rows[0].level_label, "stations": stations,
               "days": days[:6], "qr_path": qr.deputy_path(deputy.pk)}
    return _submit(request, station=None, deputy=deputy, template="stations/public_deputy.html",
                   context=context)


def _qr_url(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


@require_safe
def station_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    station = get_object_or_404(Station, pk=pk, is_active=True)
    return _qr_response(_qr_url(request, qr.station_path(station.pk)), fmt, f"station-{pk}")


@require_safe
def deputy_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if not StationDeputy.objects.filter(deputy_id=pk, station__is_active=True).exists():
        return HttpResponse("没有这位代表的公开页面。", status=404, content_type="text/plain")
    return _qr_response(_qr_url(request, qr.deputy_path(pk)), fmt, f"deputy-{pk}")


def _qr_response(url: str, fmt: str, name: str) -> HttpResponse:
    if fmt not in ("svg", "png"):
        return HttpResponse("只有 SVG 和 PNG 两种格式。", status=404, content_type="text/plain")
    if fmt == "svg":
        response = HttpResponse(qr.qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr.qr_png(url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    m = Message.objects.filter(code=code.upper()).select_related("station", "deputy").first()
    if m is None:
        return render(request, "stations/track.html", {"error": "查询码不正确。"}, status=404)
    return render(request, "stations/submitted.html", {"m": m})


@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest, code: str = "") -> HttpResponse:
    """The status page: progress and answer, nothing personal. Rating closes the message."""
    code = (request.GET.get("code") or code or "").strip().upper()
    if not code:
        return render(request, "stations/track.html", {})
    if not hit("stations-track", _ip(request), limit=60, window=600):
        return render(request, "stations/track.html",
                      {"error": "查询太频繁，请10分钟后再试。", "code": code}, status=429)
    m = (Message.objects.filter(code=code).select_related("station", "deputy", "unit").first())
    if m is None:
        return render(request, "stations/track.html", {"error": "查询码不正确，请核对后再试。",
                                                       "code": code}, status=404)
    error = None
    if request.method == "POST":
        try:
            actions.rate(code, request.POST.get("rating", ""), request.POST.get("comment", ""),
                         request=request)
            return redirect("stations_public:track_code", code=code)
        except DomainError as exc:
            error = exc.message
    steps = list(m.transitions.all())
    return render(request, "stations/track.html",
                  {"m": m, "code": code, "steps": steps, "error": error,
                   "ratings": Rating.choices, "answered": m.status == MessageStatus.ANSWERED},
                  status=400 if error else 200)


@require_safe
def find(request: HttpRequest) -> HttpResponse:
    """Find your deputy: by name, by station, or by place (a typed address matched in the
    local gazetteer, or the phone's position sent by the browser as lat/lon)."""
    q = (request.GET.get("q") or "").strip()[:30]
    place = (request.GET.get("place") or "").strip()[:60]
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    context: dict[str, Any] = {"q": q, "place": place}
    if q:
        context["deputies"] = queries.find_deputies(q)
        context["stations"] = queries.find_stations(q)
    origin = None
    if lat and lon:
        try:
            la, lo = float(lat), float(lon)
            if not (-90 <= la <= 90 and -180 <= lo <= 180):
                raise ValueError
            origin = ("您的位置", la, lo)
        except ValueError:
            context["error"] = "位置信息无效。"
    elif place:
        origin = gazetteer.locate(place)
        if origin is None:
            context["error"] = f"没有找到“{place}”，请输入街道、乡镇或区县的名称，如“湖滨街道”。"
    if origin:
        context["origin"] = origin[0]
        context["nearby"] = queries.nearest(origin[1], origin[2])
    if not (q or place or lat):
        context["all_stations"] = list(queries.active_stations().order_by("id")[:50])
    return render(request, "stations/find.html", context)
