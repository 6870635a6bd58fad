"""Database triggers: a submitted, approved or published filing is immutable for every writer.

The services refuse first (the filing's row lock and status re-read, disclosures.services.locking); these
triggers make it hold for writers that bypass them (bulk imports, raw SQL, the shell, a superuser in any
tool): no line, 三公 row, procurement, asset, project or prior-year figure of a locked filing is
inserted, updated or deleted, and a locked filing's own content does not change. Only the workflow's
columns may change while it is locked (status, its timestamps, the publication snapshot, updated_at), and
its status only along the workflow (已提交 → 已退回/已审核, 已审核 → 已公开); a locked filing cannot be
deleted. A correction is a new version, as before.

On PostgreSQL the filing's check compares the whole row minus the workflow's columns (to_jsonb), so a
column added later is frozen too. On SQLite it compares the filing's columns as of this migration.
SQLite and PostgreSQL only (the two databases the project runs on). `manage.py flush` (tests) lifts the
SQLite triggers for the flush itself (disclosures/management/commands/flush.py): PostgreSQL's flush
truncates, which fires no row trigger.
"""

from django.db import migrations

LOCKED = "('submitted', 'approved', 'published')"
DATA_TABLES = (
    "disclosures_expenseline",
    "disclosures_incomeline",
    "disclosures_threepublicstats",
    "disclosures_procurement",
    "disclosures_assetholding",
    "disclosures_project",
    "disclosures_prioryearfigure",
)
#: The columns the workflow writes while a filing is locked.
WORKFLOW_COLUMNS = ("status", "submitted_at", "approved_at", "published_at", "published_snapshot", "updated_at")
#: (from, to) status changes of a locked filing.
TRANSITIONS = (("submitted", "returned"), ("submitted", "approved"), ("approved", "published"))

DATA_MESSAGE = "filing is submitted, approved or published: its data cannot change (start a correction)"
FILING_MESSAGE = "filing is submitted, approved or published: only the workflow may change it"
DELETE_MESSAGE = "filing is submitted, approved or published: it cannot be deleted"


def _locked(filing_id: str) -> str:
    return f"(SELECT status FROM disclosures_filing WHERE id = {filing_id}) IN {LOCKED}"


def _transition_allowed(new: str = "NEW", old: str = "OLD") -> str:
    pairs = " OR ".join(f"({old}.status = '{a}' AND {new}.status = '{b}')" for a, b in TRANSITIONS)
    return f"({new}.status = {old}.status OR {pairs})"


def _sqlite_forward(filing_columns: list[str]) -> list[str]:
    statements = []
    for table in DATA_TABLES:
        statements += [
            f"""CREATE TRIGGER gongkai_lock_{table}_insert BEFORE INSERT ON {table}
            FOR EACH ROW WHEN {_locked("NEW.filing_id")}
            BEGIN SELECT RAISE(ABORT, '{DATA_MESSAGE}'); END""",
            f"""CREATE TRIGGER gongkai_lock_{table}_update BEFORE UPDATE ON {table}
            FOR EACH ROW WHEN {_locked("OLD.filing_id")} OR {_locked("NEW.filing_id")}
            BEGIN SELECT RAISE(ABORT, '{DATA_MESSAGE}'); END""",
            f"""CREATE TRIGGER gongkai_lock_{table}_delete BEFORE DELETE ON {table}
            FOR EACH ROW WHEN {_locked("OLD.filing_id")}
            BEGIN SELECT RAISE(ABORT, '{DATA_MESSAGE}'); END""",
        ]
    content_changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in filing_columns if c not in WORKFLOW_COLUMNS)
    statements += [
        f"""CREATE TRIGGER gongkai_lock_disclosures_filing_update BEFORE UPDATE ON disclosures_filing
        FOR EACH ROW WHEN OLD.status IN {LOCKED} AND (({content_changed}) OR NOT {_transition_allowed()})
        BEGIN SELECT RAISE(ABORT, '{FILING_MESSAGE}'); END""",
        f"""CREATE TRIGGER gongkai_lock_disclosures_filing_delete BEFORE DELETE ON disclosures_filing
        FOR EACH ROW WHEN OLD.status IN {LOCKED}
        BEGIN SELECT RAISE(ABORT, '{DELETE_MESSAGE}'); END""",
    ]
    return statements


SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS gongkai_lock_{table}_{op}" for table in DATA_TABLES for op in ("insert", "update", "delete")
] + [
    "DROP TRIGGER IF EXISTS gongkai_lock_disclosures_filing_update",
    "DROP TRIGGER IF EXISTS gongkai_lock_disclosures_filing_delete",
]

WORKFLOW_ARRAY = "ARRAY[" + ", ".join(f"'{c}'" for c in WORKFLOW_COLUMNS) + "]"

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION gongkai_lock_filing_data() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF {_locked("OLD.filing_id")} THEN
                RAISE EXCEPTION '{DATA_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF {_locked("NEW.filing_id")} THEN
                RAISE EXCEPTION '{DATA_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql""",
    *[
        f"""CREATE TRIGGER gongkai_lock_{table} BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION gongkai_lock_filing_data()"""
        for table in DATA_TABLES
    ],
    f"""CREATE OR REPLACE FUNCTION gongkai_lock_filing() RETURNS trigger AS $$
    BEGIN
        IF OLD.status IN {LOCKED} THEN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{DELETE_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            IF (to_jsonb(NEW) - {WORKFLOW_ARRAY}::text[]) IS DISTINCT FROM (to_jsonb(OLD) - {WORKFLOW_ARRAY}::text[])
               OR NOT {_transition_allowed()} THEN
                RAISE EXCEPTION '{FILING_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER gongkai_lock_disclosures_filing BEFORE UPDATE OR DELETE ON disclosures_filing
    FOR EACH ROW EXECUTE FUNCTION gongkai_lock_filing()""",
]
POSTGRES_REVERSE = [
    *[f"DROP TRIGGER IF EXISTS gongkai_lock_{table} ON {table}" for table in DATA_TABLES],
    "DROP FUNCTION IF EXISTS gongkai_lock_filing_data()",
    "DROP TRIGGER IF EXISTS gongkai_lock_disclosures_filing ON disclosures_filing",
    "DROP FUNCTION IF EXISTS gongkai_lock_filing()",
]


def _statements(apps, vendor: str, forward: bool) -> list[str]:
    if vendor == "sqlite":
        columns = [f.column for f in apps.get_model("disclosures", "Filing")._meta.concrete_fields]
        return _sqlite_forward(columns) if forward else SQLITE_REVERSE
    if vendor == "postgresql":
        return POSTGRES_FORWARD if forward else POSTGRES_REVERSE
    raise RuntimeError(f"No locked-filing triggers for database vendor {vendor!r}; add them to this migration.")


def create_triggers(apps, schema_editor):
    for statement in _statements(apps, schema_editor.connection.vendor, forward=True):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in _statements(apps, schema_editor.connection.vendor, forward=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0008_merge_data_revision"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
