"""What the public may read: published filings and their frozen snapshots, nothing else.

Every public page and the JSON API go through these functions, so "only published data is visible"
is decided in one place. Drafts, submitted, returned and approved filings do not exist publicly (404),
nor does a published filing whose publication documents are not built yet: what the bureau approved
(the snapshot) and its frozen downloads (PublicationDocument) appear together or not at all.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from disclosures.models import Department, Filing, PublicationDocument
from disclosures.selectors.snapshot import published_snapshot


def published_filings() -> QuerySet[Filing]:
    """Every published version whose documents are frozen (including the originals of corrections,
    which stay readable). A publication's documents are created together, so one is enough to ask for."""
    return Filing.objects.filter(
        Exists(PublicationDocument.objects.filter(filing=OuterRef("pk"))),
        status=Filing.Status.PUBLISHED,
        published_snapshot__isnull=False,
    )


def public_years() -> list[dict]:
    """The years with at least one published filing, newest first, with the number of departments."""
    rows = (
        published_filings()
        .values("fiscal_year__year")
        .annotate(departments=Count("department", distinct=True), filings=Count("id"))
        .order_by("-fiscal_year__year")
    )
    return [{"year": r["fiscal_year__year"], "departments": r["departments"], "filings": r["filings"]} for r in rows]


@dataclass(frozen=True)
class PublicFilingRow:
    pk: int
    department: str
    department_code: str
    year: int
    kind: str
    kind_display: str
    version: int
    published_at: object
    corrected: bool


def public_filing_list(*, year: int | None = None, department: str = "", query: str = "") -> list[PublicFilingRow]:
    """The current published version of each department's budget and final accounts.

    `department` filters by exact department code, `query` by part of the department name. Older
    versions of corrected filings are left out (they are linked from the current version's page).
    """
    filings = published_filings()
    if year is not None:
        filings = filings.filter(fiscal_year__year=year)
    if department:
        filings = filings.filter(department__code=department)
    if query:
        filings = filings.filter(department__name__icontains=query.strip())
    latest = {
        (r["department_id"], r["fiscal_year_id"], r["kind"]): r["v"]
        for r in filings.values("department_id", "fiscal_year_id", "kind").annotate(v=Max("version"))
    }
    rows = []
    for f in (
        filings.select_related("department", "fiscal_year")
        .only(
            "pk",
            "kind",
            "version",
            "published_at",
            "department__name",
            "department__code",
            "fiscal_year__year",
            "department_id",
            "fiscal_year_id",
        )
        .order_by("-fiscal_year__year", "department__code", "kind")
    ):
        if latest.get((f.department_id, f.fiscal_year_id, f.kind)) != f.version:
            continue
        rows.append(
            PublicFilingRow(
                pk=f.pk,
                department=f.department.name,
                department_code=f.department.code,
                year=f.fiscal_year.year,
                kind=f.kind,
                kind_display=str(f.get_kind_display()),
                version=f.version,
                published_at=f.published_at,
                corrected=f.version > 1,
            )
        )
    return rows


@dataclass
class PublicFiling:
    filing: Filing
    snapshot: dict
    newer: Filing | None  # the published correction that replaces this version, if any
    documents: dict  # format → PublicationDocument


def public_filing_get(*, pk: int, with_documents: bool = True) -> PublicFiling:
    """A published filing with its snapshot, or 404. Three queries at most."""
    try:
        filing = published_filings().select_related("department", "fiscal_year").defer("department__duties", "department__organisation").get(pk=pk)
    except (Filing.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该公开信息。") from None
    newer = published_filings().filter(supersedes=filing).only("pk", "version", "published_at", "correction_note").first()
    documents = {}
    if with_documents:
        documents = {d.format: d for d in PublicationDocument.objects.filter(filing=filing)}
    return PublicFiling(filing=filing, snapshot=published_snapshot(filing), newer=newer, documents=documents)


def public_document_get(*, pk: int, format: str) -> PublicationDocument:
    """A frozen document of a publication, or 404 (never a working document regenerated since)."""
    document = (
        PublicationDocument.objects.filter(filing__in=published_filings(), filing_id=pk, format=format)
        .select_related("filing__department", "filing__fiscal_year")
        .first()
    )
    if document is None:
        raise Http404("该文件尚未生成。")
    return document


@dataclass(frozen=True)
class PublicStamp:
    """What every public page is made of, reduced to a token: it changes when a filing is published (or
    a correction is), when a publication's documents are frozen (the moment it becomes public), and when
    a department is edited (its name shows on the lists). `last_modified` is the newest of those times."""

    token: str
    last_modified: datetime.datetime | None


def public_stamp() -> PublicStamp:
    """The public data's stamp in one query (the filings' part from an index), without reading a snapshot.

    Published filings are never changed or unpublished (database triggers), and publication documents
    are only ever added, so the count and the newest time of each say whether anything public changed.
    """
    filing, document, department = Filing._meta.db_table, PublicationDocument._meta.db_table, Department._meta.db_table
    published = Filing.Status.PUBLISHED.value
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {filing} WHERE status = %s), (SELECT MAX(published_at) FROM {filing} WHERE status = %s), "
            f"(SELECT COUNT(*) FROM {document}), (SELECT MAX(id) FROM {document}), (SELECT MAX(created_at) FROM {document}), "
            f"(SELECT MAX(updated_at) FROM {department})",
            [published, published],
        )
        row = cursor.fetchone()
    times = [t for t in (_datetime(row[1]), _datetime(row[4]), _datetime(row[5])) if t is not None]
    token = hashlib.sha256("|".join(str(value) for value in row).encode()).hexdigest()[:24]
    return PublicStamp(token=token, last_modified=max(times) if times else None)


def _datetime(value) -> datetime.datetime | None:
    """A timestamp as the database driver returns it from raw SQL (PostgreSQL: datetime; SQLite: text)."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed
