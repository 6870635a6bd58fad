"""Celery tasks of the disclosures app: thin wrappers around services (see disclosures.services.jobs)."""

import os
import socket

from celery import current_task, shared_task

from disclosures.models import Job
from disclosures.services.jobs import job_task, jobs_sweep


@job_task(name="disclosures.ping")
def ping(job: Job) -> dict:
    """Prove a round trip through the queue: report which worker process answered."""
    hostname = getattr(current_task.request, "hostname", None) or socket.gethostname()
    return {"pong": True, "worker": hostname, "pid": os.getpid()}


@job_task(name="disclosures.generate_filing_documents")
def generate_filing_documents(job: Job) -> dict:
    """生成公开文件: the filing's Excel tables, HTML and/or PDF as the job's params say (idempotent: outputs are swapped in whole)."""
    from disclosures.services.generation import filing_generate_documents, job_formats

    return filing_generate_documents(filing=job.filing, job=job, formats=job_formats(job), publication=bool(job.params.get("publication")))


@job_task(name="disclosures.import_workbook")
def import_workbook(job: Job) -> dict:
    """导入Excel: apply an upload that passed its preview, all rows or none (disclosures.imports.apply)."""
    from disclosures.imports.apply import import_job_run

    return import_job_run(job=job)


@shared_task(name="disclosures.sweep_jobs", ignore_result=True)
def sweep_jobs() -> str:
    """Celery beat's periodic sweep (settings.CELERY_BEAT_SCHEDULE): re-send lost jobs, re-queue dead workers' jobs."""
    return str(jobs_sweep())
