"""Job plumbing: claiming once, re-claiming a dead worker's job, progress, retries, enqueue after commit."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from jobs.models import Job
from jobs import services as jobs
from jobs.services import job_claim, job_enqueue, job_fail, job_finish, job_progress, job_task
from jobs.tasks import ping
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db

calls: list[int] = []


@job_task(name="tests.always_transient", max_retries=2)
def always_transient(job: Job) -> dict:
    calls.append(job.pk)
    raise OperationalError("server closed the connection unexpectedly")


@job_task(name="tests.transient_once", max_retries=2)
def transient_once(job: Job) -> dict:
    calls.append(job.pk)
    if len(calls) == 1:
        raise ConnectionError("broker went away")
    return {"ok": len(calls)}


@job_task(name="tests.broken")
def broken(job: Job) -> dict:
    calls.append(job.pk)
    raise ValueError("表5 合计不平")


@job_task(name="tests.reports_progress")
def reports_progress(job: Job) -> dict:
    jobs.job_progress(job.pk, 40, "生成表格")
    observed = Job.objects.get(pk=job.pk)
    return {"seen_progress": observed.progress, "seen_message": observed.message}


@pytest.fixture(autouse=True)
def reset_calls():
    calls.clear()


def queued_job(**fields) -> Job:
    return JobFactory(**fields)


def test_claim_succeeds_once():
    job = queued_job()

    assert job_claim(job.pk) is True
    assert job_claim(job.pk) is False

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.attempts == 1
    assert job.started_at is not None


def test_claim_refuses_finished_jobs():
    done = queued_job(status=Job.Status.DONE)
    failed = queued_job(status=Job.Status.FAILED)

    assert job_claim(done.pk) is False
    assert job_claim(failed.pk) is False


def test_running_job_is_reclaimed_only_when_stale(settings):
    settings.JOB_STALE_AFTER_SECONDS = 600
    now = timezone.now()
    fresh = queued_job(status=Job.Status.RUNNING, started_at=now - timedelta(seconds=599), attempts=1)
    stale = queued_job(status=Job.Status.RUNNING, started_at=now - timedelta(seconds=601), attempts=1)

    assert job_claim(fresh.pk) is False
    assert job_claim(stale.pk) is True

    stale.refresh_from_db()
    assert stale.attempts == 2
    assert stale.started_at > now - timedelta(seconds=5)


def test_stale_job_out_of_attempts_is_not_reclaimed(settings):
    settings.JOB_STALE_AFTER_SECONDS = 600
    job = queued_job(
        status=Job.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        attempts=jobs.MAX_ATTEMPTS,
    )

    assert job_claim(job.pk) is False


def test_task_takes_over_the_job_of_a_killed_worker(settings):
    """The message of a killed worker comes back; the stale row is claimed again and finished."""
    settings.JOB_STALE_AFTER_SECONDS = 600
    job = queued_job(status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(hours=1), attempts=1)

    ping.delay(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 2
    assert job.result["pong"] is True


def test_progress_is_recorded_and_clamped():
    job = queued_job()
    job_claim(job.pk)

    job_progress(job.pk, 35, "正在计算表5")
    job.refresh_from_db()
    assert (job.progress, job.message) == (35, "正在计算表5")

    job_progress(job.pk, 180, "x" * 300)
    job.refresh_from_db()
    assert job.progress == 100
    assert len(job.message) == 200


def test_progress_is_ignored_once_the_job_ended():
    job = queued_job()
    job_claim(job.pk)
    job_finish(job.pk, {"tables": 8})

    job_progress(job.pk, 10, "迟到的进度")

    job.refresh_from_db()
    assert (job.status, job.progress, job.result) == (Job.Status.DONE, 100, {"tables": 8})


def test_fail_records_error_but_never_undoes_done():
    failing = queued_job()
    job_claim(failing.pk)
    job_fail(failing.pk, "数据库不可用")
    failing.refresh_from_db()
    assert failing.status == Job.Status.FAILED
    assert failing.error == "数据库不可用"
    assert failing.finished_at is not None

    done = queued_job()
    job_claim(done.pk)
    job_finish(done.pk, {})
    job_fail(done.pk, "迟到的失败")
    done.refresh_from_db()
    assert done.status == Job.Status.DONE


def test_service_progress_is_visible_while_running():
    job = queued_job()

    reports_progress.delay(job.pk)

    job.refresh_from_db()
    assert job.result == {"seen_progress": 40, "seen_message": "生成表格"}
    assert job.progress == 100


def test_transient_fault_is_retried_then_marked_failed():
    job = queued_job()

    always_transient.delay(job.pk)

    job.refresh_from_db()
    assert calls == [job.pk] * 3  # the first run and max_retries=2 retries
    assert job.status == Job.Status.FAILED
    assert job.attempts == 3
    assert "OperationalError" in job.error
    assert "重试 2 次" in job.error


def test_transient_fault_then_success_finishes_the_job():
    job = queued_job()

    transient_once.delay(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 2
    assert job.result == {"ok": 2}
    assert job.error == ""


def test_other_errors_fail_at_once():
    job = queued_job()

    broken.delay(job.pk)

    job.refresh_from_db()
    assert calls == [job.pk]
    assert job.status == Job.Status.FAILED
    assert job.error == "ValueError: 表5 合计不平"


def test_duplicate_message_runs_the_work_once():
    job = queued_job()

    broken.delay(job.pk)
    broken.delay(job.pk)

    assert calls == [job.pk]


def test_enqueue_sends_the_task_only_after_commit(django_capture_on_commit_callbacks, accountant):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue(kind=Job.Kind.PING, task=ping, user=accountant, params={"why": "test"})
        job.refresh_from_db()
        assert job.status == Job.Status.QUEUED
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind=Job.Kind.PING, task=ping, user=accountant, batch="2020-all")

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.created_by == accountant
    assert job.batch == "2020-all"
    assert job.result["pong"] is True
    assert job.progress == 100


def test_stale_job_out_of_attempts_is_marked_failed_by_its_next_message(settings):
    settings.JOB_STALE_AFTER_SECONDS = 600
    job = queued_job(status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(hours=1), attempts=jobs.MAX_ATTEMPTS)

    ping.delay(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert f"已尝试 {jobs.MAX_ATTEMPTS} 次" in job.error


def test_running_job_is_left_alone_by_a_duplicate_message(settings):
    settings.JOB_STALE_AFTER_SECONDS = 600
    job = queued_job(status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(seconds=30), attempts=jobs.MAX_ATTEMPTS)

    ping.delay(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (Job.Status.RUNNING, jobs.MAX_ATTEMPTS, {})


def test_database_fault_while_claiming_is_retried():
    job = queued_job()
    real_claim = jobs.job_claim
    outcomes = iter([OperationalError("the database system is starting up")])

    def flaky_claim(job_id):
        for error in outcomes:
            raise error
        return real_claim(job_id)

    with mock.patch.object(jobs, "job_claim", side_effect=flaky_claim):
        ping.delay(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 1


def test_many_jobs_are_written_in_one_insert_and_sent_in_order_after_commit(
    django_capture_on_commit_callbacks, django_assert_max_num_queries, accountant
):
    """A county's year queues hundreds of jobs: validating each with full_clean (its foreign keys and check
    asked of the database), inserting it and recording its send one by one cost seven queries a job."""
    requests = [jobs.JobRequest(kind=Job.Kind.PING, task=ping, params={"n": n}) for n in range(12)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_max_num_queries(1):
        queued = jobs.jobs_enqueue(requests, user=accountant, batch="year")
    assert [job.params["n"] for job in Job.objects.filter(batch="year").order_by("pk")] == list(range(12))
    assert {job.created_by for job in queued} == {accountant} and len(callbacks) == 1
    with mock.patch.object(ping, "apply_async") as send, django_assert_max_num_queries(1):
        callbacks[0]()
    assert [c.args[0] for c in send.call_args_list] == [(job.pk,) for job in queued]
    assert Job.objects.filter(batch="year", status=Job.Status.QUEUED, sent_at__isnull=False).count() == 12


def test_a_batch_stops_sending_at_the_first_failed_send(django_capture_on_commit_callbacks, caplog):
    """With the broker down, each send waits out its retries (over a second): a year's hundreds of jobs would
    hold the request for minutes. The first failure stops the batch; every job left says so, and the sweep
    sends them once the broker is back."""
    requests = [jobs.JobRequest(kind=Job.Kind.PING, task=ping) for _ in range(5)]
    with mock.patch.object(ping, "apply_async", side_effect=[None, ConnectionError("refused"), None, None, None]) as send:
        with django_capture_on_commit_callbacks(execute=True):
            queued = jobs.jobs_enqueue(requests)
    assert send.call_count == 2
    rows = list(Job.objects.filter(pk__in=[job.pk for job in queued]).order_by("pk"))
    assert rows[0].sent_at is not None and rows[0].message == ""
    assert all(job.sent_at is None and job.message == jobs.SEND_FAILED_MESSAGE for job in rows[1:])
    assert "could not send" in caplog.text


def test_a_send_clears_the_failed_send_message_in_the_same_update(django_assert_num_queries):
    job = queued_job(message=jobs.SEND_FAILED_MESSAGE)
    with mock.patch.object(ping, "apply_async"), django_assert_num_queries(1):
        assert jobs.job_send(job.pk, ping)
    job.refresh_from_db()
    assert job.sent_at is not None and job.message == ""
