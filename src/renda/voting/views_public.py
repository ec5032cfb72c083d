"""Public pages without login: the tracker check, the proposal form (reached by QR) and
the progress of the elected projects. Rate-limited; they show nothing personal."""

from __future__ import annotations

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from renda.core.errors import DomainError
from renda.core.ratelimit import hit

from . import actions, queries
from .models import PUBLIC_STATES, ProposalSource, Round, RoundStatus


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@never_cache
def tracker(request: HttpRequest) -> HttpResponse:
    """A voter enters the tracker and sees that the ballot is in the counted set — never
    its content, never who cast it."""
    ctx: dict = {"state": None, "code": ""}
    if request.method == "POST":
        code = request.POST.get("code", "")[:40]
        ctx["code"] = code
        if not hit("voting-tracker", _ip(request), limit=30, window=300):
            ctx["state"] = "limited"
            return render(request, "voting/tracker.html", ctx, status=429)
        r, state = queries.find_tracker(code)
        ctx.update({"r": r, "state": state})
        return render(request, "voting/tracker.html", ctx, status=400 if state == "invalid" else 200)
    return render(request, "voting/tracker.html", ctx)


def _public_round(pk: int) -> Round:
    try:
        return Round.objects.select_related("congress").get(pk=pk)
    except Round.DoesNotExist:
        raise Http404("没有这一轮票决。") from None


def propose(request: HttpRequest, pk: int) -> HttpResponse:
    r = _public_round(pk)
    ctx: dict = {"r": r, "error": "", "values": {}, "done": False,
                 "open": r.status == RoundStatus.COLLECTING and r.proposals_open}
    if request.method == "POST" and ctx["open"]:
        p = request.POST
        ctx["values"] = p
        if p.get("website"):  # a field people do not see: bots fill it in
            ctx["done"] = True
            return render(request, "voting/propose.html", ctx)
        if not hit("voting-propose", _ip(request), limit=5, window=3600):
            ctx["error"] = "提交过于频繁，请一小时后再试。"
            return render(request, "voting/propose.html", ctx, status=429)
        try:
            actions.submit_proposal(r, source=ProposalSource.PUBLIC, title=p.get("title", ""),
                                    description=p.get("description", ""), name=p.get("name", ""),
                                    phone=p.get("phone", ""), request=request)
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "voting/propose.html", ctx, status=400)
        ctx["done"] = True
    return render(request, "voting/propose.html", ctx)


def propose_qr(request: HttpRequest, pk: int) -> HttpResponse:
    r = _public_round(pk)
    url = request.build_absolute_uri(reverse("voting_public:propose", args=[r.pk]))
    svg = segno.make(url, error="m").svg_inline(scale=6)
    return HttpResponse(svg, content_type="image/svg+xml")


def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The elected projects and how far they are, once the results were announced."""
    r = _public_round(pk)
    if r.status not in PUBLIC_STATES:
        raise Http404("结果尚未公布。")
    elected = list(r.candidates.filter(elected=True).select_related("unit").prefetch_related(
        "milestones", "reports"))
    return render(request, "voting/public_progress.html", {"r": r, "elected": elected})


def public_index(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.filter(status__in=PUBLIC_STATES).select_related("congress")[:30]
    collecting = Round.objects.filter(status=RoundStatus.COLLECTING, proposals_open=True)[:10]
    return render(request, "voting/public_index.html", {"rounds": rounds,
                                                        "collecting": collecting})
