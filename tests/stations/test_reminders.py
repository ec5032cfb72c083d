"""Deadline reminders: overdue acceptance, answers due soon and overdue; each sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from renda.core.models import Notification
from renda.stations import reminders
from renda.stations.tasks import sweep

pytestmark = pytest.mark.django_db


def test_overdue_acceptance_reminds_staff_and_keeper_once(received, staff, keeper):
    assert reminders.sweep(received.accept_due) == 0  # due today: not late yet
    assert reminders.sweep(received.accept_due + timedelta(days=1)) == 1
    assert reminders.sweep(received.accept_due + timedelta(days=2)) == 0
    titles = set(Notification.objects.filter(user__in=[staff, keeper]).values_list("user__username", "title"))
    assert ("staff", f"群众留言超期未受理：{received.code}") in titles
    assert ("keeper", f"群众留言超期未受理：{received.code}") in titles


def test_answer_due_soon_then_overdue(transferred, unit_user, staff):
    due = transferred.answer_due
    assert reminders.sweep(due - timedelta(days=10)) == 0
    assert reminders.sweep(due - timedelta(days=2)) == 1
    assert reminders.sweep(due - timedelta(days=1)) == 0
    assert reminders.sweep(due + timedelta(days=1)) == 1
    assert Notification.objects.filter(user=unit_user, title__startswith="转办留言").count() == 2
    assert Notification.objects.filter(user=staff, title__contains="已超期").exists()


def test_sweep_task_audits_new_messages(received):
    from renda.core.models import AuditEvent

    sweep.call()
    assert AuditEvent.objects.filter(action="station_message.received").count() == 1
