"""Deadlines: calendar months for replies, China's working days for the short windows.

Working days follow the State Council's public holidays and adjusted working days
(调休) through ``chinese-calendar``; for years it does not know yet, Monday–Friday.
"""

from __future__ import annotations

import calendar
import functools
from datetime import date, timedelta

import chinese_calendar


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


@functools.lru_cache(maxsize=512)
def add_workdays(day: date, workdays: int) -> date:
    """The date ``workdays`` working days after ``day`` (``day`` itself not counted).
    Cached: the calendar is fixed data, and every citizen's message asks the same day."""
    current = day
    remaining = workdays
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_workday(current):
            count += 1
    return count
