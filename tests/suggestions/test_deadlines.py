"""Deadlines (DESIGN §5.1): a reply is due 3 calendar months after assignment, an extension
goes at most 3 months beyond the original date, and the short windows — 5 working days to
ask for an adjustment, 20 to evaluate — count China's working days: public holidays are
skipped and adjusted working days (调休, e.g. Saturday 10 October 2026) count."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renda.core.errors import DomainError
from renda.suggestions import actions
from renda.suggestions.deadlines import add_months, add_workdays, is_workday, workdays_between
from renda.suggestions.models import Assignment, Suggestion, SuggestionConfig

from .conftest import lead_assignment

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = date(2025, 3, 3)  # a Monday, no holiday in sight
ADJUST_REASON = "该建议涉及的事项属于交通运输部门职责，不属于本单位职责范围。"
EXTEND_REASON = "需要多个部门联合调研并征求群众意见，需要延长办理时间。"
REPLY_TEXT = "经研究，我局已将老旧小区加装电梯纳入年度民生实事，今年完成加装120台。"


def go(time_machine, day: date, hour: int = 9) -> None:
    time_machine.move_to(datetime.combine(day, time(hour), tzinfo=SHANGHAI), tick=False)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """The suggestion is written and registered on START; each test then moves on."""
    go(time_machine, START)


@pytest.fixture
def assign_on(registered, staff, unit_org, unit2_org, unit_user, time_machine):
    """Assign the registered suggestion on a given day: lead 市住建局, co 市交通运输局."""
    def assign(day: date):
        go(time_machine, day)
        actions.assign(staff, registered, lead=unit_org, co=[unit2_org])
        return lead_assignment(Suggestion.objects.get(pk=registered.pk))
    return assign


# --- the reply is due in calendar months ----------------------------------------------------------


@pytest.mark.django_db
def test_reply_is_due_three_calendar_months_after_assignment(assign_on):
    a = assign_on(START)
    assert a.due_date == a.original_due_date == date(2025, 6, 3)
    co = a.suggestion.assignments.get(kind="co")
    assert co.due_date == START + timedelta(days=30)  # a co-unit's view: within a month
    assert a.adjust_until == date(2025, 3, 10)        # Mon + 5 working days


@pytest.mark.django_db
@pytest.mark.parametrize(("assigned", "due"), [
    (date(2025, 11, 30), date(2026, 2, 28)),   # no 30 February: the month's end
    (date(2027, 11, 30), date(2028, 2, 29)),   # a leap year
    (date(2025, 12, 31), date(2026, 3, 31)),   # across the year
    (date(2026, 3, 31), date(2026, 6, 30)),
    (date(2026, 5, 31), date(2026, 8, 31)),
])
def test_a_due_date_past_the_months_end_is_clamped_to_it(assign_on, assigned, due):
    assert assign_on(assigned).due_date == due


@pytest.mark.django_db
@pytest.mark.parametrize(("assigned", "due"), [
    (date(2026, 1, 31), date(2026, 2, 28)),
    (date(2028, 1, 31), date(2028, 2, 29)),
])
def test_a_one_month_deadline_from_31_january_ends_on_the_last_of_february(
        city, assign_on, assigned, due):
    SuggestionConfig.objects.create(congress=city, reply_months=1)
    assert assign_on(assigned).due_date == due


@pytest.mark.django_db
@pytest.mark.parametrize(("assigned", "latest"), [
    (START, date(2025, 9, 3)),
    (date(2025, 5, 31), date(2025, 11, 30)),   # due 31 August; no 31 November
])
def test_an_extension_goes_at_most_three_months_beyond_the_original_date(
        assign_on, unit_user, staff, time_machine, assigned, latest):
    a = assign_on(assigned)
    actions.accept(unit_user, a)
    with pytest.raises(DomainError) as err:
        actions.request_extension(unit_user, a, latest + timedelta(days=1), EXTEND_REASON)
    assert err.value.field == "new_due_date" and f"{latest:%Y年%m月%d日}" in err.value.message
    ext = actions.request_extension(unit_user, a, latest, EXTEND_REASON)
    actions.decide_extension(staff, ext, True)
    a.refresh_from_db()
    assert a.due_date == latest and a.original_due_date == add_months(assigned, 3)
    # overdue is computed from the extended date
    day_after_original = a.original_due_date + timedelta(days=1)
    assert not a.is_overdue(day_after_original)
    assert a not in Assignment.objects.overdue(day_after_original)
    assert a in Assignment.objects.overdue(latest + timedelta(days=1))
    # and the limit stays measured from the original date, not the extended one
    go(time_machine, latest - timedelta(days=5))
    with pytest.raises(DomainError):
        actions.request_extension(unit_user, a, latest + timedelta(days=1), EXTEND_REASON)


# --- the adjustment window counts China's working days -----------------------------------------


def _ask(unit_user, a: Assignment, time_machine, day: date):
    go(time_machine, day, hour=18)
    return actions.request_adjustment(unit_user, a, ADJUST_REASON)


@pytest.mark.django_db
def test_adjustment_window_spans_national_day_and_ends_on_the_adjusted_saturday(
        assign_on, unit_user, time_machine):
    a = assign_on(date(2026, 9, 28))  # Monday before the 1–7 October holiday
    # 29, 30 September; 8, 9 October; Saturday 10 October is an adjusted working day
    assert a.adjust_until == date(2026, 10, 10)
    assert a.adjust_until.weekday() == 5
    assert _ask(unit_user, a, time_machine, date(2026, 10, 10)).pk


@pytest.mark.django_db
def test_adjustment_after_the_national_day_window_is_refused(assign_on, unit_user,
                                                             time_machine):
    a = assign_on(date(2026, 9, 28))
    with pytest.raises(DomainError) as err:
        _ask(unit_user, a, time_machine, date(2026, 10, 11))
    assert "2026年10月10日" in err.value.message and "届满" in err.value.message
    a.refresh_from_db()
    assert a.status == "pending" and not a.adjustments.exists()


@pytest.mark.django_db
def test_holidays_do_not_eat_the_window(assign_on, unit_user, time_machine):
    """Counting Monday to Friday only, the window would have closed on 5 October."""
    a = assign_on(date(2026, 9, 28))
    assert _ask(unit_user, a, time_machine, date(2026, 10, 9)).pk


@pytest.mark.django_db
def test_adjustment_window_spans_the_spring_festival(assign_on, unit_user, time_machine):
    a = assign_on(date(2026, 2, 13))  # Friday; Saturday 14 February is a working day
    # 14 February, then the holiday 15–23 February, then 24, 25, 26, 27 February
    assert a.adjust_until == date(2026, 2, 27)
    assert _ask(unit_user, a, time_machine, date(2026, 2, 27)).pk


@pytest.mark.django_db
def test_adjustment_on_the_saturday_after_the_spring_festival_window_is_refused(
        assign_on, unit_user, time_machine):
    a = assign_on(date(2026, 2, 13))
    assert is_workday(date(2026, 2, 28))  # an adjusted working day, but one too many
    with pytest.raises(DomainError):
        _ask(unit_user, a, time_machine, date(2026, 2, 28))


@pytest.mark.django_db
def test_the_adjustment_window_is_configurable(city, assign_on):
    SuggestionConfig.objects.create(congress=city, adjust_workdays=3)
    assert assign_on(date(2026, 9, 28)).adjust_until == date(2026, 10, 8)


@pytest.mark.django_db
def test_the_evaluation_window_spans_national_day(assign_on, unit_user, staff, time_machine):
    a = assign_on(date(2026, 9, 25))
    actions.accept(unit_user, a)
    actions.reply(unit_user, a, reply_class="A", text=REPLY_TEXT)
    s = a.suggestion
    deadline = date(2026, 10, 29)  # 20 working days after Friday 25 September
    assert add_workdays(date(2026, 9, 25), 20) == deadline
    go(time_machine, deadline, hour=23)
    with pytest.raises(DomainError):
        actions.close_unevaluated(staff, s)
    go(time_machine, deadline + timedelta(days=1))
    assert actions.close_unevaluated(staff, s).status == "closed"


# --- the functions themselves ---------------------------------------------------------------------


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2024, 1, 30), 1, date(2024, 2, 29)),
    (date(2025, 12, 31), 2, date(2026, 2, 28)),
    (date(2026, 3, 15), 3, date(2026, 6, 15)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 3, 31), 0, date(2026, 3, 31)),
    (date(2026, 1, 1), 24, date(2028, 1, 1)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("day", "workdays", "expected"), [
    (date(2025, 3, 3), 5, date(2025, 3, 10)),     # an ordinary week
    (date(2025, 3, 7), 1, date(2025, 3, 10)),     # Friday → Monday
    (date(2026, 9, 28), 5, date(2026, 10, 10)),   # National Day, adjusted Saturday
    (date(2026, 9, 30), 1, date(2026, 10, 8)),    # the whole holiday skipped
    (date(2026, 2, 13), 1, date(2026, 2, 14)),    # a Saturday that is a working day
    (date(2026, 2, 14), 1, date(2026, 2, 24)),    # Spring Festival skipped
    (date(2026, 10, 3), 0, date(2026, 10, 3)),    # nothing to add: the day itself
])
def test_add_workdays(day, workdays, expected):
    assert add_workdays(day, workdays) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2026, 9, 28), date(2026, 10, 10), 5),
    (date(2026, 9, 30), date(2026, 10, 7), 0),    # only holidays in between
    (date(2026, 2, 13), date(2026, 2, 28), 6),
    (date(2025, 3, 3), date(2025, 3, 3), 0),
    (date(2025, 3, 10), date(2025, 3, 3), 0),     # backwards: nothing
])
def test_workdays_between(start, end, expected):
    assert workdays_between(start, end) == expected


def test_a_year_the_calendar_does_not_know_falls_back_to_monday_to_friday():
    assert is_workday(date(2099, 1, 1))       # a Thursday; its holidays are not known yet
    assert not is_workday(date(2099, 1, 3))   # Saturday
    assert not is_workday(date(2099, 1, 4))   # Sunday
    assert add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 5)
    assert add_workdays(date(2099, 1, 2), 5) == date(2099, 1, 9)
    assert workdays_between(date(2099, 1, 2), date(2099, 1, 9)) == 5


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@settings(deadline=None)
@given(day=days, months=st.integers(min_value=-120, max_value=120))
def test_add_months_never_lands_past_the_months_end(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@settings(deadline=None)
@given(day=days, workdays=st.integers(min_value=1, max_value=30))
def test_add_workdays_lands_on_a_later_workday_after_exactly_that_many(day, workdays):
    result = add_workdays(day, workdays)
    assert result > day
    assert is_workday(result)
    assert workdays_between(day, result) == workdays
    assert workdays_between(day, result - timedelta(days=1)) == workdays - 1  # the first such day


@settings(deadline=None)
@given(a=days, gap1=st.integers(0, 60), gap2=st.integers(0, 60))
def test_workdays_between_adds_up(a, gap1, gap2):
    b, c = a + timedelta(days=gap1), a + timedelta(days=gap1 + gap2)
    assert workdays_between(a, b) + workdays_between(b, c) == workdays_between(a, c)
    assert workdays_between(a, c) <= gap1 + gap2
