"""建议办理统计 page and the Excel exports (the figures and the staff list).

Staff and leaders see the whole congress; a committee sees the suggestions of the fields it
follows. Every export is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from renda.core import audit, charts
from renda.core.access import congresses_for, pick_congress
from renda.core.models import Congress, Organization
from renda.core.perms import Perm, has_perm
from renda.core.xlsx import xlsx_response

from . import exports, queries
from .access import committee_ids
from .figures import TABLE_KEYS, FigureFilter, Figures, compute, tables
from .models import Category, Period


def _scope(request: HttpRequest) -> tuple[Congress, list[int] | None]:
    """The congress and, for a committee, the committees whose fields it may count."""
    congress = pick_congress(request.user, Perm.SUGGESTIONS_FIGURES, request.GET.get("congress"))
    if has_perm(request.user, Perm.SUGGESTIONS_VIEW_ALL, congress):
        return congress, None
    mine = sorted(committee_ids(request.user, congress.pk))
    if not mine:
        raise PermissionDenied("您的委员会角色没有关联委员会，无法查看统计。")
    return congress, mine


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _cards(fig: Figures, list_url: str | None) -> list[dict[str, Any]]:
    t = fig.total
    overdue_url = f"{list_url}?{urlencode({'congress': fig.congress.pk, 'overdue': 1})}" \
        if list_url else None
    return [
        {"title": "立案", "value": t.registered, "unit": "件",
         "note": f"其中并案 {t.merged} 件" if t.merged else ""},
        {"title": "已交办", "value": t.assigned, "unit": "件"},
        {"title": "已办结", "value": t.closed, "unit": "件", "note": "含跟踪落实"},
        {"title": "办结率", "value": _pct(t.closed_rate), "unit": "已办结 ÷ 已交办"},
        {"title": "满意率", "value": _pct(t.satisfaction_rate),
         "unit": f"满意及基本满意 {t.satisfied + t.basic} / 已评价 {t.evaluated}"},
        {"title": "未评价", "value": t.not_evaluated, "unit": "件", "note": "已答复、代表未评价"},
        {"title": "逾期未答复", "value": t.overdue, "unit": "件", "url": overdue_url,
         "hot": bool(t.overdue)},
        {"title": "重点督办", "value": t.key_supervised, "unit": "件"},
    ]


def _charts(fig: Figures) -> dict[str, Any]:
    units = fig.units
    return {
        "month": charts.line([(r.label, r.registered) for r in fig.by_month],
                             title="按月立案数", unit="件", series="立案数（件）"),
        "category": charts.bar([(r.label, r.registered) for r in fig.by_category],
                               title="各领域立案数", unit="件"),
        "classes": charts.donut(fig.class_items(), title="答复类别构成", unit="份"),
        "units": charts.stacked_bar(
            [u.short_name or u.name for u in units],
            {f"{code}类": [u.classes.get(code, 0) for u in units] for code, _ in fig.classes},
            title="各承办单位答复类别", unit="份"),
    }


def _reverse(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # the list page is not routed in this deployment
        return None


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    congress, committees = _scope(request)
    flt = FigureFilter.from_params(request.GET)
    fig = compute(congress, flt, committee_ids=committees)
    categories = Category.objects.filter(congress=congress)
    if committees is not None:
        categories = categories.filter(committee_id__in=committees)
    query = urlencode({"congress": congress.pk, **flt.params()})
    can_list = has_perm(request.user, Perm.SUGGESTIONS_VIEW_ALL, congress)
    list_url = _reverse("suggestions:list") if can_list else None
    return render(request, "suggestions/figures.html", {
        "congress": congress, "figures": fig, "flt": flt, "query": query,
        "congresses": congresses_for(request.user, Perm.SUGGESTIONS_FIGURES),
        "sessions": fig.labels["session"].items(), "categories": categories,
        "units": Organization.objects.units().filter(congress=congress).only("id", "name"),
        "periods": Period.choices, "cards": _cards(fig, list_url), "charts": _charts(fig),
        "tables": tables(fig), "scope_note": "仅统计本委员会对口领域的建议" if committees else "",
        "filter_text": flt.describe(fig.labels),
        "can_export_list": has_perm(request.user, Perm.SUGGESTIONS_EXPORT, congress),
    })


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The figures as Excel: every table, or one (``?table=units``)."""
    congress, committees = _scope(request)
    flt = FigureFilter.from_params(request.GET)
    table = request.GET.get("table", "")
    only = [table] if table in TABLE_KEYS else None
    fig = compute(congress, flt, committee_ids=committees)
    data = exports.figures_workbook(fig, tables=only)
    audit.record("suggestions.figures_exported", actor=request.user, congress=congress,
                 object_type="suggestions.figures", request=request,
                 summary={"filters": flt.params(), "table": table if only else "all",
                          "committees": committees or []})
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(data, f"{congress.short_name or congress.name}建议办理统计{stamp}.xlsx")


@login_required
@require_GET
def list_export(request: HttpRequest) -> HttpResponse:
    """The staff list with its filters as Excel (no phone numbers, ever)."""
    congress = pick_congress(request.user, Perm.SUGGESTIONS_EXPORT, request.GET.get("congress"))
    flt = queries.SuggestionFilter.from_params(request.GET)
    rows = queries.staff_list(congress, flt)
    data = exports.suggestions_workbook(rows, mask=True)
    params = request.GET.copy()
    params.pop("congress", None)
    audit.record("suggestions.list_exported", actor=request.user, congress=congress,
                 object_type="suggestions.list", request=request,
                 summary={"filters": params.urlencode(), "masked": True})
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(data, f"{congress.short_name or congress.name}代表建议{stamp}.xlsx")
