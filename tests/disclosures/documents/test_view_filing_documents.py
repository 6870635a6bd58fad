"""/workspace/filings/<pk>/documents/: list the outputs, POST starts a generation job."""

import pytest
from django.test import Client
from django.urls import reverse

from jobs.models import Job

pytestmark = pytest.mark.django_db


def url(filing):
    return reverse("disclosures:filing_documents", args=[filing.pk])


def test_own_department_sees_documents(client, accountant, own_filing, own_documents):
    client.force_login(accountant)
    response = client.get(url(own_filing))
    assert response.status_code == 200
    body = response.content.decode()
    assert "生成公开文件" in body
    for format in ("xlsx", "pdf", "html"):
        assert reverse("disclosures:document_download", args=[own_filing.pk, format]) in body


def test_other_department_gets_404(client, outsider, own_filing):
    client.force_login(outsider)
    assert client.get(url(own_filing)).status_code == 404
    assert client.post(url(own_filing)).status_code == 404
    assert not Job.objects.exists()


def test_anonymous_is_redirected_to_login(client, own_filing):
    response = client.get(url(own_filing))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_reviewer_sees_any_department(client, reviewer, own_filing):
    client.force_login(reviewer)
    assert client.get(url(own_filing)).status_code == 200


def test_post_queues_a_generation_job_after_commit(client, accountant, own_filing, django_capture_on_commit_callbacks):
    client.force_login(accountant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url(own_filing))
    assert response.status_code == 302 and response["Location"] == url(own_filing)
    job = Job.objects.get()
    assert (job.kind, job.filing, job.status, job.created_by) == (Job.Kind.GENERATE_FILING, own_filing, Job.Status.QUEUED, accountant)
    assert len(callbacks) == 1  # the task is sent only once the job row is committed
    page = client.get(url(own_filing)).content.decode()
    assert reverse("jobs:job_status", args=[job.pk]) in page  # progress partial polls the job


def test_post_requires_csrf_token(accountant, own_filing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    assert client.post(url(own_filing)).status_code == 403
    assert not Job.objects.exists()


def test_other_methods_are_refused(client, accountant, own_filing):
    client.force_login(accountant)
    assert client.put(url(own_filing)).status_code == 405
