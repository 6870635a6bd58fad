"""Celery tasks of the jobs app: the round-trip test and the periodic sweep (the task base is `jobs.services.job_task`)."""

import os
import socket

from celery import current_task, shared_task

from jobs.models import Job
from jobs.services import job_task, jobs_sweep


# The name stays the one stored in the Job.task of existing ping jobs, which the sweep re-sends by name.
@job_task(name="disclosures.ping")
def ping(job: Job) -> dict:
    """Prove a round trip through the queue: report which worker process answered."""
    hostname = getattr(current_task.request, "hostname", None) or socket.gethostname()
    return {"pong": True, "worker": hostname, "pid": os.getpid()}


@shared_task(name="jobs.sweep_jobs", ignore_result=True)
def sweep_jobs() -> str:
    """Celery beat's periodic sweep (settings.CELERY_BEAT_SCHEDULE): re-send lost jobs, re-queue dead workers' jobs."""
    return str(jobs_sweep())
