"""Parallel messages from one address at its limit (PostgreSQL; SQLite has one writer)."""

from __future__ import annotations

import pytest
from django.db import connection

from renda.stations import actions, antiabuse
from renda.stations.models import Message
from tests.conftest import run_at_once

from .conftest import message_data


@pytest.mark.django_db(transaction=True)
def test_parallel_messages_from_one_address_never_pass_the_limit(station):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite allows one writer; run with DATABASE_URL=postgres://…")
    for i in range(antiabuse.ip_limit() - 1):
        actions.submit_message(station=station, data=message_data(phone=f"1381000000{i}"),
                               ip="10.9.9.9")
    n = 6
    data = [message_data(phone=f"1382000000{i}") for i in range(n)]
    results = run_at_once(
        lambda d: actions.submit_message(station=station, data=d, ip="10.9.9.9"), data)
    saved = [r for r in results if isinstance(r, Message)]
    refused = [r for r in results if isinstance(r, antiabuse.RateLimited)]
    assert len(saved) == 1 and len(refused) == n - 1, results
    assert Message.objects.filter(ip_hash=antiabuse.digest("ip", "10.9.9.9")).count() \
        == antiabuse.ip_limit()
    assert Message.objects.get(pk=saved[0].pk).transitions.get().to_status == "received"
