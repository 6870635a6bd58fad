"""Celery tasks of the disclosures app: thin wrappers around services (job plumbing: jobs.services), and
the functions that queue them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from celery import shared_task

from disclosures.imports.apply import import_job_run
from disclosures.models import Filing, FiscalYear, PublicationDocument
from disclosures.services.notifications import overdue_reminders_send
from disclosures.services.generation import ALL_FORMATS, FAST_FORMATS, PDF_ONLY, filing_generate_documents, formats_checked, job_formats
from jobs.models import Job
from jobs.services import job_enqueue, job_task


@job_task(name="disclosures.generate_filing_documents")
def generate_filing_documents(job: Job) -> dict:
    """生成公开文件: the filing's Excel tables, HTML and/or PDF as the job's params say (idempotent: outputs are swapped in whole)."""
    return filing_generate_documents(filing=job.filing, job=job, formats=job_formats(job), publication=bool(job.params.get("publication")))


@job_task(name="disclosures.import_workbook")
def import_workbook(job: Job) -> dict:
    """导入Excel: apply an upload that passed its preview, all rows or none (disclosures.imports.apply)."""
    return import_job_run(job=job)


@shared_task(name="disclosures.remind_overdue", ignore_result=True)
def remind_overdue() -> int:
    """公开超期提醒 (Celery beat, daily): idempotent, a filing's reminder is written once per approval."""
    return overdue_reminders_send()


def filing_enqueue_generation(*, filing: Filing, user=None, batch: str = "", formats: Iterable[str] = ALL_FORMATS) -> Job:
    """Queue the generation of one filing's documents (after the current transaction commits)."""
    return job_enqueue(
        kind=Job.Kind.GENERATE_FILING,
        task=generate_filing_documents,
        filing=filing,
        params={"formats": list(formats_checked(formats))},
        user=user,
        batch=batch,
    )


def publication_enqueue_generation(*, filing: Filing, user=None) -> Job:
    """Queue the job that builds and freezes a published filing's documents; the filing is shown to
    the public once they exist (after the current transaction commits)."""
    return job_enqueue(
        kind=Job.Kind.GENERATE_FILING,
        task=generate_filing_documents,
        filing=filing,
        params={"formats": list(ALL_FORMATS), "publication": True},
        user=user,
    )


def filing_enqueue_documents(*, filing: Filing, user=None) -> Job:
    """The 生成 button: a published filing whose publication has no documents yet (its job failed)
    gets its publication job again; any other filing new working documents."""
    if filing.status == Filing.Status.PUBLISHED and not PublicationDocument.objects.filter(filing=filing).exists():
        return publication_enqueue_generation(filing=filing, user=user)
    return filing_enqueue_generation(filing=filing, user=user)


def generate_year(*, fiscal_year: FiscalYear, user=None) -> str:
    """Queue the documents of every current filing of the year (corrected versions replace their originals):
    first one xlsx+HTML job per filing, then one PDF job per filing, so every filing's tables are
    ready before the slow PDFs start.

    Returns the batch id the jobs share, for the progress page.
    """
    batch = f"generate-{fiscal_year.year}-{uuid.uuid4().hex[:12]}"
    filings = list(
        Filing.objects.filter(fiscal_year=fiscal_year, superseded_by__isnull=True).select_related("department").order_by("department__code", "kind")
    )
    for formats in (FAST_FORMATS, PDF_ONLY):
        for filing in filings:
            filing_enqueue_generation(filing=filing, user=user, batch=batch, formats=formats)
    return batch
