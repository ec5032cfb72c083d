"""A fixed-window rate limiter counted in the database (``RateCounter``), so that a limit
holds across every Gunicorn worker and every app server: a per-process cache would let
each of N workers allow the full limit."""

from __future__ import annotations

import hashlib
import random
import time
from datetime import UTC, datetime

from django.db import connection

from .models import RateCounter


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one hit; False when ``limit`` hits were already made in this window.

    One statement, atomic on PostgreSQL and SQLite alike: the row of this scope and key is
    inserted, or its count raised (and reset when a new window began). Parallel hits
    queue on the row, so none is lost."""
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    expires = datetime.fromtimestamp((bucket + 1) * window, tz=UTC)
    table, q = RateCounter._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(table)} (digest, bucket, count, expires_at) "  # noqa: S608
            "VALUES (%s, %s, 1, %s) ON CONFLICT (digest) DO UPDATE SET "
            f"count = CASE WHEN {q(table)}.bucket = excluded.bucket "
            f"THEN {q(table)}.count + 1 ELSE 1 END, "
            "bucket = excluded.bucket, expires_at = excluded.expires_at RETURNING count",
            [digest, bucket, expires])
        count = cursor.fetchone()[0]
        if random.random() < 0.001:  # housekeeping now and then: drop the ended windows
            cursor.execute(f"DELETE FROM {q(table)} WHERE expires_at < %s",  # noqa: S608
                           [datetime.fromtimestamp(now, tz=UTC)])
    return count <= limit
