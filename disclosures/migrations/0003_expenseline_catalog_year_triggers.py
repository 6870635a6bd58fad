"""Database triggers: an expense line never carries a catalog code of another fiscal year than its filing.

The write services refuse such a line with a Chinese message first; these triggers make the invariant hold
for every writer (imports with bulk_create, raw SQL, the shell). They also stop the two updates that would
break it afterwards: moving a filing with lines to another year, and moving a used catalog code to another
year. SQLite and PostgreSQL only (the two databases the project runs on).
"""

from django.db import migrations

SAME_YEAR = "(SELECT fiscal_year_id FROM disclosures_catalogitem WHERE id = NEW.{column}) IS NOT (SELECT fiscal_year_id FROM disclosures_filing WHERE id = NEW.filing_id)"

SQLITE_LINE_CONDITION = " OR ".join(
    [
        SAME_YEAR.format(column="function_item_id"),
        f"(NEW.dept_economic_item_id IS NOT NULL AND {SAME_YEAR.format(column='dept_economic_item_id')})",
        f"(NEW.gov_economic_item_id IS NOT NULL AND {SAME_YEAR.format(column='gov_economic_item_id')})",
    ]
)

LINE_MESSAGE = "expense line uses a catalog item of another fiscal year than its filing"
FILING_MESSAGE = "filing has expense lines: its fiscal year cannot change"
CATALOG_MESSAGE = "catalog item is used by expense lines: its fiscal year cannot change"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER disclosures_expenseline_catalog_year_insert
    BEFORE INSERT ON disclosures_expenseline
    FOR EACH ROW WHEN {SQLITE_LINE_CONDITION}
    BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE}'); END""",
    f"""CREATE TRIGGER disclosures_expenseline_catalog_year_update
    BEFORE UPDATE ON disclosures_expenseline
    FOR EACH ROW WHEN {SQLITE_LINE_CONDITION}
    BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE}'); END""",
    f"""CREATE TRIGGER disclosures_filing_year_locked
    BEFORE UPDATE OF fiscal_year_id ON disclosures_filing
    FOR EACH ROW WHEN NEW.fiscal_year_id IS NOT OLD.fiscal_year_id
        AND EXISTS (SELECT 1 FROM disclosures_expenseline WHERE filing_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, '{FILING_MESSAGE}'); END""",
    f"""CREATE TRIGGER disclosures_catalogitem_year_locked
    BEFORE UPDATE OF fiscal_year_id ON disclosures_catalogitem
    FOR EACH ROW WHEN NEW.fiscal_year_id IS NOT OLD.fiscal_year_id
        AND EXISTS (SELECT 1 FROM disclosures_expenseline WHERE function_item_id = NEW.id
                    OR dept_economic_item_id = NEW.id OR gov_economic_item_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, '{CATALOG_MESSAGE}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS disclosures_expenseline_catalog_year_insert",
    "DROP TRIGGER IF EXISTS disclosures_expenseline_catalog_year_update",
    "DROP TRIGGER IF EXISTS disclosures_filing_year_locked",
    "DROP TRIGGER IF EXISTS disclosures_catalogitem_year_locked",
]

PG_SAME_YEAR = "(SELECT fiscal_year_id FROM disclosures_catalogitem WHERE id = NEW.{column}) IS DISTINCT FROM filing_year"

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION disclosures_expenseline_catalog_year() RETURNS trigger AS $$
    DECLARE filing_year bigint;
    BEGIN
        SELECT fiscal_year_id INTO filing_year FROM disclosures_filing WHERE id = NEW.filing_id;
        IF {PG_SAME_YEAR.format(column="function_item_id")}
           OR (NEW.dept_economic_item_id IS NOT NULL AND {PG_SAME_YEAR.format(column="dept_economic_item_id")})
           OR (NEW.gov_economic_item_id IS NOT NULL AND {PG_SAME_YEAR.format(column="gov_economic_item_id")}) THEN
            RAISE EXCEPTION '{LINE_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER disclosures_expenseline_catalog_year
    BEFORE INSERT OR UPDATE ON disclosures_expenseline
    FOR EACH ROW EXECUTE FUNCTION disclosures_expenseline_catalog_year()""",
    f"""CREATE OR REPLACE FUNCTION disclosures_filing_year_locked() RETURNS trigger AS $$
    BEGIN
        IF NEW.fiscal_year_id IS DISTINCT FROM OLD.fiscal_year_id
           AND EXISTS (SELECT 1 FROM disclosures_expenseline WHERE filing_id = NEW.id) THEN
            RAISE EXCEPTION '{FILING_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER disclosures_filing_year_locked
    BEFORE UPDATE OF fiscal_year_id ON disclosures_filing
    FOR EACH ROW EXECUTE FUNCTION disclosures_filing_year_locked()""",
    f"""CREATE OR REPLACE FUNCTION disclosures_catalogitem_year_locked() RETURNS trigger AS $$
    BEGIN
        IF NEW.fiscal_year_id IS DISTINCT FROM OLD.fiscal_year_id
           AND EXISTS (SELECT 1 FROM disclosures_expenseline WHERE function_item_id = NEW.id
                       OR dept_economic_item_id = NEW.id OR gov_economic_item_id = NEW.id) THEN
            RAISE EXCEPTION '{CATALOG_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER disclosures_catalogitem_year_locked
    BEFORE UPDATE OF fiscal_year_id ON disclosures_catalogitem
    FOR EACH ROW EXECUTE FUNCTION disclosures_catalogitem_year_locked()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS disclosures_expenseline_catalog_year ON disclosures_expenseline",
    "DROP FUNCTION IF EXISTS disclosures_expenseline_catalog_year()",
    "DROP TRIGGER IF EXISTS disclosures_filing_year_locked ON disclosures_filing",
    "DROP FUNCTION IF EXISTS disclosures_filing_year_locked()",
    "DROP TRIGGER IF EXISTS disclosures_catalogitem_year_locked ON disclosures_catalogitem",
    "DROP FUNCTION IF EXISTS disclosures_catalogitem_year_locked()",
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


def create_triggers(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0002_catalog_institution_mapping"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
