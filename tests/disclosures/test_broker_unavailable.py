"""With the broker unreachable, generating, applying an import and publishing answer normally.

Found by hand with Redis stopped: the three answered 500 (the send after commit raised kombu's
OperationalError), their jobs stayed 排队中 for ever and the filing went public with no downloads.
Now the state change and the job row commit together, the failed send is logged, the user reads
"后台任务暂未执行，系统将自动重试", and the sweep sends the job once the broker is back.

The broker is made unreachable for real: Celery is pointed at a closed port (nothing listens on
127.0.0.1:6390) with eager execution off. The tests run with real commits (transaction=True), so the
send happens after the commit inside the request, as in production.
"""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools
from kombu.exceptions import OperationalError as KombuOperationalError

from config.celery import app
from disclosures.models import Filing, PublicationDocument
from jobs.models import Job
from disclosures.services import generation
from jobs.services import SEND_FAILED_MESSAGE, SweepResult, job_enqueue, jobs_sweep
from jobs.tasks import ping
from tests.disclosures.imports.helpers import EXPENSE_OK
from tests.disclosures.test_view_filing_import import token_of, upload
from tests.disclosures.workflow_fixtures import STAND_IN_PDF

CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/14"


def _reset_broker_connections() -> None:
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings, tmp_path, monkeypatch):
    """Celery sends to a port where nothing listens; undone afterwards (eager again, as the suite runs).
    Celery prefers the CELERY_BROKER_URL environment variable to its configuration, so both are set."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT_BROKER)
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = CLOSED_PORT_BROKER, False
    _reset_broker_connections()
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_broker_connections()


def broker_back() -> None:
    """The broker answers again (here: tasks run in-process, as with no broker configured)."""
    app.conf.task_always_eager = True
    _reset_broker_connections()


def later(seconds: int = 61):
    return timezone.now() + timedelta(seconds=seconds)


def assert_waiting(job: Job) -> None:
    job.refresh_from_db()
    assert (job.status, job.sent_at, job.message) == (Job.Status.QUEUED, None, SEND_FAILED_MESSAGE)


@pytest.mark.django_db(transaction=True)
def test_generate_with_the_broker_down(client, accountant, filing, broker_down, caplog):
    client.force_login(accountant)
    with caplog.at_level(logging.WARNING, logger="jobs.services"):
        response = client.post(reverse("disclosures:filing_documents", args=[filing.pk]))
    assert response.status_code == 302
    job = Job.objects.get(filing=filing, kind=Job.Kind.GENERATE_FILING)
    assert_waiting(job)
    assert any("could not send" in r.getMessage() and r.exc_info for r in caplog.records)
    page = client.get(response["Location"])
    assert page.status_code == 200 and SEND_FAILED_MESSAGE in page.content.decode()
    status = client.get(reverse("jobs:job_status", args=[job.pk])).json()
    assert (status["status_display"], status["message"], status["finished"]) == ("排队中", SEND_FAILED_MESSAGE, False)

    assert jobs_sweep() == SweepResult(resent=0, reclaimed=0, failed=0)  # too early to look lost
    assert_waiting(job)
    broker_back()
    with mock.patch.object(generation, "render_pdf", lambda html: STAND_IN_PDF):
        result = jobs_sweep(now=later())
    assert (result.resent, result.reclaimed, result.failed) == (1, 0, 0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.sent_at is not None and job.message == ""
    assert sorted(filing.documents.values_list("format", flat=True)) == ["html", "pdf", "xlsx"]


@pytest.mark.django_db(transaction=True)
def test_import_apply_with_the_broker_down(client, accountant, filing, broker_down):
    client.force_login(accountant)
    preview = client.post(reverse("disclosures:filing_import", args=[filing.pk]), upload(filing, [EXPENSE_OK]))
    assert preview.status_code == 200
    response = client.post(reverse("disclosures:filing_import", args=[filing.pk]), {"token": token_of(preview)})
    assert response.status_code == 302
    job = Job.objects.get(filing=filing, kind=Job.Kind.IMPORT_WORKBOOK)
    assert_waiting(job)
    page = client.get(response["Location"]).content.decode()
    assert "正在导入" in page and SEND_FAILED_MESSAGE in page
    assert not filing.expense_lines.exists()

    broker_back()
    assert jobs_sweep(now=later()).resent == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert filing.expense_lines.count() == 1


@pytest.mark.django_db(transaction=True)
def test_publish_with_the_broker_down(client, reviewer, approved_filing, broker_down):
    client.force_login(reviewer)
    response = client.post(reverse("disclosures:bureau_filing_action", args=[approved_filing.pk, "publish"]), {"confirm": "yes"})
    assert response.status_code == 302
    approved_filing.refresh_from_db()
    assert approved_filing.status == Filing.Status.PUBLISHED
    job = Job.objects.get(filing=approved_filing, params__publication=True)
    assert job.params["publication"] is True
    assert_waiting(job)
    assert SEND_FAILED_MESSAGE in client.get(response["Location"]).content.decode()
    # no downloads yet, so not public yet
    assert client.get(reverse("disclosures:public_filing", args=[approved_filing.pk])).status_code == 404
    assert (
        reverse("disclosures:public_filing", args=[approved_filing.pk])
        not in client.get(reverse("disclosures:public_year", args=[2019])).content.decode()
    )

    broker_back()
    with mock.patch.object(generation, "render_pdf", lambda html: STAND_IN_PDF):
        assert jobs_sweep(now=later()).resent == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert PublicationDocument.objects.filter(filing=approved_filing).count() == 3
    assert client.get(reverse("disclosures:public_filing", args=[approved_filing.pk])).status_code == 200


@pytest.mark.django_db
def test_a_send_that_raises_is_logged_not_raised(accountant, django_capture_on_commit_callbacks, caplog):
    """The kombu error a stopped Redis gives, raised by the send itself; the request's commit goes on."""
    with mock.patch.object(
        ping, "apply_async", side_effect=KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    ) as send:
        with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.WARNING):
            job = job_enqueue(kind=Job.Kind.PING, task=ping, user=accountant)
    assert send.call_count == 1 and send.call_args.kwargs["retry"] is True  # kombu retries the connection first
    assert_waiting(job)
    assert job.task == "disclosures.ping"
    assert "Connection refused" in caplog.text
