"""PostgreSQL: the snapshots (`Filing.published_snapshot`, `PreparedSnapshot.body`) as JSON text, not jsonb.

Nothing queries into them; as jsonb the server parsed every prepared body into its binary form (~16 ms of
its CPU per filing) and printed every snapshot back to text when read (disclosures.json_text). The values
are converted in place (jsonb's text, sorted keys); the columns keep lz4 (migration 0017) where the server
has it. On SQLite a JSONField is text already: only the model state changes (its JSON_VALID check stays).
"""

from django.db import migrations, transaction

import disclosures.json_text

COLUMNS = (("disclosures_filing", "published_snapshot"), ("disclosures_preparedsnapshot", "body"))


def _convert(schema_editor, target: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        alter = f'ALTER TABLE {table} ALTER COLUMN {column} TYPE {target} USING "{column}"::{target}'
        try:  # lz4 in the same statement, so that the rewritten values are compressed with it
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(f"{alter}, ALTER COLUMN {column} SET COMPRESSION lz4")
        except Exception:  # noqa: BLE001 — a server without lz4 support: the default compression
            schema_editor.execute(alter)


def to_text(apps, schema_editor) -> None:
    _convert(schema_editor, "text")


def to_jsonb(apps, schema_editor) -> None:
    _convert(schema_editor, "jsonb")


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0018_filing_published_parts")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="filing",
                    name="published_snapshot",
                    field=disclosures.json_text.JSONTextField(blank=True, editable=False, null=True, verbose_name="公开快照"),
                ),
                migrations.AlterField(
                    model_name="preparedsnapshot",
                    name="body",
                    field=disclosures.json_text.JSONTextField(verbose_name="快照内容"),
                ),
            ],
            database_operations=[migrations.RunPython(to_text, to_jsonb)],
        ),
    ]
