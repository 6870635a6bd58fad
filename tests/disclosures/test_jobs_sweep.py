"""The sweep (Celery beat task and `manage.py sweep_jobs`): re-send lost messages, take over dead workers' jobs.

Before it, a job whose send failed stayed 排队中 for ever, and a job whose worker was killed whole
stayed 运行中 until Redis delivered its message again after the visibility timeout (an hour).
"""

import threading
import time
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from jobs.models import Job
from jobs import services as jobs
from jobs.services import RECLAIMED_MESSAGE, SweepResult, job_task, jobs_sweep
from jobs.tasks import ping

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def job(**fields) -> Job:
    created_at = fields.pop("created_at", None)
    made = Job.objects.create(kind=Job.Kind.PING, task=ping.name, **fields)
    if created_at is not None:
        Job.objects.filter(pk=made.pk).update(created_at=created_at)
    return made


def status(made: Job) -> tuple:
    made.refresh_from_db()
    return made.status, made.attempts


def test_queued_job_never_sent_is_sent_once_it_is_older_than_the_retry_delay(settings):
    settings.JOB_SEND_RETRY_SECONDS = 60
    lost = job(created_at=NOW - timedelta(seconds=61))
    young = job(created_at=NOW - timedelta(seconds=30))
    assert jobs_sweep(now=NOW) == SweepResult(resent=1, reclaimed=0, failed=0)
    assert status(lost) == (Job.Status.DONE, 1)  # tasks run in-process in the tests
    assert status(young) == (Job.Status.QUEUED, 0)


def test_queued_job_sent_long_ago_is_sent_again_but_a_recent_send_is_trusted(settings):
    settings.JOB_RESEND_AFTER_SECONDS = 3600
    lost = job(created_at=NOW - timedelta(hours=2), sent_at=NOW - timedelta(seconds=3601))
    waiting = job(created_at=NOW - timedelta(hours=2), sent_at=NOW - timedelta(minutes=5))  # e.g. behind a county-wide batch
    assert jobs_sweep(now=NOW).resent == 1
    assert status(lost) == (Job.Status.DONE, 1)
    assert status(waiting) == (Job.Status.QUEUED, 0)


def test_running_job_without_heartbeat_is_taken_over(settings):
    settings.JOB_STALE_AFTER_SECONDS = 120
    dead = job(status=Job.Status.RUNNING, attempts=1, started_at=NOW - timedelta(minutes=10), heartbeat_at=NOW - timedelta(seconds=121))
    alive = job(status=Job.Status.RUNNING, attempts=1, started_at=NOW - timedelta(minutes=10), heartbeat_at=NOW - timedelta(seconds=20))
    with mock.patch.object(jobs, "job_send", return_value=True) as send:
        assert jobs_sweep(now=NOW) == SweepResult(resent=0, reclaimed=1, failed=0)
    send.assert_called_once_with(dead.pk)
    dead.refresh_from_db()
    assert (dead.status, dead.message, dead.sent_at) == (Job.Status.QUEUED, RECLAIMED_MESSAGE, None)
    assert status(alive) == (Job.Status.RUNNING, 1)
    jobs.job_send(dead.pk)  # the send the sweep makes: the next worker runs it
    assert status(dead) == (Job.Status.DONE, 2)


def test_dead_workers_job_out_of_attempts_fails(settings):
    settings.JOB_STALE_AFTER_SECONDS = 120
    spent = job(status=Job.Status.RUNNING, attempts=jobs.MAX_ATTEMPTS, started_at=NOW - timedelta(hours=1), heartbeat_at=None)
    assert jobs_sweep(now=NOW) == SweepResult(resent=0, reclaimed=0, failed=1)
    spent.refresh_from_db()
    assert spent.status == Job.Status.FAILED and f"已尝试 {jobs.MAX_ATTEMPTS} 次" in spent.error


def test_finished_jobs_are_left_alone(settings):
    done = job(status=Job.Status.DONE, created_at=NOW - timedelta(days=1), started_at=NOW - timedelta(days=1))
    failed = job(status=Job.Status.FAILED, created_at=NOW - timedelta(days=1), started_at=NOW - timedelta(days=1))
    assert jobs_sweep(now=NOW) == SweepResult(0, 0, 0)
    assert status(done)[0] == Job.Status.DONE and status(failed)[0] == Job.Status.FAILED


def test_command_sweeps_and_reports(settings):
    job(created_at=timezone.now() - timedelta(minutes=5))
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "重新发送 1 个，收回 0 个，失败 0 个" in out.getvalue()


def test_beat_runs_the_sweep_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]
    assert entry["task"] == "jobs.sweep_jobs" and entry["schedule"] == 60
    assert app.conf.beat_schedule["sweep-jobs"]["task"] in app.tasks
    assert app.tasks["jobs.sweep_jobs"].delay().get() == "重新发送 0 个，收回 0 个，失败 0 个"


def test_visibility_timeout_outlasts_every_unacknowledged_message():
    """Late acks: a message stays unacknowledged while its task runs (at most the hard time limit) and
    while a worker holds it for a retry countdown (at most 300 s); the broker must not hand it out again before."""
    assert django_settings.CELERY_TASK_ACKS_LATE is True and django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > jobs.time_limit() + 300
    assert ping.time_limit == jobs.time_limit() == 1800
    # a dead worker's job is taken over long before its message would come back
    assert django_settings.JOB_STALE_AFTER_SECONDS + django_settings.JOB_SWEEP_SECONDS < visibility / 10
    assert django_settings.JOB_STALE_AFTER_SECONDS >= 3 * django_settings.JOB_HEARTBEAT_SECONDS


seen_heartbeats: list = []


@job_task(name="tests.slow_beating")
def slow_beating(job: Job) -> dict:
    """Runs longer than several heartbeats and reports no progress."""
    first = Job.objects.get(pk=job.pk).heartbeat_at
    time.sleep(0.6)
    seen_heartbeats.extend([first, Job.objects.get(pk=job.pk).heartbeat_at])
    return {}


@pytest.mark.django_db(transaction=True)
def test_a_running_job_heartbeats_while_it_works(settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.1
    made = Job.objects.create(kind=Job.Kind.PING, task=slow_beating.name)
    before = threading.active_count()
    slow_beating.delay(made.pk)
    first, later = seen_heartbeats
    assert first is not None and later > first
    assert status(made) == (Job.Status.DONE, 1)
    assert threading.active_count() == before  # the heartbeat thread ended with the job
