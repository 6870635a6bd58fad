"""Celery tasks of the disclosures app: thin wrappers around services (job plumbing: jobs.services), and
the functions that queue them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from celery import shared_task

from disclosures.imports.apply import import_job_run
from disclosures.models import Filing, FiscalYear, PublicationDocument
from disclosures.services.generation import (
    ALL_FORMATS,
    FAST_FORMATS,
    PDF_ONLY,
    current_document_filings,
    filing_generate_documents,
    formats_checked,
    job_formats,
)
from disclosures.services.notifications import overdue_reminders_send
from disclosures.services.publication import PUBLICATION_CHUNK, filings_publish
from jobs.models import Job
from jobs.services import JobRequest, job_enqueue, job_task, jobs_enqueue


@job_task(name="disclosures.generate_filing_documents")
def generate_filing_documents(job: Job) -> dict:
    """生成公开文件: the filing's Excel tables, HTML and/or PDF as the job's params say (idempotent: outputs are swapped in whole)."""
    return filing_generate_documents(
        filing=job.filing,
        job=job,
        formats=job_formats(job),
        publication=bool(job.params.get("publication")),
        skip_unchanged=bool(job.params.get("skip_unchanged")),
    )


@job_task(name="disclosures.import_workbook")
def import_workbook(job: Job) -> dict:
    """导入Excel: apply an upload that passed its preview, all rows or none (disclosures.imports.apply)."""
    return import_job_run(job=job)


@job_task(name="disclosures.publish_filings")
def publish_filings(job: Job) -> dict:
    """批量公开: publish the job's filings one by one through the workflow (services.publication; safe to run twice)."""
    return filings_publish(job=job)


@shared_task(name="disclosures.remind_overdue", ignore_result=True)
def remind_overdue() -> int:
    """公开超期提醒 (Celery beat, daily): idempotent, a filing's reminder is written once per approval."""
    return overdue_reminders_send()


def filing_enqueue_generation(
    *, filing: Filing, user=None, batch: str = "", formats: Iterable[str] = ALL_FORMATS, skip_unchanged: bool = False
) -> Job:
    """Queue the generation of one filing's documents (after the current transaction commits).
    `skip_unchanged`: the job leaves documents built from the filing's current data as they are."""
    request = _generation_request(filing=filing, formats=formats, skip_unchanged=skip_unchanged)
    return job_enqueue(kind=request.kind, task=request.task, filing=filing, params=request.params, user=user, batch=batch)


def _generation_request(*, filing: Filing, formats: Iterable[str], skip_unchanged: bool) -> JobRequest:
    params: dict = {"formats": list(formats_checked(formats))}
    if skip_unchanged:
        params["skip_unchanged"] = True
    return JobRequest(kind=Job.Kind.GENERATE_FILING, task=generate_filing_documents, filing=filing, params=params)


def publication_enqueue_generation(*, filing: Filing, user=None, batch: str = "") -> Job:
    """Queue the job that builds and freezes a published filing's documents; the filing is shown to
    the public once they exist (after the current transaction commits)."""
    request = _publication_request(filing=filing)
    return job_enqueue(kind=request.kind, task=request.task, filing=filing, params=request.params, user=user, batch=batch)


def publications_enqueue_generation(*, filings: Iterable[Filing], user=None) -> list[Job]:
    """`publication_enqueue_generation` for many published filings: their job rows in one INSERT, sent after
    the commit in the order given (jobs.services.jobs_enqueue)."""
    return jobs_enqueue([_publication_request(filing=filing) for filing in filings], user=user)


def _publication_request(*, filing: Filing) -> JobRequest:
    return JobRequest(
        kind=Job.Kind.GENERATE_FILING, task=generate_filing_documents, filing=filing, params={"formats": list(ALL_FORMATS), "publication": True}
    )


def filing_enqueue_documents(*, filing: Filing, user=None) -> Job:
    """The 生成 button: a published filing whose publication has no documents yet (its job failed)
    gets its publication job again; any other filing new working documents."""
    if filing.status == Filing.Status.PUBLISHED and not PublicationDocument.objects.filter(filing=filing).exists():
        return publication_enqueue_generation(filing=filing, user=user)
    return filing_enqueue_generation(filing=filing, user=user)


@dataclass(frozen=True)
class YearGeneration:
    """What county-wide generation queued: the batch id the jobs share (for the progress page) and counts."""

    batch: str
    queued: int  # filings with at least one job
    unchanged: int  # filings whose documents were all current: nothing queued
    publications: int  # published filings without publication documents whose publication job was queued again


def generate_year(*, fiscal_year: FiscalYear, user=None, formats: Iterable[str] = ALL_FORMATS) -> YearGeneration:
    """Queue the documents of every current filing of the year (corrected versions replace their originals):
    first one xlsx+HTML job per filing, then one PDF job per filing, so every filing's tables are
    ready before the slow PDFs start.

    A filing whose documents were built from its current data and status gets no job (and a job whose
    filing is unchanged by the time it runs does nothing: `skip_unchanged`). A published filing whose
    publication has no documents (its publication job failed) gets its publication job again, unless one
    is still queued or running: that job builds every format, the working documents included.
    """
    formats = formats_checked(formats)
    batch = f"generate-{fiscal_year.year}-{uuid.uuid4().hex[:12]}"
    filings = list(
        Filing.objects.filter(fiscal_year=fiscal_year, superseded_by__isnull=True)
        .select_related("department")
        .defer("published_snapshot")  # megabytes of JSON per published filing; queuing never reads it
        .order_by("department__code", "kind")
    )
    published = [f for f in filings if f.status == Filing.Status.PUBLISHED]
    frozen = set(PublicationDocument.objects.filter(filing__in=published).values_list("filing_id", flat=True))
    pending = set(
        Job.objects.filter(filing__in=published, params__publication=True, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).values_list(
            "filing_id", flat=True
        )
    )
    unfrozen = [f for f in published if f.pk not in frozen]
    requeued = [f for f in unfrozen if f.pk not in pending]
    others = [f for f in filings if not (f.status == Filing.Status.PUBLISHED and f.pk not in frozen)]
    phases = [phase for phase in (tuple(f for f in FAST_FORMATS if f in formats), tuple(f for f in PDF_ONLY if f in formats)) if phase]
    current = current_document_filings(filings=others, formats=formats)
    todo = [f for f in others if f.pk not in current]
    jobs_enqueue(
        [_publication_request(filing=filing) for filing in requeued]
        + [_generation_request(filing=filing, formats=phase, skip_unchanged=True) for phase in phases for filing in todo],
        user=user,
        batch=batch,
    )
    return YearGeneration(batch=batch, queued=len(todo) + len(requeued), unchanged=len(current), publications=len(requeued))


@dataclass(frozen=True)
class YearPublication:
    """What a year's batch publication queued: the batch id its jobs share (for the result page) and counts."""

    batch: str
    filings: int
    jobs: int


def publish_year(*, fiscal_year: FiscalYear, filings: Iterable[Filing], user=None) -> YearPublication:
    """Queue the publication of these filings of the year (sent after the current transaction commits), in
    jobs of PUBLICATION_CHUNK filings that share one batch id, in the order given."""
    pks = [filing.pk for filing in filings]
    batch = f"publish-{fiscal_year.year}-{uuid.uuid4().hex[:12]}"
    chunks = [pks[start : start + PUBLICATION_CHUNK] for start in range(0, len(pks), PUBLICATION_CHUNK)]
    jobs_enqueue(
        [JobRequest(kind=Job.Kind.PUBLISH_FILINGS, task=publish_filings, params={"year": fiscal_year.year, "filings": chunk}) for chunk in chunks],
        user=user,
        batch=batch,
    )
    return YearPublication(batch=batch, filings=len(pks), jobs=len(chunks))
