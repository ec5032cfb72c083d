"""Background retraining of routing models, run by `renda worker`."""

from __future__ import annotations

from django.tasks import task


@task()
def retrain(congress_id: int, reason: str = "auto") -> int | None:
    """Train a new model for one congress; returns its version (None if refused)."""
    from renda.core.errors import DomainError
    from renda.core.models import Congress

    from .actions import train
    from .models import RetrainState

    congress = Congress.objects.filter(pk=congress_id).first()
    if congress is None:
        return None
    try:
        return train(congress, reason=reason).version
    except DomainError:
        return None
    finally:
        # release the claim whatever happened, so the next batch of assignments can queue again
        RetrainState.objects.filter(congress_id=congress_id).update(queued_at=None)
