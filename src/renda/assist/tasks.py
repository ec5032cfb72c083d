"""Background retraining of routing models, run by `renda worker`."""

from __future__ import annotations

from django.tasks import task


@task()
def retrain(congress_id: int, reason: str = "auto") -> int | None:
    """Train new models for one congress: for suggestions, and for citizens' messages when
    there are enough transfers. Returns the suggestion model's version (None if refused)."""
    from renda.core.errors import DomainError
    from renda.core.models import Congress

    from .actions import train
    from .models import RetrainState

    congress = Congress.objects.filter(pk=congress_id).first()
    if congress is None:
        return None
    from .models import RoutingTarget

    try:
        try:
            version = train(congress, reason=reason).version
        except DomainError:
            version = None
        try:
            train(congress, reason=reason, target=RoutingTarget.MESSAGE_UNIT)
        except DomainError:
            pass  # too few transferred messages yet: the suggestion model serves them
        return version
    finally:
        # release the claim whatever happened, so the next batch of assignments can queue again
        RetrainState.objects.filter(congress_id=congress_id).update(queued_at=None)
