"""Idle session timeout and the forced password change of imported accounts."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import SecurityPolicy

LAST_SEEN_KEY = "renda_last_seen"


class IdleTimeoutMiddleware:
    """Signs a user out after a period without requests (default 30 minutes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_seconds = SecurityPolicy.for_congress(
                user.congress_id).effective_idle_minutes * 60
            if last_seen is not None and now - last_seen > idle_seconds:
                logout(request)
                messages.info(request, "长时间未操作，已自动退出，请重新登录。")
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('core:login')}?{query}")
            # Writing on every request would touch the session table each time; once a
            # minute is precise enough for a 30-minute timeout.
            if last_seen is None or now - last_seen > 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Sends users who must change their password to the change form and nowhere else."""

    ALLOWED_PREFIXES = ("/static/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("core:password_change"), reverse("core:logout")}
            if request.path not in allowed and not request.path.startswith(
                self.ALLOWED_PREFIXES
            ):
                return redirect("core:password_change")
        return self.get_response(request)
