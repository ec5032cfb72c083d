"""Points, grades and rankings (积分、等次、排名).

A year's score is computed from that year's records with that year's rules only
(``RuleSet`` per congress and year), so changing next year's rules never changes a past
year. For each kind: ``count × points``, limited to the kind's yearly cap — for positive
points the most it can add, for negative points (e.g. an unexcused absence from the
congress session) the most it can take away. The score is the sum over the kinds.

Grades come from the year's bands (default: ≥80 好, 60–79 较好, <60 差). Rankings are
competition rankings (1, 2, 2, 4) within the congress and within each delegation.

``compute_year`` does the counting in the database — one ``GROUP BY deputy, kind`` over the
year's counted records — applies rules and caps in Python, and writes all scores in bulk.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import (
    DEFAULT_RULES,
    DutyRecord,
    PointRule,
    RecordKind,
    RuleSet,
    YearScore,
)

ZERO = Decimal(0)
Rules = Mapping[str, tuple[Decimal, Decimal | None]]


def kind_points(count: int, points: Decimal, cap: Decimal | None) -> Decimal:
    """What ``count`` records of one kind make: count × points, kept within the cap."""
    total = points * count
    if cap is not None:
        if total > cap:
            total = cap
        elif total < -cap:
            total = -cap
    return total


def score(counts: Mapping[str, int], rules: Rules) -> tuple[Decimal, dict[str, Decimal]]:
    """The score of one deputy's yearly counts; kinds without a rule make no points."""
    parts: dict[str, Decimal] = {}
    for kind, n in counts.items():
        rule = rules.get(kind)
        if rule is None or n <= 0:
            continue
        parts[kind] = kind_points(n, rule[0], rule[1])
    return sum(parts.values(), ZERO), parts


def grade_for(value: Decimal, bands: list[dict[str, Any]]) -> str:
    """The first band (from the top) whose minimum the value reaches; the last band else."""
    if not bands:
        return ""
    for band in bands:
        low = band.get("min")
        if low is None or value >= Decimal(str(low)):
            return str(band["label"])
    return str(bands[-1]["label"])


def competition_ranks(values: Iterable[tuple[Any, Decimal]]) -> dict[Any, int]:
    """1, 2, 2, 4: equal scores share a rank, the next rank skips."""
    ordered = sorted(values, key=lambda kv: kv[1], reverse=True)
    ranks: dict[Any, int] = {}
    prev: Decimal | None = None
    rank = 0
    for i, (key, val) in enumerate(ordered, start=1):
        if val != prev:
            rank, prev = i, val
        ranks[key] = rank
    return ranks


# --- rules of a year ---------------------------------------------------------------------------


def ruleset_for(congress_id: int, year: int, *, create: bool = True) -> RuleSet | None:
    """The year's rule set. A year without one starts as a copy of the latest earlier year's
    (or the defaults) — a copy, so later edits to either year never touch the other."""
    rs = RuleSet.objects.filter(congress_id=congress_id, year=year).first()
    if rs is not None or not create:
        return rs
    with transaction.atomic():
        previous = (RuleSet.objects.filter(congress_id=congress_id, year__lt=year)
                    .order_by("-year").first())
        rs, made = RuleSet.objects.get_or_create(
            congress_id=congress_id, year=year,
            defaults={"bands": previous.bands if previous else RuleSet._meta.get_field(
                "bands").get_default(), "summary_date": RuleSet.default_summary_date(year),
                      "remind_days": previous.remind_days if previous else 15})
        if made:
            if previous is not None:
                items = [(r.kind, r.points, r.cap) for r in previous.rules.all()]
            else:
                items = [(k, p, c) for k, (p, c) in DEFAULT_RULES.items()]
            PointRule.objects.bulk_create(
                [PointRule(ruleset=rs, kind=k, points=p, cap=c) for k, p, c in items])
    return rs


def rules_of(rs: RuleSet) -> dict[str, tuple[Decimal, Decimal | None]]:
    return {r.kind: (r.points, r.cap) for r in rs.rules.all()}


# --- one deputy, live --------------------------------------------------------------------------


@dataclass
class Line:
    kind: str
    label: str
    count: int
    points: Decimal
    cap: Decimal | None
    earned: Decimal

    @property
    def capped(self) -> bool:
        return self.cap is not None and abs(self.points * self.count) > self.cap


@dataclass
class Breakdown:
    year: int
    total: Decimal
    grade: str
    lines: list[Line]
    pending: int


def deputy_breakdown(deputy_id: int, congress_id: int, year: int) -> Breakdown:
    """The deputy's score of the year as it stands now, kind by kind."""
    rs = ruleset_for(congress_id, year)
    assert rs is not None
    rules = rules_of(rs)
    rows = (DutyRecord.objects.counted()
            .filter(deputy_id=deputy_id, congress_id=congress_id, year=year)
            .values("kind").annotate(n=Count("id")))
    counts = {r["kind"]: r["n"] for r in rows}
    total, parts = score(counts, rules)
    lines = [Line(k, RecordKind(k).label, counts[k], rules[k][0], rules[k][1], parts[k])
             for k in RecordKind.values if k in parts]
    pending = DutyRecord.objects.filter(deputy_id=deputy_id, congress_id=congress_id, year=year,
                                        status="pending", voided_at__isnull=True).count()
    return Breakdown(year, total, grade_for(total, rs.bands), lines, pending)


# --- the whole congress ------------------------------------------------------------------------


def deputies_of_year(congress_id: int, year: int) -> dict[int, int | None]:
    """Deputy → delegation for everyone holding a mandate in the congress during the year."""
    from renda.deputies.models import Mandate

    start, end = date(year, 1, 1), date(year, 12, 31)
    rows = (Mandate.objects.filter(congress_id=congress_id, start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .order_by("start_date").values_list("deputy_id", "delegation_id"))
    return dict(rows)  # the latest mandate of the year wins


@dataclass
class YearResult:
    deputies: int
    records: int
    seconds: float


def _tenths(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 10)


def score_tenths(counts: Mapping[str, int],
                 rules: Mapping[str, tuple[int, int | None]]) -> tuple[int, dict[str, int]]:
    """``score`` in whole tenths of a point (rules have one decimal): the same result with
    integer arithmetic, for the yearly run over every deputy."""
    parts: dict[str, int] = {}
    for kind, n in counts.items():
        rule = rules.get(kind)
        if rule is None or n <= 0:
            continue
        value = n * rule[0]
        cap = rule[1]
        if cap is not None:
            value = min(value, cap) if value > 0 else max(value, -cap)
        parts[kind] = value
    return sum(parts.values()), parts


# The counting query of the yearly run. The status and void conditions are written as
# literals (not parameters) so that SQLite can use the partial index ``record_counted_idx``
# — it only matches a partial index against constants — and PostgreSQL does anyway.
COUNT_SQL = (
    "SELECT deputy_id, kind, COUNT(*) FROM {table} "
    "WHERE congress_id = %s AND year = %s AND status = 'confirmed' AND voided_at IS NULL "
    "GROUP BY deputy_id, kind"
)


def year_counts(congress_id: int, year: int) -> dict[int, dict[str, int]]:
    """Deputy → kind → number of counted records of the year: one GROUP BY in the database."""
    table = connection.ops.quote_name(DutyRecord._meta.db_table)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL.format(table=table), [congress_id, year])
        while chunk := cursor.fetchmany(20000):
            for deputy_id, kind, n in chunk:
                counts[deputy_id][kind] = n
    return counts


def compute_year(congress_id: int, year: int) -> YearResult:
    """Compute and store every deputy's score, grade and ranks for the year."""
    import time

    started = time.monotonic()
    rs = ruleset_for(congress_id, year)
    assert rs is not None
    rules = {k: (_tenths(p) or 0, _tenths(c)) for k, (p, c) in rules_of(rs).items()}
    bands = [(None if b.get("min") is None else int(Decimal(str(b["min"])) * 10), str(b["label"]))
             for b in rs.bands]
    members = deputies_of_year(congress_id, year)
    counts = year_counts(congress_id, year)
    for deputy_id in counts:
        members.setdefault(deputy_id, None)  # records from a mandate ended earlier still count
    scores: dict[int, int] = {}
    details: dict[int, str] = {}
    totals: dict[int, int] = {}
    for deputy_id in members:
        c = counts.get(deputy_id, {})
        total, parts = score_tenths(c, rules)
        scores[deputy_id] = total
        totals[deputy_id] = sum(c.values())
        details[deputy_id] = json.dumps({k: [c[k], v / 10] for k, v in parts.items()},
                                        separators=(",", ":"))
    ranks = competition_ranks(scores.items())
    by_delegation: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for deputy_id, delegation_id in members.items():
        if delegation_id is not None:
            by_delegation[delegation_id].append((deputy_id, scores[deputy_id]))
    delegation_ranks: dict[int, int] = {}
    for items in by_delegation.values():
        delegation_ranks.update(competition_ranks(items))

    def grade(value: int) -> str:
        for low, label in bands:
            if low is None or value >= low:
                return label
        return bands[-1][1] if bands else ""

    now = timezone.now()
    rows = [(congress_id, year, d, members[d], Decimal(scores[d]) / 10, grade(scores[d]),
             ranks[d], delegation_ranks.get(d), totals[d], details[d], now)
            for d in members]
    with transaction.atomic():
        YearScore.objects.filter(congress_id=congress_id, year=year).delete()
        _insert_scores(rows)
    return YearResult(len(rows), sum(totals.values()), time.monotonic() - started)


SCORE_COLUMNS = ["congress_id", "year", "deputy_id", "delegation_id", "score", "grade", "rank",
                 "delegation_rank", "records", "breakdown", "computed_at"]


def _insert_scores(rows: list[tuple[Any, ...]]) -> None:
    """Plain parameterised inserts: a city's few hundred rows or a benchmark's 20,000 go in
    without building a model instance per row (bulk_create spends most of its time there)."""
    table = connection.ops.quote_name(YearScore._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in SCORE_COLUMNS)
    marks = ", ".join(["%s"] * len(SCORE_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
    adapt = connection.ops.adapt_datetimefield_value
    decimal = connection.ops.adapt_decimalfield_value
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of a round trip per row.
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            return
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, [(*r[:4], decimal(r[4], 7, 1), *r[5:10], adapt(r[10]))
                                     for r in rows[i:i + 5000]])


def scores_stale(congress_id: int, year: int) -> bool:
    """Whether records or rules changed since the year's scores were computed."""
    first = (YearScore.objects.filter(congress_id=congress_id, year=year)
             .order_by("computed_at").values_list("computed_at", flat=True).first())
    if first is None:
        return True
    if DutyRecord.objects.filter(congress_id=congress_id, year=year,
                                 updated_at__gt=first).exists():
        return True
    rs = ruleset_for(congress_id, year, create=False)
    return rs is not None and rs.updated_at > first
