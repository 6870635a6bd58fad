"""Job now lives in the jobs app (jobs/0001), over the same table: only Django's state changes here."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0011_merge_locks_jobs_uploads"),
        ("jobs", "0001_job_from_disclosures"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="filingdocument",
                    name="job",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="documents", to="jobs.job", verbose_name="任务"),
                ),
                migrations.DeleteModel(name="Job"),
            ],
            database_operations=[],
        ),
    ]
