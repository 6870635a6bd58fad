"""Make expense_line_unique hold on SQLite too.

The old constraint (nulls_distinct=False) was never created on SQLite (models.W047). Dropping it the
usual way would make SQLite rebuild the whole table, and a rebuild silently drops the catalog-year
triggers of migration 0003; so it is dropped by SQL where it exists, and the new expression index is
added with CREATE UNIQUE INDEX, which needs no rebuild.
"""

import django.db.models.functions.comparison
from django.db import migrations, models


def drop_old_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE disclosures_expenseline DROP CONSTRAINT IF EXISTS expense_line_unique")


class Migration(migrations.Migration):

    dependencies = [
        ('disclosures', '0003_expenseline_catalog_year_triggers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveConstraint(model_name='expenseline', name='expense_line_unique')],
            database_operations=[migrations.RunPython(drop_old_constraint, migrations.RunPython.noop)],
        ),
        migrations.AddConstraint(
            model_name='expenseline',
            constraint=models.UniqueConstraint(models.F('filing'), models.F('unit'), models.F('function_item'), django.db.models.functions.comparison.Coalesce('dept_economic_item', models.Value(0)), models.F('expense_kind'), models.F('funding_source'), django.db.models.functions.comparison.Coalesce('project', models.Value(0)), name='expense_line_unique', violation_error_message='同一单位、科目、支出类型、资金来源和项目的支出明细重复。'),
        ),
    ]
