"""pg_trgm on PostgreSQL: the extension and a trigram GIN index on the search text.

Both operations do nothing on SQLite, where search falls back to LIKE (opendata.search).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "opendata_searchentry_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON opendata_searchentry USING gin (text gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_search_entry"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
