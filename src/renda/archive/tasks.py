"""Background tasks of the archive, run by `renda worker`."""

from __future__ import annotations

from django.tasks import task


@task()
def remind_summary() -> int:
    """Remind staff before the yearly summary date (each congress and year once)."""
    from .reminders import sweep

    return sweep()


@task()
def compute_scores(congress_id: int, year: int) -> int:
    """Recompute a year's scores, grades and rankings."""
    from .scoring import compute_year

    return compute_year(congress_id, year).deputies
