"""Income lines carry a 功能分类 项: fill it where the data says which one, and keep it in the filing's year.

Data: an existing income line without a code gets one only where it is unambiguous: the expense lines of
its unit and source (or, failing that, of the whole filing) use a single 功能分类 项. Otherwise it stays
empty; the filing keeps working and the check `income_function_codes` asks for the code.

Triggers (SQLite and PostgreSQL, as migration 0003 for expense lines): an income line's code belongs to its
filing's year; a filing with income lines cannot move to another year, nor can a catalog code they use.
"""

import importlib

from django.db import migrations

_TRIGGERS_0003 = importlib.import_module("disclosures.migrations.0003_expenseline_catalog_year_triggers")

LINE_MESSAGE = "income line uses a catalog item of another fiscal year than its filing"
FILING_MESSAGE = "filing has lines: its fiscal year cannot change"
CATALOG_MESSAGE = "catalog item is used by lines: its fiscal year cannot change"

SQLITE_CONDITION = (
    "NEW.function_item_id IS NOT NULL AND (SELECT fiscal_year_id FROM disclosures_catalogitem WHERE id = NEW.function_item_id)"
    " IS NOT (SELECT fiscal_year_id FROM disclosures_filing WHERE id = NEW.filing_id)"
)
SQL_FILING_LINES = (
    "(EXISTS (SELECT 1 FROM disclosures_expenseline WHERE filing_id = NEW.id)"
    " OR EXISTS (SELECT 1 FROM disclosures_incomeline WHERE filing_id = NEW.id))"
)
SQL_CATALOG_USED = (
    "(EXISTS (SELECT 1 FROM disclosures_expenseline WHERE function_item_id = NEW.id"
    " OR dept_economic_item_id = NEW.id OR gov_economic_item_id = NEW.id)"
    " OR EXISTS (SELECT 1 FROM disclosures_incomeline WHERE function_item_id = NEW.id))"
)
SQL_FILING_OLD = "EXISTS (SELECT 1 FROM disclosures_expenseline WHERE filing_id = NEW.id)"
SQL_CATALOG_OLD = (
    "EXISTS (SELECT 1 FROM disclosures_expenseline WHERE function_item_id = NEW.id"
    " OR dept_economic_item_id = NEW.id OR gov_economic_item_id = NEW.id)"
)


def _sqlite_locks(filing_lines: str, catalog_used: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS disclosures_filing_year_locked",
        f"""CREATE TRIGGER disclosures_filing_year_locked
        BEFORE UPDATE OF fiscal_year_id ON disclosures_filing
        FOR EACH ROW WHEN NEW.fiscal_year_id IS NOT OLD.fiscal_year_id AND {filing_lines}
        BEGIN SELECT RAISE(ABORT, '{FILING_MESSAGE}'); END""",
        "DROP TRIGGER IF EXISTS disclosures_catalogitem_year_locked",
        f"""CREATE TRIGGER disclosures_catalogitem_year_locked
        BEFORE UPDATE OF fiscal_year_id ON disclosures_catalogitem
        FOR EACH ROW WHEN NEW.fiscal_year_id IS NOT OLD.fiscal_year_id AND {catalog_used}
        BEGIN SELECT RAISE(ABORT, '{CATALOG_MESSAGE}'); END""",
    ]


# Migration 0005 dropped 0003's SQLite triggers (a table rebuild): the expense lines' own come back here.
SQLITE_FORWARD = [
    *[s for s in _TRIGGERS_0003.SQLITE_FORWARD if "ON disclosures_expenseline" in s],
    f"""CREATE TRIGGER disclosures_incomeline_catalog_year_insert
    BEFORE INSERT ON disclosures_incomeline
    FOR EACH ROW WHEN {SQLITE_CONDITION}
    BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE}'); END""",
    f"""CREATE TRIGGER disclosures_incomeline_catalog_year_update
    BEFORE UPDATE ON disclosures_incomeline
    FOR EACH ROW WHEN {SQLITE_CONDITION}
    BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE}'); END""",
    *_sqlite_locks(SQL_FILING_LINES, SQL_CATALOG_USED),
]
# Back to 0005's state (no triggers on SQLite): its reverse creates 0003's again.
SQLITE_REVERSE = [
    *_TRIGGERS_0003.SQLITE_REVERSE,
    "DROP TRIGGER IF EXISTS disclosures_incomeline_catalog_year_insert",
    "DROP TRIGGER IF EXISTS disclosures_incomeline_catalog_year_update",
]


def _pg_locks(filing_lines: str, catalog_used: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION disclosures_filing_year_locked() RETURNS trigger AS $$
        BEGIN
            IF NEW.fiscal_year_id IS DISTINCT FROM OLD.fiscal_year_id AND {filing_lines} THEN
                RAISE EXCEPTION '{FILING_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION disclosures_catalogitem_year_locked() RETURNS trigger AS $$
        BEGIN
            IF NEW.fiscal_year_id IS DISTINCT FROM OLD.fiscal_year_id AND {catalog_used} THEN
                RAISE EXCEPTION '{CATALOG_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql""",
    ]


POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION disclosures_incomeline_catalog_year() RETURNS trigger AS $$
    BEGIN
        IF NEW.function_item_id IS NOT NULL
           AND (SELECT fiscal_year_id FROM disclosures_catalogitem WHERE id = NEW.function_item_id)
               IS DISTINCT FROM (SELECT fiscal_year_id FROM disclosures_filing WHERE id = NEW.filing_id) THEN
            RAISE EXCEPTION '{LINE_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER disclosures_incomeline_catalog_year
    BEFORE INSERT OR UPDATE ON disclosures_incomeline
    FOR EACH ROW EXECUTE FUNCTION disclosures_incomeline_catalog_year()""",
    *_pg_locks(SQL_FILING_LINES, SQL_CATALOG_USED),
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS disclosures_incomeline_catalog_year ON disclosures_incomeline",
    "DROP FUNCTION IF EXISTS disclosures_incomeline_catalog_year()",
    *_pg_locks(SQL_FILING_OLD, SQL_CATALOG_OLD),
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"No catalog-year triggers for database vendor {vendor!r}; add them to this migration.")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement)


def fill_function_codes(apps, schema_editor):
    """Give an income line without a code the single 功能分类 项 its unit's and source's spending (or the
    filing's) uses; leave it empty where that is not one code."""
    IncomeLine = apps.get_model("disclosures", "IncomeLine")
    ExpenseLine = apps.get_model("disclosures", "ExpenseLine")
    pending = IncomeLine.objects.filter(function_item__isnull=True)
    filing_ids = set(pending.values_list("filing_id", flat=True))
    for filing_id in filing_ids:
        rows = set(ExpenseLine.objects.filter(filing_id=filing_id).values_list("unit_id", "funding_source", "function_item_id"))
        whole = {function for _, _, function in rows}
        for line in pending.filter(filing_id=filing_id):
            narrow = {function for unit, source, function in rows if unit == line.unit_id and source == line.source}
            candidates = narrow if narrow else whole
            if len(candidates) != 1:
                continue
            (function_id,) = candidates
            clash = IncomeLine.objects.filter(
                filing_id=filing_id, unit_id=line.unit_id, category=line.category, source=line.source, function_item_id=function_id
            ).exists()
            if not clash:
                line.function_item_id = function_id
                line.save(update_fields=["function_item"])


def create_triggers(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0005_income_function_and_expense_kinds"),
    ]

    operations = [
        migrations.RunPython(fill_function_codes, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
