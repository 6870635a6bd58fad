"""Without a broker, a job runs in a thread of the web process: the request that queued it (generate,
publish, import, county-wide generation) answers at once, and its page polls the progress. Before, the
eager task ran inside the request, so the page blocked for as long as the generation took."""

import importlib
import threading
import time

import pytest
from django.urls import reverse

from jobs.models import Job
from jobs.services import job_enqueue, job_progress, job_task

pytestmark = pytest.mark.django_db(transaction=True)

RELEASE = threading.Event()


@job_task(name="tests.waits_for_release")
def waits_for_release(job: Job) -> dict:
    job_progress(job.pk, 40, "等待中")
    assert RELEASE.wait(10)
    return {"summary": "完成"}


RAN_IN: list[str] = []


@job_task(name="tests.notes_its_thread")
def notes_its_thread(job: Job) -> dict:
    RAN_IN.append(threading.current_thread().name)
    return {"summary": "完成"}


def test_a_queued_job_runs_in_a_thread_and_the_caller_returns_at_once(settings, accountant, monkeypatch):
    settings.JOBS_IN_PROCESS_THREAD = True
    monkeypatch.setattr("jobs.services._serving", True)  # as config/wsgi.py sets it in a web process
    RELEASE.clear()
    started = time.monotonic()
    job = job_enqueue(kind=Job.Kind.PING, task=waits_for_release, user=accountant)  # autocommit: sent at once
    assert time.monotonic() - started < 2
    deadline = time.monotonic() + 10
    while Job.objects.get(pk=job.pk).progress != 40:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING
    RELEASE.set()
    while Job.objects.get(pk=job.pk).status != Job.Status.DONE:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_several_jobs_report_as_one_bar(client, accountant, reviewer):
    done = Job.objects.create(kind=Job.Kind.PING, status=Job.Status.DONE, progress=100, created_by=accountant)
    running = Job.objects.create(kind=Job.Kind.PING, status=Job.Status.RUNNING, progress=40, created_by=accountant)
    other = Job.objects.create(kind=Job.Kind.PING, status=Job.Status.RUNNING, progress=0, created_by=reviewer)
    client.force_login(accountant)
    url = reverse("jobs:jobs_progress") + f"?ids={done.pk},{running.pk},{other.pk}"
    data = client.get(url).json()
    assert (data["count"], data["progress"], data["finished"], data["status_display"]) == (2, 70, False, "运行中")
    assert data["message"] == "已完成 1/2 项"
    Job.objects.filter(pk=running.pk).update(status=Job.Status.FAILED)
    data = client.get(url).json()
    assert (data["progress"], data["finished"], data["status"], data["message"]) == (100, True, "failed", "已完成 1/2 项，失败 1 项")


def test_the_bar_is_drawn_with_the_jobs_state_when_the_page_is_served(rf, accountant, reviewer):
    """The combined bar said 排队中 at 0 % until its first poll, even on a page opened after its jobs ended;
    it is drawn with their state, and a finished bar is not polled (data-finished)."""
    from django.template import Context, Template

    done = Job.objects.create(kind=Job.Kind.PING, status=Job.Status.DONE, progress=100, created_by=accountant)
    running = Job.objects.create(kind=Job.Kind.PING, status=Job.Status.RUNNING, progress=40, created_by=accountant)
    hidden = Job.objects.create(kind=Job.Kind.PING, status=Job.Status.RUNNING, progress=0, created_by=reviewer)
    request = rf.get("/")
    request.user = accountant
    template = Template('{% load jobs_progress %}{% jobs_progress ids=ids label="批量公开" reload=True %}')

    html = template.render(Context({"request": request, "ids": f"{done.pk},{hidden.pk}"}))
    assert '<progress max="100" value="100">100%</progress>' in html
    assert '<span class="job-progress-status">已完成</span>' in html
    assert '<span class="job-progress-message">已完成 1/1 项</span>' in html
    assert "data-finished" in html and "data-reload-on-done" in html

    html = template.render(Context({"request": request, "ids": f"{done.pk},{running.pk}"}))
    assert '<progress max="100" value="70">70%</progress>' in html
    assert '<span class="job-progress-status">运行中</span>' in html
    assert "data-finished" not in html


def test_a_command_that_queues_a_job_runs_it_before_it_exits(settings, accountant):
    """`make run` loads the demo with a management command before the server starts: the publication jobs
    it queued ran in threads of that command, which died when it exited and left the jobs RUNNING at 30%,
    so the demo's publications never became public. Outside a serving process a job runs inline."""
    settings.JOBS_IN_PROCESS_THREAD = True
    RAN_IN.clear()
    job = job_enqueue(kind=Job.Kind.PING, task=notes_its_thread, user=accountant)
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE
    assert RAN_IN == [threading.current_thread().name]


def test_the_wsgi_application_marks_its_process_as_serving(monkeypatch):
    from jobs import services

    monkeypatch.setattr(services, "_serving", False)
    monkeypatch.setattr(services, "_sweep_forever", lambda: None)
    import config.wsgi

    importlib.reload(config.wsgi)
    assert services._serving is True
