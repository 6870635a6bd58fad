"""The publication's performance parts beside its snapshot (`Filing.published_parts`), and the locked-filing
trigger of the filing row again (migration 0009) without reading the snapshot.

A publication copies its prepared snapshot's body as it is (services.prepared): its moment is the
`published_at` column and its performance parts this one, filled into the snapshot by its one reader
(selectors.snapshot.published_snapshot), so pages, the API, open data and documents read what they read
before. Snapshots already published keep their body; their `published_at` and `parts` move to the columns
(with the triggers lifted: a published filing's columns are frozen).

The filing's trigger: `published_parts` is written by the 已审核 → 已公开 transition only and frozen after.
On PostgreSQL the row minus the workflow's columns was compared as `to_jsonb(NEW)` and `to_jsonb(OLD)`,
which decompressed and converted the whole snapshot (megabytes) on every update of a locked filing; now
copies of NEW and OLD with the workflow's columns set to NULL are compared, so the snapshot is never read,
and a column added later is still frozen. SQLite's trigger lists the filing's columns as of this migration.
"""

import importlib

from django.db import migrations, models

from disclosures.lock_triggers import lock_triggers_lifted

locks = importlib.import_module("disclosures.migrations.0009_locked_filing_triggers")

#: Written by the 已审核 → 已公开 transition only.
PUBLICATION_COLUMNS = ("published_parts",)
FROZEN_OUTSIDE_PUBLICATION = " OR ".join(f'NEW."{c}" IS DISTINCT FROM OLD."{c}"' for c in PUBLICATION_COLUMNS)
PUBLISHING = "(OLD.status = 'approved' AND NEW.status = 'published')"
SKIPPED = (*locks.WORKFLOW_COLUMNS, *PUBLICATION_COLUMNS)


def _sqlite_filing_update(columns: list[str]) -> str:
    content_changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns if c not in SKIPPED)
    publication_changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in PUBLICATION_COLUMNS)
    return f"""CREATE TRIGGER gongkai_lock_disclosures_filing_update BEFORE UPDATE ON disclosures_filing
        FOR EACH ROW WHEN OLD.status IN {locks.LOCKED}
            AND (({content_changed}) OR NOT {locks._transition_allowed()} OR (({publication_changed}) AND NOT {PUBLISHING}))
        BEGIN SELECT RAISE(ABORT, '{locks.FILING_MESSAGE}'); END"""


_NULLED = "\n".join(f"            new_row.{c} := NULL; old_row.{c} := NULL;" for c in SKIPPED)

POSTGRES_FILING_FUNCTION = f"""CREATE OR REPLACE FUNCTION gongkai_lock_filing() RETURNS trigger AS $$
    DECLARE
        new_row disclosures_filing;
        old_row disclosures_filing;
    BEGIN
        IF OLD.status IN {locks.LOCKED} THEN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{locks.DELETE_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            IF NOT {locks._transition_allowed()} THEN
                RAISE EXCEPTION '{locks.FILING_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            IF NOT {PUBLISHING} AND ({FROZEN_OUTSIDE_PUBLICATION}) THEN
                RAISE EXCEPTION '{locks.FILING_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            new_row := NEW;
            old_row := OLD;
{_NULLED}
            IF to_jsonb(new_row) IS DISTINCT FROM to_jsonb(old_row) THEN
                RAISE EXCEPTION '{locks.FILING_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql"""

#: The function of migration 0009 (the trigger itself, which calls the function by name, stays).
POSTGRES_FILING_FUNCTION_0009 = next(s for s in locks.POSTGRES_FORWARD if "FUNCTION gongkai_lock_filing()" in s)
SQLITE_DROP = "DROP TRIGGER IF EXISTS gongkai_lock_disclosures_filing_update"


def _filing_columns(apps) -> list[str]:
    return [f.column for f in apps.get_model("disclosures", "Filing")._meta.concrete_fields]


def create_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FILING_FUNCTION)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(_sqlite_filing_update(_filing_columns(apps)))
    else:
        raise RuntimeError(f"No locked-filing triggers for database vendor {vendor!r}; add them to this migration.")


def restore_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FILING_FUNCTION_0009)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        columns = [c for c in _filing_columns(apps) if c not in PUBLICATION_COLUMNS]  # removed next
        (statement,) = [s for s in locks._sqlite_forward(columns) if "gongkai_lock_disclosures_filing_update" in s]
        schema_editor.execute(statement)


def move_parts(apps, schema_editor) -> None:
    """Each stored snapshot's `parts` into `published_parts`, and its `published_at` and `parts` emptied as
    a publication stores them now (its moment is the `published_at` column)."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        sql = (
            "UPDATE disclosures_filing SET published_parts = NULLIF(published_snapshot -> 'parts', 'null'::jsonb), "
            "published_snapshot = published_snapshot || '{\"published_at\": null, \"parts\": null}'::jsonb "
            "WHERE published_snapshot IS NOT NULL AND jsonb_typeof(published_snapshot) = 'object'"
        )
    else:
        sql = (
            "UPDATE disclosures_filing SET published_parts = json_extract(published_snapshot, '$.parts'), "
            "published_snapshot = json_set(published_snapshot, '$.published_at', NULL, '$.parts', NULL) "
            "WHERE published_snapshot IS NOT NULL AND json_type(published_snapshot) = 'object'"
        )
    with lock_triggers_lifted(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(sql)


def restore_parts(apps, schema_editor) -> None:
    Filing = apps.get_model("disclosures", "Filing")
    connection = schema_editor.connection
    with lock_triggers_lifted(using=connection.alias):
        filings = Filing.objects.using(connection.alias).filter(published_snapshot__isnull=False)
        for filing in filings.only("pk", "published_at", "published_parts", "published_snapshot").iterator(chunk_size=20):
            if not isinstance(filing.published_snapshot, dict):
                continue
            published_at = filing.published_at.isoformat() if filing.published_at is not None else None
            snapshot = {**filing.published_snapshot, "published_at": published_at, "parts": filing.published_parts}
            Filing.objects.using(connection.alias).filter(pk=filing.pk).update(published_snapshot=snapshot)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0017_snapshot_lz4")]

    operations = [
        migrations.AddField(
            model_name="filing",
            name="published_parts",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text="公开时冻结的绩效目标表和自评表（不随填报锁定，故与快照分开保存）。",
                null=True,
                verbose_name="公开的绩效部分",
            ),
        ),
        migrations.RunPython(create_triggers, restore_triggers),
        migrations.RunPython(move_parts, restore_parts),
    ]
