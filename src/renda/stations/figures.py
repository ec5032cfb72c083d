"""Figures of citizens' messages and receptions for one congress and one year: messages by
station, category, month and status; the answer rate; the median days to an answer; the
receptions per deputy. One grouped query feeds all the message tables."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Func
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import Message, MessageCategory, MessageStatus, Station
from .queries import reception_counts

M = MessageStatus
ANSWERED = (M.ANSWERED, M.CLOSED)


class _Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median, computed in the database."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class Figures:
    congress_id: int
    year: int
    total: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)
    by_station: list[tuple[str, int, int]] = field(default_factory=list)  # name, total, answered
    answered: int = 0
    rejected: int = 0
    satisfied: int = 0
    rated: int = 0
    median_days: float | None = None
    receptions: list[tuple[str, int, int]] = field(default_factory=list)
    computed_at: datetime | None = None

    @property
    def answer_rate(self) -> float | None:
        base = self.total - self.rejected
        return self.answered / base if base else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def answer_rate_pct(self) -> str:
        return _pct(self.answer_rate)

    @property
    def satisfaction_pct(self) -> str:
        return _pct(self.satisfaction)


def _bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(date(year, 1, 1), time.min, tz),
            datetime.combine(date(year + 1, 1, 1), time.min, tz))


def _median_days(qs: Any) -> float | None:
    answered = qs.filter(status__in=ANSWERED, answered_at__isnull=False)
    if connection.vendor == "postgresql":
        seconds = Func(ExpressionWrapper(F("answered_at") - F("created_at"),
                                         output_field=DurationField()),
                       template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField())
        value = answered.aggregate(v=_Median(seconds))["v"]
        return round(float(value) / 86400, 1) if value is not None else None
    spans = [(a - c).total_seconds() / 86400
             for c, a in answered.values_list("created_at", "answered_at")]
    return round(statistics.median(spans), 1) if spans else None


def compute(congress_id: int, year: int) -> Figures:
    fig = Figures(congress_id=congress_id, year=year, computed_at=timezone.now())
    start, end = _bounds(year)
    qs = Message.objects.filter(congress_id=congress_id, created_at__gte=start,
                                created_at__lt=end)
    status_n: Counter[str] = Counter()
    cat_n: Counter[str] = Counter()
    month_n: Counter[int] = Counter()
    station_n: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    ratings: Counter[str] = Counter()
    rows = (qs.annotate(m=ExtractMonth("created_at"))
            .values_list("station_id", "category", "status", "rating", "m")
            .annotate(n=Count("*")).order_by())
    for station_id, category, status, rating, month, n in rows:
        if status == M.CLOSED and rating:
            ratings[rating] += n
        status_n[status] += n
        cat_n[category] += n
        month_n[month] += n
        station_n[station_id][0] += n
        if status in ANSWERED:
            station_n[station_id][1] += n
    fig.total = sum(status_n.values())
    fig.by_status = [(label, status_n[value]) for value, label in M.choices]
    fig.by_category = sorted(((label, cat_n[v]) for v, label in MessageCategory.choices),
                             key=lambda x: -x[1])
    fig.by_month = [(f"{m}月", month_n[m]) for m in range(1, 13)]
    names = dict(Station.objects.filter(congress_id=congress_id).values_list("id", "name"))
    fig.by_station = sorted(((names.get(sid, "代表个人页面") if sid else "代表个人页面", t, a)
                             for sid, (t, a) in station_n.items()), key=lambda x: -x[1])
    fig.answered = sum(status_n[s] for s in ANSWERED)
    fig.rejected = status_n[M.REJECTED]
    fig.rated = sum(ratings.values())
    fig.satisfied = ratings.get("satisfied", 0)
    fig.median_days = _median_days(qs)
    fig.receptions = reception_counts(congress_id, date(year, 1, 1), date(year, 12, 31))
    return fig


CACHE_SECONDS = 300


def cached(congress_id: int, year: int) -> Figures:
    """The figures, computed at most every 5 minutes per congress and year (a statistics
    page may be a few minutes old; a year of a million messages takes a few tenths of a
    second to count). The shared cache keeps them for every worker, not each its own."""
    from django.core.cache import caches

    cache = caches["shared"]
    key = f"stations:figures:{congress_id}:{year}"
    fig = cache.get(key)
    if fig is None:
        fig = compute(congress_id, year)
        cache.set(key, fig, CACHE_SECONDS)
    return fig


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def workbook(fig: Figures, congress_name: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "概况"
    bold = Font(bold=True)
    ws.append([f"{congress_name} {fig.year}年 群众留言与接待统计"])
    ws["A1"].font = bold
    for row in (("留言总数", fig.total), ("已答复", fig.answered), ("不予受理", fig.rejected),
                ("答复率", _pct(fig.answer_rate)), ("满意率", _pct(fig.satisfaction)),
                ("答复用时中位数（天）", fig.median_days if fig.median_days is not None else "—")):
        ws.append(list(row))
    for title, header, rows in (
            ("按联络站", ["联络站", "留言", "已答复"], fig.by_station),
            ("按类别", ["类别", "留言"], fig.by_category),
            ("按月份", ["月份", "留言"], fig.by_month),
            ("按状态", ["状态", "留言"], fig.by_status),
            ("代表接待", ["代表", "接待次数", "签到次数"], fig.receptions)):
        sheet = wb.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for r in rows:
            sheet.append(list(r))
        sheet.column_dimensions["A"].width = 24
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
