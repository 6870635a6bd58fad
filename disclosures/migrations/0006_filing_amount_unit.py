"""Filing.amount_unit: the unit (万元 or 元) a filing publishes its tables and text in; existing filings 万元.

Added with ALTER TABLE … ADD COLUMN rather than AddField: on SQLite, AddField of a NOT NULL column rebuilds
the table, and renaming the rebuilt disclosures_filing fails on (or would drop) the triggers of migration
0003 that read it.
"""

from django.db import migrations, models

ADD = "ALTER TABLE disclosures_filing ADD COLUMN amount_unit varchar(4) NOT NULL DEFAULT 'wan'"


def add_column(apps, schema_editor):
    schema_editor.execute(ADD)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE disclosures_filing ALTER COLUMN amount_unit DROP DEFAULT")


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE disclosures_filing DROP COLUMN amount_unit")


class Migration(migrations.Migration):

    dependencies = [
        ('disclosures', '0005_department_province'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='filing',
                    name='amount_unit',
                    field=models.CharField(choices=[('wan', '万元'), ('yuan', '元')], default='wan', help_text='公开表格和说明中金额的单位；金额始终按元保存。', max_length=4, verbose_name='金额单位'),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
    ]
