"""A data revision on the filing (bumped by every write to its data) and on each generated document (the
revision it was built from), so a document older than the data is shown as 已过期.

On SQLite, adding a NOT NULL column the usual way rebuilds the table, and a rebuild of disclosures_filing
breaks the catalog-year triggers of migration 0003 (they name the table); the columns are added with
ALTER TABLE … ADD COLUMN … DEFAULT 0 there, which needs no rebuild.
"""

from django.db import migrations, models

FIELDS = {
    "filing": models.PositiveIntegerField(
        default=0, editable=False,
        help_text="每次修改填报数据（明细、项目、说明、原因、绩效目标、自评）时加1；生成的文件记录所依据的版本号。",
        verbose_name="数据版本号",
    ),
    "filingdocument": models.PositiveIntegerField(
        default=0, help_text="生成时填报的数据版本号；小于填报当前的版本号即为已过期。", verbose_name="数据版本号"
    ),
}


def add_columns(apps, schema_editor):
    for model_name in FIELDS:
        model = apps.get_model("disclosures", model_name)
        field = model._meta.get_field("data_revision")
        if schema_editor.connection.vendor == "sqlite":
            table = model._meta.db_table
            schema_editor.execute(
                f'ALTER TABLE "{table}" ADD COLUMN "data_revision" integer unsigned NOT NULL DEFAULT 0 CHECK ("data_revision" >= 0)'
            )
        else:
            schema_editor.add_field(model, field)


def drop_columns(apps, schema_editor):
    for model_name in FIELDS:
        model = apps.get_model("disclosures", model_name)
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f'ALTER TABLE "{model._meta.db_table}" DROP COLUMN "data_revision"')
        else:
            schema_editor.remove_field(model, model._meta.get_field("data_revision"))


class Migration(migrations.Migration):

    dependencies = [
        ("disclosures", "0004_expense_line_unique_expression"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name=model_name, name="data_revision", field=field)
                for model_name, field in FIELDS.items()
            ],
        ),
        migrations.RunPython(add_columns, drop_columns),
    ]
