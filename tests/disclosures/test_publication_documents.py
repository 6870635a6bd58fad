"""A publication's documents are frozen with its snapshot, and the publication is public only once they exist.

Found by hand: regenerating the documents of a published filing replaced the public downloads, and a
filing went public with no downloads when its generation job never ran.
"""

import hashlib
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from disclosures.models import Filing, FilingDocument, PublicationDocument
from jobs.models import Job
from jobs.services import jobs_send
from disclosures.services import generation, workflow
from disclosures.services.generation import filing_generate_documents
from disclosures.tasks import filing_enqueue_documents, generate_filing_documents, generate_year
from tests.disclosures.workflow_fixtures import STAND_IN_PDF, publish

pytestmark = pytest.mark.django_db


def download(client, filing, format) -> bytes:
    response = client.get(reverse("disclosures:public_document", args=[filing.pk, format]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_published_filing_is_hidden_until_its_documents_exist(client, approved_filing, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with TestCase.captureOnCommitCallbacks(execute=False) as sends:
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    approved_filing.refresh_from_db()
    assert approved_filing.status == Filing.Status.PUBLISHED and approved_filing.published_snapshot
    job = Job.objects.get(filing=approved_filing, params__publication=True)
    job_sends = [send for send in sends if getattr(send, "func", None) is jobs_send and [pk for pk, _task in send.args[0]] == [job.pk]]
    assert job.params["publication"] is True and job.status == Job.Status.QUEUED and len(job_sends) == 1

    # The job has not run: no page, no download, not on the year page, not in the API.
    assert client.get(reverse("disclosures:public_filing", args=[approved_filing.pk])).status_code == 404
    assert client.get(reverse("disclosures:public_document", args=[approved_filing.pk, "xlsx"])).status_code == 404
    assert (
        reverse("disclosures:public_filing", args=[approved_filing.pk])
        not in client.get(reverse("disclosures:public_year", args=[2019])).content.decode()
    )
    assert client.get(reverse("disclosures:api_filing", args=[approved_filing.pk])).status_code == 404

    with TestCase.captureOnCommitCallbacks(execute=True):
        job_sends[0]()  # the send the commit makes: the (in-process) worker builds and freezes the documents
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert sorted(PublicationDocument.objects.filter(filing=approved_filing).values_list("format", flat=True)) == ["html", "pdf", "xlsx"]
    page = client.get(reverse("disclosures:public_filing", args=[approved_filing.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        reverse("disclosures:public_document", args=[approved_filing.pk, "xlsx"]) in text
        and reverse("disclosures:public_document", args=[approved_filing.pk, "pdf"]) in text
    )
    assert download(client, approved_filing, "pdf").startswith(b"%PDF")


def test_regenerating_a_published_filing_keeps_the_public_downloads(client, published_filing, reviewer):
    frozen = {d.format: d for d in PublicationDocument.objects.filter(filing=published_filing)}
    before = {format: download(client, published_filing, format) for format in ("xlsx", "html", "pdf")}
    assert before["pdf"] == STAND_IN_PDF
    for format, content in before.items():
        assert hashlib.sha256(content).hexdigest() == frozen[format].sha256 and len(content) == frozen[format].size
    working_before = dict(FilingDocument.objects.filter(filing=published_filing).values_list("format", "file"))

    filing_generate_documents(filing=published_filing)  # the 生成 button on the documents page, a real PDF this time

    working_after = dict(FilingDocument.objects.filter(filing=published_filing).values_list("format", "file"))
    assert all(working_after[f] != working_before[f] for f in ("xlsx", "html", "pdf"))
    assert FilingDocument.objects.get(filing=published_filing, format="pdf").size != len(STAND_IN_PDF)
    after = {format: download(client, published_filing, format) for format in ("xlsx", "html", "pdf")}
    assert after == before
    assert set(PublicationDocument.objects.filter(filing=published_filing).values_list("pk", "file")) == {
        (d.pk, d.file.name) for d in frozen.values()
    }


def test_publication_documents_cannot_be_changed(published_filing):
    document = PublicationDocument.objects.get(filing=published_filing, format="xlsx")
    with pytest.raises(ValueError):
        document.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationDocument.objects.filter(pk=document.pk).update(size=1)
    assert PublicationDocument.objects.get(pk=document.pk).size == document.size


def test_a_second_publication_job_keeps_the_frozen_documents(published_filing):
    frozen = set(PublicationDocument.objects.filter(filing=published_filing).values_list("pk", "sha256"))
    result = filing_generate_documents(filing=published_filing, publication=True)
    assert result["already_frozen"] is True
    assert set(PublicationDocument.objects.filter(filing=published_filing).values_list("pk", "sha256")) == frozen


def test_retry_button_queues_the_publication_job_when_it_failed(approved_filing, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with TestCase.captureOnCommitCallbacks(execute=False):
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    Job.objects.filter(filing=approved_filing).update(status=Job.Status.FAILED, error="Chromium 未安装")
    approved_filing.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=False):
        job = filing_enqueue_documents(filing=approved_filing, user=reviewer)
    assert job.params == {"formats": ["xlsx", "html", "pdf"], "publication": True}


def test_correction_replaces_the_original_only_once_its_documents_exist(client, published_filing, accountant, reviewer):
    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="更正")
    workflow.filing_submit(filing=correction, user=accountant)
    workflow.filing_approve(filing=correction, user=reviewer)
    with TestCase.captureOnCommitCallbacks(execute=False):
        workflow.filing_publish(filing=correction, user=reviewer)
    year = client.get(reverse("disclosures:public_year", args=[2019])).content.decode()
    assert reverse("disclosures:public_filing", args=[published_filing.pk]) in year
    assert reverse("disclosures:public_filing", args=[correction.pk]) not in year
    assert "第2版" not in client.get(reverse("disclosures:public_filing", args=[published_filing.pk])).content.decode()


def test_publication_documents_record_the_data_revision_they_were_built_from(clean_filing, accountant, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Filing.objects.filter(pk=clean_filing.pk).update(data_revision=7)  # seven writes while it was a draft
    clean_filing.refresh_from_db()
    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    publish(clean_filing, reviewer)
    assert clean_filing.data_revision == 7
    assert list(PublicationDocument.objects.filter(filing=clean_filing).values_list("data_revision", flat=True)) == [7, 7, 7]


def test_documents_of_data_changed_during_the_build_are_refused(approved_filing, reviewer, settings, tmp_path):
    """A write that got around the lock between rendering and storing must not become the publication."""
    from disclosures.services.generation import publication_documents_store

    settings.MEDIA_ROOT = tmp_path
    with TestCase.captureOnCommitCallbacks(execute=False):
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    rendered_from = Filing.objects.get(pk=approved_filing.pk)
    rendered_from.data_revision -= 1  # rendered from the data as it was one write ago
    with pytest.raises(RuntimeError):
        publication_documents_store(filing=rendered_from, contents={"xlsx": b"PK old data"})
    assert not PublicationDocument.objects.filter(filing=approved_filing).exists()
    assert not list(tmp_path.rglob("*.xlsx"))  # the stored file is removed again


def test_year_generation_queues_the_failed_publication_job_again(approved_filing, reviewer, settings, tmp_path):
    """Found in issue #13: county-wide generation queued working documents for a published filing whose
    publication job had failed, so the filing stayed hidden from the public until someone pressed 生成."""
    settings.MEDIA_ROOT = tmp_path
    with TestCase.captureOnCommitCallbacks(execute=False):
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    Job.objects.filter(filing=approved_filing).update(status=Job.Status.FAILED, error="Chromium 未安装")
    with TestCase.captureOnCommitCallbacks(execute=False) as sends:
        queued = generate_year(fiscal_year=approved_filing.fiscal_year, user=reviewer)
    jobs = list(Job.objects.filter(batch=queued.batch))
    assert [(job.filing_id, job.params) for job in jobs] == [(approved_filing.pk, {"formats": ["xlsx", "html", "pdf"], "publication": True})]
    assert len(sends) == 1 and (queued.queued, queued.publications, queued.unchanged) == (1, 1, 0)

    # while that job is queued, generating the year again does not queue a second one
    with TestCase.captureOnCommitCallbacks(execute=False):
        again = generate_year(fiscal_year=approved_filing.fiscal_year, user=reviewer)
    assert not Job.objects.filter(batch=again.batch).exists() and again.publications == 0

    # once it has run, the publication is frozen and public; the next county-wide run leaves it alone
    with mock.patch.object(generation, "render_pdf", lambda html: STAND_IN_PDF):
        generate_filing_documents.delay(jobs[0].pk)
    assert PublicationDocument.objects.filter(filing=approved_filing).count() == 3
    with TestCase.captureOnCommitCallbacks(execute=False):
        last = generate_year(fiscal_year=approved_filing.fiscal_year, user=reviewer)
    assert not Job.objects.filter(batch=last.batch).exists() and (last.queued, last.unchanged) == (0, 1)
