"""Reads for the documents pages: a filing's generated outputs, its latest generation job, a batch's jobs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from disclosures.access import is_reviewer
from disclosures.models import Filing, FilingDocument
from disclosures.services.generation import job_formats
from jobs.models import Job


def filing_documents(*, filing: Filing) -> list[FilingDocument]:
    order = {FilingDocument.Format.PDF: 0, FilingDocument.Format.XLSX: 1, FilingDocument.Format.HTML: 2}
    return sorted(filing.documents.select_related("job"), key=lambda d: order.get(d.format, 9))


def filing_latest_generation(*, filing: Filing) -> Job | None:
    return filing.jobs.filter(kind=Job.Kind.GENERATE_FILING).order_by("-created_at", "-id").first()


def active_generation_ids(*, year: int) -> str:
    """The document jobs of a year still queued or running (publications included), as the comma-separated
    ids the combined progress bar polls ('' when none)."""
    ids = Job.objects.filter(
        kind=Job.Kind.GENERATE_FILING, status__in=(Job.Status.QUEUED, Job.Status.RUNNING), filing__fiscal_year__year=year
    ).values_list("pk", flat=True)
    return ",".join(str(pk) for pk in ids)


def batch_jobs(*, batch: str, fetched_by) -> QuerySet[Job]:
    """The jobs of a county-wide generation batch; only reviewers see them."""
    if not batch or not is_reviewer(fetched_by):
        return Job.objects.none()
    return (
        Job.objects.filter(batch=batch, kind=Job.Kind.GENERATE_FILING)
        .select_related("filing__department", "filing__fiscal_year")
        .order_by("filing__department__code", "filing__kind")
    )


FORMAT_LABELS = {("xlsx", "html"): "Excel 和网页版", ("pdf",): "PDF", ("xlsx", "html", "pdf"): "全部文件"}


@dataclass(frozen=True)
class BatchJob:
    job: Job
    formats: tuple[str, ...]

    @property
    def label(self) -> str:
        return FORMAT_LABELS.get(self.formats, "、".join(self.formats))


@dataclass
class BatchFiling:
    """One filing of a county-wide batch with its jobs (xlsx+HTML first, then the PDF), in queue order."""

    filing: Filing
    jobs: list[BatchJob] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return all(j.job.status == Job.Status.DONE for j in self.jobs)

    @property
    def tables_done(self) -> bool:
        """Its Excel workbook (and the HTML built with it) is ready."""
        return any(j.job.status == Job.Status.DONE and "xlsx" in j.formats for j in self.jobs)

    @property
    def failed(self) -> bool:
        return any(j.job.status == Job.Status.FAILED for j in self.jobs)


@dataclass
class BatchProgress:
    filings: list[BatchFiling]

    @property
    def done(self) -> int:
        return sum(row.done for row in self.filings)

    @property
    def tables_done(self) -> int:
        return sum(row.tables_done for row in self.filings)

    @property
    def failed(self) -> int:
        return sum(row.failed for row in self.filings)


def batch_progress(*, batch: str, fetched_by) -> BatchProgress:
    """The batch's filings, each with its jobs and what they build; only reviewers see them."""

    rows: dict[int, BatchFiling] = {}
    for job in batch_jobs(batch=batch, fetched_by=fetched_by).order_by("filing__department__code", "filing__kind", "created_at", "id"):
        rows.setdefault(job.filing_id, BatchFiling(filing=job.filing)).jobs.append(BatchJob(job=job, formats=job_formats(job)))
    return BatchProgress(filings=list(rows.values()))
