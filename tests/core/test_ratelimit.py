"""The rate limiter counts in the database: exact under parallel hits, per scope and key,
and a new window starts from zero."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from renda.core.models import RateCounter
from renda.core.ratelimit import hit
from tests.conftest import run_at_once


@pytest.mark.django_db
def test_limit_then_refused_per_scope_and_key_and_reset_in_a_new_window():
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start, tick=False):
        assert [hit("s", "1.2.3.4", limit=3, window=60) for _ in range(5)] == \
            [True, True, True, False, False]
        assert hit("s", "1.2.3.5", limit=3, window=60)       # another address
        assert hit("other", "1.2.3.4", limit=3, window=60)   # another scope
        assert RateCounter.objects.count() == 3
        assert "1.2.3.4" not in "".join(RateCounter.objects.values_list("digest", flat=True))
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert hit("s", "1.2.3.4", limit=3, window=60)       # the next window
        assert RateCounter.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_parallel_hits_are_counted_exactly():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real parallel writers")
    n, limit = 20, 5
    results = run_at_once(lambda _: hit("parallel", "9.9.9.9", limit=limit, window=3600),
                          range(n))
    assert results.count(True) == limit and results.count(False) == n - limit, results
    assert RateCounter.objects.get().count == n
