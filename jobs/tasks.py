"""Celery tasks of the jobs app: the round-trip test (the task base is `jobs.services.job_task`)."""

import os
import socket

from celery import current_task

from jobs.models import Job
from jobs.services import job_task


@job_task(name="jobs.ping")
def ping(job: Job) -> dict:
    """Prove a round trip through the queue: report which worker process answered."""
    hostname = getattr(current_task.request, "hostname", None) or socket.gethostname()
    return {"pong": True, "worker": hostname, "pid": os.getpid()}
