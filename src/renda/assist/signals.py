"""Count new assignments per congress — suggestions handed to units and citizens' messages
transferred to units — so the routing models are retrained after enough of them (see
actions.note_new_assignment). Reads the other apps' rows; writes only ours."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from renda.stations.models import Message, TransferKind
from renda.suggestions.models import Assignment, AssignmentKind

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Assignment, dispatch_uid="assist_count_assignment")
def _count(sender: Any, instance: Assignment, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw or instance.kind == AssignmentKind.CO:
        return
    _note(instance.suggestion.congress_id)


@receiver(post_save, sender=Message, dispatch_uid="assist_count_message_transfer")
def _count_transfer(sender: Any, instance: Message, created: bool, raw: bool = False,
                    update_fields: Any = None, **kwargs: Any) -> None:
    # The transfer action saves exactly these fields; other saves of a message do not count.
    if raw or not update_fields or "transferred_at" not in update_fields \
            or instance.transfer_kind != TransferKind.UNIT:
        return
    _note(instance.congress_id)


def _note(congress_id: int) -> None:
    from .actions import note_new_assignment

    try:
        with transaction.atomic():  # a savepoint: counting must never undo the assignment
            note_new_assignment(congress_id)
    except DatabaseError:
        logger.exception("could not count the new assignment for retraining")
