"""Documents reflect the data they were made from (issue #11).

Each generated document records the filing's data revision it was built from; a document older than the
data is shown as 已过期 with a regenerate button (documents page, bureau review page, dashboard), never as
已完成; submitting regenerates the documents, so the reviewer does not get a PDF with 收入 382.31 ≠ 支出
382.92 made before the accountant's fix; documents of a filing the bureau has not approved carry 草稿.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from disclosures.models import Filing, FilingDocument, Project
from jobs.models import Job
from disclosures.services import lines, workflow
from disclosures.services.generation import FAST_FORMATS, filing_generate_documents
from disclosures.tables import compute_tables
from disclosures.tables.html import render_document_html
from disclosures.tables.pdf import render_pdf

pytestmark = pytest.mark.django_db


def _fix_a_project(filing, user):
    """The accountant's fix after the first documents: the text of the 部门职责 (a write like any other)."""
    lines.filing_fields_update(filing=filing, user=user, values={"duties": "更正后的部门职责：负责全县信访工作。"})


def test_documents_record_the_revision_and_are_stale_after_a_write(clean_filing, accountant, reviewer, client):
    filing_generate_documents(filing=clean_filing, formats=FAST_FORMATS)
    revision = Filing.objects.get(pk=clean_filing.pk).data_revision
    assert set(FilingDocument.objects.filter(filing=clean_filing).values_list("data_revision", flat=True)) == {revision}
    client.force_login(accountant)
    page = client.get(reverse("disclosures:filing_documents", args=[clean_filing.pk])).content.decode()
    assert "已完成" in page and "已过期" not in page

    _fix_a_project(clean_filing, accountant)

    assert Filing.objects.get(pk=clean_filing.pk).data_revision == revision + 1
    assert all(d.is_stale for d in FilingDocument.objects.filter(filing=clean_filing).select_related("filing"))
    page = client.get(reverse("disclosures:filing_documents", args=[clean_filing.pk])).content.decode()
    assert 'id="documents-stale"' in page and "重新生成" in page
    assert "已完成" not in page

    client.force_login(reviewer)
    review = client.get(reverse("disclosures:bureau_filing", args=[clean_filing.pk])).content.decode()
    assert 'id="documents-stale"' in review and "重新生成" in review
    dashboard = client.get(reverse("disclosures:bureau_dashboard") + f"?year={clean_filing.fiscal_year.year}").content.decode()
    assert "已过期" in dashboard

    filing_generate_documents(filing=clean_filing, formats=FAST_FORMATS)
    assert not any(d.is_stale for d in FilingDocument.objects.filter(filing=clean_filing).select_related("filing"))


def test_submitting_regenerates_the_documents_from_the_submitted_data(clean_filing, accountant, django_capture_on_commit_callbacks):
    filing_generate_documents(filing=clean_filing, formats=FAST_FORMATS)  # before the accountant's fix
    _fix_a_project(clean_filing, accountant)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.filing_submit(filing=clean_filing, user=accountant)
    job = Job.objects.filter(filing=clean_filing, kind=Job.Kind.GENERATE_FILING).latest("created_at")
    assert job.status == Job.Status.DONE, job.error
    filing = Filing.objects.get(pk=clean_filing.pk)
    documents = FilingDocument.objects.filter(filing=filing)
    assert {d.format for d in documents} == {"xlsx", "html", "pdf"}
    assert {d.data_revision for d in documents} == {filing.data_revision}
    assert "更正后的部门职责" in documents.get(format="html").file.open("rb").read().decode()


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_a_draft_pdf_carries_the_draft_watermark_and_an_approved_one_does_not(clean_filing, accountant, reviewer):
    html = render_document_html(filing=clean_filing, tables=compute_tables(filing=clean_filing)[:1])
    assert 'class="draft-watermark"' in html
    text = _pdf_text(render_pdf(html))
    assert "草稿" in text and "未经财政局审核" in text

    workflow.filing_submit(filing=clean_filing, user=accountant)
    assert 'class="draft-watermark"' in render_document_html(filing=clean_filing, tables=())
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    html = render_document_html(filing=clean_filing, tables=compute_tables(filing=clean_filing)[:1])
    assert "draft-watermark" not in html
    assert "草稿" not in _pdf_text(render_pdf(html))


def test_bureau_check_summary_follows_the_data_revision(clean_filing, accountant, reviewer, client):
    """The dashboard's checks were cached under the filing's updated_at, which line saves do not touch."""
    from disclosures.selectors.bureau import check_summary

    before = check_summary(filing=Filing.objects.get(pk=clean_filing.pk))
    project = Project.objects.filter(filing=clean_filing, code="XF-03").get()
    project.budget_amount = Decimal("165000.00")  # back to seed 003's published mistake: the project list ≠ 项目支出
    lines.project_save(project=project, user=accountant)
    after = check_summary(filing=Filing.objects.get(pk=clean_filing.pk))
    assert after.errors > before.errors
