"""Background jobs: the Job row a user watches, and the Celery plumbing that claims and finishes it.

A job is created first, in the transaction that changes the state it is about (publishing, applying
an import), and its task is sent *after that transaction commits* (`job_enqueue`), so the worker always
finds the row. A send that fails (broker unreachable) never reaches the user as an error: it is logged,
the job stays QUEUED with the message "后台任务暂未执行，系统将自动重试", and the sweep sends it again.
The task only gets the job's primary key. It claims the row with a single conditional UPDATE
(`job_claim`), so a message delivered twice runs the work once.

While a job runs, its worker writes a heartbeat every JOB_HEARTBEAT_SECONDS. `jobs_sweep` (run by
Celery beat every JOB_SWEEP_SECONDS, or by `manage.py sweep_jobs` from cron) re-sends QUEUED jobs whose
message never left (send failed, or the web process died before sending) or was lost by the broker,
and puts RUNNING jobs whose heartbeat stopped (the worker was killed) back in the queue, or fails them
when they have used their attempts.

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
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from celery import current_app, shared_task
from celery.exceptions import Retry, SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from jobs.models import Job

logger = logging.getLogger(__name__)

#: Faults worth retrying: the database or the broker went away for a moment.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

#: How often a job may be started in all (first run, retries after transient faults, re-claims after a lost worker).
MAX_ATTEMPTS = 5

_MESSAGE_MAX = Job._meta.get_field("message").max_length

#: What the user reads while a job's message could not be sent (job status page and progress bar).
SEND_FAILED_MESSAGE = "后台任务暂未执行，系统将自动重试"
#: What the user reads while a job whose worker stopped waits to run again.
RECLAIMED_MESSAGE = "处理该任务的进程已停止，系统将自动重试"

#: Sending inside a request: a few quick tries (a broker restart), then leave the job to the sweep.
SEND_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.4, "interval_max": 1.0}

#: Jobs handled by one sweep at most, per kind of fault (the next sweep takes the rest).
SWEEP_BATCH = 500


def _seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=int(getattr(settings, name, default)))


def stale_after() -> timedelta:
    """How long a RUNNING job may go without a heartbeat before it is taken to have lost its worker.

    Several heartbeats (JOB_HEARTBEAT_SECONDS) fit in it, so a live worker is never taken for a dead one.
    """
    return _seconds("JOB_STALE_AFTER_SECONDS", 120)


def time_limit() -> int:
    """The hard time limit of a job task in seconds; must stay below the broker's visibility timeout."""
    return int(getattr(settings, "JOB_TIME_LIMIT_SECONDS", 30 * 60))


def job_enqueue(*, kind: str, task, filing=None, params: dict | None = None, user=None, batch: str = "") -> Job:
    """Create the Job row in the current transaction, then send `task(job.pk)` once it commits.

    The row and the state change of the caller's transaction commit together (or neither does).
    Outside a transaction (autocommit) the task is sent at once; with no broker configured it runs
    in-process (CELERY_TASK_ALWAYS_EAGER). A failed send does not raise (see job_send).
    """
    job = _job_create(kind=kind, task=task, filing=filing, params=params, user=user, batch=batch)
    transaction.on_commit(partial(job_send, job.pk, task), robust=True)
    return job


def job_enqueue_unsafe_immediately(*, kind: str, task, filing=None, params: dict | None = None, user=None, batch: str = "") -> Job:
    """Send the task now, even inside a transaction: the worker may not see the row yet. Prefer job_enqueue."""
    job = _job_create(kind=kind, task=task, filing=filing, params=params, user=user, batch=batch)
    job_send(job.pk, task)
    return job


def _job_create(*, kind, task, filing, params, user, batch) -> Job:
    job = _job_row(kind=kind, task=task, filing=filing, params=params, user=user, batch=batch)
    job.save()
    return job


def _job_row(*, kind, task, filing, params, user, batch) -> Job:
    """A new Job row, its fields validated. Its foreign keys (an instance the caller holds) and its one check
    (progress at most 100: a new job's is 0) are the database's to enforce: full_clean would ask the
    database again for each, three queries a job."""
    job = Job(
        kind=kind,
        task=task.name,
        filing=filing,
        params=params or {},
        created_by=user if user is not None and user.is_authenticated else None,
        batch=batch,
    )
    job.clean_fields(exclude=["filing", "created_by"])
    job.clean()
    return job


@dataclass(frozen=True)
class JobRequest:
    """One job of a `jobs_enqueue` batch: what `job_enqueue` takes, but the user and batch they share."""

    kind: str
    task: Any
    filing: Any = None
    params: dict | None = None


def jobs_enqueue(requests: Iterable[JobRequest], *, user=None, batch: str = "") -> list[Job]:
    """Queue many jobs at once (a county's year): their rows in one INSERT in the current transaction, their
    tasks sent after it commits, in the order given (`jobs_send`). What `job_enqueue` does for each, in a
    handful of queries instead of several per job, so the workers start while the last rows are written."""
    requests = list(requests)
    jobs = [_job_row(kind=r.kind, task=r.task, filing=r.filing, params=r.params, user=user, batch=batch) for r in requests]
    if not jobs:
        return []
    Job.objects.bulk_create(jobs)
    transaction.on_commit(partial(jobs_send, [(job.pk, r.task) for job, r in zip(jobs, requests, strict=True)]), robust=True)
    return jobs


def jobs_send(jobs: list[tuple[int, Any]]) -> int:
    """Send the messages of these (job pk, task) pairs in turn; returns how many went out. The jobs sent get
    their `sent_at` in one UPDATE. At the first send that fails the broker is taken to be down: the rest are
    not tried (each try waits out SEND_RETRY_POLICY, over a second, and a year holds hundreds of jobs) and
    every job not sent tells the user SEND_FAILED_MESSAGE; the sweep sends them once the broker is back."""
    sent: list[int] = []
    for position, (job_id, task) in enumerate(jobs):
        try:
            _deliver(job_id, task)
        except Exception:
            unsent = [pk for pk, _task in jobs[position:]]
            logger.warning("jobs %s…: could not send their messages; the sweep will send them again", unsent[:5], exc_info=True)
            _record_quietly(unsent, message=SEND_FAILED_MESSAGE)
            break
        sent.append(job_id)
    _record_quietly(sent, sent_at=timezone.now())
    return len(sent)


def job_send(job_id: int, task=None) -> bool:
    """Hand the job's message to the broker, retrying briefly; True when it went out.

    Never raises: when the broker stays unreachable the fault is logged, the QUEUED job tells the user
    SEND_FAILED_MESSAGE and keeps `sent_at` empty, and `jobs_sweep` sends it again later.
    """
    try:
        if task is None:
            task = _task_of(Job.objects.only("task").get(pk=job_id))
        _deliver(job_id, task)
    except Exception:
        logger.warning("job %s: could not send its message; the sweep will send it again", job_id, exc_info=True)
        _record_quietly([job_id], message=SEND_FAILED_MESSAGE)
        return False
    _record_quietly([job_id], sent_at=timezone.now())
    return True


def _deliver(job_id: int, task) -> None:
    """Hand the job to what runs it: a thread of this process (runs_in_process_thread) or the broker, retrying
    briefly (SEND_RETRY_POLICY); raises when the broker cannot be reached."""
    if runs_in_process_thread():
        threading.Thread(target=_run_in_thread, args=(job_id, task), name=f"job-{job_id}", daemon=True).start()
    else:
        task.apply_async((job_id,), retry=True, retry_policy=SEND_RETRY_POLICY)


#: Set by `serve_jobs_in_process` (config/wsgi.py) in a process that serves requests.
_serving = False


def serve_jobs_in_process() -> None:
    """Mark this process as a web server: without a broker it runs jobs in its own threads, and a sweeper
    thread recovers the jobs a restarted process left behind (there is no beat in that set-up).

    Only the serving process does this. A management command (load_demo, generate_documents) that queues
    jobs runs them inline, since its threads would die with it when it exits and leave the jobs RUNNING.
    """
    global _serving
    _serving = True
    if runs_in_process_thread():
        threading.Thread(target=_sweep_forever, name="job-sweep", daemon=True).start()


def runs_in_process_thread() -> bool:
    """With no broker (tasks eager), settings.JOBS_IN_PROCESS_THREAD and a serving process, a job runs in a
    thread of the web process, so the request that queued it answers at once and its page polls the
    progress, as with a worker. The tests keep eager tasks inline (settings_test)."""
    return _serving and bool(getattr(settings, "JOBS_IN_PROCESS_THREAD", False)) and bool(current_app.conf.task_always_eager)


def _sweep_forever() -> None:
    while True:
        time.sleep(_seconds("JOB_SWEEP_SECONDS", 60).total_seconds())
        try:
            jobs_sweep()
        except Exception:
            logger.exception("job sweep in the web process failed")
        finally:
            connections.close_all()


def _run_in_thread(job_id: int, task) -> None:
    try:
        task.apply((job_id,))
    except Exception:
        logger.exception("job %s: failed in its in-process thread", job_id)
    finally:
        connections.close_all()


def _record_quietly(job_ids: list[int], **fields) -> None:
    """Note the send's outcome on these jobs in one UPDATE: `sent_at` (and the failed send's message gone from a
    job still queued), or the message of a failed send on those still queued. A database fault here is only
    logged (the sweep looks again)."""
    if not job_ids:
        return
    try:
        jobs = Job.objects.filter(pk__in=job_ids)
        if "sent_at" in fields:
            cleared = Case(When(status=Job.Status.QUEUED, message=SEND_FAILED_MESSAGE, then=Value("")), default=F("message"))
            jobs.update(**fields, message=cleared)
        else:
            jobs.filter(status=Job.Status.QUEUED).update(**fields)
    except Exception:
        logger.warning("jobs %s: could not record the send", job_ids[:5], exc_info=True)


def _task_of(job: Job):
    """The task registered under the job's stored name, in the project's Celery app (config.celery sets it current)."""
    if not job.task:
        raise LookupError(f"job {job.pk} does not name its task")
    return current_app.tasks[job.task]


@dataclass(frozen=True)
class SweepResult:
    resent: int  # queued jobs whose message was sent again
    reclaimed: int  # running jobs of dead workers put back in the queue and sent again
    failed: int  # running jobs of dead workers that had used all their attempts

    def __str__(self) -> str:
        return f"重新发送 {self.resent} 个，收回 {self.reclaimed} 个，失败 {self.failed} 个"


def jobs_sweep(*, now=None) -> SweepResult:
    """Recover the jobs a broker or worker fault left behind; safe to run often and in parallel.

    - RUNNING with no heartbeat for `stale_after()`: its worker died. With attempts left it goes back to
      QUEUED and is sent again; otherwise it is marked FAILED. Each change is one conditional UPDATE on
      the heartbeat it saw, so a worker that beats in between keeps its job.
    - QUEUED and never sent, created more than JOB_SEND_RETRY_SECONDS ago: the send failed or the
      process died before it; sent again.
    - QUEUED and sent more than JOB_RESEND_AFTER_SECONDS ago: the broker lost the message (e.g. Redis
      restarted without persistence); sent again. A duplicate is harmless (`job_claim` runs it once).
    """
    now = now or timezone.now()
    reclaimed = failed = 0
    stale = Q(heartbeat_at__lt=now - stale_after()) | Q(heartbeat_at__isnull=True, started_at__lt=now - stale_after())
    for job in Job.objects.filter(stale, status=Job.Status.RUNNING).only("pk", "attempts", "heartbeat_at", "started_at")[:SWEEP_BATCH]:
        seen = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, heartbeat_at=job.heartbeat_at, started_at=job.started_at)
        if job.attempts >= MAX_ATTEMPTS:
            failed += seen.update(status=Job.Status.FAILED, message="", error=f"任务已尝试 {job.attempts} 次仍未完成。", finished_at=now)
        elif seen.update(status=Job.Status.QUEUED, message=RECLAIMED_MESSAGE, sent_at=None):
            reclaimed += 1
            job_send(job.pk)
    lost = Q(sent_at__isnull=True, created_at__lt=now - _seconds("JOB_SEND_RETRY_SECONDS", 60)) | Q(
        sent_at__lt=now - _seconds("JOB_RESEND_AFTER_SECONDS", 3600)
    )
    resent = 0
    for job_id in (
        Job.objects.filter(lost, status=Job.Status.QUEUED).exclude(task="").order_by("created_at", "id").values_list("pk", flat=True)[:SWEEP_BATCH]
    ):
        resent += job_send(job_id)
    if reclaimed or failed or resent:
        logger.warning("job sweep: resent %s, reclaimed %s, failed %s", resent, reclaimed, failed)
    return SweepResult(resent=resent, reclaimed=reclaimed, failed=failed)


def job_claim(job_id: int) -> bool:
    """Mark the job RUNNING for this worker; False if it is not ours to run.

    One UPDATE decides: a QUEUED job, or a RUNNING job whose start is older than `stale_after()`
    (its worker was killed) with attempts left. Every successful claim counts an attempt.
    """
    now = timezone.now()
    stale = Q(heartbeat_at__lt=now - stale_after()) | Q(heartbeat_at__isnull=True, started_at__lt=now - stale_after())
    claimable = Q(status=Job.Status.QUEUED) | Q(stale, status=Job.Status.RUNNING, attempts__lt=MAX_ATTEMPTS)
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, attempts=F("attempts") + 1, error="", message=""
    )
    return claimed == 1


def job_heartbeat(job_id: int) -> None:
    """The worker running the job is alive."""
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())


class _Heartbeat:
    """Beats for a running job from a thread of its own, with its own database connection, so a long
    step without progress reports (a big PDF) is not taken for a dead worker."""

    def __init__(self, job_id: int):
        self.job_id, self.stop = job_id, threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat", daemon=True)

    def _run(self) -> None:
        interval = float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 30))
        try:
            while not self.stop.wait(interval):
                try:
                    job_heartbeat(self.job_id)
                except Exception:
                    logger.warning("job %s: heartbeat not recorded", self.job_id, exc_info=True)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.thread.join(timeout=10)


def job_release(job_id: int) -> None:
    """Put a RUNNING job back in the queue (before a retry), keeping its attempts."""
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(status=Job.Status.QUEUED, message="等待重试")


def job_progress(job_id: int, percent: int, message: str = "") -> None:
    """Record how far a running job is (0–100) and what it is doing, for the progress bar."""
    percent = max(0, min(100, int(percent)))
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(progress=percent, message=message[:_MESSAGE_MAX], heartbeat_at=timezone.now())


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
    failed. While `work` runs, a heartbeat thread marks the job alive. Messages are acknowledged late
    (settings: CELERY_TASK_ACKS_LATE), so a worker killed mid-job leaves its message to the broker;
    `jobs_sweep` takes over the job as soon as its heartbeat stops, long before the broker's
    visibility timeout would deliver the message again.
    """

    def decorator(work: Callable[[Job], dict | None]):
        limit = time_limit()
        options = {
            "bind": True,
            "name": name or f"{work.__module__}.{work.__name__}",
            "acks_late": True,
            "reject_on_worker_lost": True,
            "max_retries": max_retries,
            "soft_time_limit": max(1, limit - 60),
            "time_limit": limit,
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
                with _Heartbeat(job_id):
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
    job = Job.objects.filter(pk=job_id).only("status", "started_at", "heartbeat_at", "attempts").first()
    if job is None or job.status != Job.Status.RUNNING:
        return None
    age = timezone.now() - (job.heartbeat_at or job.started_at or timezone.now())
    if age >= stale_after():
        # Stale, so claimable but for its attempts: it has used them all.
        Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, started_at=job.started_at).update(
            status=Job.Status.FAILED, error=f"任务已尝试 {job.attempts} 次仍未完成。", finished_at=timezone.now()
        )
        return None
    if not task.request.is_eager:
        task.apply_async((job_id,), countdown=max(1, int((stale_after() - age).total_seconds()) + 1))
    return None
