"""Background roster import, so that a large file shows a progress bar in the browser."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import ImportStatus, RosterImport
from .roster import RosterError, import_roster


@task()
def run_roster_import(import_id: int) -> str:
    job = RosterImport.objects.select_related("congress", "created_by").get(pk=import_id)
    claimed = RosterImport.objects.filter(pk=job.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING)
    if not claimed:
        return "already running or done"

    def progress(done: int, total: int) -> None:
        # Reading and checking (the long half) happen outside the import's transaction,
        # so the browser sees these updates as they are made.
        RosterImport.objects.filter(pk=job.pk).update(processed=done, total=total)

    try:
        with job.file.open("rb") as fh:
            result = import_roster(fh, job.congress, job.created_by,
                                   allow_partial=job.allow_partial, progress=progress)
    except RosterError as exc:
        RosterImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, errors=[{"row": 0, "column": "", "message": str(exc)}],
            finished_at=timezone.now())
        return "failed"
    with transaction.atomic():
        RosterImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE if result.imported else ImportStatus.FAILED,
            created_count=result.created, updated_count=result.updated,
            errors=[e.as_dict() for e in result.errors], finished_at=timezone.now(),
        )
    return "done" if result.imported else "failed"
