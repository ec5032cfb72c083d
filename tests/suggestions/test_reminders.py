"""Reminders: due soon (15 and 3 days), overdue, not evaluated after 20 working days — each
sent exactly once, however many sweeps run, and again for a new due date."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from renda.core.models import Notification
from renda.suggestions import actions
from renda.suggestions.deadlines import add_workdays
from renda.suggestions.models import Reminder, Suggestion, SuggestionConfig
from renda.suggestions.reminders import sweep
from renda.suggestions.tasks import remind

from .conftest import co_assignment, lead_assignment, write

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = date(2025, 3, 3)  # a Monday; no public holiday in March
DUE = date(2025, 6, 3)    # 3 months after assignment on START


def go(time_machine, day: date, hour: int = 9) -> None:
    time_machine.move_to(datetime.combine(day, time(hour), tzinfo=SHANGHAI), tick=False)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Everything below is built on START, 09:00 in China."""
    go(time_machine, START)


@pytest.fixture
def lead_only(registered, staff, unit_org, unit_user):
    actions.assign(staff, registered, lead=unit_org)
    return Suggestion.objects.get(pk=registered.pk)


def notes(user, prefix: str = "") -> int:
    return Notification.objects.filter(user=user, title__startswith=prefix).count()


def keys(prefix: str) -> list[str]:
    return sorted(Reminder.objects.filter(key__startswith=prefix).values_list("key", flat=True))


def test_due_date_is_three_months_after_assignment(lead_only):
    assert lead_assignment(lead_only).due_date == DUE


def test_each_threshold_reminds_the_unit_once_and_only_once(lead_only, unit_user, staff,
                                                            time_machine):
    a = lead_assignment(lead_only)
    go(time_machine, DUE - timedelta(days=16))
    assert sweep() == 0
    go(time_machine, DUE - timedelta(days=15))
    assert sweep() == 1
    assert notes(unit_user, "答复还有15天到期") == 1
    assert sweep() == 0
    go(time_machine, DUE - timedelta(days=14))
    assert sweep() == 0
    go(time_machine, DUE - timedelta(days=3))
    assert sweep() == 1
    assert sweep() == 0
    assert notes(unit_user, "答复还有3天到期") == 1
    go(time_machine, DUE)  # due today: not overdue yet
    assert sweep() == 0
    assert notes(unit_user) - notes(unit_user, "新交办") == 2
    assert notes(staff, "答复") == 0  # due-soon reminders are for the unit only
    assert keys("due") == [f"due15:{a.pk}:{DUE}", f"due3:{a.pk}:{DUE}"]


def test_only_the_tightest_threshold_is_sent_when_first_seen_late(lead_only, unit_user,
                                                                  time_machine):
    go(time_machine, DUE - timedelta(days=2))
    assert sweep() == 1
    assert notes(unit_user, "答复还有2天到期") == 1
    assert keys("due15") == []


def test_thresholds_come_from_the_congress_config(lead_only, city, unit_user, time_machine):
    SuggestionConfig.objects.create(congress=city, remind_days="7")
    go(time_machine, DUE - timedelta(days=15))
    assert sweep() == 0
    go(time_machine, DUE - timedelta(days=7))
    assert sweep() == 1
    assert keys("due") == [f"due7:{lead_assignment(lead_only).pk}:{DUE}"]


def test_co_unit_is_reminded_of_its_view_deadline(assigned, unit2_user, time_machine):
    co = co_assignment(assigned)
    assert co.due_date == START + timedelta(days=30)
    go(time_machine, co.due_date - timedelta(days=3))
    sweep()
    assert notes(unit2_user, "会办意见还有3天到期") == 1


def test_overdue_reminds_unit_users_and_staff_once(lead_only, unit_user, staff, time_machine):
    a = lead_assignment(lead_only)
    go(time_machine, DUE + timedelta(days=1))
    assert sweep() == 1
    assert notes(unit_user, "答复已超期") == 1
    assert notes(staff, "答复已超期") == 1
    assert Notification.objects.get(user=staff, title__startswith="答复已超期").url == \
        f"/suggestions/{lead_only.pk}/"
    go(time_machine, DUE + timedelta(days=30))
    assert sweep() == 0
    assert notes(unit_user, "答复已超期") == 1
    assert notes(staff, "答复已超期") == 1
    assert keys("overdue") == [f"overdue:{a.pk}:{DUE}"]


def test_nothing_for_replied_or_withdrawn_assignments(registered, staff, unit_org, unit2_org,
                                                      unit_user, unit2_user, time_machine):
    actions.assign(staff, registered, separate=[unit_org, unit2_org])
    s = Suggestion.objects.get(pk=registered.pk)
    mine, theirs = s.assignments.get(unit=unit_org), s.assignments.get(unit=unit2_org)
    actions.accept(unit_user, mine)
    actions.reply(unit_user, mine, reply_class="A",
                  text="经研究，我局已将老旧小区加装电梯纳入年度民生实事，今年完成加装120台。")
    adj = actions.request_adjustment(unit2_user, theirs, "该事项不属于本局职责，建议交住建部门办理。")
    actions.decide_adjustment(staff, adj, approve=True)
    for day in (DUE - timedelta(days=15), DUE - timedelta(days=3), DUE + timedelta(days=1)):
        go(time_machine, day)
        sweep()
    assert keys("due") == keys("overdue") == []
    for user in (unit_user, unit2_user, staff):
        assert notes(user, "答复") == 0


def test_extension_brings_reminders_for_the_new_due_date(lead_only, unit_user, staff,
                                                         time_machine):
    a = lead_assignment(lead_only)
    actions.accept(unit_user, a)
    go(time_machine, DUE - timedelta(days=3))
    assert sweep() == 1
    new_due = DUE + timedelta(days=30)
    ext = actions.request_extension(unit_user, a, new_due, "需要协调多个部门并完成现场勘察，申请延期。")
    actions.decide_extension(staff, ext, approve=True)
    assert sweep() == 0  # the new date is 33 days away
    go(time_machine, new_due - timedelta(days=15))
    assert sweep() == 1
    go(time_machine, new_due - timedelta(days=3))
    assert sweep() == 1
    assert notes(unit_user, "答复还有3天到期") == 2
    assert keys("due3") == sorted([f"due3:{a.pk}:{DUE}", f"due3:{a.pk}:{new_due}"])


def test_overdue_again_after_an_extension_runs_out(lead_only, unit_user, staff, time_machine):
    a = lead_assignment(lead_only)
    actions.accept(unit_user, a)
    go(time_machine, DUE + timedelta(days=1))
    assert sweep() == 1
    new_due = DUE + timedelta(days=20)
    ext = actions.request_extension(unit_user, a, new_due, "需要协调多个部门并完成现场勘察，申请延期。")
    actions.decide_extension(staff, ext, approve=True)
    go(time_machine, new_due + timedelta(days=1))
    sweep()
    assert notes(unit_user, "答复已超期") == 2
    assert notes(staff, "答复已超期") == 2
    assert sweep() == 0


def test_evaluation_reminder_after_twenty_working_days_and_not_before(replied, deputy_user,
                                                                      cosigner_user,
                                                                      time_machine):
    deadline = date(2025, 3, 31)  # 20 working days after Monday 3 March: four full weeks
    assert add_workdays(START, 20) == deadline
    go(time_machine, deadline, hour=23)
    sweep()
    assert notes(deputy_user, "请评价") == 0
    go(time_machine, deadline + timedelta(days=1))
    sweep()
    assert notes(deputy_user, "请评价") == 1
    assert notes(cosigner_user, "请评价") == 0
    sweep()
    go(time_machine, deadline + timedelta(days=10))
    sweep()
    assert notes(deputy_user, "请评价") == 1
    assert keys("evaluate") == [f"evaluate:{replied.pk}:1"]


def test_no_evaluation_reminder_once_evaluated(replied, deputy_user, time_machine):
    actions.evaluate(deputy_user, replied, "satisfied")
    go(time_machine, date(2025, 4, 10))
    sweep()
    assert notes(deputy_user, "请评价") == 0


def test_evaluation_window_counts_working_days_not_calendar_days(replied, deputy_user, city,
                                                                 time_machine):
    SuggestionConfig.objects.create(congress=city, evaluate_workdays=5)
    # Replied Monday 3 March; five working days end Monday 10 March (a weekend in between).
    go(time_machine, date(2025, 3, 9))
    sweep()
    go(time_machine, date(2025, 3, 10))
    sweep()
    assert notes(deputy_user, "请评价") == 0
    go(time_machine, date(2025, 3, 11))
    sweep()
    assert notes(deputy_user, "请评价") == 1


def test_unit_without_accounts_is_reminded_once_it_has_one(registered, staff, unit3_org, city,
                                                           time_machine):
    from tests.conftest import make_user

    actions.assign(staff, registered, lead=unit3_org)
    go(time_machine, DUE - timedelta(days=3))
    assert sweep() == 0  # nobody to tell: the reminder is not used up
    handler = make_user("unit3", city, "unit", unit3_org)
    assert sweep() == 1
    assert notes(handler, "答复还有3天到期") == 1


def test_command_and_task_run_the_sweep(lead_only, unit_user, time_machine):
    go(time_machine, DUE - timedelta(days=15))
    out = StringIO()
    call_command("remind", stdout=out)
    assert "已发送 1 条提醒" in out.getvalue()
    go(time_machine, DUE - timedelta(days=3))
    assert remind.enqueue().return_value == 1
    call_command("remind", stdout=out)
    assert "已发送 0 条提醒" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_send_each_reminder_once(
        deputy_user, city, category, session, staff, unit_org, unit_user, time_machine):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL) for real concurrent transactions")
    made = []
    for i in range(8):
        s = write(deputy_user, city, category, title=f"关于加快老旧小区加装电梯的建议（{i + 1}）")
        actions.submit(deputy_user, s)
        actions.register(staff, s)
        actions.assign(staff, s, lead=unit_org)
        made.append(s)
    go(time_machine, DUE + timedelta(days=1))
    before = Notification.objects.count()
    threads_n = 4
    barrier = threading.Barrier(threads_n)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(sweep())
        except BaseException as exc:  # report it in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sum(results) == len(made) == Reminder.objects.filter(key__startswith="overdue").count()
    # each overdue reminder went to the unit user and the staff member, once each
    assert Notification.objects.count() - before == 2 * len(made)
    assert notes(unit_user, "答复已超期") == len(made)
    assert notes(staff, "答复已超期") == len(made)
