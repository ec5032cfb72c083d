"""智能辅助 pages: the staff page (model status and quality, retraining, keyword rules, user
dictionary), hot topics, and the htmx panels the suggestion pages load — the routing
proposal in the assign form, 并案 candidates, and the deputy's writing help."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from renda.core.access import congresses_for, pick_congress
from renda.core.errors import DomainError
from renda.core.models import Congress, Organization
from renda.core.perms import Perm, has_perm
from renda.core.ratelimit import hit

from . import actions, queries
from .models import DictWord, KeywordRule, RetrainState, RoutingModel


def _congress(request: HttpRequest) -> Congress:
    return pick_congress(request.user, Perm.ASSIST_MANAGE,
                         request.GET.get("congress") or request.POST.get("congress"))


def _back(congress: Congress, anchor: str = "") -> HttpResponse:
    return redirect(f"/assist/?congress={congress.pk}{anchor}")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    units = list(Organization.objects.units().filter(congress=congress).order_by("name"))
    rules = {r.unit_id: r.keywords for r in KeywordRule.objects.filter(congress=congress)}
    texts, _, _ = actions.training_data(congress)
    return render(request, "assist/home.html", {
        "congress": congress,
        "congresses": congresses_for(request.user, Perm.ASSIST_MANAGE),
        "active": queries.active_model(congress),
        "models": RoutingModel.objects.filter(congress=congress).defer("blob")[:10],
        "state": RetrainState.objects.filter(congress=congress).first(),
        "history": len(texts), "min_train": actions.MIN_TRAIN,
        "retrain_after": actions.retrain_after(),
        "unit_rules": [(u, rules.get(u.pk, "")) for u in units],
        "words": DictWord.objects.filter(congress=congress),
        "compat": _compat(queries.active_model(congress)),
    })


def _compat(model: RoutingModel | None) -> str:
    if model is None:
        return ""
    from .routing import IncompatibleModel, check_compatible

    try:
        check_compatible(model.libraries or {})
    except IncompatibleModel as err:
        return err.message
    return ""


@login_required
@require_POST
def retrain(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    try:
        if actions.queue_retrain(request.user, congress, request=request):
            messages.success(request, "已安排重新训练，完成后这里会显示新版本。")
        else:
            messages.info(request, "已有一次重新训练在排队。")
    except DomainError as err:
        messages.error(request, err.message)
    return _back(congress)


@login_required
@require_POST
def rules(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    values: dict[int, str] = {}
    for key, value in request.POST.items():
        if key.startswith("unit_"):
            try:
                values[int(key[5:])] = value
            except ValueError:
                messages.error(request, "提交的单位无效。")
                return _back(congress, "#rules")
    try:
        n = actions.save_rules(request.user, congress, values, request=request)
        messages.success(request, f"已保存 {n} 个单位的关键词规则。" if n else "关键词规则没有变化。")
    except DomainError as err:
        messages.error(request, err.message)
    return _back(congress, "#rules")


@login_required
@require_POST
def words_add(request: HttpRequest) -> HttpResponse:
    congress = _congress(request)
    try:
        new = actions.add_words(request.user, congress, request.POST.get("words", ""), request=request)
        messages.success(request, f"已加入 {len(new)} 个词。" if new else "这些词都已在词典中。")
    except DomainError as err:
        messages.error(request, err.message)
    return _back(congress, "#words")


@login_required
@require_POST
def word_remove(request: HttpRequest, pk: int) -> HttpResponse:
    congress = _congress(request)
    try:
        actions.remove_word(request.user, congress, pk, request=request)
        messages.success(request, "已从词典删除。")
    except DomainError as err:
        messages.error(request, err.message)
    return _back(congress, "#words")


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def topics(request: HttpRequest) -> HttpResponse:
    """民意热点 of the suggestions registered in a period (default: the last 365 days)."""
    congress = pick_congress(request.user, Perm.SUGGESTIONS_FIGURES, request.GET.get("congress"))
    today = timezone.localdate()
    until = _date(request.GET.get("until"), today)
    since = _date(request.GET.get("since"), until - timedelta(days=365))
    error = "开始日期不能晚于结束日期。" if since > until else ""
    found = [] if error else queries.suggestion_hot_topics(congress, since, until)
    return render(request, "assist/topics.html", {
        "congress": congress, "since": since, "until": until, "topics": found, "error": error,
        "congresses": congresses_for(request.user, Perm.SUGGESTIONS_FIGURES),
        "biggest": max([t.count for t, _ in found] or [1]),
    })


# --- panels loaded by the suggestion pages ------------------------------------------------------


def _staff_suggestion(request: HttpRequest, pk: int, perm: Perm) -> Any:
    from renda.suggestions.access import get_suggestion_for

    s = get_suggestion_for(request.user, pk)
    if not has_perm(request.user, perm, s.congress_id):
        raise PermissionDenied("您没有此项权限。")
    return s


@login_required
@require_GET
def route_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal shown in the assign form: top three units with confidence; the first is
    put into the 主办单位 list if nobody has chosen one yet (static/renda/assist.js), staff
    may take another or choose freely — only their 交办 assigns."""
    s = _staff_suggestion(request, pk, Perm.SUGGESTIONS_ASSIGN)
    result = queries.route(s.congress, s.body_text, subject=s.title)
    return render(request, "assist/panels.html#route", {"s": s, "result": result})


@login_required
@require_GET
def similar_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """并案 candidates for staff reviewing a suggestion."""
    s = _staff_suggestion(request, pk, Perm.SUGGESTIONS_REVIEW)
    found = queries.similar_suggestions(request.user, s.congress, f"{s.title}\n{s.body_text}",
                                        term_id=s.term_id, exclude=s.pk, staff=True)
    return render(request, "assist/panels.html#similar", {"s": s, "found": found})


@login_required
@require_POST
def draft_panel(request: HttpRequest) -> HttpResponse:
    """Hints and similar suggestions for the deputy's draft, reloaded as they type. Only
    reads; the form is submitted on its own whatever this panel says."""
    try:
        congress_id = int(request.POST.get("congress", ""))
    except ValueError:
        return HttpResponse("", status=400)
    if not has_perm(request.user, Perm.SUGGESTIONS_WRITE, congress_id):
        raise PermissionDenied("只有代表才能使用写作提示。")
    if not hit("assist.draft", str(request.user.pk), limit=120, window=60):
        return HttpResponse('<p class="muted">提示刷新过于频繁，请稍后。</p>', status=429)
    congress = Congress.objects.get(pk=congress_id)
    fields = {k: request.POST.get(k, "")[:5000] for k in ("title", "problem", "analysis", "measures")}
    hints = queries.draft_hints(congress, **fields)
    text = "\n".join(fields.values())
    exclude = request.GET.get("exclude")
    found = []
    if len(text.strip()) >= 10:
        found = queries.similar_suggestions(
            request.user, congress, text, term_id=getattr(congress.current_term(), "pk", None),
            exclude=int(exclude) if exclude and exclude.isdigit() else None, k=3, min_score=0.25)
    return render(request, "assist/panels.html#draft", {"hints": hints, "found": found})
