"""Reads for the documents pages: a filing's generated outputs, its latest generation job, a batch's jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from disclosures.access import is_reviewer
from disclosures.models import Filing, FilingDocument, Job


def filing_documents(*, filing: Filing) -> list[FilingDocument]:
    order = {FilingDocument.Format.PDF: 0, FilingDocument.Format.XLSX: 1, FilingDocument.Format.HTML: 2}
    return sorted(filing.documents.select_related("job"), key=lambda d: order.get(d.format, 9))


def filing_latest_generation(*, filing: Filing) -> Job | None:
    return filing.jobs.filter(kind=Job.Kind.GENERATE_FILING).order_by("-created_at", "-id").first()


def batch_jobs(*, batch: str, fetched_by) -> QuerySet[Job]:
    """The jobs of a county-wide generation batch; only reviewers see them."""
    if not batch or not is_reviewer(fetched_by):
        return Job.objects.none()
    return (
        Job.objects.filter(batch=batch, kind=Job.Kind.GENERATE_FILING)
        .select_related("filing__department", "filing__fiscal_year")
        .order_by("filing__department__code", "filing__kind")
    )
