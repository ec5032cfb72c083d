"""Indexes the public form no longer writes (partial where a new message has no value),
and ``renda_message_admit`` with its three checks in one statement after the lock.

The checks were three statements, each with its own start-up in the executor; one
statement taken after the lock still sees every message committed by the lock's earlier
holders (a VOLATILE function's statements each take a fresh snapshot). The counts stop at
the limit: a flood from one address reads at most that many rows."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FUNCTION = """
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
    RETURN (station_id IS NULL OR EXISTS (
                SELECT 1 FROM stations_station s WHERE s.id = station_id AND s.is_active))
        AND (ip_hash = '' OR (
                SELECT count(*) FROM (
                    SELECT 1 FROM stations_message m
                    WHERE m.ip_hash = renda_message_admit.ip_hash AND m.created_at >= ip_since
                    LIMIT ip_limit) AS recent) < ip_limit)
        AND (phone_hash = '' OR (
                SELECT count(*) FROM (
                    SELECT 1 FROM stations_message m
                    WHERE m.phone_hash = renda_message_admit.phone_hash
                      AND m.created_at >= phone_since
                    LIMIT phone_limit) AS recent) < phone_limit);
END
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("renda.stations.migrations.0004_message_admit_function")
        schema_editor.execute(previous.CREATE)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_shared_cache_table'),
        ('deputies', '0002_order_by_key_not_join'),
        ('stations', '0004_message_admit_function'),
        ('suggestions', '0003_order_by_key_not_join'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='message',
            name='stations_me_unit_id_248492_idx',
        ),
        migrations.RemoveIndex(
            model_name='message',
            name='stations_me_status_d5b49e_idx',
        ),
        migrations.AlterField(
            model_name='messagetransition',
            name='actor',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(condition=models.Q(('unit__isnull', False)), fields=['unit', 'status'], name='message_unit'),
        ),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(condition=models.Q(('answer_due__isnull', False)), fields=['status', 'answer_due'], name='message_answer_due'),
        ),
        migrations.AddIndex(
            model_name='messagetransition',
            index=models.Index(condition=models.Q(('actor__isnull', False)), fields=['actor'], name='transition_actor'),
        ),
        migrations.RunPython(create, restore),
    ]
