"""Behind a reverse proxy the client's address comes from X-Forwarded-For, and only when
the request came from a trusted proxy."""

from __future__ import annotations

import os
import subprocess
import sys

from django.test import RequestFactory, override_settings

from renda.core.middleware import ClientAddressMiddleware


def seen(peer: str, forwarded: str | None, trusted=("127.0.0.1", "::1")) -> tuple[str, str | None]:
    """(REMOTE_ADDR, RENDA_PROXY_ADDR) as the views see them."""
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)
    with override_settings(RENDA_TRUSTED_PROXIES=list(trusted)):
        ClientAddressMiddleware(lambda r: r)(request)
    return request.META["REMOTE_ADDR"], request.META.get("RENDA_PROXY_ADDR")


def test_a_proxy_on_this_machine_names_the_client():
    assert seen("127.0.0.1", "203.0.113.9") == ("203.0.113.9", "127.0.0.1")
    assert seen("::1", "2001:db8::7") == ("2001:db8::7", "::1")


def test_what_the_client_wrote_itself_is_not_believed():
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    assert seen("127.0.0.1", "1.2.3.4, 203.0.113.9") == ("203.0.113.9", "127.0.0.1")


def test_a_header_from_anyone_else_is_ignored():
    assert seen("198.51.100.4", "203.0.113.9") == ("198.51.100.4", None)
    assert seen("127.0.0.1", "203.0.113.9", trusted=()) == ("127.0.0.1", None)
    assert seen("127.0.0.1", None) == ("127.0.0.1", None)


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    trusted = ("127.0.0.1", "10.0.0.0/8")
    assert seen("127.0.0.1", "203.0.113.9, 10.1.1.1", trusted) == ("203.0.113.9", "127.0.0.1")
    # Only proxies in the header: the left-most is the client (a staff machine inside).
    assert seen("127.0.0.1", "10.2.2.2, 10.1.1.1", trusted) == ("10.2.2.2", "127.0.0.1")


def test_garbage_stops_the_walk_at_the_last_trusted_hop():
    assert seen("127.0.0.1", "203.0.113.9, not-an-ip") == ("127.0.0.1", "127.0.0.1")
    assert seen("127.0.0.1", "") == ("127.0.0.1", None)


def test_a_wrong_trusted_proxy_setting_stops_the_start(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "renda.settings", "SECRET_KEY": "w" * 50,
           "RENDA_DATA_DIR": str(tmp_path), "RENDA_TRUSTED_PROXIES": "127.0.0.1, nginx"}
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "RENDA_TRUSTED_PROXIES: 'nginx'" in run.stderr
