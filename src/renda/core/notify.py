"""In-app notifications, with an e-mail copy sent by the task worker."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import Notification, User


def notify(users: Iterable[User], title: str, body: str = "", url: str = "",
           congress: Any = None) -> list[Notification]:
    """Create one notification per user; e-mails go out after the transaction commits."""
    items = [
        Notification(user=u, title=title[:200], body=body, url=url,
                     congress_id=getattr(congress, "pk", congress))
        for u in users
    ]
    created = Notification.objects.bulk_create(items)
    if settings.RENDA_EMAIL_NOTIFICATIONS:
        ids = [n.pk for n in created if n.pk and n.user.email]
        if ids:
            from .tasks import email_notifications

            transaction.on_commit(lambda: email_notifications.enqueue(ids))
    return created
