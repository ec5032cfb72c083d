"""The table of the "shared" cache (settings.CACHES), created here so that `renda migrate`
is the only set-up step (no separate `createcachetable`)."""

from django.db import migrations


def create(apps, schema_editor):
    from django.conf import settings
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.CACHE_TABLE, False)


def drop(apps, schema_editor):
    from django.conf import settings

    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_rate_counter")]
    operations = [migrations.RunPython(create, drop)]
