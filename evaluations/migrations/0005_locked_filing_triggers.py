"""Database triggers: a project's performance targets and self-evaluation are frozen with its filing.

Once the project's filing is submitted, approved or published (see disclosures migration 0009):
- its indicators (绩效目标) are not inserted, updated or deleted;
- its self-evaluation is not created or deleted, and the department's entries in it (amounts, reasons,
  goal result, the rule set, the published figures) do not change; the scoring columns (status, scores,
  grade, explanation, scored_at) still may — scoring is computed from the frozen entries;
- an indicator's result keeps its actual value, text, band and reason; a missing result may still be
  created empty by the scoring, and the scores and a reviewer's adjustment may change.
Department-wide targets (no project) belong to no filing and are not affected.
"""

from django.db import migrations

LOCKED = "('submitted', 'approved', 'published')"
MESSAGE = "the project filing is submitted, approved or published: its targets and self-evaluation cannot change"

#: Columns of a self-evaluation the scoring writes.
SCORING_COLUMNS = ("status", "execution_score", "total_score", "grade", "explanation", "scored_at")
#: Columns of an indicator result the department enters.
RESULT_ENTRY_COLUMNS = ("evaluation_id", "indicator_id", "actual_value", "actual_text", "band", "reason", "published_score")


def _project_locked(project_id: str) -> str:
    return (
        f"(SELECT f.status FROM disclosures_project p JOIN disclosures_filing f ON f.id = p.filing_id "
        f"WHERE p.id = {project_id}) IN {LOCKED}"
    )


def _evaluation_locked(evaluation_id: str) -> str:
    return (
        f"(SELECT f.status FROM evaluations_selfevaluation e JOIN disclosures_project p ON p.id = e.project_id "
        f"JOIN disclosures_filing f ON f.id = p.filing_id WHERE e.id = {evaluation_id}) IN {LOCKED}"
    )


def _changed(columns, new="NEW", old="OLD", distinct="IS NOT") -> str:
    return "(" + " OR ".join(f'{new}."{c}" {distinct} {old}."{c}"' for c in columns) + ")"


def _entered(row="NEW") -> str:
    return f"({row}.actual_value IS NOT NULL OR {row}.actual_text <> '' OR {row}.band <> '' OR {row}.reason <> '')"


def _raise_sqlite() -> str:
    return f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"


def _sqlite_forward(evaluation_columns: list[str]) -> list[str]:
    content = [c for c in evaluation_columns if c not in SCORING_COLUMNS]
    return [
        f"""CREATE TRIGGER gongkai_lock_evaluations_indicator_insert BEFORE INSERT ON evaluations_indicator
        FOR EACH ROW WHEN {_project_locked("NEW.project_id")} {_raise_sqlite()}""",
        f"""CREATE TRIGGER gongkai_lock_evaluations_indicator_update BEFORE UPDATE ON evaluations_indicator
        FOR EACH ROW WHEN {_project_locked("OLD.project_id")} OR {_project_locked("NEW.project_id")} {_raise_sqlite()}""",
        f"""CREATE TRIGGER gongkai_lock_evaluations_indicator_delete BEFORE DELETE ON evaluations_indicator
        FOR EACH ROW WHEN {_project_locked("OLD.project_id")} {_raise_sqlite()}""",
        f"""CREATE TRIGGER gongkai_lock_evaluations_selfevaluation_insert BEFORE INSERT ON evaluations_selfevaluation
        FOR EACH ROW WHEN {_project_locked("NEW.project_id")} {_raise_sqlite()}""",
        f"""CREATE TRIGGER gongkai_lock_evaluations_selfevaluation_update BEFORE UPDATE ON evaluations_selfevaluation
        FOR EACH ROW WHEN ({_project_locked("OLD.project_id")} OR {_project_locked("NEW.project_id")})
            AND {_changed(content)} {_raise_sqlite()}""",
        f"""CREATE TRIGGER gongkai_lock_evaluations_selfevaluation_delete BEFORE DELETE ON evaluations_selfevaluation
        FOR EACH ROW WHEN {_project_locked("OLD.project_id")} {_raise_sqlite()}""",
        f"""CREATE TRIGGER gongkai_lock_evaluations_indicatorresult_insert BEFORE INSERT ON evaluations_indicatorresult
        FOR EACH ROW WHEN {_evaluation_locked("NEW.evaluation_id")} AND {_entered()} {_raise_sqlite()}""",
        f"""CREATE TRIGGER gongkai_lock_evaluations_indicatorresult_update BEFORE UPDATE ON evaluations_indicatorresult
        FOR EACH ROW WHEN ({_evaluation_locked("OLD.evaluation_id")} OR {_evaluation_locked("NEW.evaluation_id")})
            AND {_changed(RESULT_ENTRY_COLUMNS)} {_raise_sqlite()}""",
        f"""CREATE TRIGGER gongkai_lock_evaluations_indicatorresult_delete BEFORE DELETE ON evaluations_indicatorresult
        FOR EACH ROW WHEN {_evaluation_locked("OLD.evaluation_id")} {_raise_sqlite()}""",
    ]


SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS gongkai_lock_evaluations_{table}_{op}"
    for table in ("indicator", "selfevaluation", "indicatorresult")
    for op in ("insert", "update", "delete")
]

SCORING_ARRAY = "ARRAY[" + ", ".join(f"'{c}'" for c in SCORING_COLUMNS) + "]::text[]"
RAISE_PG = f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';"


def _pg_function(name: str, old_locked: str, new_locked: str, update_changed: str, insert_condition: str = "TRUE") -> str:
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF {new_locked} AND {insert_condition} THEN {RAISE_PG} END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' THEN
            IF {old_locked} THEN {RAISE_PG} END IF;
            RETURN OLD;
        END IF;
        IF ({old_locked} OR {new_locked}) AND {update_changed} THEN {RAISE_PG} END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql"""


def _pg_locked(expression: str) -> str:
    return f"COALESCE({expression}, FALSE)"


POSTGRES_FORWARD = [
    _pg_function(
        "gongkai_lock_evaluations_indicator",
        _pg_locked(_project_locked("OLD.project_id")), _pg_locked(_project_locked("NEW.project_id")), "TRUE",
    ),
    _pg_function(
        "gongkai_lock_evaluations_selfevaluation",
        _pg_locked(_project_locked("OLD.project_id")), _pg_locked(_project_locked("NEW.project_id")),
        f"((to_jsonb(NEW) - {SCORING_ARRAY}) IS DISTINCT FROM (to_jsonb(OLD) - {SCORING_ARRAY}))",
    ),
    _pg_function(
        "gongkai_lock_evaluations_indicatorresult",
        _pg_locked(_evaluation_locked("OLD.evaluation_id")), _pg_locked(_evaluation_locked("NEW.evaluation_id")),
        _changed(RESULT_ENTRY_COLUMNS, distinct="IS DISTINCT FROM"), _entered(),
    ),
    *[
        f"""CREATE TRIGGER gongkai_lock_evaluations_{table} BEFORE INSERT OR UPDATE OR DELETE ON evaluations_{table}
        FOR EACH ROW EXECUTE FUNCTION gongkai_lock_evaluations_{table}()"""
        for table in ("indicator", "selfevaluation", "indicatorresult")
    ],
]
POSTGRES_REVERSE = [
    statement
    for table in ("indicator", "selfevaluation", "indicatorresult")
    for statement in (
        f"DROP TRIGGER IF EXISTS gongkai_lock_evaluations_{table} ON evaluations_{table}",
        f"DROP FUNCTION IF EXISTS gongkai_lock_evaluations_{table}()",
    )
]


def _statements(apps, vendor: str, forward: bool) -> list[str]:
    if vendor == "sqlite":
        columns = [f.column for f in apps.get_model("evaluations", "SelfEvaluation")._meta.concrete_fields]
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
        ("disclosures", "0009_locked_filing_triggers"),
        ("evaluations", "0004_indicator_result_chosen_score"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
