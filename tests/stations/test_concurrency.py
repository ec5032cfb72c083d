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
    # Three addresses in turn: one burst may happen to run one after another.
    for address in ("10.9.9.1", "10.9.9.2", "10.9.9.3"):
        for i in range(antiabuse.ip_limit() - 1):
            actions.submit_message(station=station, data=message_data(phone=f"1381000000{i}"),
                                   ip=address)
        n = 6
        data = [message_data(phone=f"1382000000{i}") for i in range(n)]
        results = run_at_once(
            lambda d, address=address: actions.submit_message(station=station, data=d,
                                                              ip=address), data)
        saved = [r for r in results if isinstance(r, Message)]
        refused = [r for r in results if isinstance(r, antiabuse.RateLimited)]
        assert len(saved) == 1 and len(refused) == n - 1, (address, results)
        assert Message.objects.filter(ip_hash=antiabuse.digest("ip", address)).count() \
            == antiabuse.ip_limit()
        assert Message.objects.get(pk=saved[0].pk).transitions.get().to_status == "received"
