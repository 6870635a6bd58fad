"""The units of work the benchmark times, the same services the app runs.

`generate_filing` is a filing's disclosure without the PDF: the tables (disclosures.tables), the
explanatory text (disclosures.narrative), the Excel workbook and the HTML document, swapped into the
filing's FilingDocuments with `documents_swap_in` exactly as the generation job does. The
PDF is left out because WeasyPrint's layout dominates it (it is timed separately on a sample, see
`render_pdf_sample`). `publish_snapshot` freezes what the public site shows (workflow's snapshot).
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable


def maxrss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_filing(filing_pk: int, job=None) -> dict:
    from disclosures.models import Filing, FilingDocument
    from disclosures.narrative import draft_sections
    from disclosures.selectors.facts import filing_facts
    from disclosures.services.generation import documents_swap_in
    from disclosures.tables import compute_tables
    from disclosures.tables.html import render_document_html
    from disclosures.tables.xlsx import render_workbook

    started = time.perf_counter()
    filing = Filing.objects.select_related("department", "fiscal_year").get(pk=filing_pk)
    facts = filing_facts(filing=filing)
    tables = compute_tables(facts=facts)
    sections = draft_sections(facts=facts)
    workbook = render_workbook(tables)
    html = render_document_html(filing=filing, tables=tables, sections=sections)
    documents_swap_in(
        filing=filing,
        contents={FilingDocument.Format.XLSX.value: workbook, FilingDocument.Format.HTML.value: html.encode("utf-8")},
        job=job,
    )
    return {"filing": filing_pk, "seconds": time.perf_counter() - started, "maxrss_mb": maxrss_mb(), "pid": os.getpid()}


def generate_documents(filing_pk: int, job=None) -> dict:
    """A filing's xlsx and HTML through the app's own generation service (what generate_year queues):
    a filing whose documents were built from its current data revision is left as it is."""
    from disclosures.models import Filing
    from disclosures.services.generation import FAST_FORMATS, filing_generate_documents

    started = time.perf_counter()
    result = filing_generate_documents(filing=Filing(pk=filing_pk), job=job, formats=FAST_FORMATS)
    return {
        "filing": filing_pk,
        "seconds": time.perf_counter() - started,
        "maxrss_mb": maxrss_mb(),
        "pid": os.getpid(),
        "unchanged": bool(result.get("unchanged")),
    }


def publish_snapshot(filing_pk: int) -> dict:
    """Publish an approved filing the way workflow.filing_publish does, minus the queued generation
    (the benchmark generates separately): build the snapshot's body and parts, store them, mark the filing
    published."""
    from django.utils import timezone

    from disclosures.models import Filing
    from disclosures.parts import publication_parts
    from disclosures.selectors.facts import filing_facts
    from disclosures.selectors.snapshot import snapshot_body

    started = time.perf_counter()
    filing = Filing.objects.select_related("department", "fiscal_year", "supersedes").get(pk=filing_pk)
    now = timezone.now()
    body, parts = snapshot_body(filing_facts(filing=filing)), publication_parts(filing=filing)
    Filing.objects.filter(pk=filing_pk).update(status=Filing.Status.PUBLISHED, published_at=now, published_snapshot=body, published_parts=parts)
    return {"filing": filing_pk, "seconds": time.perf_counter() - started, "maxrss_mb": maxrss_mb(), "pid": os.getpid()}


def publish_job(job_pk: int) -> dict:
    """Run one job of the year's batch publication as a worker runs it (claim, work, result) — its
    publications' document jobs are left queued (job_send is a no-op here, as with the broker down)."""
    from unittest import mock

    from disclosures.tasks import publish_filings

    started = time.perf_counter()
    with mock.patch("jobs.services.job_send", lambda job_id, task=None: False):
        publish_filings.apply((job_pk,))
    return {"filing": job_pk, "seconds": time.perf_counter() - started, "maxrss_mb": maxrss_mb(), "pid": os.getpid()}


def worker_init(env: dict) -> None:
    """Initializer of a spawned pool worker: same environment and Django setup as the parent."""
    os.environ.update(env)
    from bench import env as bench_env

    bench_env.setup()


def run_task(args: tuple[str, int]) -> dict:
    name, pk = args
    tasks: dict[str, Callable[[int], dict]] = {
        "generate": generate_filing,
        "generate_documents": generate_documents,
        "publish": publish_snapshot,
        "publish_job": publish_job,
    }
    return tasks[name](pk)


def render_pdf_sample(filing_pk: int) -> dict:
    """The PDF of one filing (rendering only; not stored): WeasyPrint's share of a full generation."""
    from disclosures.models import Filing
    from disclosures.narrative import draft_sections
    from disclosures.selectors.facts import filing_facts
    from disclosures.tables import compute_tables
    from disclosures.tables.html import render_document_html
    from disclosures.tables.pdf import render_pdf

    facts = filing_facts(filing=Filing.objects.select_related("department", "fiscal_year").get(pk=filing_pk))
    html = render_document_html(filing=facts.filing, tables=compute_tables(facts=facts), sections=draft_sections(facts=facts))
    started = time.perf_counter()
    pdf = render_pdf(html)
    return {"filing": filing_pk, "seconds": time.perf_counter() - started, "bytes": len(pdf)}
