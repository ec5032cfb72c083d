"""Background tasks of the core app, run by `renda worker`."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from .models import Notification


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail each notification once; a row already e-mailed is skipped (claimed first)."""
    sent = 0
    for note in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not note.user.email:
            continue
        link = f"\n\n{settings.RENDA_SITE_URL}{note.url}" if note.url else ""
        send_mail(f"【数字人大】{note.title}", f"{note.body}{link}",
                  settings.DEFAULT_FROM_EMAIL, [note.user.email], fail_silently=False)
        sent += 1
    return sent
