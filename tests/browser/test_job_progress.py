"""templates/jobs/_progress.html in Chromium: the bar follows the job while a worker finishes it."""

import re
import time

import pytest
from django.template.loader import render_to_string

from jobs.models import Job
from jobs.services import job_claim, job_finish, job_progress

pytestmark = pytest.mark.browser


def wait_until(page, expression: str, timeout: float = 15) -> None:
    """page.wait_for_function compiles its predicate inside the page, which the Content-Security-Policy
    refuses (no 'unsafe-eval'); page.evaluate runs through the DevTools protocol, so poll with it."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def show_partial(page, job):
    """Put the rendered partial into an open page of the site (same origin, the user's cookies); its script
    is a static file (the Content-Security-Policy allows no inline script), loaded as the partial loads it."""
    html = render_to_string("jobs/_progress.html", {"job": job})
    markup, src = re.match(r'(?s)(.*?)<script src="([^"]+)"', html).groups()
    page.evaluate("html => document.querySelector('main').insertAdjacentHTML('beforeend', html)", markup.strip())
    page.add_script_tag(url=src)


def test_progress_bar_follows_the_job(page, live_server, login_as, accountant, screenshot):
    job = Job.objects.create(kind=Job.Kind.PING, created_by=accountant)
    job_claim(job.pk)
    job_progress(job.pk, 30, "正在生成表格")
    login_as(page, accountant)
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate("() => { window.finished = null; document.addEventListener('job:finished', e => { window.finished = e.detail; }); }")

    job.refresh_from_db()
    show_partial(page, job)
    assert page.locator(".job-progress progress").get_attribute("value") == "30"

    job_progress(job.pk, 70, "正在生成说明")
    wait_until(page, "document.querySelector('.job-progress progress').value === 70")
    assert page.inner_text(".job-progress-message") == "正在生成说明"

    job_finish(job.pk, {"tables": 8})
    wait_until(page, "window.finished !== null")
    assert page.evaluate("window.finished.result") == {"tables": 8}
    assert page.inner_text(".job-progress-status") == "已完成"
    assert page.inner_text(".job-progress-message") == ""
    assert page.locator(".job-progress progress").evaluate("p => p.value") == 100
    screenshot(page, "job-progress-done", full_page=False)


def test_a_finished_batch_page_shows_its_outcome_and_stays(page, live_server, login_as, reviewer, year_2019):
    """Found clicking through the year's batch publication: its page, opened (or reloaded) once the batch had
    ended, polled the finished jobs, reloaded itself and polled again, for ever, its bar saying 排队中."""
    job = Job.objects.create(kind=Job.Kind.PUBLISH_FILINGS, created_by=reviewer, batch="publish-2019-done", params={"year": 2019, "filings": []})
    job_claim(job.pk)
    job_finish(job.pk, {"published": [], "skipped": [], "failed": []})
    login_as(page, reviewer)
    page.goto(f"{live_server.url}/bureau/years/2019/publish/?batch=publish-2019-done")
    assert page.inner_text(".job-progress-status") == "已完成"  # drawn finished, not 排队中 until a poll
    page.evaluate("() => { window.stayed = true; }")
    wait_until(page, "document.querySelector('.job-progress-status').textContent === '已完成'")
    page.wait_for_timeout(1500)
    assert page.evaluate("window.stayed === true")
