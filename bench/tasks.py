"""Celery tasks of the benchmark (loaded by its workers with `celery -I bench.tasks`), on the app's job
plumbing: the worker claims the Job row, runs the same work as the pool, and records the result."""

from jobs.models import Job
from jobs.services import job_task

from . import work

QUEUE = "bench"


@job_task(name="bench.generate_filing", queue=QUEUE)
def generate_filing(job: Job) -> dict:
    return work.generate_filing(job.filing_id, job=job)


@job_task(name="bench.generate_filing_documents", queue=QUEUE)
def generate_filing_documents(job: Job) -> dict:
    return work.generate_documents(job.filing_id, job=job)
