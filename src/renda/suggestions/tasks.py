"""Background tasks of the suggestions app, run by `renda worker`."""

from __future__ import annotations

from django.tasks import task


@task()
def remind() -> int:
    """Send the deadline and evaluation reminders that are due (each exactly once)."""
    from .reminders import sweep

    return sweep()
