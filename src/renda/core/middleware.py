"""The client's address behind a reverse proxy, the idle session timeout and the forced
password change of imported accounts."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import SecurityPolicy

LAST_SEEN_KEY = "renda_last_seen"


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class ClientAddressMiddleware:
    """Behind a reverse proxy every request comes from the proxy's address, so the limits
    per address (public messages, sign-in, tracking pages) would count all citizens as one
    and the audit log would name the proxy. When the direct peer is a trusted proxy
    (``RENDA_TRUSTED_PROXIES``, default this machine), ``REMOTE_ADDR`` becomes the client
    that ``X-Forwarded-For`` names: the right-most address that is not itself a trusted
    proxy (everything left of it was written by the client and proves nothing). The
    proxy's own address is kept in ``META["RENDA_PROXY_ADDR"]``. From any other peer the
    header is ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = [ipaddress.ip_network(n, strict=False)
                        for n in settings.RENDA_TRUSTED_PROXIES]

    def _trusted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in self.trusted)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        if forwarded:
            peer = _address(request.META.get("REMOTE_ADDR", ""))
            if peer is not None and self._trusted(peer):
                client = peer
                for hop in reversed(forwarded.split(",")):
                    address = _address(hop)
                    if address is None:  # garbage: keep the last hop a trusted proxy named
                        break
                    client = address
                    if not self._trusted(address):
                        break
                request.META["RENDA_PROXY_ADDR"] = request.META["REMOTE_ADDR"]
                request.META["REMOTE_ADDR"] = str(client)
        return self.get_response(request)


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
