"""Generate a filing's public documents (Excel tables, HTML and PDF of the whole disclosure).

All outputs are rendered in memory first, then each is written in full under a fresh unique name;
only then are the filing's FilingDocument rows (one per filing and format) switched to them, in one
transaction, and the previous files deleted after the commit. A crash leaves at most unreferenced
new files (removed when the error is seen): the visible documents are always the complete old set
or the complete new one. Regenerating replaces the old outputs.

The PDF takes seconds a filing (3–4 s for the largest), everything else a fraction of one; `formats`
lets a job build only some outputs, and county-wide generation queues the fast ones (xlsx, HTML) for every filing first
and the PDFs after them, so the tables are downloadable long before the last PDF is done. Each job
swaps in the formats it built, together; the others keep their current files until their own job ends.

A publication's documents are different: they are frozen (PublicationDocument), built once by the
publication's own job (`publication_enqueue_generation`, queued by workflow.filing_publish) and never
replaced. Regenerating a published filing rebuilds only its working documents.

Each working document records what it was built from: the filing's data revision and whether it carried
the 草稿 watermark (a filing's data changes only while it is a draft, and the watermark goes once, at
approval). County-wide generation skips the filings whose documents still match both
(`current_document_filings`, and again in the job: `skip_unchanged`), so a second run of the same year
queues nothing but what changed.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F

from disclosures.models import Filing, FilingDocument, PublicationDocument
from disclosures.parts import parts_from_json, publication_parts
from disclosures.selectors.facts import FilingFacts, filing_facts
from disclosures.selectors.snapshot import filing_sections, filing_tables, published_snapshot
from disclosures.services.prepared import snapshot_prepare
from disclosures.services.public_warm import publication_warm
from disclosures.tables.html import is_draft_document, render_document_html
from disclosures.tables.pdf import render_pdf
from disclosures.tables.xlsx import render_workbook
from jobs.models import Job
from jobs.services import job_progress

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


#: Every output, in the order they are built.
ALL_FORMATS: tuple[str, ...] = (FilingDocument.Format.XLSX.value, FilingDocument.Format.HTML.value, FilingDocument.Format.PDF.value)
#: The outputs that take well under a second.
FAST_FORMATS: tuple[str, ...] = (FilingDocument.Format.XLSX.value, FilingDocument.Format.HTML.value)
PDF_ONLY: tuple[str, ...] = (FilingDocument.Format.PDF.value,)

#: Rough relative cost of each step, so that the progress bar moves with the time spent (the PDF dominates).
STEP_COST = {"tables": 2, "sections": 2, "xlsx": 1, "html": 1, "pdf": 14, "save": 1}
#: A job's step is written to its row when the last write is this old (or the step is the PDF); see _Progress.
PROGRESS_SECONDS = 0.5
STEP_MESSAGE = {
    "tables": "计算公开表",
    "sections": "起草说明",
    "xlsx": "生成 Excel 表格",
    "html": "生成 HTML",
    "pdf": "生成 PDF",
    "save": "保存文件",
}


def formats_checked(formats: Iterable[str]) -> tuple[str, ...]:
    """The requested formats in build order, each once; ValueError for none or an unknown one."""
    requested = {str(f) for f in formats}
    unknown = requested - set(ALL_FORMATS)
    if unknown or not requested:
        raise ValueError(f"unknown or no output formats: {sorted(unknown) or 'none'}")
    return tuple(f for f in ALL_FORMATS if f in requested)


def _steps(formats: tuple[str, ...]) -> list[str]:
    needs_html = "html" in formats or "pdf" in formats  # the PDF is printed from the HTML
    steps = ["tables"]
    steps += ["sections"] if needs_html else []
    steps += ["xlsx"] if "xlsx" in formats else []
    steps += ["html"] if needs_html else []
    steps += ["pdf"] if "pdf" in formats else []
    return steps + ["save"]


class _Progress:
    """Reports the start of each step as the share of the plan's cost already done (5–95 %).

    A step is written to the job's row only when the last write (or the claim) is PROGRESS_SECONDS old, or
    when it is the PDF, seconds long: most jobs (xlsx and HTML) end within a fraction of a second, before a
    progress bar polling the row would show their steps, and a county's year has hundreds of them, each
    write an UPDATE."""

    def __init__(self, job: Job | None, steps: list[str]):
        self.job, self.total, self.done = job, sum(STEP_COST[s] for s in steps), 0
        self.reported = time.monotonic()

    def start(self, step: str) -> None:
        if self.job is not None and (step == "pdf" or time.monotonic() - self.reported >= PROGRESS_SECONDS):
            job_progress(self.job.pk, 5 + 90 * self.done // self.total, STEP_MESSAGE[step])
            self.reported = time.monotonic()
        self.done += STEP_COST[step]


def download_name(document: FilingDocument) -> str:
    """'茂县信访局2019年部门决算公开.pdf' — the name a download is saved under."""
    return document_file_name(filing=document.filing, format=document.format)


def document_file_name(*, filing: Filing, format: str) -> str:
    """'茂县信访局2019年部门决算公开.pdf' (with （第2版） for a correction)."""
    suffix = f"（第{filing.version}版）" if filing.version > 1 else ""
    return f"{filing.department.name}{filing.fiscal_year.year}年{filing.get_kind_display()}公开{suffix}.{OUTPUT_FORMATS[format].extension}"


def _storage_name(filing: Filing, output: OutputFormat) -> str:
    return f"filings/{filing.fiscal_year.year}/{filing.pk}-{filing.kind}-v{filing.version}-{uuid.uuid4().hex[:12]}.{output.extension}"


def documents_swap_in(
    *, filing: Filing, contents: dict[str, bytes], job: Job | None = None, data_revision: int | None = None
) -> list[FilingDocument]:
    """Store each content under a new name, then point the filing's documents at them in one transaction.

    All formats switch together or not at all; the replaced files are deleted after the commit, the
    new ones if anything fails before it. Each document records `data_revision`, the filing's data
    revision the content was built from (by default the `filing` instance's, as read before building),
    and whether it carries the 草稿 watermark (from the same instance's status).
    """
    revision = filing.data_revision if data_revision is None else data_revision
    draft = is_draft_document(filing)
    saved: dict[str, str] = {}
    try:
        for format, content in contents.items():
            saved[format] = default_storage.save(_storage_name(filing, OUTPUT_FORMATS[format]), ContentFile(content))
        replaced: list[str] = []
        documents = []
        with transaction.atomic():
            locked = FilingDocument.objects.select_for_update().filter(filing=filing, format__in=list(contents))
            existing = {document.format: document for document in locked}
            fresh = _documents_create(filing=filing, contents=contents, saved=saved, existing=existing, job=job, revision=revision, draft=draft)
            for format, content in contents.items():
                if format in fresh:
                    documents.append(fresh[format])
                    continue
                values = {"file": saved[format], "size": len(content), "job": job, "data_revision": revision, "draft": draft}
                document = existing.get(format)
                created = False
                if document is None:  # another job created it since the lock's read: get_or_create finds it
                    document, created = FilingDocument.objects.select_for_update().get_or_create(filing=filing, format=format, defaults=values)
                if not created:
                    replaced.append(document.file.name)
                    document.file.name = saved[format]
                    document.size, document.job, document.data_revision, document.draft = len(content), job, revision, draft
                # The filing is the row this job read and the job its own (both also foreign keys in the database),
                # and the row of (filing, format) is locked or was just created: the queries of their checks are left out.
                document.full_clean(exclude=["filing", "job"], validate_constraints=False)
                if not created:
                    document.save()
                documents.append(document)
    except BaseException:
        for name in saved.values():
            default_storage.delete(name)
        raise

    def delete_replaced() -> None:
        for name in replaced:
            if name not in saved.values():
                default_storage.delete(name)

    transaction.on_commit(delete_replaced)
    return documents


def _documents_create(
    *,
    filing: Filing,
    contents: dict[str, bytes],
    saved: dict[str, str],
    existing: dict[str, FilingDocument],
    job: Job | None,
    revision: int,
    draft: bool,
) -> dict[str, FilingDocument]:
    """The filing's first documents of the formats `existing` lacks, checked and created in one INSERT (in a
    savepoint of its own), by format. When another job created one of them meanwhile, the INSERT fails as a
    whole and none is created here: documents_swap_in then finds or creates each as get_or_create does."""
    fresh = [
        FilingDocument(filing=filing, format=format, file=saved[format], size=len(content), job=job, data_revision=revision, draft=draft)
        for format, content in contents.items()
        if format not in existing
    ]
    if not fresh:
        return {}
    for document in fresh:
        # The filing is the row this job read and the job its own (both also foreign keys in the database),
        # and the unique (filing, format) is the INSERT's to enforce: their checks' queries are left out.
        document.full_clean(exclude=["filing", "job"], validate_constraints=False)
    try:
        with transaction.atomic():
            FilingDocument.objects.bulk_create(fresh)
    except IntegrityError:
        return {}
    return {document.format: document for document in fresh}


def current_document_filings(*, filings: Iterable[Filing], formats: Iterable[str]) -> set[int]:
    """The pks of those `filings` whose working documents of every one of `formats` were built from their
    current data revision and status (草稿 watermark or not): regenerating them would give the same
    documents. One query, whatever the number of filings."""
    by_pk = {filing.pk: filing for filing in filings}
    wanted = set(formats)
    found: dict[int, set[str]] = {}
    rows = FilingDocument.objects.filter(filing_id__in=list(by_pk), format__in=wanted, data_revision=F("filing__data_revision"))
    for filing_id, format, draft in rows.values_list("filing_id", "format", "draft"):
        if draft is not None and draft == is_draft_document(by_pk[filing_id]):
            found.setdefault(filing_id, set()).add(format)
    return {pk for pk, formats_found in found.items() if formats_found == wanted}


def document_swap_in(*, filing: Filing, format: str, content: bytes, job: Job | None = None) -> FilingDocument:
    """One format's document (see documents_swap_in)."""
    return documents_swap_in(filing=filing, contents={format: content}, job=job)[0]


def publication_documents_store(*, filing: Filing, contents: dict[str, bytes], job: Job | None = None) -> list[PublicationDocument]:
    """Freeze the publication's documents: every format is created in one transaction, or none.

    Run twice (a redelivered job), the second run finds the first one's documents and keeps them: a
    publication's documents never change once they exist. `filing` is the row as read before rendering;
    the documents record its data revision, and are refused if the data changed meanwhile (a published
    filing is locked, so this only catches a write that got around the lock).
    """
    saved: dict[str, str] = {}
    try:
        for format, content in contents.items():
            saved[format] = default_storage.save(_publication_storage_name(filing, OUTPUT_FORMATS[format]), ContentFile(content))
        with transaction.atomic():
            locked = Filing.objects.select_for_update().get(pk=filing.pk)
            if locked.data_revision != filing.data_revision:
                raise RuntimeError(f"filing {filing.pk}: data changed while its publication documents were built")
            existing = list(PublicationDocument.objects.filter(filing=locked))
            if existing:
                for name in saved.values():
                    default_storage.delete(name)
                return existing
            documents = []
            for format, content in contents.items():
                document = PublicationDocument(
                    filing=locked,
                    format=format,
                    file=saved[format],
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    data_revision=filing.data_revision,
                )
                document.full_clean()
                document.save()
                documents.append(document)
            return documents
    except BaseException:
        for name in saved.values():
            default_storage.delete(name)
        raise


def _publication_storage_name(filing: Filing, output: OutputFormat) -> str:
    return f"publications/{filing.fiscal_year.year}/{filing.pk}-{filing.kind}-v{filing.version}-{uuid.uuid4().hex[:12]}.{output.extension}"


@dataclass
class RenderedDocuments:
    """A filing's outputs in memory (format → bytes) and what they were built from."""

    contents: dict[str, bytes]
    tables: list
    sections: list
    parts: list
    facts: FilingFacts


def filing_render_documents(
    *, filing: Filing, formats: Iterable[str] = ALL_FORMATS, progress: _Progress | None = None, publication: bool = False
) -> RenderedDocuments:
    """Build the requested outputs of the filing in memory, storing nothing: what the generation job swaps
    in and what `manage.py generate_documents` writes to a directory. The filing's facts are read once
    (selectors.facts) and the tables and the text are computed from them. `publication`: the documents of
    the filing's publication, printing the performance parts frozen in its snapshot."""
    formats = formats_checked(formats)
    steps = _steps(formats)
    progress = progress or _Progress(None, steps)
    progress.start("tables")
    facts = filing_facts(filing=filing)
    tables = filing_tables(facts)
    # The performance forms are not locked with the filing (a self-evaluation can be rescored after the
    # 决算 is published): a publication's documents print the parts frozen in its snapshot.
    snapshot_parts = (published_snapshot(filing) or {}).get("parts") if publication else None
    parts = parts_from_json(snapshot_parts if snapshot_parts is not None else publication_parts(facts=facts))
    sections: list = []
    if "sections" in steps:
        progress.start("sections")
        sections = filing_sections(facts)
    contents: dict[str, bytes] = {}
    if "xlsx" in steps:
        progress.start("xlsx")
        contents[FilingDocument.Format.XLSX.value] = render_workbook(tables, parts=parts)
    if "html" in steps:
        progress.start("html")
        html = render_document_html(filing=filing, tables=tables, sections=sections, parts=parts)
        if "html" in formats:
            contents[FilingDocument.Format.HTML.value] = html.encode("utf-8")
    if "pdf" in steps:
        progress.start("pdf")
        contents[FilingDocument.Format.PDF.value] = render_pdf(html)
    return RenderedDocuments(contents=contents, tables=tables, sections=sections, parts=parts, facts=facts)


def filing_generate_documents(
    *, filing: Filing, job: Job | None = None, formats: Iterable[str] = ALL_FORMATS, publication: bool = False, skip_unchanged: bool = False
) -> dict:
    """Build the requested outputs of the filing (all three by default), then swap them into its
    FilingDocuments together; the other formats' documents are left as they are. Returns a summary.

    With `skip_unchanged` (county-wide generation), a filing whose documents of these formats were built
    from its current data and status is left as it is: the summary says `unchanged`.

    With `publication`, the job builds every format of a published filing's publication: the same
    bytes become its working documents and its frozen PublicationDocuments (see
    publication_documents_store). The published filing is locked, so its data is the data of the
    snapshot the bureau approved; the documents are therefore exactly what the public page shows.
    """
    formats = ALL_FORMATS if publication else formats_checked(formats)
    filing = Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk)
    if publication:
        if filing.status != Filing.Status.PUBLISHED:
            raise ValueError(f"filing {filing.pk} is not published: no publication documents")
        frozen = list(PublicationDocument.objects.filter(filing=filing))
        if frozen:
            return {"filing": filing.pk, "publication": True, "formats": sorted(d.format for d in frozen), "already_frozen": True}
    elif skip_unchanged and current_document_filings(filings=[filing], formats=formats):
        return {"filing": filing.pk, "publication": False, "formats": list(formats), "unchanged": True, "data_revision": filing.data_revision}
    progress = _Progress(job, _steps(formats))
    rendered = filing_render_documents(filing=filing, formats=formats, progress=progress, publication=publication)
    contents, tables, sections, parts = rendered.contents, rendered.tables, rendered.sections, rendered.parts
    progress.start("save")
    documents = documents_swap_in(filing=filing, contents=contents, job=job)
    warmed: dict[str, int] = {}
    if publication:
        publication_documents_store(filing=filing, contents=contents, job=job)
        # The publication is public from this moment: its pages are built now, not by their first reader.
        warmed = publication_warm(filing=filing)
    elif filing.status == Filing.Status.APPROVED:
        # Its publication will freeze the snapshot of these same facts: its body is built now, beside the
        # documents, and the publication copies it (services.prepared). Only a shortcut: if it fails, the
        # documents stand and the publication computes the snapshot itself.
        try:
            snapshot_prepare(facts=rendered.facts)
        except Exception:
            logger.exception("filing %s: its snapshot could not be prepared", filing.pk)
    return {
        "filing": filing.pk,
        "publication": publication,
        "formats": list(formats),
        "tables": len(tables),
        "empty_tables": [t.title for t in tables if t.empty],
        "sections": len(sections),
        "parts": [part.title for part in parts],
        "documents": {d.format: {"size": d.size, "name": d.file.name} for d in documents},
        "data_revision": filing.data_revision,
        **({"public_pages_warmed": sorted(path for path, status in warmed.items() if status == 200)} if warmed else {}),
    }


def job_formats(job: Job) -> tuple[str, ...]:
    """The formats a generation job builds (jobs queued before the option existed build all)."""
    return formats_checked(job.params.get("formats") or ALL_FORMATS)
