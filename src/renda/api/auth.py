"""Bearer tokens for the phone app, and session auth for the browser (with CSRF)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from renda.core.models import ApiToken, User


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        try:
            record = ApiToken.objects.select_related("user").get(
                key_hash=ApiToken.hash_key(token))
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        if not record.is_valid(now):
            return None
        if record.user.must_change_password and request.path != PASSWORD_PATH:
            # Imported or reset accounts must set their own password first, as in the browser.
            return None
        if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        request.api_token = record
        return record.user


PASSWORD_PATH = "/api/v1/me/password"  # noqa: S105


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if (user is not None and getattr(user, "must_change_password", False)
                and request.path != PASSWORD_PATH):
            return None
        return user


def issue_token(user: User) -> tuple[str, ApiToken]:
    key = secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash_key(key), prefix=key[:8],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS))
    return key, record


AUTH = [TokenAuth(), ActiveSessionAuth()]
