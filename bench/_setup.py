"""Start Django on a fresh database for a benchmark: a new SQLite file in a temporary
directory, or — when DATABASE_URL points at PostgreSQL — a fresh `test_…` database that is
dropped at the end."""

from __future__ import annotations

import atexit
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> str:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
    os.environ.setdefault("RENDA_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    tmp = tempfile.mkdtemp(prefix="renda-bench-")
    os.environ["RENDA_DATA_DIR"] = tmp
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        atexit.register(connection.creation.destroy_test_db, old_name, verbosity=0)
        where = "PostgreSQL"
    else:
        call_command("migrate", verbosity=0)
        where = f"SQLite file in {tmp}"
    return f"{where}; Python {platform.python_version()} on {platform.machine()}, " \
           f"{os.cpu_count()} CPUs"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(port: int) -> list[str]:
    """Gunicorn as docs/operations.md recommends for production: the application imported
    once before the workers fork (``--preload``), 2 × CPUs + 1 sync workers."""
    workers = 2 * (os.cpu_count() or 1) + 1
    return [sys.executable, "-m", "gunicorn", "renda.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--preload", "--workers", str(workers),
            "--worker-class", "sync", "--log-level", "warning"]


def server_label() -> str:
    return f"Gunicorn --preload, {2 * (os.cpu_count() or 1) + 1} sync workers"


def start_server(port: int, env: dict[str, str]):
    """Start the production server on 127.0.0.1:``port`` and wait for /healthz."""
    import http.client
    import subprocess
    import time

    proc = subprocess.Popen(server_command(port), cwd=ROOT, env=env)  # noqa: S603
    deadline = time.time() + 240  # a loaded machine may take a while to import Django
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("Gunicorn exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("Gunicorn did not start")
