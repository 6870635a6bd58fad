"""Publishing many approved filings together (workflow.filings_publish_together, the batch jobs' chunks):
the statements shared, a refused filing left untouched, a fault of one filing failing it alone, and the
row locks against another transaction."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from disclosures.models import AuditEntry, Filing, FiscalYear, Notification, PreparedSnapshot
from disclosures.services import workflow
from disclosures.services.locking import filing_lock
from disclosures.services.prepared import snapshot_prepare
from disclosures.tasks import publish_year
from jobs.models import Job
from tests.conftest import publication_jobs_run
from tests.disclosures.seed003 import build_seed_003
from tests.disclosures.test_filing_locking import _Thread
from tests.disclosures.workflow_fixtures import make_clean
from tests.factories import AccountantFactory, DepartmentFactory

pytestmark = pytest.mark.django_db
S = Filing.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _approved(code: str, name: str, reviewer, *, missing_reason: bool = False) -> Filing:
    department = DepartmentFactory(code=code, name=name)
    accountant = AccountantFactory(username=f"accountant-{code}", password="pw-Accountant-1", department=department)
    filing = make_clean(build_seed_003(department=department, year=2019))
    if missing_reason:
        filing.reasons = {k: v for k, v in filing.reasons.items() if k != "change.operating_costs"}
        filing.save(update_fields=["reasons"])
    workflow.filing_submit(filing=filing, user=accountant)
    return workflow.filing_approve(filing=filing, user=reviewer)


@pytest.fixture
def others(reviewer):
    """Two more approved filings of 2019, of departments of their own."""
    return [_approved("903", "测试县财政局", reviewer), _approved("904", "测试县民政局", reviewer)]


@pytest.fixture
def missing_reasons(reviewer):
    return _approved("905", "测试县审计局", reviewer, missing_reason=True)


def _row(filing: Filing) -> dict:
    return Filing.objects.filter(pk=filing.pk).values().get()


def _statements(filings, reviewer) -> int:
    with CaptureQueriesContext(connection) as queries:
        outcome = workflow.filings_publish_together(filings=filings, user=reviewer)
    assert [f.pk for f in outcome.published] == [f.pk for f in filings] and not outcome.refused
    return len(queries)


def test_a_chunk_shares_its_statements(approved_filing, others, reviewer):
    """The prepared path: one filing alone, then two together — each further filing adds its copy, not the
    lock, the inputs, the performance parts' queries (read for the chunk: 5 more a filing before), the delete,
    the audit, the job, the messages."""
    for filing in [approved_filing, *others]:
        assert snapshot_prepare(filing=filing) is not None
    alone = _statements([approved_filing], reviewer)
    together = _statements(others, reviewer)
    assert alone <= 20
    assert together - alone <= 1, (alone, together)
    assert all(f.status == S.PUBLISHED for f in Filing.objects.filter(pk__in=[o.pk for o in others]))
    assert AuditEntry.objects.filter(filing__in=others, action="公开").count() == 2
    assert Job.objects.filter(filing__in=others, kind=Job.Kind.GENERATE_FILING, params__publication=True).count() == 2
    assert not PreparedSnapshot.objects.filter(filing__in=others).exists()


def test_a_refused_filing_leaves_the_others_published_and_itself_untouched(approved_filing, others, missing_reasons, reviewer):
    snapshot_prepare(filing=missing_reasons)
    before = _row(missing_reasons)
    jobs = Job.objects.filter(filing=missing_reasons).count()
    chunk = [approved_filing, missing_reasons, *others]

    outcome = workflow.filings_publish_together(filings=chunk, user=reviewer)

    assert [f.pk for f in outcome.published] == [approved_filing.pk] + [o.pk for o in others]
    [refusal] = outcome.refused
    assert refusal.filing.pk == missing_reasons.pk and "说明中还有未填写的原因" in refusal.reason
    assert isinstance(refusal.error, workflow.ReasonsMissing)
    assert _row(missing_reasons) == before and missing_reasons.status == S.APPROVED
    assert not AuditEntry.objects.filter(filing=missing_reasons, action="公开").exists()
    assert Job.objects.filter(filing=missing_reasons).count() == jobs
    assert not Notification.objects.filter(filing=missing_reasons, kind=Notification.Kind.PUBLISHED).exists()
    assert PreparedSnapshot.objects.filter(filing=missing_reasons).exists()
    for filing in [approved_filing, *others]:
        assert filing.status == S.PUBLISHED and _row(filing)["status"] == S.PUBLISHED
        assert Notification.objects.filter(filing=filing, kind=Notification.Kind.PUBLISHED).count() == 1


def test_a_filing_raising_in_a_chunk_fails_alone(approved_filing, others, reviewer):
    """An unexpected error rolls the chunk back; its filings are then published one by one and only the
    broken one is reported failed."""
    broken = others[0]
    real = workflow.publication_parts_many

    def parts(*, facts=(), filings=()):
        if broken.pk in [one.filing.pk for one in facts] + [filing.pk for filing in filings]:
            raise RuntimeError("磁盘已满")
        return real(facts=facts, filings=filings)

    with mock.patch.object(workflow, "publication_parts_many", parts), publication_jobs_run():
        publish_year(fiscal_year=FiscalYear.objects.get(year=2019), filings=[approved_filing, *others], user=reviewer)
    job = Job.objects.get(kind=Job.Kind.PUBLISH_FILINGS)
    assert job.status == Job.Status.DONE
    [failed] = job.result["failed"]
    assert failed["pk"] == broken.pk and "磁盘已满" in failed["reason"]
    assert sorted(row["pk"] for row in job.result["published"]) == sorted([approved_filing.pk, others[1].pk])
    assert Filing.objects.get(pk=broken.pk).status == S.APPROVED
    assert AuditEntry.objects.filter(filing=broken, action="公开").count() == 0
    for filing in (approved_filing, others[1]):
        assert AuditEntry.objects.filter(filing=filing, action="公开").count() == 1


def test_without_the_permission_nothing_is_published(approved_filing, others, accountant):
    with pytest.raises(workflow.NotPermitted):
        workflow.filings_publish_together(filings=[approved_filing, *others], user=accountant)
    assert not Filing.objects.filter(status=S.PUBLISHED).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL (SQLite serialises whole transactions)")
@pytest.mark.django_db(transaction=True)
def test_a_filing_published_by_another_transaction_while_the_chunk_waits_is_refused(approved_filing, others, reviewer):
    """Another connection publishes one filing of the chunk and holds its row lock; the chunk waits for
    the lock, then finds it published: refused (已公开), published once, the others published."""
    taken = others[0]
    snapshot_prepare(filing=taken)
    locked = threading.Event()
    release = threading.Event()

    def publish_and_hold():
        with transaction.atomic():
            filing_lock(pk=taken.pk)
            workflow.filing_publish(filing=taken, user=reviewer)
            locked.set()
            assert release.wait(30)

    def chunk():
        return workflow.filings_publish_together(filings=[approved_filing, *others], user=reviewer)

    holder = _Thread(publish_and_hold)
    holder.start()
    assert locked.wait(30)
    batch = _Thread(chunk)
    batch.start()
    batch.join(1.0)
    assert batch.is_alive(), "the chunk did not wait for the row lock"
    release.set()
    holder.join(30)
    batch.join(60)
    assert holder.error is None and batch.error is None
    outcome = batch.result
    assert sorted(f.pk for f in outcome.published) == sorted([approved_filing.pk, others[1].pk])
    [refusal] = outcome.refused
    assert refusal.filing.pk == taken.pk and "已公开" in refusal.reason
    assert AuditEntry.objects.filter(filing=taken, action="公开").count() == 1
    assert Job.objects.filter(filing=taken, kind=Job.Kind.GENERATE_FILING, params__publication=True).count() == 1


def test_a_filing_named_twice_is_published_once(approved_filing, reviewer):
    outcome = workflow.filings_publish_together(filings=[approved_filing, approved_filing], user=reviewer)
    assert [f.pk for f in outcome.published] == [approved_filing.pk]
    [refusal] = outcome.refused
    assert "重复" in refusal.reason
    assert AuditEntry.objects.filter(filing=approved_filing, action="公开").count() == 1
    assert Job.objects.filter(filing=approved_filing, kind=Job.Kind.GENERATE_FILING, params__publication=True).count() == 1
