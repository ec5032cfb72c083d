"""Count new assignments per congress so the routing model is retrained after enough of
them (see actions.note_new_assignment). Reads the suggestions app's rows; writes only ours."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from renda.suggestions.models import Assignment, AssignmentKind

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Assignment, dispatch_uid="assist_count_assignment")
def _count(sender: Any, instance: Assignment, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw or instance.kind == AssignmentKind.CO:
        return
    from .actions import note_new_assignment

    try:
        with transaction.atomic():  # a savepoint: counting must never undo the assignment
            note_new_assignment(instance.suggestion.congress_id)
    except DatabaseError:
        logger.exception("could not count the new assignment for retraining")
