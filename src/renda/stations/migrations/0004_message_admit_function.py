"""PostgreSQL: ``renda_message_admit``, the checks a citizen's new message must pass, run
inside the statement that inserts it (``actions._insert_received``).

The function takes the address's transaction-level advisory lock and only then counts. A
VOLATILE function's statements each take a fresh snapshot, so the counts see every message
committed by the lock's earlier holders, although the inserting statement began before the
lock was granted. (A count written in the inserting statement itself would use that
statement's older snapshot and count too little.)

PL/pgSQL keeps the plans of its statements for the session. Left to choose, PostgreSQL kept
planning them again for each call with the values at hand (a "custom plan"), which cost
about 40% of the statement. The function always uses the kept ("generic") plan: an index
lookup on (ip_hash, created_at) or (phone_hash, created_at) whatever the values. Without
their values the counts look large where most messages have no address or phone (those
entered by staff), and the generic plan started parallel workers for a count of a few rows
(80 messages a second instead of 600 at a million messages); parallel plans are off in
the function. SQLite runs the same checks in Python under its single writer."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION renda_message_admit(
    lock_a integer, lock_b integer, station_id bigint,
    ip_hash text, ip_since timestamptz, ip_limit integer,
    phone_hash text, phone_since timestamptz, phone_limit integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET max_parallel_workers_per_gather = 0
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_a, lock_b);
    IF station_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM stations_station s WHERE s.id = station_id AND s.is_active) THEN
        RETURN false;
    END IF;
    IF ip_hash <> '' AND (
            SELECT count(*) FROM stations_message m
            WHERE m.ip_hash = renda_message_admit.ip_hash AND m.created_at >= ip_since
        ) >= ip_limit THEN
        RETURN false;
    END IF;
    IF phone_hash <> '' AND (
            SELECT count(*) FROM stations_message m
            WHERE m.phone_hash = renda_message_admit.phone_hash AND m.created_at >= phone_since
        ) >= phone_limit THEN
        RETURN false;
    END IF;
    RETURN true;
END
$$
"""

DROP = ("DROP FUNCTION IF EXISTS renda_message_admit(integer, integer, bigint, text, timestamptz, "
        "integer, text, timestamptz, integer)")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("stations", "0003_message_indexes_for_inserts")]
    operations = [migrations.RunPython(create, drop)]
