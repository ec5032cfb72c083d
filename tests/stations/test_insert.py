"""PostgreSQL: the message form writes its rows with one statement of its own
(``actions._insert_received``), with most column values computed once per process. It must
write exactly what ``Model.save`` would."""

from __future__ import annotations

import pytest
from django.db import connection

from renda.stations import actions, antiabuse
from renda.stations.models import Message, MessageStatus

from .conftest import message_data

pytestmark = pytest.mark.django_db

# Columns that differ between any two messages.
OWN = {"id", "code", "created_at", "updated_at"}


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the single-statement insert is PostgreSQL's; run with DATABASE_URL")


def test_the_form_writes_what_model_save_writes(station):
    data = message_data()
    m = actions.submit_message(station=station, data=data, ip="10.8.8.8")
    row = Message.objects.get(pk=m.pk)
    reference = Message(congress_id=station.congress_id, station=station, code="REFERENCE1",
                        category=data.category, content=data.content, name=data.name,
                        phone=data.phone, ip_hash=antiabuse.digest("ip", "10.8.8.8"),
                        phone_hash=antiabuse.digest("phone", data.phone), audited=False,
                        accept_due=row.accept_due)
    reference.save()
    reference = Message.objects.get(pk=reference.pk)
    for f in Message._meta.concrete_fields:
        if f.attname not in OWN:
            assert getattr(row, f.attname) == getattr(reference, f.attname), f.name
    assert row.status == MessageStatus.RECEIVED and not row.audited
    assert abs((row.updated_at - row.created_at).total_seconds()) < 5
    step = row.transitions.get()
    assert (step.from_status, step.to_status, step.actor_id, step.note) == ("", "received",
                                                                           None, "")
    assert abs((step.at - row.created_at).total_seconds()) < 5


@pytest.fixture
def inserted(monkeypatch) -> list[Message]:
    """The messages handed to the single-statement insert, as they were handed over."""
    seen: list[Message] = []
    original = actions._insert_received

    def spy(m: Message) -> bool:
        seen.append(m)
        return original(m)

    monkeypatch.setattr(actions, "_insert_received", spy)
    return seen


def test_values_kept_for_the_process_are_those_of_every_new_message(station, inserted):
    """A column submit_message sets must not be among the values computed once: if it
    were, every message would be written with the first one's value."""
    actions.submit_message(station=station, data=message_data(), ip="10.8.8.9")
    _columns, _t_columns, fixed, _sql = actions._received_sql()
    (m,) = inserted
    for f in Message._meta.concrete_fields:
        if f.attname in fixed:
            prepared = actions._param(f.get_db_prep_save(f.pre_save(m, add=True), connection))
            assert prepared == fixed[f.attname], f.name
    assert {"code", "content", "phone", "ip_hash", "station_id"}.isdisjoint(fixed)


def test_columns_written_as_they_are_are_what_their_fields_would_write(station, inserted):
    """The columns passed to the driver without their field's conversion: the field's
    conversion would have given the same value, for a message with every optional part."""
    data = message_data(name="张三", phone="13912345678")
    actions.submit_message(station=station, data=data, ip="10.8.8.10")
    columns = actions._received_sql()[0]
    (m,) = inserted
    as_is = [f for f, how in columns if how == actions.AS_IS]
    assert {"code", "content", "phone", "station", "accept_due"} <= {f.name for f in as_is}
    assert not {"photo", "updated_at"} & {f.name for f in as_is}  # stored; auto_now
    for f in as_is:
        assert actions._param(getattr(m, f.attname)) == actions._param(
            f.get_db_prep_save(f.pre_save(m, add=True), connection)), f.name


def test_values_kept_for_the_process_are_quoted_into_the_statement(station, monkeypatch):
    """The values shared by every message are literals of the statement: quotes and the
    driver's % are escaped (a value with them is written as it is)."""
    original = actions._fixed_values

    def with_marks(blank, fields, set_per_row):
        fixed = original(blank, fields, set_per_row)
        if "answered_by" in fixed:
            fixed["answered_by"] = "100%'办结 %s"
        return fixed

    monkeypatch.setattr(actions, "_fixed_values", with_marks)
    actions._received_sql.cache_clear()
    try:
        m = actions.submit_message(station=station, data=message_data(), ip="10.8.8.11")
    finally:
        actions._received_sql.cache_clear()
    assert Message.objects.get(pk=m.pk).answered_by == "100%'办结 %s"
