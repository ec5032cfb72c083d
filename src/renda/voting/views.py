"""票决 pages: staff manage rounds, deputies vote on their phones (vote → confirm →
receipt with the tracker shown once), the results, the hall screen and the tally PDF.

Views parse input, get the round through ``access`` and call one action; a refused action
comes back as a message in Chinese, nothing saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from renda.core.access import congresses_for
from renda.core.errors import DomainError
from renda.core.models import Organization
from renda.core.perms import Perm, has_perm

from . import actions, documents, queries
from .access import check_results, get_candidate_for, get_round_for
from .models import (
    Choice,
    Entitlement,
    Kind,
    Method,
    Milestone,
    ProposalStatus,
    Rating,
    ReportKind,
    RoundStatus,
)

S = RoundStatus


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm_any(user):
        raise PermissionDenied("您没有此项权限。")
    rounds = list(queries.rounds_for(user)[:50])
    manage = congresses_for(user, Perm.VOTING_MANAGE)
    return render(request, "voting/index.html", {
        "rounds": rounds, "manage": manage, "mine": queries.open_for_deputy(user),
        "projects": queries.projects_of_units(user),
        "methods": Method.choices, "year": timezone.localdate().year,
        "staff": any(has_perm(user, Perm.VOTING_VIEW, r.congress_id) for r in rounds) or manage,
    })


def has_perm_any(user: Any) -> bool:
    from .access import visible_congresses

    return bool(visible_congresses(user))


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    congresses = congresses_for(request.user, Perm.VOTING_MANAGE)
    if not congresses:
        raise PermissionDenied("您没有此项权限。")
    congress = congresses[0]
    try:
        r = actions.create_round(
            request.user, congress, year=_num(request.POST.get("year"), "年度"),
            title=request.POST.get("title", ""), seats=_num(request.POST.get("seats"), "应选项目数"),
            method=request.POST.get("method", Method.ELECTRONIC), request=request)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("voting:index")
    messages.success(request, "已创建，现在可以征集项目。")
    return redirect("voting:round", r.pk)


def _num(value: Any, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(f"{label}应为整数。") from None


@login_required
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_round_for(request.user, pk, Perm.VOTING_VIEW)
    manage = has_perm(request.user, Perm.VOTING_MANAGE, r.congress_id)
    candidates = list(r.candidates.select_related("unit"))
    ctx = {
        "r": r, "manage": manage, "candidates": candidates,
        "teller": has_perm(request.user, Perm.VOTING_TELLER, r.congress_id),
        "proposals": list(r.proposals.all()[:200]),
        "pending": r.proposals.filter(status=ProposalStatus.PENDING).count(),
        "units": Organization.objects.filter(congress_id=r.congress_id).units(),
        "warnings": actions.candidate_warnings(r, len(candidates)),
        "turnout": queries.turnout(r, Kind.RATING if r.status == S.EVALUATING else Kind.VOTE)
        if r.status in (S.VOTING, S.EVALUATING) else None,
        "paper_entries": r.paper_entries.count() if r.method == Method.PAPER else None,
        "snapshot": list(Entitlement.objects.filter(
            round=r, kind=Kind.RATING if r.status == S.EVALUATING else Kind.VOTE)
            .select_related("deputy").order_by("deputy__name", "deputy_id"))
        if manage and r.status in (S.VOTING, S.EVALUATING) else [],
        "transitions": list(r.transitions.select_related("actor")),
        "editable": r.status in (S.COLLECTING, S.SCREENING),
        "S": S,
    }
    return render(request, "voting/round.html", ctx)


_ACTIONS = {
    "screening": lambda u, r, req: actions.move(u, r, S.SCREENING, request=req),
    "collecting": lambda u, r, req: actions.move(u, r, S.COLLECTING, request=req),
    "fix": lambda u, r, req: actions.fix_candidates(u, r, request=req),
    "open": lambda u, r, req: actions.open_vote(u, r, request=req),
    "close": lambda u, r, req: actions.close_vote(u, r, request=req),
    "announce": lambda u, r, req: actions.move(u, r, S.ANNOUNCED, request=req),
    "implement": lambda u, r, req: actions.move(u, r, S.IMPLEMENTING, request=req),
    "rating_open": lambda u, r, req: actions.open_rating(u, r, request=req),
    "rating_close": lambda u, r, req: actions.close_rating(u, r, request=req),
}
_DONE = {"screening": "已进入筛选。", "collecting": "已退回征集。", "fix": "候选项目已确定。",
         "open": "投票已开始。", "close": "投票已结束并完成计票。", "announce": "结果已公布。",
         "implement": "已进入实施阶段。", "rating_open": "满意度测评已开始。",
         "rating_close": "满意度测评已结束。"}


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    r = get_round_for(request.user, pk, Perm.VOTING_MANAGE)
    fn = _ACTIONS.get(action)
    if fn is None:
        raise PermissionDenied("没有这个操作。")
    try:
        result = fn(request.user, r, request)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("voting:round", r.pk)
    messages.success(request, _DONE[action])
    if action == "fix":
        for note in result:
            messages.warning(request, note)
    if action == "close":
        return redirect("voting:results", r.pk)
    return redirect("voting:round", r.pk)


@login_required
@require_POST
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_round_for(request.user, pk, Perm.VOTING_MANAGE)
    unit = _unit(r, request.POST.get("unit"))
    try:
        actions.add_candidate(request.user, r, title=request.POST.get("title", ""),
                              description=request.POST.get("description", ""),
                              budget=request.POST.get("budget"), unit=unit, request=request)
        messages.success(request, "已添加候选项目。")
    except DomainError as exc:
        _fail(request, exc)
    return redirect("voting:round", r.pk)


def _unit(r: Any, value: Any) -> Organization | None:
    if not value:
        return None
    try:
        return Organization.objects.filter(congress_id=r.congress_id).units().get(pk=int(value))
    except (Organization.DoesNotExist, ValueError):
        raise DomainError("责任单位不正确。") from None


@login_required
@require_POST
def candidate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_candidate_for(request.user, pk)
    get_round_for(request.user, c.round_id, Perm.VOTING_MANAGE)
    try:
        actions.remove_candidate(request.user, c, request=request)
        messages.success(request, "已删除。")
    except DomainError as exc:
        _fail(request, exc)
    return redirect("voting:round", c.round_id)


@login_required
@require_POST
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import Proposal

    try:
        p = Proposal.objects.get(pk=pk)
    except Proposal.DoesNotExist:
        from django.http import Http404

        raise Http404("没有这条提议。") from None
    r = get_round_for(request.user, p.round_id, Perm.VOTING_MANAGE)
    try:
        actions.screen_proposal(request.user, p, accept=request.POST.get("accept") == "1",
                                reason=request.POST.get("reason", ""),
                                unit=_unit(r, request.POST.get("unit")),
                                budget=request.POST.get("budget"), request=request)
        messages.success(request, "已筛选。")
    except DomainError as exc:
        _fail(request, exc)
    return redirect("voting:round", r.pk)


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_round_for(request.user, pk, Perm.VOTING_MANAGE)
    try:
        actions.set_attendance(request.user, r, _num(request.POST.get("deputy"), "代表"),
                               request.POST.get("attendance", ""), request=request)
        messages.success(request, "已登记出席情况。")
    except DomainError as exc:
        _fail(request, exc)
    return redirect("voting:round", r.pk)


# --- the deputy's ballot ---------------------------------------------------------------------


def _ballot_page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    r = get_round_for(request.user, pk, Perm.VOTING_CAST)
    if kind == Kind.VOTE:
        candidates = list(r.candidates.select_related("unit"))
        options = Choice.choices
        expected = S.VOTING
    else:
        candidates = list(r.candidates.filter(elected=True).select_related("unit"))
        options = Rating.choices
        expected = S.EVALUATING
    ctx: dict[str, Any] = {"r": r, "kind": kind, "candidates": candidates, "options": options,
                           "voted": actions.has_voted(request.user, r, kind),
                           "is_open": r.status == expected, "chosen": {}, "error": ""}
    if request.method == "POST" and ctx["is_open"] and not ctx["voted"]:
        chosen = {str(c.pk): request.POST.get(f"c{c.pk}", "") for c in candidates}
        chosen = {k: v for k, v in chosen.items() if v}
        ctx["chosen"] = chosen
        step = request.POST.get("step")
        for c in candidates:
            c.chosen = chosen.get(str(c.pk), "")
        if step == "edit":
            return render(request, "voting/vote.html", ctx)
        try:
            clean = actions.clean_choices(r, kind, chosen, [c.pk for c in candidates])
            if step == "cast":
                tracker = actions.cast(request.user, r.pk, clean, kind=kind)
                response = render(request, "voting/receipt.html", {"r": r, "tracker": tracker,
                                                                    "kind": kind})
                response["Cache-Control"] = "no-store"
                return response
            labels = dict(options)
            rows = [(c, chosen[str(c.pk)], labels[chosen[str(c.pk)]]) for c in candidates]
            yes = sum(1 for v in chosen.values() if v == Choice.YES)
            return render(request, "voting/confirm.html", {"r": r, "kind": kind, "rows": rows,
                                                           "yes": yes})
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["voted"] = actions.has_voted(request.user, r, kind)
    return render(request, "voting/vote.html", ctx, status=400 if ctx["error"] else 200)


@login_required
@never_cache
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    return _ballot_page(request, pk, Kind.VOTE)


@login_required
@never_cache
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _ballot_page(request, pk, Kind.RATING)


# --- results, hall, PDF --------------------------------------------------------------------------


def _results_ctx(r: Any) -> dict[str, Any]:
    candidates = sorted(r.candidates.select_related("unit"),
                        key=lambda c: (-(c.yes or 0), c.sort_order))
    return {"r": r, "candidates": candidates,
            "elected": [c for c in candidates if c.elected],
            "tied": [c for c in candidates if c.tied]}


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_round_for(request.user, pk)
    check_results(request.user, r)
    ctx = _results_ctx(r)
    ctx["staff"] = has_perm(request.user, Perm.VOTING_VIEW, r.congress_id)
    return render(request, "voting/results.html", ctx)


@login_required
def hall(request: HttpRequest, pk: int) -> HttpResponse:
    """大屏: turnout while voting, the elected projects once closed; reloads every 10 s."""
    r = get_round_for(request.user, pk, Perm.VOTING_VIEW)
    ctx: dict[str, Any] = {"r": r, "now": timezone.localtime()}
    if r.has_results:
        ctx.update(_results_ctx(r))
    else:
        ctx["turnout"] = queries.turnout(r)
    return render(request, "voting/hall.html", ctx)


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_round_for(request.user, pk, Perm.VOTING_VIEW)
    check_results(request.user, r)
    try:
        data = documents.tally_pdf(r)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("voting:results", r.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tally-{r.pk}.pdf"'
    return response


@login_required
def candidates_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_round_for(request.user, pk, Perm.VOTING_VIEW)
    try:
        data = documents.candidates_pdf(r)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("voting:round", r.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="candidates-{r.pk}.pdf"'
    return response


# --- paper ballots ------------------------------------------------------------------------------


@login_required
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_round_for(request.user, pk, Perm.VOTING_TELLER)
    candidates = list(r.candidates.all())
    ctx: dict[str, Any] = {"r": r, "candidates": candidates, "error": "", "values": {}}
    if request.method == "POST":
        p = request.POST
        counts = {"total": p.get("total"), "valid": p.get("valid"), "invalid": p.get("invalid"),
                  "candidates": {str(c.pk): {k: p.get(f"{k}_{c.pk}") for k in
                                             ("yes", "no", "abstain")} for c in candidates}}
        ctx["values"] = p
        try:
            state = actions.enter_paper(request.user, r, counts, request=request)
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "voting/paper.html", ctx, status=400)
        messages.success(request, {"waiting": "已录入，等待第二名计票人录入。",
                                   "agreed": "两次录入一致，可以结束投票并计票。",
                                   "differs": "与另一名计票人的录入不一致，请核对选票后重新录入。"}[state])
        return redirect("voting:round", r.pk)
    return render(request, "voting/paper.html", ctx)


# --- implementation -----------------------------------------------------------------------------


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_candidate_for(request.user, pk)
    r = c.round
    check_results(request.user, r)
    try:
        actions._implementation_check(request.user, c)
        can_write = True
    except DomainError:
        can_write = False
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("只有责任单位或人大工作人员才能记录进展。")
        what = request.POST.get("what")
        try:
            if what == "milestone":
                actions.add_milestone(request.user, c, title=request.POST.get("title", ""),
                                      weight=_num(request.POST.get("weight") or 1, "权重"),
                                      due_date=request.POST.get("due_date") or None,
                                      request=request)
            elif what == "progress":
                m = Milestone.objects.get(pk=_num(request.POST.get("milestone"), "节点"),
                                          candidate=c)
                actions.set_progress(request.user, m, request.POST.get("progress"),
                                     request=request)
            else:
                actions.add_report(request.user, c, text=request.POST.get("text", ""),
                                   kind=request.POST.get("kind", ReportKind.PROGRESS),
                                   photo=request.FILES.get("photo"), request=request)
            messages.success(request, "已保存。")
        except (DomainError, Milestone.DoesNotExist) as exc:
            messages.error(request, getattr(exc, "message", "节点不正确。"))
        return redirect("voting:project", c.pk)
    return render(request, "voting/project.html", {
        "c": c, "r": r, "can_write": can_write, "milestones": list(c.milestones.all()),
        "reports": list(c.reports.prefetch_related("deputies")),
        "kinds": ReportKind.choices,
        "manage": has_perm(request.user, Perm.VOTING_MANAGE, r.congress_id)})


