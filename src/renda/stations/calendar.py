"""Reception days from rules and exceptions.

Rules: every given weekday; a fixed day of each month (the 31st falls on the last day of a
shorter month, so there is exactly one day a month); the n-th given weekday of each month
(1–4, or -1 for the last one — a month never lacks a 1st–4th weekday). With
``skip_holidays`` a rule day that is a public holiday of China (per ``chinese-calendar``)
is dropped. Exceptions win over rules: a cancelled day is dropped, an extra day is added.
"""

from __future__ import annotations

import calendar as pycal
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import chinese_calendar

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class RuleSpec:
    """A rule as plain data (the model or a test can make one)."""

    kind: str
    start: date
    end: date | None = None
    weekday: int | None = None
    day: int | None = None
    nths: tuple[int, ...] = ()
    skip_holidays: bool = False
    deputy_ids: tuple[int, ...] = ()
    note: str = ""


@dataclass
class ReceptionDay:
    day: date
    deputy_ids: list[int] = field(default_factory=list)
    note: str = ""


def parse_nths(text: str) -> tuple[int, ...]:
    out = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        n = int(part)
        if n not in (1, 2, 3, 4, -1):
            raise ValueError("第几个只能是 1、2、3、4 或 -1（最后一个）。")
        out.append(n)
    return tuple(sorted(set(out)))


def is_holiday(day: date) -> bool:
    """A public holiday of China (a named one: 春节, 国庆节…), not an ordinary weekend."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False
    return bool(on_holiday and name is not None)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` of the month (n = -1: the last one)."""
    if n == -1:
        last = date(year, month, pycal.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _months(start: date, end: date) -> Iterable[tuple[int, int]]:
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield y, m
        m += 1
        if m > 12:
            y, m = y + 1, 1


def rule_dates(rule: RuleSpec, start: date, end: date) -> list[date]:
    """The days of one rule between ``start`` and ``end`` (both included)."""
    lo = max(start, rule.start)
    hi = min(end, rule.end) if rule.end else end
    if lo > hi:
        return []
    days: list[date] = []
    if rule.kind == "weekly":
        first = lo + timedelta(days=((rule.weekday or 0) - lo.weekday()) % 7)
        d = first
        while d <= hi:
            days.append(d)
            d += timedelta(days=7)
    elif rule.kind == "monthly_day":
        for y, m in _months(lo, hi):
            d = date(y, m, min(rule.day or 1, pycal.monthrange(y, m)[1]))
            if lo <= d <= hi:
                days.append(d)
    elif rule.kind == "monthly_nth":
        for y, m in _months(lo, hi):
            for n in rule.nths:
                d = nth_weekday(y, m, rule.weekday or 0, n)
                if lo <= d <= hi:
                    days.append(d)
        days = sorted(set(days))  # the 4th and the last can be the same day
    else:
        raise ValueError(f"未知的规则类型：{rule.kind}")
    if rule.skip_holidays:
        days = [d for d in days if not is_holiday(d)]
    return days


def reception_days(rules: Iterable[RuleSpec], cancelled: Iterable[date],
                   extra: dict[date, tuple[list[int], str]], start: date, end: date
                   ) -> list[ReceptionDay]:
    """All reception days between ``start`` and ``end``: rule days minus cancelled days plus
    extra days; the duty deputies of several rules on one day are merged."""
    out: dict[date, ReceptionDay] = {}
    for rule in rules:
        for d in rule_dates(rule, start, end):
            rd = out.setdefault(d, ReceptionDay(d, [], rule.note))
            rd.deputy_ids.extend(i for i in rule.deputy_ids if i not in rd.deputy_ids)
    for d in cancelled:
        out.pop(d, None)
    for d, (ids, note) in extra.items():
        if start <= d <= end:
            out[d] = ReceptionDay(d, list(ids), note)
    return [out[d] for d in sorted(out)]


def spec_of(rule: Any) -> RuleSpec:
    return RuleSpec(kind=rule.kind, start=rule.start_date, end=rule.end_date,
                    weekday=rule.weekday, day=rule.day, nths=parse_nths(rule.nths),
                    skip_holidays=rule.skip_holidays,
                    deputy_ids=tuple(d.pk for d in rule.duty_deputies.all()), note=rule.note)


def station_days(station: Any, start: date, end: date) -> list[ReceptionDay]:
    """A station's reception days, from its rules and exceptions in the database."""
    rules = [spec_of(r) for r in station.rules.prefetch_related("duty_deputies")]
    cancelled, extra = [], {}
    for ex in station.exceptions.filter(date__gte=start, date__lte=end).prefetch_related(
            "duty_deputies"):
        if ex.kind == "cancel":
            cancelled.append(ex.date)
        else:
            extra[ex.date] = ([d.pk for d in ex.duty_deputies.all()], ex.note)
    return reception_days(rules, cancelled, extra, start, end)


def describe(rule: Any) -> str:
    wd = f"星期{WEEKDAYS[rule.weekday]}" if rule.weekday is not None else ""
    if rule.kind == "weekly":
        text = f"每{wd.replace('星期', '周')}"
    elif rule.kind == "monthly_day":
        text = f"每月{rule.day}日"
    else:
        nths = parse_nths(rule.nths) if isinstance(rule.nths, str) else rule.nths
        parts = ["最后一个" if n == -1 else f"第{'一二三四'[n - 1]}个" for n in nths]
        text = f"每月{'、'.join(parts)}{wd}"
    return text + (f"（{rule.note}）" if rule.note else "")
