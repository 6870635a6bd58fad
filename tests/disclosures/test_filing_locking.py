"""Every write to a filing's data takes the filing's row lock and re-reads its status in the transaction
that writes (disclosures.services.locking.filing_write); the workflow's transitions take the same lock.

The scenario of issue #11: an import job started on a draft checked the filing it had loaded when it
started, and wrote 39,987 lines after the filing had been submitted and approved. The sequential tests
run on SQLite and PostgreSQL; the two-connection tests (threads, each with its own connection) run on
PostgreSQL, where the row lock is real.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from disclosures.imports.apply import ImportFailed, import_staged
from disclosures.imports.preview import RowPreview, SheetPreview, stage_preview
from disclosures.models import ExpenseLine, Filing, Project
from disclosures.services import lines, workflow
from disclosures.services.locking import filing_write
from tests.disclosures.imports.test_apply_batch import expense_rows

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises whole transactions)")


def _stage(filing, user, count: int, settings, tmp_path) -> str:
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    preview = SheetPreview(kind="expense", title="支出", headers=[])
    preview.rows = [RowPreview(number=n, cells=[], values=v) for n, v in expense_rows(filing, count)]
    return stage_preview(preview=preview, filing_id=filing.pk, user_id=user.pk, filename="a.xlsx")


@pytest.mark.django_db
def test_import_started_on_a_draft_is_refused_when_the_filing_is_approved_before_it_writes(clean_filing, accountant, reviewer, settings, tmp_path):
    """The import checks its rows outside the write transaction; the reviewer approves meanwhile (here:
    at the first progress report). The write re-reads the status under the lock and writes nothing."""
    lines_before = ExpenseLine.objects.filter(filing=clean_filing).count()
    token = _stage(clean_filing, accountant, 1500, settings, tmp_path)
    started = Filing.objects.get(pk=clean_filing.pk)  # what the job loads when it starts: a draft

    def approve_meanwhile(percent, message):
        if Filing.objects.get(pk=clean_filing.pk).status == Filing.Status.DRAFT:
            workflow.filing_submit(filing=Filing.objects.get(pk=clean_filing.pk), user=accountant)
            workflow.filing_approve(filing=Filing.objects.get(pk=clean_filing.pk), user=reviewer)

    with pytest.raises(ImportFailed) as refused:
        import_staged(filing=started, user=accountant, token=token, progress=approve_meanwhile)
    assert "当前状态为“已审核”，不能修改" in refused.value.messages[0]
    assert ExpenseLine.objects.filter(filing=clean_filing).count() == lines_before
    assert Filing.objects.get(pk=clean_filing.pk).status == Filing.Status.APPROVED


@pytest.mark.django_db
def test_a_line_service_given_a_stale_draft_is_refused(clean_filing, accountant, reviewer):
    stale = Filing.objects.get(pk=clean_filing.pk)
    workflow.filing_submit(filing=Filing.objects.get(pk=clean_filing.pk), user=accountant)
    project = Project.objects.filter(filing=stale).first()
    project.filing = stale  # still says 草稿
    project.budget_amount = Decimal("1.00")
    with pytest.raises(Exception, match="当前状态为“已提交”，不能修改"):
        lines.project_save(project=project, user=accountant)
    assert Project.objects.get(pk=project.pk).budget_amount != Decimal("1.00")


@pytest.mark.django_db
def test_one_revision_per_write_transaction_not_per_row(clean_filing, accountant, settings, tmp_path):
    revision = Filing.objects.get(pk=clean_filing.pk).data_revision
    token = _stage(clean_filing, accountant, 2500, settings, tmp_path)
    summary = import_staged(filing=clean_filing, user=accountant, token=token)
    assert summary.created + summary.updated == 2500
    assert Filing.objects.get(pk=clean_filing.pk).data_revision == revision + 1
    project = Project.objects.filter(filing=clean_filing).first()
    project.name = project.name + "（改）"
    lines.project_save(project=project, user=accountant)
    assert Filing.objects.get(pk=clean_filing.pk).data_revision == revision + 2
    with filing_write(filing=clean_filing):
        for line in ExpenseLine.objects.filter(filing=clean_filing)[:3]:
            line.note = "改"
            lines.expense_line_save(line=line, user=accountant)
    assert Filing.objects.get(pk=clean_filing.pk).data_revision == revision + 3


# --- two connections (PostgreSQL) ---------------------------------------------------------------------


class _Thread(threading.Thread):
    """A thread with its own database connection; keeps the exception it ended with."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self._work = target
        self.error: BaseException | None = None
        self.result = None

    def run(self):
        try:
            self.result = self._work()
        except BaseException as error:  # reported to the test
            self.error = error
        finally:
            connections.close_all()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_import_write_waits_for_the_approval_that_holds_the_lock_then_is_refused(clean_filing, accountant, reviewer, settings, tmp_path):
    """Connection B approves and holds its transaction open; connection A's import, started on the draft,
    blocks on the filing row, and once B commits it reads 已审核 and writes nothing."""
    lines_before = ExpenseLine.objects.filter(filing=clean_filing).count()
    token = _stage(clean_filing, accountant, 1200, settings, tmp_path)
    started = Filing.objects.get(pk=clean_filing.pk)
    approved, release = threading.Event(), threading.Event()

    def approve_and_hold():
        with transaction.atomic():
            workflow.filing_submit(filing=Filing.objects.get(pk=clean_filing.pk), user=accountant)
            workflow.filing_approve(filing=Filing.objects.get(pk=clean_filing.pk), user=reviewer)
            approved.set()
            release.wait(30)

    def import_rows():
        approved.wait(30)
        return import_staged(filing=started, user=accountant, token=token)

    b = _Thread(approve_and_hold)
    a = _Thread(import_rows)
    b.start()
    a.start()
    assert approved.wait(30)
    time.sleep(1.5)
    assert a.is_alive(), "the import did not wait for the filing's row lock"
    release.set()
    b.join(30)
    a.join(60)
    assert b.error is None
    assert isinstance(a.error, ImportFailed), a.error or a.result
    assert "当前状态为“已审核”，不能修改" in a.error.messages[0]
    assert ExpenseLine.objects.filter(filing=clean_filing).count() == lines_before
    assert Filing.objects.get(pk=clean_filing.pk).status == Filing.Status.APPROVED


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_submit_waits_for_a_write_in_progress_and_sees_its_data(clean_filing, accountant):
    """Connection A writes a project change and holds its transaction; B's submission blocks on the same
    row lock, and submits the data as A committed it (never a half-written filing)."""
    project = Project.objects.filter(filing=clean_filing).order_by("pk").first()
    written, release = threading.Event(), threading.Event()

    def write_and_hold():
        with filing_write(filing=clean_filing.pk) as locked:
            project.filing = locked
            project.purpose = "并发修改"
            lines.project_save(project=project, user=accountant)
            written.set()
            release.wait(30)

    def submit():
        written.wait(30)
        return workflow.filing_submit(filing=Filing.objects.get(pk=clean_filing.pk), user=accountant)

    a = _Thread(write_and_hold)
    b = _Thread(submit)
    a.start()
    b.start()
    assert written.wait(30)
    time.sleep(1.5)
    assert b.is_alive(), "the submission did not wait for the filing's row lock"
    assert Filing.objects.get(pk=clean_filing.pk).status == Filing.Status.DRAFT
    release.set()
    a.join(30)
    b.join(60)
    assert a.error is None and b.error is None, (a.error, b.error)
    filing = Filing.objects.get(pk=clean_filing.pk)
    assert filing.status == Filing.Status.SUBMITTED
    assert Project.objects.get(pk=project.pk).purpose == "并发修改"
