"""The whole life of one suggestion through the actions, as in DESIGN §5.1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from renda.core.models import AuditEvent, Notification
from renda.suggestions import actions
from renda.suggestions.models import (
    AssignmentStatus,
    CommitmentStatus,
    Status,
    Suggestion,
    Transition,
)

from .conftest import co_assignment, lead_assignment

pytestmark = pytest.mark.django_db


def test_from_draft_to_closed_with_a_second_reply(handling, unit_user, unit2_user,
                                                  deputy_user, staff):
    s = handling
    assert s.number.startswith("十六届二次〔") and s.number.endswith("第0001号")
    actions.send_co_view(unit2_user, co_assignment(s), "我局同意主办单位意见，将配合做好交通组织。")
    lead = lead_assignment(s)
    for stage in ("before", "during", "after"):
        actions.record_contact(unit_user, lead, stage=stage, way="phone",
                               contact_date=timezone.localdate(), summary="与代表电话沟通办理情况。")
    due = timezone.localdate() + timedelta(days=90)
    actions.reply(unit_user, lead, reply_class="B", text="已列入明年计划，分两批推进加装电梯工作。" * 2,
                  commitments=[actions.CommitmentData("完成首批50台加装", due),
                               actions.CommitmentData("出台补贴办法", due)])
    s.refresh_from_db()
    assert s.status == Status.REPLIED
    actions.evaluate(deputy_user, s, "unsatisfied", "进度太慢，请加快。")
    s.refresh_from_db()
    assert s.status == Status.REHANDLING
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.REHANDLING
    actions.reply(unit_user, lead, reply_class="A", text="已完成首批加装并出台补贴办法，详见附件。" * 2)
    s.refresh_from_db()
    assert s.status == Status.REPLIED
    actions.evaluate(deputy_user, s, "satisfied")
    s.refresh_from_db()
    # The B-class commitments of the first reply are still open: the ledger tracks them.
    assert s.status == Status.TRACKING
    for c in s.commitments.all():
        actions.update_commitment(unit_user, c, "已全部落实。", done=True)
    s.refresh_from_db()
    assert s.status == Status.CLOSED and s.closed_at is not None
    assert s.commitments.filter(status=CommitmentStatus.OPEN).count() == 0
    path = list(Transition.objects.filter(suggestion=s).values_list("to_status", flat=True))
    assert path == ["draft", "submitted", "under_review", "registered", "assigned", "handling",
                    "replied", "rehandling", "replied", "evaluated", "tracking", "closed"]
    assert AuditEvent.objects.filter(action__startswith="suggestion.").count() >= 12
    assert Notification.objects.filter(user=deputy_user).exists()


def test_numbers_are_consecutive_per_session(deputy_user, city, category, session, staff):
    from .conftest import write

    numbers = []
    for i in range(3):
        s = write(deputy_user, city, category, title=f"关于第{i}件事情的建议")
        actions.submit(deputy_user, s)
        numbers.append(actions.register(staff, s).number[-6:])
    assert numbers == ["第0001号", "第0002号", "第0003号"]
    assert Suggestion.objects.filter(status=Status.REGISTERED).count() == 3
