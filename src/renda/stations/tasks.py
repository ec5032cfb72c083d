"""Background tasks of the stations app, run by `renda worker`."""

from __future__ import annotations

from django.tasks import task


@task()
def sweep() -> int:
    """Append the audit events of new public messages, then send the deadline reminders."""
    from .actions import audit_received
    from .reminders import sweep as remind

    return audit_received() + remind()
