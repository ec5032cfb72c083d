"""A fixed-window rate limiter on Django's cache (per process; use a shared cache in
production so that limits hold across app servers)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one hit; False when ``limit`` hits were already made in this window."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{digest}:{bucket}"
    added = cache.add(cache_key, 1, timeout=window + 5)
    if added:
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window + 5)
        return True
    return count <= limit
