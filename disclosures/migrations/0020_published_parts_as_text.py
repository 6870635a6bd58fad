"""PostgreSQL: a publication's performance parts (`Filing.published_parts`) as JSON text, not jsonb, like the
snapshots (migration 0019).

Nothing queries into them (only whether a publication changed them, in the locked filing's trigger, which
compares the column as it is). As jsonb, each publication had Python encode them with json (~0.9 ms for a
final account's ~110 KB) and the server parse them into its binary form and compress them with pglz (~3 ms of
its CPU a filing: as much as computing the parts of a chunk); as text they are written by orjson and stored
as they are, lz4-compressed where the server has it. The values are converted in place (jsonb's text); read
back they are the same JSON values. On SQLite a JSONField is text already: only the model state changes.
"""

from django.db import migrations, transaction

import disclosures.json_text

TABLE, COLUMN = "disclosures_filing", "published_parts"


def _convert(schema_editor, target: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    alter = f'ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} TYPE {target} USING "{COLUMN}"::{target}'
    try:  # lz4 in the same statement, so that the rewritten values are compressed with it
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(f"{alter}, ALTER COLUMN {COLUMN} SET COMPRESSION lz4")
    except Exception:  # noqa: BLE001 — a server without lz4 support: the default compression
        schema_editor.execute(alter)


def to_text(apps, schema_editor) -> None:
    _convert(schema_editor, "text")


def to_jsonb(apps, schema_editor) -> None:
    _convert(schema_editor, "jsonb")


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0019_snapshots_as_text")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="filing",
                    name="published_parts",
                    field=disclosures.json_text.JSONTextField(
                        blank=True,
                        editable=False,
                        help_text="公开时冻结的绩效目标表和自评表（不随填报锁定，故与快照分开保存）。",
                        null=True,
                        verbose_name="公开的绩效部分",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(to_text, to_jsonb)],
        ),
    ]
