"""公开本年度全部已审核填报: /bureau/years/<year>/publish/, the batch jobs (disclosures.tasks.publish_year) and
their work (services.publication.filings_publish): every chunk through workflow.filings_publish_together."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disclosures.models import AuditEntry, Filing, FiscalYear
from disclosures.services import workflow
from disclosures.tasks import publish_filings, publish_year
from jobs.models import Job
from jobs.services import jobs_sweep
from tests.conftest import publication_jobs_run
from tests.disclosures.seed003 import build_seed_003
from tests.disclosures.workflow_fixtures import make_clean
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Filing.Status
URL = reverse("disclosures:year_publish", args=[2019])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def missing_reasons_filing(other_department, outsider, reviewer):
    """Approved, but its 说明 still asks for the reason of the 机关运行经费's change (a warning at submission)."""
    other_department.name = "测试县审计局"
    other_department.save()
    filing = make_clean(build_seed_003(department=other_department, year=2019))
    filing.reasons = {k: v for k, v in filing.reasons.items() if k != "change.operating_costs"}
    filing.save(update_fields=["reasons"])
    workflow.filing_submit(filing=filing, user=outsider)
    return workflow.filing_approve(filing=filing, user=reviewer)


def publications(filing) -> int:
    return AuditEntry.objects.filter(filing=filing, action="公开").count()


def test_confirmation_lists_what_is_published_and_what_is_skipped_and_why(client, reviewer, approved_filing, missing_reasons_filing):
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    assert "将公开 <strong>1</strong> 份" in page and "跳过 <strong>1</strong> 份" in page
    assert "测试县审计局" in page and "说明中还有1处原因未填写" in page
    assert not Job.objects.filter(kind=Job.Kind.PUBLISH_FILINGS).exists()


def test_the_batch_publishes_each_approved_filing_and_names_the_one_with_missing_reasons(client, reviewer, approved_filing, missing_reasons_filing):
    client.force_login(reviewer)
    with publication_jobs_run():
        response = client.post(URL, {"confirm": "yes"})
    assert response.status_code == 302 and "batch=publish-2019-" in response["Location"]
    approved_filing.refresh_from_db()
    missing_reasons_filing.refresh_from_db()
    assert approved_filing.status == S.PUBLISHED and approved_filing.published_snapshot
    assert missing_reasons_filing.status == S.APPROVED
    job = Job.objects.get(kind=Job.Kind.PUBLISH_FILINGS)
    assert job.status == Job.Status.DONE and job.created_by == reviewer and job.params["filings"] == [approved_filing.pk, missing_reasons_filing.pk]
    assert [row["pk"] for row in job.result["published"]] == [approved_filing.pk]
    [skipped] = job.result["skipped"]
    assert skipped["pk"] == missing_reasons_filing.pk and "说明中还有未填写的原因" in skipped["reason"]

    page = client.get(response["Location"]).content.decode()
    assert "已完成：公开 <strong>1</strong> 份，跳过 <strong>1</strong> 份" in page
    assert "测试县审计局" in page and "说明中还有未填写的原因" in page
    # filing_publish's own effects: the publication job froze the documents, the public sees the filing
    assert approved_filing.publication_documents.count() == 3


def test_running_again_publishes_nothing_twice(client, reviewer, approved_filing, missing_reasons_filing):
    client.force_login(reviewer)
    with publication_jobs_run():
        client.post(URL, {"confirm": "yes"})
    job = Job.objects.get(kind=Job.Kind.PUBLISH_FILINGS)
    snapshot = Filing.objects.get(pk=approved_filing.pk).published_snapshot

    # the same message delivered again after the job was taken back from a lost worker
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    with publication_jobs_run():
        publish_filings.apply((job.pk,))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["published"] == []
    assert any(row["pk"] == approved_filing.pk and "已公开" in row["reason"] for row in job.result["skipped"])

    # and the button pressed again: only the filing still approved is given to the job, and refused again
    with publication_jobs_run():
        client.post(URL, {"confirm": "yes"})
    second = Job.objects.filter(kind=Job.Kind.PUBLISH_FILINGS).exclude(pk=job.pk).get()
    assert second.params["filings"] == [missing_reasons_filing.pk] and second.result["published"] == []
    assert publications(approved_filing) == 1 and publications(missing_reasons_filing) == 0
    assert Filing.objects.get(pk=approved_filing.pk).published_snapshot == snapshot


def test_a_failing_filing_is_reported_and_the_others_are_published(reviewer, approved_filing, missing_reasons_filing):
    real = workflow.publication_parts_many

    def failing(*, facts=(), filings=()):
        if approved_filing.pk in [one.filing.pk for one in facts] + [filing.pk for filing in filings]:
            raise RuntimeError("磁盘已满")
        return real(facts=facts, filings=filings)

    with mock.patch.object(workflow, "publication_parts_many", failing), publication_jobs_run():
        publish_year(fiscal_year=FiscalYear.objects.get(year=2019), filings=[approved_filing, missing_reasons_filing], user=reviewer)
    job = Job.objects.get(kind=Job.Kind.PUBLISH_FILINGS)
    assert job.status == Job.Status.DONE
    [failed] = job.result["failed"]
    assert failed["pk"] == approved_filing.pk and "磁盘已满" in failed["reason"]
    assert [row["pk"] for row in job.result["skipped"]] == [missing_reasons_filing.pk]


def test_a_dead_workers_job_is_taken_back_and_finishes_without_publishing_twice(reviewer, approved_filing, missing_reasons_filing):
    """The worker published the first filing and was killed: the sweep re-queues the job, which goes on."""
    with publication_jobs_run():
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    job = Job.objects.create(
        kind=Job.Kind.PUBLISH_FILINGS,
        task=publish_filings.name,
        params={"year": 2019, "filings": [approved_filing.pk, missing_reasons_filing.pk]},
        created_by=reviewer,
        batch="publish-2019-dead",
        status=Job.Status.RUNNING,
        attempts=1,
        started_at=timezone.now() - timedelta(hours=1),
        heartbeat_at=timezone.now() - timedelta(hours=1),
        sent_at=timezone.now() - timedelta(hours=1),
    )
    with publication_jobs_run():
        assert jobs_sweep().reclaimed == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert job.result["published"] == [] and {row["pk"] for row in job.result["skipped"]} == {approved_filing.pk, missing_reasons_filing.pk}
    assert publications(approved_filing) == 1


def test_department_users_cannot(client, accountant, approved_filing):
    client.force_login(accountant)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"confirm": "yes"}).status_code == 403
    assert not Job.objects.filter(kind=Job.Kind.PUBLISH_FILINGS).exists()
    assert Filing.objects.get(pk=approved_filing.pk).status == S.APPROVED


def test_a_reviewer_without_the_publish_permission_cannot(client, approved_filing):
    user = UserFactory(username="reader", password="pw-Reader-1")
    user.user_permissions.add(*Permission.objects.filter(codename="review_filing"))
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_csrf_is_enforced(reviewer, approved_filing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(URL, {"confirm": "yes"}).status_code == 403
    assert not Job.objects.filter(kind=Job.Kind.PUBLISH_FILINGS).exists()


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
