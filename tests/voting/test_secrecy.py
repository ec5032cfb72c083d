"""Nothing links a deputy to a ballot: columns, indexes, order, audit, logs."""

from __future__ import annotations

import logging

import pytest
from django.db import connection, models

from renda.core.models import AuditEvent, Notification
from renda.voting import actions
from renda.voting.models import Ballot, Receipt

from .conftest import ballot


def test_ballot_table_has_no_deputy_user_time_or_sequence_column():
    fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(fields) == {"id", "round", "kind", "choices", "valid", "tracker_hash"}
    assert isinstance(fields["id"], models.UUIDField)
    for f in fields.values():
        assert not isinstance(f, models.DateField | models.AutoField | models.BigAutoField)
        if f.is_relation:
            assert f.related_model._meta.label == "voting.Round"


@pytest.mark.django_db
def test_ballot_database_columns_and_indexes_name_no_person():
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(
            cursor, Ballot._meta.db_table)}
        constraints = connection.introspection.get_constraints(cursor, Ballot._meta.db_table)
    assert columns == {"id", "round_id", "kind", "choices", "valid", "tracker_hash"}
    indexed = {col for c in constraints.values() for col in (c["columns"] or [])
               if c["index"] or c["unique"] or c["primary_key"] or c["foreign_key"]}
    assert indexed <= {"id", "round_id", "tracker_hash"}
    receipt_cols = {f.column for f in Receipt._meta.concrete_fields}
    assert receipt_cols == {"id", "round_id", "kind", "deputy_id"}  # no time, no ballot


def test_casting_leaves_no_link_in_audit_logs_or_notifications(open_round, voters, staff, caplog):
    caplog.set_level(logging.DEBUG)
    before_audit = AuditEvent.objects.count()
    before_notes = Notification.objects.count()
    tracker = actions.cast(voters[0], open_round.pk, ballot(open_round))
    b = Ballot.objects.get(round=open_round)
    # Casting writes no audit event at all (the receipt records who voted); closing audits
    # the counts only.
    assert AuditEvent.objects.count() == before_audit
    for secret in (str(b.pk), b.pk.hex, tracker, b.tracker_hash, voters[0].username,
                   voters[0].deputy.name, voters[0].deputy.phone):
        assert secret not in caplog.text
    assert Notification.objects.count() == before_notes
    actions.close_vote(staff, open_round)
    for e in AuditEvent.objects.all():
        text = f"{e.summary} {e.object_id} {e.actor_label}"
        assert str(b.pk) not in text and b.tracker_hash not in text and tracker not in text


def _physical_order() -> list[str]:
    if connection.vendor == "postgresql":
        sql = "SELECT id::text FROM voting_ballot ORDER BY ctid"
    else:
        sql = "SELECT id FROM voting_ballot ORDER BY rowid"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def test_ballots_are_listed_by_random_key_and_resealed_at_close(open_round, voters, staff):
    hashes = []
    for u in voters:
        tracker = actions.cast(u, open_round.pk, ballot(open_round))
        hashes.append(actions.hash_tracker(tracker))
    listed = [b.tracker_hash for b in Ballot.objects.filter(round=open_round)]
    assert sorted(listed) == sorted(hashes)
    assert [b.pk for b in Ballot.objects.filter(round=open_round)] == sorted(
        Ballot.objects.filter(round=open_round).values_list("pk", flat=True))
    actions.close_vote(staff, open_round)
    # After the close the rows sit in the order of their random keys, not of casting.
    by_key = [b.pk.hex for b in Ballot.objects.filter(round=open_round).order_by("id")]
    assert _physical_order() == by_key
    assert set(Ballot.objects.values_list("tracker_hash", flat=True)) == set(hashes)


def test_listing_order_is_unrelated_to_cast_order(open_round, voters, staff):
    """Across many rounds of five voters, the first cast ballot is not always listed first."""
    firsts = 0
    for _ in range(8):
        Receipt.objects.filter(round=open_round).delete()
        Ballot.objects.filter(round=open_round).delete()
        first = actions.hash_tracker(actions.cast(voters[0], open_round.pk, ballot(open_round)))
        for u in voters[1:]:
            actions.cast(u, open_round.pk, ballot(open_round))
        firsts += Ballot.objects.filter(round=open_round)[0].tracker_hash == first
    assert firsts < 8
