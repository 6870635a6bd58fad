"""/bureau/years/<year>/generate/: reviewers queue every current filing of a year and watch the batch."""

from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.models import Filing
from disclosures.tasks import generate_filing_documents, generate_year
from jobs.models import Job
from jobs.services import SEND_FAILED_MESSAGE

pytestmark = pytest.mark.django_db


def url(year=2019):
    return reverse("disclosures:year_generate", args=[year])


@pytest.fixture
def corrected(own_filing):
    """A published filing corrected once: only the new version is generated."""
    return Filing.objects.create(
        department=own_filing.department, fiscal_year=own_filing.fiscal_year, kind=own_filing.kind, version=2, supersedes=own_filing
    )


def test_reviewer_generates_the_year_as_one_batch(client, reviewer, own_filing, other_filing, corrected, django_capture_on_commit_callbacks):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url())
    jobs = Job.objects.filter(kind=Job.Kind.GENERATE_FILING)
    assert {job.filing for job in jobs} == {other_filing, corrected} and jobs.count() == 4  # xlsx+HTML, then PDF
    assert len({job.batch for job in jobs}) == 1 and jobs[0].batch
    assert len(callbacks) == 1  # the batch is sent after the commit, in the order queued
    with mock.patch.object(generate_filing_documents, "apply_async") as send:
        callbacks[0]()
    sent = [Job.objects.get(pk=c.args[0][0]) for c in send.call_args_list]
    first, second = sorted([other_filing, corrected], key=lambda f: (f.department.code, f.kind))
    assert [(job.filing, job.params["formats"]) for job in sent] == [
        (first, ["xlsx", "html"]),
        (second, ["xlsx", "html"]),
        (first, ["pdf"]),
        (second, ["pdf"]),
    ]
    assert not jobs.filter(sent_at__isnull=True).exists()
    assert response.status_code == 302 and response["Location"].endswith(f"?batch={jobs[0].batch}")
    page = client.get(response["Location"]).content.decode()
    assert "共 2 份，已完成 <strong>0</strong> 份（其中 Excel 和网页版已就绪 0 份）" in page
    assert "测试县教育局" in page and page.count("<td>Excel 和网页版</td>") == 2 and page.count("<td>PDF</td>") == 2


@pytest.mark.django_db(transaction=True)
def test_the_year_tries_the_broker_once_when_it_is_down(client, reviewer, own_filing, other_filing, corrected):
    """Found with Redis stopped: each of the year's jobs tried the broker in turn, its retries included (over a
    second a job, minutes for a county) before the page answered. The first failed send now stops the batch;
    every job waits for the sweep with the message that says so."""
    client.force_login(reviewer)
    with mock.patch.object(generate_filing_documents, "apply_async", side_effect=ConnectionError("refused")) as send:
        response = client.post(url())
    assert response.status_code == 302 and send.call_count == 1
    jobs = Job.objects.filter(kind=Job.Kind.GENERATE_FILING)
    assert jobs.count() == 4 and set(jobs.values_list("status", "sent_at", "message")) == {(Job.Status.QUEUED, None, SEND_FAILED_MESSAGE)}


def test_department_user_is_refused(client, accountant, own_filing):
    client.force_login(accountant)
    assert client.get(url()).status_code == 403
    assert client.post(url()).status_code == 403
    assert not Job.objects.exists()


def test_anonymous_is_redirected(client, own_filing):
    response = client.post(url())
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not Job.objects.exists()


def test_batch_progress_counts_finished_jobs(client, reviewer, own_filing):
    Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=own_filing, batch="generate-2019-x", status=Job.Status.DONE, progress=100)
    client.force_login(reviewer)
    page = client.get(url() + "?batch=generate-2019-x").content.decode()
    assert "共 1 份，已完成 <strong>1</strong> 份（其中 Excel 和网页版已就绪 1 份）" in page and "<td>全部文件</td>" in page


def test_batch_progress_tells_tables_ready_from_pdf_done(client, reviewer, own_filing, other_filing):
    """Excel/HTML done and the PDF still running counts as tables ready, not as done; a failed PDF as failed."""

    def job(filing, formats, status):
        Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing, batch="b", params={"formats": formats}, status=status)

    job(own_filing, ["xlsx", "html"], Job.Status.DONE)
    job(other_filing, ["xlsx", "html"], Job.Status.DONE)
    job(own_filing, ["pdf"], Job.Status.RUNNING)
    job(other_filing, ["pdf"], Job.Status.FAILED)
    client.force_login(reviewer)
    page = client.get(url() + "?batch=b").content.decode()
    assert '共 2 份，已完成 <strong>0</strong> 份（其中 Excel 和网页版已就绪 2 份），失败 <strong class="error-text">1</strong> 份' in page


def test_unknown_year_is_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get(url(1999)).status_code == 404


def test_post_requires_csrf_token(reviewer, own_filing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(url()).status_code == 403
    assert not Job.objects.exists()


def test_queuing_the_year_does_not_read_the_published_snapshots(reviewer, own_filing, other_filing):
    """A published filing's snapshot is megabytes of JSON: queuing a county's year read all of them."""
    Filing.objects.filter(pk=own_filing.pk).update(status=Filing.Status.PUBLISHED, published_snapshot={"tables": ["…"]})
    with CaptureQueriesContext(connection) as queries:
        generate_year(fiscal_year=own_filing.fiscal_year, user=reviewer)
    assert not [q["sql"] for q in queries if "published_snapshot" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")]
