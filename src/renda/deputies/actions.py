"""The writers of mandates outside the roster import: ending and restoring a mandate."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import DomainError
from renda.core.models import User
from renda.core.perms import Perm, has_perm

from .models import EndReason, Mandate, MandateStatus


def end_mandate(actor: User, mandate: Mandate, reason: str, end_date: date, note: str = "",
                *, request: Any = None) -> Mandate:
    """End a deputy's mandate (代表资格终止) with its reason (辞职、罢免、调离、去世…).

    The end date may not precede the start of the mandate nor lie in the future; the
    person, their history and their other mandates stay.
    """
    if not has_perm(actor, Perm.DEPUTIES_MANAGE, mandate.congress_id):
        raise DomainError("您没有此项权限。")
    if reason not in EndReason.values:
        raise DomainError("请选择终止原因。", field="reason")
    if end_date > timezone.localdate():
        raise DomainError("终止日期不能晚于今天。", field="end_date")
    if end_date < mandate.start_date:
        raise DomainError("终止日期不能早于当选日期。", field="end_date")
    if len(note) > 200:
        raise DomainError("说明最长200个字。", field="note")
    with transaction.atomic():
        locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if locked.status != MandateStatus.ACTIVE:
            raise DomainError(f"该代表资格已于 {locked.end_date:%Y-%m-%d} 终止。")
        locked.status = MandateStatus.ENDED
        locked.end_reason = reason
        locked.end_date = end_date
        locked.end_note = note.strip()
        locked.save(update_fields=["status", "end_reason", "end_date", "end_note"])
        audit.record("deputies.mandate_ended", actor=actor, congress=locked.congress_id,
                     obj=locked, request=request, summary={
                         "deputy": locked.deputy.name, "reason": reason,
                         "end_date": end_date.isoformat(), "note": locked.end_note})
    return locked
