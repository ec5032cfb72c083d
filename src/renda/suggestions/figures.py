"""The figures of suggestions (建议办理统计, DESIGN §5.1): count, 办结率, 满意率, answer-class
shares and overdue — for a congress, by session, field and month, and per handling unit
(the basis of 述职评议 of the units).

Everything is counted by the database: six GROUP BY queries whose result size depends on
the number of sessions, fields, months and units, never on the number of suggestions;
Python only folds those groups into rows. Counting 100,000 suggestions still reads every
row, so the grouped counts are cached until the next audited change (``_cached_counts``);
``bench/suggestions.py`` measures both the cached and the cold page.

Definitions (shown on the page and in the Excel file):

- 立案数: suggestions registered (立案, numbered), including ones later merged (并案).
- 已交办: suggestions handed to units — every state from 已交办 on.
- 已办结: ``closed`` and ``tracking``. A B-class answer whose commitments are still on the
  ledger (跟踪落实) has been answered and rated, so it counts as 办结 here, as in the
  yearly reports; the ledger follows the commitments.
- 办结率 = 已办结 / 已交办.
- 满意率 = (满意 + 基本满意) / 已评价, from the *latest* evaluation round of the lead
  deputy (after 不满意 and a second reply, the second rating replaces the first). A
  suggestion that was answered but not rated is 未评价 — never counted as satisfied.
- 答复类别: the latest reply of each lead (主办) or separate (分办) assignment; a
  suggestion with two separate units has two replies.
- By month of registration: volume and progress only (立案, 交办, 办结, 逾期); ratings and
  classes are broken down by session and field.
- 逾期 (headline and breakdowns): suggestions with at least one open assignment past its due
  date — the staff list's “超期” filter. Per unit: that unit's open assignments past due.
- Per unit, 已答复 counts lead/separate assignments that replied and co-units (会办) that
  sent their view; 按期 means the latest answer came on or before the current due date
  (an approved extension moves it); 满意度 counts the suggestions the unit answered (主办
  or 分办).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import caches
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from renda.core.models import AuditHead, Congress, Organization, Session

from .actions import reply_classes
from .models import (
    OPEN_ASSIGNMENT,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Category,
    ContactRecord,
    Evaluation,
    EvaluationResult,
    Period,
    Reply,
    Status,
    Suggestion,
    Supervision,
    SupervisionKind,
)
from .states import ASSIGNED_STATES

CLOSED_STATES = frozenset({Status.CLOSED, Status.TRACKING})
# The deputy has had an answer: these are the suggestions that can be rated.
ANSWERED_STATES = frozenset({Status.REPLIED, Status.REHANDLING, Status.EVALUATED,
                             Status.TRACKING, Status.CLOSED})
ANSWERING = (AssignmentKind.LEAD, AssignmentKind.SEPARATE)
NO_SESSION = 0  # key of suggestions made before the term's first session
NO_CATEGORY = 0
MAX_MONTHS = 240


# --- local dates in SQL --------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _fixed_offset(tzname: str) -> int | None:
    """Minutes east of UTC if the zone has kept one offset for the last 30 years (China
    has had no daylight saving time since 1991), else None."""
    tz = ZoneInfo(tzname)
    year = timezone.now().year
    offsets = {tz.utcoffset(datetime(y, m, 15, 12)) for y in range(year - 30, year + 2)
               for m in (1, 4, 7, 10)}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return int(offset.total_seconds() // 60) if offset is not None else None


class _Local(Func):
    """A datetime column as local text: PostgreSQL converts with ``AT TIME ZONE``; SQLite
    adds the zone's fixed offset in C (Django's own conversion calls back into Python for
    every row). Zones with daylight saving fall back to Django's functions."""

    pg_format = ""
    sqlite_format = ""
    output_field = CharField()

    def _fallback(self) -> Func:
        raise NotImplementedError

    def as_postgresql(self, compiler: Any, conn: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return (f"to_char(({sql}) AT TIME ZONE %s, %s)",
                [*params, timezone.get_current_timezone_name(), self.pg_format])

    def as_sqlite(self, compiler: Any, conn: Any, **extra: Any) -> tuple[str, list[Any]]:
        offset = _fixed_offset(timezone.get_current_timezone_name())
        if offset is None:
            return compiler.compile(self._fallback())
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime(%s, {sql}, %s)", [self.sqlite_format, *params, f"{offset:+d} minutes"]

    def as_sql(self, compiler: Any, conn: Any, **extra: Any) -> tuple[str, list[Any]]:
        return compiler.compile(self._fallback())


class LocalMonth(_Local):
    """'2026-03': the month of a datetime in the project's time zone."""

    pg_format = "YYYY-MM"
    sqlite_format = "%Y-%m"

    def _fallback(self) -> Func:  # pragma: no cover — DST zones only
        return Func(TruncMonth(self.source_expressions[0]),
                    template="SUBSTR(CAST(%(expressions)s AS TEXT), 1, 7)",
                    output_field=CharField())


class LocalDate(_Local):
    """'2026-03-31': the local date of a datetime, comparable with a DateField."""

    pg_format = "YYYY-MM-DD"
    sqlite_format = "%Y-%m-%d"

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, output_field=DateField())

    def as_postgresql(self, compiler: Any, conn: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", [*params, timezone.get_current_timezone_name()]

    def _fallback(self) -> Func:  # pragma: no cover — DST zones only
        return TruncDate(self.source_expressions[0])


# --- the filter ------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _date(value: Any, label: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(f"{label}“{str(value)[:20]}”不是有效日期，请按 2026-03-31 的格式填写；已忽略。")
        return None


@dataclass(frozen=True)
class FigureFilter:
    """Which suggestions are counted: by session, period, field, unit and registration date."""

    session: int | None = None
    period: str = ""
    category: int | None = None
    unit: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    errors: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params: Any) -> FigureFilter:
        errors: list[str] = []
        period = params.get("period", "")
        date_from = _date(params.get("date_from"), "开始日期", errors)
        date_to = _date(params.get("date_to"), "结束日期", errors)
        if date_from and date_to and date_from > date_to:
            errors.append("开始日期不能晚于结束日期；已忽略日期范围。")
            date_from = date_to = None
        return cls(session=_int(params.get("session")),
                   period=period if period in Period.values else "",
                   category=_int(params.get("category")), unit=_int(params.get("unit")),
                   date_from=date_from, date_to=date_to, errors=tuple(errors))

    def params(self) -> dict[str, str]:
        """The filter as query parameters (for links to the Excel files)."""
        out = {"session": self.session, "period": self.period, "category": self.category,
               "unit": self.unit, "date_from": self.date_from, "date_to": self.date_to}
        return {k: str(v) for k, v in out.items() if v}

    def describe(self, labels: dict[str, dict[Any, str]] | None = None) -> str:
        labels = labels or {}
        parts = []
        if self.session:
            parts.append(labels.get("session", {}).get(self.session, f"会议#{self.session}"))
        if self.period:
            parts.append(Period(self.period).label)
        if self.category:
            parts.append(labels.get("category", {}).get(self.category, f"领域#{self.category}"))
        if self.unit:
            parts.append(labels.get("unit", {}).get(self.unit, f"单位#{self.unit}"))
        if self.date_from or self.date_to:
            parts.append(f"立案日期 {self.date_from or '…'} 至 {self.date_to or '…'}")
        return "；".join(parts) or "全部"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def scope_q(congress_id: int, flt: FigureFilter, committee_ids: Iterable[int] | None = None,
            prefix: str = "") -> Q:
    """The counted suggestions as a Q, seen from a model whose path to the suggestion is
    ``prefix`` (``""``, ``"suggestion__"``, ``"assignment__suggestion__"``).

    ``committee_ids`` limits a committee to the fields it follows; None means everything."""
    p = prefix
    q = Q(**{f"{p}congress_id": congress_id, f"{p}registered_at__isnull": False})
    if committee_ids is not None:
        q &= Q(**{f"{p}category__committee_id__in": list(committee_ids)})
    if flt.session:
        q &= Q(**{f"{p}session_id": flt.session})
    if flt.period:
        q &= Q(**{f"{p}period": flt.period})
    if flt.category:
        q &= Q(**{f"{p}category_id": flt.category})
    if flt.unit:
        q &= Q(**{f"{p}id__in": Assignment.objects.filter(unit_id=flt.unit)
                  .exclude(status=AssignmentStatus.WITHDRAWN).values("suggestion_id")})
    if flt.date_from:
        q &= Q(**{f"{p}registered_at__gte": _start_of(flt.date_from)})
    if flt.date_to:
        q &= Q(**{f"{p}registered_at__lt": _start_of(flt.date_to + timedelta(days=1))})
    return q


# --- the results -----------------------------------------------------------------------------------


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as “—”)."""
    return part / whole if whole else None


@dataclass
class Row:
    """The figures of one slice: the whole congress, a session, a field or a month."""

    key: Any
    label: str
    registered: int = 0
    merged: int = 0
    assigned: int = 0
    closed: int = 0
    answered: int = 0
    evaluated: int = 0
    evaluated_answered: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    overdue: int = 0
    key_supervised: int = 0
    classes: dict[str, int] = field(default_factory=dict)

    @property
    def closed_rate(self) -> float | None:
        return ratio(self.closed, self.assigned)

    @property
    def satisfaction_rate(self) -> float | None:
        return ratio(self.satisfied + self.basic, self.evaluated)

    @property
    def not_evaluated(self) -> int:
        return self.answered - self.evaluated_answered

    @property
    def replies(self) -> int:
        return sum(self.classes.values())

    def class_share(self, code: str) -> float | None:
        return ratio(self.classes.get(code, 0), self.replies)


@dataclass
class UnitRow:
    """One handling unit, for 述职评议."""

    unit_id: int
    name: str
    short_name: str = ""
    lead: int = 0
    co: int = 0
    separate: int = 0
    answered: int = 0
    on_time: int = 0
    overdue: int = 0
    contacts: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    classes: dict[str, int] = field(default_factory=dict)

    @property
    def assigned(self) -> int:
        return self.lead + self.co + self.separate

    @property
    def late(self) -> int:
        return self.answered - self.on_time

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.answered)

    @property
    def evaluated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        return ratio(self.satisfied + self.basic, self.evaluated)

    @property
    def contacts_per_assignment(self) -> float | None:
        return ratio(self.contacts, self.assigned)


@dataclass
class Figures:
    congress: Congress
    filter: FigureFilter
    today: date
    classes: list[tuple[str, str]]  # (code, label) in order
    total: Row
    by_session: list[Row]
    by_category: list[Row]
    by_month: list[Row]
    units: list[UnitRow]
    labels: dict[str, dict[Any, str]]

    def class_items(self) -> list[tuple[str, int]]:
        return [(f"{code}类", self.total.classes.get(code, 0)) for code, _ in self.classes]


# --- computing ---------------------------------------------------------------------------------------

SLICE_COUNTS = ("registered", "merged", "assigned", "closed", "answered", "overdue",
                "key_supervised", "evaluated", "evaluated_answered", "satisfied", "basic",
                "unsatisfied")
UNIT_COUNTS = ("lead", "co", "separate", "answered", "on_time", "overdue", "contacts",
               "satisfied", "basic", "unsatisfied")
NOT_WITHDRAWN = [s for s in AssignmentStatus.values if s != AssignmentStatus.WITHDRAWN]


class _Fold:
    """Adds group counts into the total and the three breakdowns at once."""

    def __init__(self) -> None:
        self.total = Row("total", "合计")
        self.session: dict[Any, Row] = {}
        self.category: dict[Any, Row] = {}
        self.month: dict[Any, Row] = {}
        self._memo: dict[tuple[Any, ...], list[Row]] = {}

    def _row(self, rows: dict[Any, Row], key: Any) -> Row:
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(key, "")
        return row

    def rows(self, g: dict[str, Any]) -> list[Row]:
        key = (g["s"] or NO_SESSION, g["c"] or NO_CATEGORY, g.get("m"))
        found = self._memo.get(key)
        if found is None:
            found = [self.total, self._row(self.session, key[0]),
                     self._row(self.category, key[1])]
            if key[2] is not None:  # only volume and progress are broken down by month
                found.append(self._row(self.month, key[2]))
            self._memo[key] = found
        return found

    def add(self, g: dict[str, Any]) -> None:
        rows = self.rows(g)
        for name in SLICE_COUNTS:
            if n := g.get(name):
                for row in rows:
                    setattr(row, name, getattr(row, name) + n)

    def add_class(self, g: dict[str, Any]) -> None:
        code, n = g["reply_class"], g["n"]
        for row in self.rows(g):
            row.classes[code] = row.classes.get(code, 0) + n


@dataclass
class _Counts:
    """What is cached: the folded counts, without names (names are read on every view)."""

    total: Row
    session: dict[Any, Row]
    category: dict[Any, Row]
    month: dict[Any, Row]
    units: dict[int, UnitRow]


def _count(cid: int, flt: FigureFilter, committees: list[int] | None,
           today: date) -> _Counts:
    groups = _groups(cid, flt, committees, today)
    fold = _Fold()
    for g in groups["suggestions"]:
        fold.add(g)
    for g in groups["evaluations"]:
        fold.add(g)
    for g in groups["replies"]:
        fold.add_class(g)
    units: dict[int, UnitRow] = {}

    def unit(unit_id: int) -> UnitRow:
        row = units.get(unit_id)
        if row is None:
            row = units[unit_id] = UnitRow(unit_id, "")
        return row

    for name in ("units", "contacts", "unit_ratings"):
        for g in groups[name]:
            r = unit(g["unit_id"])
            for field_name in UNIT_COUNTS:
                if n := g.get(field_name):
                    setattr(r, field_name, getattr(r, field_name) + n)
    for g in groups["replies"]:
        r = unit(g["unit_id"])
        r.classes[g["reply_class"]] = r.classes.get(g["reply_class"], 0) + g["n"]
    return _Counts(fold.total, fold.session, fold.category, fold.month, units)


def _dims() -> dict[str, Any]:
    return {"s": F("session_id"), "c": F("category_id"), "m": LocalMonth("registered_at")}


def latest_lead_evaluations() -> QuerySet[Evaluation]:
    """The lead deputy's evaluations that no later round replaces."""
    later = Evaluation.objects.filter(suggestion_id=OuterRef("suggestion_id"),
                                      deputy_id=OuterRef("deputy_id"), round__gt=OuterRef("round"))
    return Evaluation.objects.filter(deputy_id=F("suggestion__lead_deputy_id")).filter(
        ~Exists(later))


def latest_replies() -> QuerySet[Reply]:
    """The latest reply of each lead or separate assignment still with its unit."""
    later = Reply.objects.filter(assignment_id=OuterRef("assignment_id"),
                                 round__gt=OuterRef("round"))
    return (Reply.objects.filter(assignment__kind__in=ANSWERING,
                                 assignment__status__in=NOT_WITHDRAWN)
            .filter(~Exists(later)))


def _counted(name: str, condition: Q | None = None) -> dict[str, Count]:
    return {name: Count("id", filter=condition)}


def _groups(cid: int, flt: FigureFilter, committees: list[int] | None,
            today: date) -> dict[str, list[dict[str, Any]]]:
    """The heavy part: six GROUP BY queries, each returning at most a few thousand small
    rows (slices × states, units × kinds), whatever the number of suggestions."""
    sq = scope_q(cid, flt, committees)
    overdue_ids = Assignment.objects.filter(
        unit__congress_id=cid, status__in=OPEN_ASSIGNMENT, due_date__lt=today,
    ).values("suggestion_id")
    key_ids = Supervision.objects.filter(
        suggestion__congress_id=cid, kind=SupervisionKind.KEY).values("suggestion_id")
    suggestions = (Suggestion.objects.filter(sq).annotate(**_dims()).values("s", "c", "m")
                   .annotate(**_counted("registered"),
                             **_counted("merged", Q(status=Status.MERGED)),
                             **_counted("assigned", Q(status__in=ASSIGNED_STATES)),
                             **_counted("closed", Q(status__in=CLOSED_STATES)),
                             **_counted("answered", Q(status__in=ANSWERED_STATES)),
                             **_counted("overdue", Q(pk__in=overdue_ids)),
                             **_counted("key_supervised", Q(pk__in=key_ids)))
                   .order_by())
    evaluations = (latest_lead_evaluations()
                   .filter(scope_q(cid, flt, committees, "suggestion__"))
                   .values(s=F("suggestion__session_id"), c=F("suggestion__category_id"))
                   .annotate(**_counted("evaluated"),
                             **_counted("evaluated_answered",
                                        Q(suggestion__status__in=ANSWERED_STATES)),
                             **_counted("satisfied", Q(result=EvaluationResult.SATISFIED)),
                             **_counted("basic", Q(result=EvaluationResult.BASIC)),
                             **_counted("unsatisfied", Q(result=EvaluationResult.UNSATISFIED)))
                   .order_by())

    # Per unit. Every assignment belongs to a registered suggestion of the units' congress,
    # so without filters the assignments are found through the (few) units, not by joining
    # the suggestions.
    plain = not (committees is not None or flt.session or flt.period or flt.category
                 or flt.date_from or flt.date_to)

    def assignment_scope(prefix: str) -> Q:
        q = Q(**{f"{prefix}status__in": NOT_WITHDRAWN})
        if flt.unit:
            q &= Q(**{f"{prefix}unit_id": flt.unit})
        if plain:
            return q & Q(**{f"{prefix}unit__congress_id": cid})
        return q & scope_q(cid, flt, committees, f"{prefix}suggestion__")

    answered = (Q(kind__in=ANSWERING, replied_at__isnull=False)
                | Q(kind=AssignmentKind.CO, co_view_at__isnull=False))
    on_time = (Q(LessThanOrEqual(LocalDate("replied_at"), F("due_date")), kind__in=ANSWERING,
                 replied_at__isnull=False)
               | Q(LessThanOrEqual(LocalDate("co_view_at"), F("due_date")),
                   kind=AssignmentKind.CO, co_view_at__isnull=False))
    units = (Assignment.objects.filter(assignment_scope("")).values("unit_id")
             .annotate(**_counted("lead", Q(kind=AssignmentKind.LEAD)),
                       **_counted("co", Q(kind=AssignmentKind.CO)),
                       **_counted("separate", Q(kind=AssignmentKind.SEPARATE)),
                       **_counted("answered", answered), **_counted("on_time", on_time),
                       **_counted("overdue", Q(status__in=OPEN_ASSIGNMENT, due_date__lt=today)))
             .order_by())
    contacts = (ContactRecord.objects.filter(assignment_scope("assignment__"))
                .values(unit_id=F("assignment__unit_id")).annotate(**_counted("contacts"))
                .order_by())
    # Answer classes by session, field and unit at once: at most sessions × fields × units ×
    # classes rows, summed up both ways in Python.
    replies = (latest_replies().filter(assignment_scope("assignment__"))
               .values("reply_class", s=F("assignment__suggestion__session_id"),
                       c=F("assignment__suggestion__category_id"),
                       unit_id=F("assignment__unit_id"))
               .annotate(n=Count("id")).order_by())
    # A rating belongs to the suggestion; it counts for each unit that answered it. One
    # filter() call, so that the join to the assignments is the one grouped by.
    answering = Q(suggestion__assignments__kind__in=ANSWERING,
                  suggestion__assignments__status__in=NOT_WITHDRAWN)
    if flt.unit:
        answering &= Q(suggestion__assignments__unit_id=flt.unit)
    unit_ratings = (latest_lead_evaluations()
                    .filter(answering, scope_q(cid, flt, committees, "suggestion__"))
                    .values(unit_id=F("suggestion__assignments__unit_id"))
                    .annotate(**_counted("satisfied", Q(result=EvaluationResult.SATISFIED)),
                              **_counted("basic", Q(result=EvaluationResult.BASIC)),
                              **_counted("unsatisfied", Q(result=EvaluationResult.UNSATISFIED)))
                    .order_by())
    return {name: list(qs) for name, qs in (
        ("suggestions", suggestions), ("evaluations", evaluations), ("replies", replies),
        ("units", units), ("contacts", contacts), ("unit_ratings", unit_ratings))}


def _cache_seconds() -> int:
    default = 0 if getattr(settings, "TESTING", False) else 300
    return int(getattr(settings, "RENDA_FIGURES_CACHE_SECONDS", default))


def _cached_counts(cid: int, flt: FigureFilter, committees: list[int] | None, today: date,
                   fingerprint: str) -> _Counts:
    """The counts, kept for a few minutes and dropped as soon as anything is audited.

    Every change that moves a figure goes through an action, and every action appends to
    the hash-chained audit log in its own transaction; the chain's last hash therefore
    changes with any such change, and it is part of the key (read first, so a racing change
    can only make the cached value newer than its key, never older). The day is in the key
    for 逾期; the fields' committees for a committee's scope. The time limit bounds the rest
    (changes made outside the actions, e.g. in the admin).
    """
    seconds = _cache_seconds()
    if seconds <= 0:
        return _count(cid, flt, committees, today)
    head = AuditHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() or ""
    raw = repr((cid, sorted(flt.params().items()), committees, today.isoformat(), head,
                fingerprint))
    key = "renda:figures:" + hashlib.sha256(raw.encode()).hexdigest()
    cache = caches["shared"]  # one count for every worker
    found = cache.get(key)
    if found is None:
        found = _count(cid, flt, committees, today)
        cache.set(key, found, seconds)
    return found


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def _month_range(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    y2, m2 = map(int, last.split("-"))
    out = []
    while (y, m) <= (y2, m2) and len(out) < MAX_MONTHS:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_bounds(flt: FigureFilter, found: Iterable[str]) -> list[str]:
    keys = sorted(k for k in found if k)
    first = flt.date_from.strftime("%Y-%m") if flt.date_from else (keys[0] if keys else None)
    last = flt.date_to.strftime("%Y-%m") if flt.date_to else (keys[-1] if keys else None)
    if first is None or last is None:
        return keys
    if flt.date_from and not flt.date_to and keys:
        last = max(keys[-1], first)
    if flt.date_to and not flt.date_from and keys:
        first = min(keys[0], last)
    return sorted(set(_month_range(first, last)) | set(keys))


def compute(congress: Congress, flt: FigureFilter | None = None, *,
            committee_ids: Iterable[int] | None = None, today: date | None = None) -> Figures:
    """All figures for one congress and filter, in about ten queries whatever the size."""
    flt = flt or FigureFilter()
    today = today or timezone.localdate()
    committees = None if committee_ids is None else sorted(set(committee_ids))
    cid = congress.pk
    labels, fingerprint = _labels(congress, committees)
    classes = [(c.code, c.label) for c in reply_classes(cid)]
    fold = _cached_counts(cid, flt, committees, today, fingerprint)
    known = {code for code, _ in classes}
    extra = sorted({code for code in fold.total.classes if code not in known})
    classes += [(code, code) for code in extra]  # a class since removed from the settings

    units = _unit_rows(fold.units)
    labels["unit"] = {u.unit_id: u.name for u in units}

    by_session = []
    for key, name in labels["session"].items():
        if key in fold.session:
            row = fold.session.pop(key)
            row.label = name
            by_session.append(row)
    for key, row in sorted(fold.session.items()):  # a session of an earlier term, or none
        row.label = "会议前（闭会期间）" if key == NO_SESSION else f"会议#{key}"
        by_session.append(row)

    by_category = []
    for key, name in labels["category"].items():
        row = fold.category.pop(key, Row(key, ""))
        row.label = name
        if not flt.category or flt.category == key:
            by_category.append(row)
    for key, row in sorted(fold.category.items()):
        row.label = "未分类" if key == NO_CATEGORY else f"领域#{key}"
        by_category.append(row)

    by_month = []
    for key in _month_bounds(flt, fold.month):
        row = fold.month.get(key) or Row(key, "")
        row.label = _month_label(key)
        by_month.append(row)

    return Figures(congress=congress, filter=flt, today=today, classes=classes,
                   total=fold.total, by_session=by_session, by_category=by_category,
                   by_month=by_month, units=units, labels=labels)


def _labels(congress: Congress, committees: list[int] | None
            ) -> tuple[dict[str, dict[Any, str]], str]:
    """Names of sessions and fields, and a fingerprint of which committee follows which
    field (a committee's scope)."""
    sessions = Session.objects.filter(term__congress=congress).select_related("term").order_by(
        "term__number", "number")
    categories = list(Category.objects.filter(congress=congress).order_by("sort_order", "id"))
    fingerprint = ",".join(f"{c.pk}:{c.committee_id}" for c in categories)
    if committees is not None:
        categories = [c for c in categories if c.committee_id in committees]
    return ({"session": {s.pk: s.label for s in sessions},
             "category": {c.pk: c.name for c in categories}}, fingerprint)


def _unit_rows(rows: dict[int, UnitRow]) -> list[UnitRow]:
    """The units in their configured order, with their names of today."""
    orgs = Organization.objects.filter(pk__in=list(rows)).order_by("sort_order", "id")
    out = []
    for org in orgs.only("id", "name", "short_name", "sort_order"):
        r = rows[org.pk]
        r.name, r.short_name = org.name, org.short_name or org.name
        out.append(r)
    return out


# --- tables: one layout for the page and the Excel file -------------------------------------------


@dataclass
class Cell:
    """A table cell: ``kind`` is text, int, pct (a ratio shown as 83.3%) or dec (two places)."""

    value: Any
    kind: str = "int"

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == "pct":
            return f"{self.value * 100:.1f}%"
        if self.kind == "dec":
            return f"{self.value:.2f}"
        return str(self.value)

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    foot: list[Cell] | None = None
    note: str = ""


TABLE_KEYS = ("overview", "session", "category", "month", "units")


def _slice_cells(row: Row, classes: list[tuple[str, str]]) -> list[Cell]:
    return [Cell(row.label, "text"), Cell(row.registered), Cell(row.assigned), Cell(row.closed),
            Cell(row.closed_rate, "pct"), Cell(row.evaluated), Cell(row.satisfied + row.basic),
            Cell(row.satisfaction_rate, "pct"), Cell(row.not_evaluated), Cell(row.overdue),
            Cell(row.key_supervised),
            *[Cell(row.classes.get(code, 0)) for code, _ in classes]]


def _month_cells(row: Row) -> list[Cell]:
    return [Cell(row.label, "text"), Cell(row.registered), Cell(row.assigned), Cell(row.closed),
            Cell(row.closed_rate, "pct"), Cell(row.overdue), Cell(row.key_supervised)]


def tables(fig: Figures) -> list[Table]:
    """The figures as tables, in page order: overview, by session, field, month, unit."""
    t = fig.total
    overview = [
        ("立案数", Cell(t.registered)), ("其中并案", Cell(t.merged)),
        ("已交办", Cell(t.assigned)), ("已办结（含跟踪落实）", Cell(t.closed)),
        ("办结率", Cell(t.closed_rate, "pct")), ("已答复", Cell(t.answered)),
        ("已评价", Cell(t.evaluated)), ("满意", Cell(t.satisfied)), ("基本满意", Cell(t.basic)),
        ("不满意", Cell(t.unsatisfied)), ("满意率", Cell(t.satisfaction_rate, "pct")),
        ("未评价", Cell(t.not_evaluated)), ("逾期未答复（件）", Cell(t.overdue)),
        ("重点督办", Cell(t.key_supervised)), ("答复（份）", Cell(t.replies)),
    ]
    for code, label in fig.classes:
        overview.append((f"{code}类（{label}）", Cell(t.classes.get(code, 0))))
        overview.append((f"{code}类占比", Cell(t.class_share(code), "pct")))
    slice_headers = ["立案", "已交办", "已办结", "办结率", "已评价", "满意及基本满意", "满意率",
                     "未评价", "逾期", "重点督办", *[f"{code}类" for code, _ in fig.classes]]
    foot = _slice_cells(t, fig.classes)
    foot[0] = Cell("合计", "text")
    out = [Table("overview", "总体情况", ["指标", "数值"],
                 [[Cell(name, "text"), cell] for name, cell in overview],
                 note="办结含跟踪落实（B类承诺事项在台账中继续跟踪）；满意率 =（满意 + 基本满意）÷ 已评价，"
                      "以领衔代表最近一次评价为准，未评价的不计入。")]
    for key, title, first, rows in (("session", "按会议", "会议", fig.by_session),
                                    ("category", "按领域", "领域", fig.by_category)):
        out.append(Table(key, title, [first, *slice_headers],
                         [_slice_cells(r, fig.classes) for r in rows], foot=foot))
    out.append(Table(
        "month", "按立案月份", ["月份", "立案", "已交办", "已办结", "办结率", "逾期", "重点督办"],
        [_month_cells(r) for r in fig.by_month], foot=[Cell("合计", "text"), *_month_cells(t)[1:]],
        note="按立案月份只统计件数和办理进度；满意度和答复类别见按会议、按领域。"))
    out.append(Table(
        "units", "承办单位办理情况",
        ["承办单位", "主办", "会办", "分办", "合计", "已答复", "按期答复", "逾期答复", "当前逾期",
         "按期率", *[f"{code}类" for code, _ in fig.classes], "满意", "基本满意", "不满意",
         "满意率", "沟通次数", "每件沟通次数"],
        [[Cell(u.name, "text"), Cell(u.lead), Cell(u.co), Cell(u.separate), Cell(u.assigned),
          Cell(u.answered), Cell(u.on_time), Cell(u.late), Cell(u.overdue),
          Cell(u.on_time_rate, "pct"), *[Cell(u.classes.get(code, 0)) for code, _ in fig.classes],
          Cell(u.satisfied), Cell(u.basic), Cell(u.unsatisfied), Cell(u.satisfaction_rate, "pct"),
          Cell(u.contacts), Cell(u.contacts_per_assignment, "dec")] for u in fig.units],
        note="已答复含会办单位送出的会办意见；按期指最近一次答复不晚于当前答复期限（含批准的延期）；"
             "满意度按该单位主办或分办的建议统计。"))
    return out
