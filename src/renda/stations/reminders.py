"""Deadline reminders for citizens' messages, sent by the task worker (``stations.tasks``).

- a received message not accepted by its accept date reminds the staff and the station's
  keepers, once per message;
- a transferred message due within 3 days reminds the unit once; overdue, it reminds the
  unit and the staff once per due date.

Each reminder is claimed by inserting a ``Reminder`` row with a unique key in the same
transaction as its notifications, so two sweeps never send the same one twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core.models import Role, User
from renda.core.notify import notify

from .actions import users_for
from .models import Message, MessageStatus, Reminder, TransferKind

SOON_DAYS = 3


def _claim(key: str, message: Message, send: Callable[[], int]) -> int:
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reminder.objects.create(key=key, message=message)
        except IntegrityError:
            return 0
        if send() == 0:
            transaction.set_rollback(True)
            return 0
    return 1


def sweep(today=None) -> int:
    today = today or timezone.localdate()
    sent = 0
    claimed = set(Reminder.objects.filter(sent_at__gte=timezone.now() - timedelta(days=400))
                  .values_list("key", flat=True))
    for m in (Message.objects.filter(status=MessageStatus.RECEIVED, accept_due__lt=today)
              .select_related("station")):
        key = f"accept:{m.pk}"
        if key in claimed:
            continue

        def send(m: Message = m) -> int:
            people = users_for(m.congress_id, Role.STAFF)
            if m.station_id:
                people += [u for u in m.station.keepers.filter(is_active=True) if u not in people]
            notify(people, f"群众留言超期未受理：{m.code}",
                   f"受理期限是{m.accept_due:%Y年%m月%d日}，请尽快受理或说明理由不予受理。",
                   f"/stations/messages/{m.pk}/", m.congress_id)
            return len(people)
        sent += _claim(key, m, send)
    for m in (Message.objects.filter(status=MessageStatus.TRANSFERRED, transfer_kind=TransferKind.UNIT,
                                     answer_due__lte=today + timedelta(days=SOON_DAYS))
              .select_related("unit")):
        overdue = m.answer_due < today
        key = f"{'overdue' if overdue else 'soon'}:{m.pk}:{m.answer_due.isoformat()}"
        if key in claimed:
            continue

        def send(m: Message = m, overdue: bool = overdue) -> int:
            people: list[User] = users_for(m.congress_id, Role.UNIT, m.unit_id)
            if overdue:
                people += [u for u in users_for(m.congress_id, Role.STAFF) if u not in people]
            what = "已超期" if overdue else "即将到期"
            notify(people, f"转办留言{what}：{m.code}（{m.unit.name}）",
                   f"答复期限是{m.answer_due:%Y年%m月%d日}。", f"/stations/messages/{m.pk}/",
                   m.congress_id)
            return len(people)
        sent += _claim(key, m, send)
    return sent
