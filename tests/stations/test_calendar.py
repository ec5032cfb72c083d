"""Reception calendar rules across month ends, leap years and exceptions."""

from __future__ import annotations

import calendar as pycal
import itertools
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from renda.stations.calendar import RuleSpec, is_holiday, nth_weekday, reception_days, rule_dates

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
spans = st.integers(min_value=0, max_value=800)


def months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month + 1


@given(start=days, span=spans, weekday=st.integers(0, 6))
def test_weekly_every_7_days_on_the_weekday(start, span, weekday):
    end = start + timedelta(days=span)
    out = rule_dates(RuleSpec("weekly", start=date(1990, 1, 1), weekday=weekday), start, end)
    assert all(d.weekday() == weekday and start <= d <= end for d in out)
    assert all((b - a).days == 7 for a, b in itertools.pairwise(out))
    expected = sum(1 for i in range(span + 1) if (start + timedelta(i)).weekday() == weekday)
    assert len(out) == expected


@given(start=days, span=spans, day=st.integers(1, 31))
def test_monthly_day_once_a_month_clamped_to_month_end(start, span, day):
    end = start + timedelta(days=span)
    out = rule_dates(RuleSpec("monthly_day", start=date(1990, 1, 1), day=day), start, end)
    for d in out:
        assert d.day == min(day, pycal.monthrange(d.year, d.month)[1])
    assert len({(d.year, d.month) for d in out}) == len(out)
    # every whole month inside the span has its day
    assert len(out) >= months_between(start, end) - 2


@given(year=st.integers(2000, 2035))
def test_31st_in_february_is_its_last_day_in_leap_and_common_years(year):
    out = rule_dates(RuleSpec("monthly_day", start=date(1990, 1, 1), day=31),
                     date(year, 2, 1), date(year, 2, 29 if pycal.isleap(year) else 28))
    assert out == [date(year, 2, 29 if pycal.isleap(year) else 28)]


@given(start=days, span=spans, weekday=st.integers(0, 6),
       nths=st.sets(st.sampled_from([1, 2, 3, 4, -1]), min_size=1, max_size=3))
def test_nth_weekday(start, span, weekday, nths):
    end = start + timedelta(days=span)
    out = rule_dates(RuleSpec("monthly_nth", start=date(1990, 1, 1), weekday=weekday,
                              nths=tuple(sorted(nths))), start, end)
    assert out == sorted(set(out))
    for d in out:
        assert d.weekday() == weekday
        n = (d.day - 1) // 7 + 1
        is_last = d.month != (d + timedelta(days=7)).month
        assert n in nths or (-1 in nths and is_last)


@given(year=st.integers(2000, 2035), month=st.integers(1, 12), weekday=st.integers(0, 6))
def test_last_weekday_is_in_the_last_seven_days(year, month, weekday):
    d = nth_weekday(year, month, weekday, -1)
    assert d.month == month and d.weekday() == weekday
    assert d.day > pycal.monthrange(year, month)[1] - 7


@given(start=days, span=spans, weekday=st.integers(0, 6), data=st.data())
def test_exceptions_remove_and_add_days(start, span, weekday, data):
    end = start + timedelta(days=span)
    rule = RuleSpec("weekly", start=date(1990, 1, 1), weekday=weekday, deputy_ids=(1, 2))
    base = [d.day for d in reception_days([rule], [], {}, start, end)]
    cancelled = data.draw(st.lists(st.sampled_from(base), max_size=3, unique=True)) if base else []
    extra_day = data.draw(st.dates(min_value=start, max_value=end))
    out = reception_days([rule], cancelled, {extra_day: ([7], "加开")}, start, end)
    got = [d.day for d in out]
    assert extra_day in got
    assert all(c not in got for c in cancelled if c != extra_day)
    assert set(got) == (set(base) - set(cancelled)) | {extra_day}
    assert next(d for d in out if d.day == extra_day).deputy_ids == [7]


@settings(max_examples=50)
@given(year=st.integers(2015, 2025))
def test_skip_holidays_drops_national_day(year):
    rule = RuleSpec("monthly_day", start=date(2000, 1, 1), day=1, skip_holidays=True)
    out = rule_dates(rule, date(year, 1, 1), date(year, 12, 31))
    assert date(year, 10, 1) not in out and date(year, 1, 1) not in out
    assert date(year, 3, 1) in out or is_holiday(date(year, 3, 1))
    assert not any(is_holiday(d) for d in out)


def test_rule_bounds_respected():
    rule = RuleSpec("weekly", start=date(2026, 3, 4), end=date(2026, 3, 25), weekday=2)
    assert rule_dates(rule, date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 18), date(2026, 3, 25)]
