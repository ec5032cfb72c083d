"""Suggestions become duty records through their transition log (no change to their code).

A ``Transition`` row is written inside the suggestion action's transaction, after the move
was checked and before the suggestion is saved: ``to_status`` is the new state, and the
co-signers confirmed by then are final (co-signing closes at registration). The record is
made in the same transaction, so a refused or rolled-back action leaves no record.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

logger = logging.getLogger("renda.archive")

VOIDING_STATES = {"not_registered", "merged", "withdrawn"}


def _on_transition(sender: Any, instance: Any, created: bool, raw: bool = False,
                   **kwargs: Any) -> None:
    if not created or raw:
        return
    if instance.to_status != "registered" and instance.to_status not in VOIDING_STATES:
        return
    from . import capture
    from .models import RecordKind

    s = instance.suggestion
    source = f"suggestion:{s.pk}"
    if instance.to_status in VOIDING_STATES:
        reason = {"merged": "建议已并案", "not_registered": "建议未立案"}.get(
            instance.to_status, "建议已撤回")
        capture.void_source(source, reason=reason, actor=instance.actor)
        return
    from renda.suggestions.models import CoSignerStatus

    day = timezone.localdate(instance.at)
    title = f"《{s.title}》"
    capture.record(s.lead_deputy_id, RecordKind.SUGGESTION, f"{source}:lead:{s.lead_deputy_id}",
                   day, congress=s.congress_id, title=f"领衔提出建议{title}", source=source,
                   actor=instance.actor)
    for deputy_id in s.cosigners.filter(status=CoSignerStatus.CONFIRMED).values_list(
            "deputy_id", flat=True):
        capture.record(deputy_id, RecordKind.COSIGN, f"{source}:co:{deputy_id}", day,
                       congress=s.congress_id, title=f"附议建议{title}", source=source,
                       actor=instance.actor)


@receiver(post_save, sender="suggestions.Transition", dispatch_uid="archive.suggestion_records")
def suggestion_transition(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # A savepoint: should the archive fail, the suggestion's own change still goes through
    # (the failure is logged; ``renda archive_resync`` makes the missing records).
    try:
        with transaction.atomic():
            _on_transition(sender, instance, created, **kwargs)
    except Exception:
        logger.exception("duty record for suggestion transition %s failed", instance.pk)


def resync_suggestions() -> tuple[int, int]:
    """Bring the records in line with the suggestions as they are now (after an outage of
    the capture, or for suggestions registered before the archive existed)."""
    from renda.suggestions.models import CoSignerStatus, Status, Suggestion

    from . import capture
    from .models import RecordKind

    made = voided = 0
    for s in Suggestion.objects.filter(registered_at__isnull=False).prefetch_related("cosigners"):
        source = f"suggestion:{s.pk}"
        if s.status in (Status.MERGED, Status.NOT_REGISTERED):
            voided += capture.void_source(source, reason="建议已并案或未立案")
            continue
        day = timezone.localdate(s.registered_at)
        _, changed = capture.record(s.lead_deputy_id, RecordKind.SUGGESTION,
                                    f"{source}:lead:{s.lead_deputy_id}", day,
                                    congress=s.congress_id, title=f"领衔提出建议《{s.title}》",
                                    source=source)
        made += changed
        for c in s.cosigners.all():
            if c.status == CoSignerStatus.CONFIRMED:
                _, changed = capture.record(c.deputy_id, RecordKind.COSIGN,
                                            f"{source}:co:{c.deputy_id}", day,
                                            congress=s.congress_id,
                                            title=f"附议建议《{s.title}》", source=source)
                made += changed
    return made, voided
