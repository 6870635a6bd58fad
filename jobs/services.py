"""Background jobs: the Job row a user watches, and the Celery plumbing that claims and finishes it.

A job is created first, then its task is enqueued *after the transaction commits* (`job_enqueue`), so
the worker always finds the row. The task only gets the job's primary key. It claims the row with a
single conditional UPDATE (`job_claim`), so a message delivered twice runs the work once; a row left
RUNNING by a worker that died is claimed again once it is older than the stale timeout.

Tasks are thin: write the work as a service that takes the Job and returns a JSON-able result, and
wrap it with `@job_task`::

    @job_task()
    def generate_filing(job: Job) -> dict:
        return generation.filing_generate_documents(filing=job.filing, job=job)

    job_enqueue(kind=Job.Kind.GENERATE_FILING, task=generate_filing, filing=filing, user=request.user)

`job_enqueue_unsafe_immediately` exists for the rare caller that is outside any transaction and must
not wait; its name says why a reviewer should look at it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.exceptions import Retry, SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import F, Q
from django.utils import timezone

from jobs.models import Job

logger = logging.getLogger(__name__)

#: Faults worth retrying: the database or the broker went away for a moment.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

#: How often a job may be started in all (first run, retries after transient faults, re-claims after a lost worker).
MAX_ATTEMPTS = 5

_MESSAGE_MAX = Job._meta.get_field("message").max_length


def stale_after() -> timedelta:
    """How long a RUNNING job may go without finishing before another worker may claim it again.

    Must be shorter than the broker's visibility timeout (a lost message comes back after that) and
    longer than any job's hard time limit (the job tasks' time limit is derived from it).
    """
    return timedelta(seconds=getattr(settings, "JOB_STALE_AFTER_SECONDS", 30 * 60))


def job_enqueue(*, kind: str, task, filing=None, params: dict | None = None, user=None, batch: str = "") -> Job:
    """Create the Job row, then send `task(job.pk)` once the current transaction commits.

    Outside a transaction (autocommit) the task is sent at once; with no broker configured it runs
    in-process (CELERY_TASK_ALWAYS_EAGER).
    """
    job = _job_create(kind=kind, filing=filing, params=params, user=user, batch=batch)
    task.delay_on_commit(job.pk)
    return job


def job_enqueue_unsafe_immediately(*, kind: str, task, filing=None, params: dict | None = None, user=None, batch: str = "") -> Job:
    """Send the task now, even inside a transaction: the worker may not see the row yet. Prefer job_enqueue."""
    job = _job_create(kind=kind, filing=filing, params=params, user=user, batch=batch)
    task.delay(job.pk)
    return job


def _job_create(*, kind, filing, params, user, batch) -> Job:
    job = Job(
        kind=kind,
        filing=filing,
        params=params or {},
        created_by=user if user is not None and user.is_authenticated else None,
        batch=batch,
    )
    job.full_clean()
    job.save()
    return job


def job_claim(job_id: int) -> bool:
    """Mark the job RUNNING for this worker; False if it is not ours to run.

    One UPDATE decides: a QUEUED job, or a RUNNING job whose start is older than `stale_after()`
    (its worker was killed) with attempts left. Every successful claim counts an attempt.
    """
    now = timezone.now()
    claimable = Q(status=Job.Status.QUEUED) | Q(
        status=Job.Status.RUNNING, started_at__lt=now - stale_after(), attempts__lt=MAX_ATTEMPTS
    )
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING, started_at=now, finished_at=None, attempts=F("attempts") + 1, error=""
    )
    return claimed == 1


def job_release(job_id: int) -> None:
    """Put a RUNNING job back in the queue (before a retry), keeping its attempts."""
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(status=Job.Status.QUEUED, message="等待重试")


def job_progress(job_id: int, percent: int, message: str = "") -> None:
    """Record how far a running job is (0–100) and what it is doing, for the progress bar."""
    percent = max(0, min(100, int(percent)))
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(progress=percent, message=message[:_MESSAGE_MAX])


def job_finish(job_id: int, result: dict | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE,
        progress=100,
        message="",
        result=result or {},
        error="",
        finished_at=timezone.now(),
    )


def job_fail(job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).exclude(status=Job.Status.DONE).update(
        status=Job.Status.FAILED, message="", error=error, finished_at=timezone.now()
    )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def job_task(*, name: str | None = None, max_retries: int = 3, backoff_max: int = 300, **task_options) -> Callable:
    """Turn `work(job) -> dict | None` into a Celery task taking the job's primary key.

    The task claims the job (and does nothing if it cannot), runs `work`, and records the result or
    the error. Transient faults (TRANSIENT_ERRORS) put the job back in the queue and retry with
    exponential backoff; when the retries are exhausted, or on any other error, the job is marked
    failed. Messages are acknowledged late, so a worker killed mid-job leaves the message to be
    delivered again; `job_claim` then takes over the stale row.
    """

    def decorator(work: Callable[[Job], dict | None]):
        stale_seconds = int(stale_after().total_seconds())
        options = {
            "bind": True,
            "name": name or f"{work.__module__}.{work.__name__}",
            "acks_late": True,
            "reject_on_worker_lost": True,
            "max_retries": max_retries,
            "soft_time_limit": max(1, stale_seconds - 60),
            "time_limit": stale_seconds,
            **task_options,
        }

        def run(self, job_id: int) -> dict[str, Any] | None:
            try:
                claimed = job_claim(job_id)
            except TRANSIENT_ERRORS as exc:
                # The row is untouched (still queued): try the claim again later, or give up loudly.
                if self.request.retries >= self.max_retries:
                    raise
                raise self.retry(exc=exc, countdown=_backoff(self, backoff_max)) from exc
            if not claimed:
                _not_claimed(self, job_id)
                return None
            job = Job.objects.select_related("filing").get(pk=job_id)
            try:
                result = work(job) or {}
            except Retry:
                raise
            except TRANSIENT_ERRORS as exc:
                if self.request.retries >= self.max_retries:
                    logger.exception("job %s failed after %s retries", job_id, self.request.retries)
                    job_fail(job_id, f"重试 {self.request.retries} 次后仍失败：{_describe(exc)}")
                    return None
                _release_quietly(job_id)
                countdown = _backoff(self, backoff_max)
                logger.warning("job %s: transient fault %s, retry in %ss", job_id, _describe(exc), countdown)
                raise self.retry(exc=exc, countdown=countdown) from exc
            except SoftTimeLimitExceeded:
                job_fail(job_id, "任务运行超时。")
                return None
            except Exception as exc:
                logger.exception("job %s failed", job_id)
                job_fail(job_id, _describe(exc))
                return None
            job_finish(job_id, result)
            return result

        run.__doc__ = work.__doc__
        run.__name__ = work.__name__
        return shared_task(**options)(run)

    return decorator


def _backoff(task, maximum: int) -> int:
    """Seconds before the next retry: exponential in the retries so far, with full jitter."""
    return get_exponential_backoff_interval(factor=2, retries=task.request.retries, maximum=maximum, full_jitter=True)


def _release_quietly(job_id: int) -> None:
    """Release the job for the retry; if the database is the thing that is down, the retry waits for staleness."""
    try:
        job_release(job_id)
    except TRANSIENT_ERRORS:
        logger.warning("job %s could not be released; it will be re-claimed when stale", job_id)


def _not_claimed(task, job_id: int) -> None:
    """A message for a job we cannot claim: finished, running elsewhere, or out of attempts.

    A RUNNING job that is not stale yet may belong to a worker that was just killed (its message came
    back at once). Send a fresh message that looks again when the row would be stale; it does not
    spend the retry budget, and it ends because the job is then finished, or claimable, or out of attempts.
    """
    job = Job.objects.filter(pk=job_id).only("status", "started_at", "attempts").first()
    if job is None or job.status != Job.Status.RUNNING:
        return None
    age = timezone.now() - (job.started_at or timezone.now())
    if age >= stale_after():
        # Stale, so claimable but for its attempts: it has used them all.
        Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, started_at=job.started_at).update(
            status=Job.Status.FAILED, error=f"任务已尝试 {job.attempts} 次仍未完成。", finished_at=timezone.now()
        )
        return None
    if not task.request.is_eager:
        task.apply_async((job_id,), countdown=max(1, int((stale_after() - age).total_seconds()) + 1))
    return None
