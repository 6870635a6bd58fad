"""The move of Job from disclosures to the jobs app keeps the table, its rows and its content type."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jobs.models import Job

BEFORE_THE_MOVE = [("disclosures", "0011_merge_locks_jobs_uploads"), ("jobs", None)]


@pytest.mark.django_db(transaction=True)
def test_existing_job_rows_and_permissions_survive_the_move():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE[0]).apps
    OldJob = old.get_model("disclosures", "Job")
    content_type, _ = ContentType.objects.get_or_create(app_label="disclosures", model="job")
    job = OldJob.objects.create(kind="ping", status="done", progress=100, result={"pong": True}, batch="before-the-move")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Job.objects.get(pk=job.pk)
    assert (moved.kind, moved.status, moved.result, moved.batch) == ("ping", "done", {"pong": True}, "before-the-move")
    assert ContentType.objects.get(pk=content_type.pk).app_label == "jobs"
    assert Job._meta.db_table == "disclosures_job"
