"""Sign-in by username or phone, with lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import audit
from .models import SecurityPolicy, User


class AccountLocked(Exception):
    def __init__(self, until: Any) -> None:
        self.until = until


class UsernameOrPhoneBackend(ModelBackend):
    """Authenticates with a username or an 11-digit phone number.

    After ``SecurityPolicy.max_failed_logins`` consecutive failures the account is locked
    for ``lockout_minutes``; while locked even the right password is refused.
    """

    def authenticate(self, request: Any, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.get_by_login(username)
        if user is None:
            # Spend the same time as a real check so that timing does not reveal users.
            User().set_password(password)
            return None
        now = timezone.now()
        if user.is_locked(now):
            raise AccountLocked(user.locked_until)
        if not user.is_active:
            # A deactivated account is refused without counting towards a lock-out.
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        register_failure(user, request)
        return None


def register_failure(user: User, request: Any = None) -> None:
    policy = SecurityPolicy.for_congress(user.congress_id)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        if user.failed_logins >= policy.max_failed_logins:
            until = timezone.now() + timedelta(minutes=policy.lockout_minutes)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
            audit.record("auth.locked", obj=user, request=request, congress=user.congress_id,
                         summary={"user": user.username, "minutes": policy.lockout_minutes})
        else:
            audit.record("auth.failed", obj=user, request=request, congress=user.congress_id,
                         summary={"user": user.username, "failures": user.failed_logins})
