"""A task goes through a real Celery worker on Redis, end to end.

The worker is `celery -A config worker`, started as a separate process against the same database as
the test (the SQLite test database is a file, see config/settings.py; on PostgreSQL, the test
database). The test enqueues `ping` through job_enqueue and waits for the worker to finish the Job row.
It skips only when no Redis answers at 127.0.0.1:6379, and never when the CI variable is set.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from kombu import pools as kombu_pools
from django.db import connection

from config.celery import app
from jobs.models import Job
from jobs.services import job_enqueue
from jobs.tasks import ping

pytestmark = [pytest.mark.celery_worker]

DEFAULT_TEST_BROKER = "redis://127.0.0.1:6379/15"
WAIT_SECONDS = 90


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def broker_url():
    url = settings.CELERY_BROKER_URL or DEFAULT_TEST_BROKER
    if not url.startswith("redis://"):
        pytest.fail(f"this test needs a Redis broker, not {url}")
    if not redis_answers(url):
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no Redis answers at {url}")
        pytest.skip(f"no Redis answers at {url}")
    return url


def database_url_of_test_db() -> str:
    """The URL of the database this test runs on, for the worker's DATABASE_URL."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        assert not name.startswith(":memory:") and "mode=memory" not in name, "the SQLite test database must be a file"
        return f"sqlite:///{name}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"
    pytest.fail(f"no worker URL for database engine {db['ENGINE']}")


def drop_cached_broker_connections() -> None:
    """Make the next send use the broker configured now.

    Celery builds its connection pool on first use, even for eager calls (apply_async asks a producer
    for its transport), and keeps it; earlier tests in the run may have built it for another broker.
    kombu keeps the pools in a registry of its own, which kombu.pools.reset() closes and empties;
    Celery's references to them are dropped as Celery does itself after a fork (Celery._after_fork).
    """
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def forget_queue(url: str, queue: str) -> None:
    """Remove the run's queue and kombu's bindings for it from Redis."""
    import redis

    redis.Redis.from_url(url).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.fixture
def celery_worker_process(transactional_db, broker_url, tmp_path, monkeypatch):
    """Start `celery -A config worker` on the test database; point this process's Celery at the same broker.

    The worker listens on a queue of its own, and ping is sent there, so that two test runs sharing
    the Redis database do not take each other's messages (their job ids are the same).
    """
    log_path = tmp_path / "worker.log"
    name = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(ping, "queue", f"gongkai-{name}", raising=False)
    monkeypatch.setattr(ping, "_exec_options", None)  # Celery caches a task's routing options at its first send
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url_of_test_db(),
        "CELERY_BROKER_URL": broker_url,
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        f"gongkai-{name}",
        "-n",
        f"{name}@%h",
    ]
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = broker_url
    app.conf.task_always_eager = False
    drop_cached_broker_connections()
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(command, cwd=Path(settings.BASE_DIR), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield worker, log_path
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        app.conf.broker_url, app.conf.task_always_eager = saved
        drop_cached_broker_connections()
        forget_queue(broker_url, f"gongkai-{name}")


def test_ping_goes_through_a_real_worker(celery_worker_process, accountant):
    worker, log_path = celery_worker_process

    job = job_enqueue(kind=Job.Kind.PING, task=ping, user=accountant, params={"test": "worker round trip"})

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and worker.poll() is None:
        job.refresh_from_db()
        if job.status in (Job.Status.DONE, Job.Status.FAILED):
            break
        time.sleep(0.25)
    log = log_path.read_text(errors="replace")[-4000:]
    assert job.status == Job.Status.DONE, f"job {job.status} ({job.error!r}); worker exit {worker.poll()}; log:\n{log}"
    assert job.result["pong"] is True
    assert job.result["pid"] != os.getpid(), "the task ran in the test process, not in the worker"
    assert job.result["worker"].startswith("test-")
    assert job.attempts == 1
    assert job.progress == 100
    assert job.started_at is not None and job.finished_at >= job.started_at


def wait_for(jobs: list[Job], worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and worker.poll() is None:
        for job in jobs:
            job.refresh_from_db()
        if all(job.status in (Job.Status.DONE, Job.Status.FAILED) for job in jobs):
            return
        time.sleep(0.25)


def test_sweep_resends_a_lost_message_and_takes_over_a_dead_workers_job(celery_worker_process):
    """Two faults a broker or worker leave behind, recovered by the sweep through the real worker:
    a committed job whose message never left (the send failed), and a job left 运行中 by a worker that was
    killed whole (its heartbeat stopped an hour ago)."""
    from datetime import timedelta

    from django.utils import timezone

    from jobs.services import jobs_sweep

    worker, log_path = celery_worker_process
    an_hour_ago = timezone.now() - timedelta(hours=1)
    never_sent = Job.objects.create(kind=Job.Kind.PING, task=ping.name, message="后台任务暂未执行，系统将自动重试")
    Job.objects.filter(pk=never_sent.pk).update(created_at=an_hour_ago)
    orphaned = Job.objects.create(
        kind=Job.Kind.PING,
        task=ping.name,
        status=Job.Status.RUNNING,
        attempts=1,
        started_at=an_hour_ago,
        heartbeat_at=an_hour_ago,
        sent_at=an_hour_ago,
    )

    result = jobs_sweep()

    assert (result.resent, result.reclaimed, result.failed) == (1, 1, 0)
    wait_for([never_sent, orphaned], worker)
    log = log_path.read_text(errors="replace")[-4000:]
    for job, attempts in ((never_sent, 1), (orphaned, 2)):
        assert job.status == Job.Status.DONE, f"job {job.pk} {job.status} ({job.error!r}); log:\n{log}"
        assert job.attempts == attempts and job.message == ""
        assert job.result["pid"] != os.getpid() and job.result["worker"].startswith("test-")
        assert job.sent_at is not None and job.heartbeat_at >= job.started_at
