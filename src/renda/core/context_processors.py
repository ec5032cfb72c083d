from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Notification
from .perms import Perm, has_perm_anywhere


def renda(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {
        "unread_count": unread,
        "nav": {
            "deputies": has_perm_anywhere(user, Perm.DEPUTIES_VIEW),
            "orgs": has_perm_anywhere(user, Perm.ORGS_VIEW),
            "import": has_perm_anywhere(user, Perm.DEPUTIES_IMPORT),
            "users": has_perm_anywhere(user, Perm.USERS_MANAGE)
            or has_perm_anywhere(user, Perm.ROLES_ASSIGN),
            "security": has_perm_anywhere(user, Perm.SECURITY_MANAGE),
            "audit": has_perm_anywhere(user, Perm.AUDIT_READ),
            "my_suggestions": has_perm_anywhere(user, Perm.SUGGESTIONS_WRITE),
            "suggestions": has_perm_anywhere(user, Perm.SUGGESTIONS_VIEW_ALL)
            or has_perm_anywhere(user, Perm.SUGGESTIONS_FOLLOW),
            "inbox": has_perm_anywhere(user, Perm.SUGGESTIONS_HANDLE),
            "figures": has_perm_anywhere(user, Perm.SUGGESTIONS_FIGURES),
            "station_messages": has_perm_anywhere(user, Perm.STATIONS_VIEW_ALL),
            "station_inbox": has_perm_anywhere(user, Perm.STATIONS_ANSWER),
            "station_keeper": has_perm_anywhere(user, Perm.STATIONS_KEEP),
            "suggestion_settings": has_perm_anywhere(user, Perm.CONFIG_MANAGE),
            "assist": has_perm_anywhere(user, Perm.ASSIST_MANAGE),
            "my_archive": has_perm_anywhere(user, Perm.ARCHIVE_OWN),
            "archive": has_perm_anywhere(user, Perm.ARCHIVE_MANAGE),
            "archive_table": has_perm_anywhere(user, Perm.ARCHIVE_VIEW_ALL),
            "archive_verify": has_perm_anywhere(user, Perm.ARCHIVE_VERIFY),
            "voting": has_perm_anywhere(user, Perm.VOTING_VIEW)
            or has_perm_anywhere(user, Perm.VOTING_CAST),
        },
    }
