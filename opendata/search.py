"""Search across the published filings: department names, 功能分类 科目 (names and codes), project and
indicator names. Results link to the filing's public page and the table row or project.

The index (`SearchEntry`) is derived from the current published snapshots and brought up to date at
the start of every search (two queries when nothing changed). Matching is a case-insensitive substring
match, which is what Chinese needs without a tokenizer (“信访” must find “资阳区信访局”); on PostgreSQL a
`gin_trgm_ops` index serves the `ILIKE` and results are ranked by trigram similarity (pg_trgm), on
SQLite the same query runs as `LIKE` (the fallback) and ranks by kind and length.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length

from opendata.models import SearchEntry
from opendata.selectors import PublishedFiling, current_filings

MAX_RESULTS = 100
MAX_QUERY_LENGTH = 50


def entries_for(filing: PublishedFiling) -> list[SearchEntry]:
    """The index rows of one published filing, from its snapshot."""
    base = {"filing_id": filing.pk, "published_at": filing.published_at}
    entries = {}

    def add(kind, label, *, code="", context="", anchor=""):
        label = str(label or "").strip()[:300]
        if not label:
            return
        key = (kind, anchor, label)
        if key not in entries:
            text = f"{code} {label} {context}".strip().lower()
            entries[key] = SearchEntry(kind=kind, code=code[:40], label=label, context=context[:300], anchor=anchor, text=text, **base)

    add(SearchEntry.Kind.DEPARTMENT, filing.department, code=filing.department_code)
    for number, table in enumerate(filing.tables, start=1):
        title = str(table.get("numbered_title") or table.get("title") or f"表{number}")
        for row in table.get("rows") or []:
            if not isinstance(row, dict) or not row.get("code"):
                continue
            code = str(row["code"])
            name = next((c.get("text") for c in row.get("cells") or [] if isinstance(c, dict) and c.get("key") == "name"), "")
            if not name:
                continue
            # One entry per 科目: the first table that lists it (部门支出总表 / 支出决算表 come before the rest).
            if any(e.kind == SearchEntry.Kind.FUNCTION and e.code == code for e in entries.values()):
                continue
            add(SearchEntry.Kind.FUNCTION, name, code=code, context=title, anchor=f"table-{number}-row-{code}")
    part_anchors = _project_part_anchors(filing)
    for index, project in enumerate(filing.projects, start=1):
        # A filing with performance parts shows each project as its 项目绩效目标表 (or 自评表); else as a card.
        anchor = part_anchors.get(str(project.get("code") or ""), "") if part_anchors else f"project-{index}"
        add(SearchEntry.Kind.PROJECT, project.get("name"), code=str(project.get("code") or ""), anchor=anchor)
        for indicator in project.get("indicators") or []:
            if isinstance(indicator, dict):
                add(SearchEntry.Kind.INDICATOR, indicator.get("name"), context=str(project.get("name") or ""), anchor=anchor)
    return list(entries.values())


def _project_part_anchors(filing: PublishedFiling) -> dict[str, str]:
    """Project code → the anchor of the first form of the snapshot's parts that names it (its file name
    ends with the code); empty when the snapshot has no parts (older snapshots)."""
    anchors: dict[str, str] = {}
    parts = filing.snapshot.get("parts")
    if not isinstance(parts, list) or not parts:
        return anchors
    codes = [str(p.get("code") or "") for p in filing.projects if p.get("code")]
    for part in parts:
        if not isinstance(part, dict):
            continue
        for number, grid in enumerate(part.get("grids") or [], start=1):
            filename = str(grid.get("filename") or "") if isinstance(grid, dict) else ""
            for code in codes:
                if filename.endswith(code):
                    anchors.setdefault(code, f"part-{part.get('key')}-{number}")
    return anchors or {"": ""}


def search_index_sync() -> list[PublishedFiling]:
    """Make the index hold exactly the current published versions; returns those filings."""
    filings = current_filings()
    wanted = {f.pk: f.published_at for f in filings}
    indexed = dict(SearchEntry.objects.values_list("filing_id", "published_at").distinct())
    stale = [pk for pk, stamp in indexed.items() if wanted.get(pk, object()) != stamp]
    missing = [f for f in filings if indexed.get(f.pk, object()) != f.published_at]
    if stale or missing:
        with transaction.atomic():
            SearchEntry.objects.filter(filing_id__in=stale).delete()
            rows = [entry for f in missing for entry in entries_for(f)]
            # Two searches may rebuild at once: the unique constraint and ignore_conflicts keep one copy.
            SearchEntry.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return filings


@dataclass(frozen=True)
class SearchResult:
    entry: SearchEntry
    filing: PublishedFiling

    @property
    def url_fragment(self) -> str:
        return f"#{self.entry.anchor}" if self.entry.anchor else ""


def search(*, query: str, limit: int = MAX_RESULTS) -> tuple[list[SearchResult], int]:
    """Matching index rows of current published filings, best first, and how many matched in all."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH].lower()
    if not query:
        return [], 0
    filings = {f.pk: f for f in search_index_sync()}
    matches = SearchEntry.objects.filter(filing_id__in=list(filings), text__contains=query)
    count = matches.count()
    rank = Case(
        When(Q(code=query) | Q(label__iexact=query), then=Value(0)),
        When(Q(code__startswith=query) | Q(label__istartswith=query), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    ordered = matches.annotate(rank=rank, length=Length("label"))
    order = ["rank"]
    if connection.vendor == "postgresql":
        ordered = ordered.annotate(similarity=TrigramSimilarity("text", query))
        order.append("-similarity")
    order += ["kind", "length", "-filing__fiscal_year__year", "filing_id", "pk"]
    results = [SearchResult(entry=e, filing=filings[e.filing_id]) for e in ordered.order_by(*order)[:limit]]
    return results, count
