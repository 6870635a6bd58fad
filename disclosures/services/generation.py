"""Generate a filing's public documents (Excel tables, HTML and PDF of the whole disclosure).

All outputs are rendered in memory first, then each is written in full under a fresh unique name;
only then are the filing's FilingDocument rows (one per filing and format) switched to them, in one
transaction, and the previous files deleted after the commit. A crash leaves at most unreferenced
new files (removed when the error is seen): the visible documents are always the complete old set
or the complete new one. Regenerating replaces the old outputs.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from disclosures.models import FilingDocument, Filing, FiscalYear, Job
from disclosures.services.jobs import job_enqueue, job_progress
from disclosures.tables import compute_tables
from disclosures.tables.html import render_document_html
from disclosures.tables.pdf import render_pdf
from disclosures.tables.xlsx import render_workbook

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutputFormat:
    format: str
    extension: str
    content_type: str
    inline: bool


OUTPUT_FORMATS = {
    FilingDocument.Format.XLSX: OutputFormat(
        FilingDocument.Format.XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False
    ),
    FilingDocument.Format.HTML: OutputFormat(FilingDocument.Format.HTML, "html", "text/html; charset=utf-8", True),
    FilingDocument.Format.PDF: OutputFormat(FilingDocument.Format.PDF, "pdf", "application/pdf", True),
}


def _progress(job: Job | None, percent: int, message: str) -> None:
    if job is not None:
        job_progress(job.pk, percent, message)


def _draft_sections(filing: Filing) -> list:
    """The 说明 sections from helper E's narrative; without it the document holds the tables only."""
    try:
        from disclosures.narrative import draft_sections
    except ImportError:
        logger.warning("disclosures.narrative is not available: the document has the tables only")
        return []
    return draft_sections(filing=filing)


def download_name(document: FilingDocument) -> str:
    """'茂县信访局2019年部门决算公开.pdf' — the name a download is saved under."""
    filing = document.filing
    suffix = f"（第{filing.version}版）" if filing.version > 1 else ""
    return f"{filing.department.name}{filing.fiscal_year.year}年{filing.get_kind_display()}公开{suffix}.{OUTPUT_FORMATS[document.format].extension}"


def _storage_name(filing: Filing, output: OutputFormat) -> str:
    return f"filings/{filing.fiscal_year.year}/{filing.pk}-{filing.kind}-v{filing.version}-{uuid.uuid4().hex[:12]}.{output.extension}"


def documents_swap_in(*, filing: Filing, contents: dict[str, bytes], job: Job | None = None) -> list[FilingDocument]:
    """Store each content under a new name, then point the filing's documents at them in one transaction.

    All formats switch together or not at all; the replaced files are deleted after the commit, the
    new ones if anything fails before it.
    """
    saved: dict[str, str] = {}
    try:
        for format, content in contents.items():
            saved[format] = default_storage.save(_storage_name(filing, OUTPUT_FORMATS[format]), ContentFile(content))
        replaced: list[str] = []
        documents = []
        with transaction.atomic():
            for format, content in contents.items():
                document, created = FilingDocument.objects.select_for_update().get_or_create(
                    filing=filing, format=format, defaults={"file": saved[format], "size": len(content), "job": job}
                )
                if not created:
                    replaced.append(document.file.name)
                    document.file.name = saved[format]
                    document.size = len(content)
                    document.job = job
                document.full_clean()
                document.save()
                documents.append(document)
    except BaseException:
        for name in saved.values():
            default_storage.delete(name)
        raise
    transaction.on_commit(lambda: [default_storage.delete(name) for name in replaced if name not in saved.values()])
    return documents


def document_swap_in(*, filing: Filing, format: str, content: bytes, job: Job | None = None) -> FilingDocument:
    """One format's document (see documents_swap_in)."""
    return documents_swap_in(filing=filing, contents={format: content}, job=job)[0]


def filing_generate_documents(*, filing: Filing, job: Job | None = None) -> dict:
    """Build the xlsx, HTML and PDF of the filing, then swap all three into its FilingDocuments; returns a summary."""
    filing = Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk)
    _progress(job, 5, "计算公开表")
    tables = compute_tables(filing=filing)
    _progress(job, 20, "起草说明")
    sections = _draft_sections(filing)
    _progress(job, 30, "生成 Excel 表格")
    workbook = render_workbook(tables)
    _progress(job, 45, "生成 HTML")
    html = render_document_html(filing=filing, tables=tables, sections=sections)
    _progress(job, 55, "生成 PDF")
    pdf = render_pdf(html)
    _progress(job, 90, "保存文件")
    documents = documents_swap_in(
        filing=filing,
        contents={
            FilingDocument.Format.XLSX.value: workbook,
            FilingDocument.Format.HTML.value: html.encode("utf-8"),
            FilingDocument.Format.PDF.value: pdf,
        },
        job=job,
    )
    return {
        "filing": filing.pk,
        "tables": len(tables),
        "empty_tables": [t.title for t in tables if t.empty],
        "sections": len(sections),
        "documents": {d.format: {"size": d.size, "name": d.file.name} for d in documents},
    }


def filing_enqueue_generation(*, filing: Filing, user=None, batch: str = "") -> Job:
    """Queue the generation of one filing's documents (after the current transaction commits)."""
    from disclosures.tasks import generate_filing_documents

    return job_enqueue(kind=Job.Kind.GENERATE_FILING, task=generate_filing_documents, filing=filing, user=user, batch=batch)


def generate_year(*, fiscal_year: FiscalYear, user=None) -> str:
    """Queue one generation job per current filing of the year (corrected versions replace their originals).

    Returns the batch id the jobs share, for the progress page.
    """
    batch = f"generate-{fiscal_year.year}-{uuid.uuid4().hex[:12]}"
    filings = (
        Filing.objects.filter(fiscal_year=fiscal_year, superseded_by__isnull=True)
        .select_related("department")
        .order_by("department__code", "kind")
    )
    for filing in filings:
        filing_enqueue_generation(filing=filing, user=user, batch=batch)
    return batch
