"""The public site (公众): published disclosures without login — years, departments, one filing.

Pages read only the frozen snapshot (selectors.public). An anonymous visitor's page is served whole
from the public cache under the public data's stamp, with ETag/Last-Modified (views.public_cache).
Beneath that, the body of a filing's page is rendered once per published snapshot and cached, so a
new stamp (another filing published) re-renders only the frame around it (header, downloads).
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from openpyxl import load_workbook

from disclosures import charts
from disclosures.parts import parts_from_json
from disclosures.selectors.public import public_document_get, public_filing_get, public_filing_list, public_years
from disclosures.money import format_amount, unit_label
from disclosures.views.public_cache import public_cache, public_page
from decimal import Decimal


RECENT_COUNT = 10


def _search_query(request) -> str:
    return request.GET.get("q", "").strip()[:50]


@require_GET
@public_page(lambda request: None if _search_query(request) else "home")
def public_home(request):
    """Years with published disclosures, the latest publications, and a search by department name."""
    query = request.GET.get("q", "").strip()[:50]
    rows = public_filing_list(query=query) if query else public_filing_list()
    recent = rows if query else sorted(rows, key=lambda r: r.published_at, reverse=True)[:RECENT_COUNT]
    return render(request, "public/home.html", {"years": public_years(), "recent": recent, "query": query})


@require_GET
@public_page(lambda request, year: None if _search_query(request) else f"year:{year}")
def public_year(request, year: int):
    query = request.GET.get("q", "").strip()[:50]
    rows = public_filing_list(year=year, query=query)
    departments: dict[str, dict] = {}
    for row in rows:
        entry = departments.setdefault(row.department_code, {"name": row.department, "filings": []})
        entry["filings"].append(row)
    if not departments and not query and not any(y["year"] == year for y in public_years()):
        raise Http404("该年度尚无公开信息。")
    return render(request, "public/year.html", {"year": year, "query": query, "departments": list(departments.values()), "count": len(rows)})


def _body_cache_key(public) -> str:
    filing = public.filing
    stamp = filing.published_at.timestamp() if filing.published_at else 0
    return f"public-filing-body:{filing.pk}:{stamp}:{public.newer.pk if public.newer else 0}"


def render_filing_body(public) -> str:
    """The cached part of the page: text, tables and charts, all from the snapshot."""
    key = _body_cache_key(public)
    body = public_cache().get(key)
    if body is None:
        snapshot = public.snapshot
        chart_data = snapshot.get("charts") or {}
        year = snapshot["filing"]["year"]
        unit = snapshot_unit(public)
        context = {
            "filing": public.filing,
            "snapshot": snapshot,
            "newer": public.newer,
            "sections": snapshot.get("sections") or [],
            "tables": snapshot.get("tables") or [],
            "projects": snapshot.get("projects") or [],
            "parts": parts_from_json(snapshot.get("parts")),
            "correction": _correction(snapshot.get("correction"), unit),
            "unit_label": unit_label(unit),
            "key_figures": [
                {
                    "label": row["label"],
                    "value": format_amount(_dec(row["amount"]), unit),
                    "last": format_amount(_dec(row["prior"]), unit) if row.get("prior") is not None else None,
                    "change_pct": row.get("change_pct"),
                }
                for row in snapshot.get("key_figures", [])
            ],
            "chart_income": charts.donut_chart(chart_data.get("income_by_source", []), title="本年收入结构", unit=unit),
            "chart_expense": charts.bar_chart(chart_data.get("expense_by_class", []), title="本年支出按功能分类", unit=unit),
            "chart_three": charts.bar_chart(chart_data.get("three_public", []), title="“三公”经费", keep_zero=True, unit=unit),
            "chart_yoy": charts.comparison_chart(
                [(label, last, now) for _key, last, now, label in chart_data.get("year_over_year", [])],
                title="与上年对比",
                last_label=f"{year - 1}年",
                this_label=f"{year}年",
                unit=unit,
            ),
        }
        body = render_to_string("public/_filing_body.html", context)
        public_cache().set(key, body)
    return body


def snapshot_unit(public) -> str:
    """The unit the filing published in: the snapshot's (stored since the unit was a filing's), else the
    filing's own, which publication locks."""
    return public.snapshot["filing"].get("unit") or public.filing.amount_unit


def _correction(correction: dict | None, unit: str) -> dict | None:
    """The correction summary with its before/after figures printed in the filing's unit."""
    if not correction:
        return correction
    changes = [
        {**c, "before_text": format_amount(_dec(c["before"]), unit), "after_text": format_amount(_dec(c["after"]), unit)}
        for c in correction["changes"]
    ]
    return {**correction, "changes": changes}


def _dec(value):
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")


@require_GET
@public_page(lambda request, pk: f"filing:{pk}")
def public_filing(request, pk: int):
    public = public_filing_get(pk=pk)
    return render(
        request,
        "public/filing.html",
        {
            "filing": public.filing,
            "snapshot": public.snapshot,
            "newer": public.newer,
            "documents": public.documents,
            "tables": public.snapshot.get("tables") or [],
            "body": mark_safe(render_filing_body(public)),  # rendered by our own template, escaped there
        },
    )


def _download_name(filing, suffix: str) -> str:
    return f"{filing.department.name}{filing.fiscal_year.year}年{filing.get_kind_display()}{suffix}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
def public_document(request, pk: int, format: str):
    document = public_document_get(pk=pk, format=format)
    filing = document.filing
    version = f"（第{filing.version}版）" if filing.version > 1 else ""
    response = FileResponse(document.file.open("rb"), content_type=_content_type(format))
    return _attachment(response, _download_name(filing, f"{version}.{format}"))


@require_GET
def public_table_xlsx(request, pk: int, number: int):
    """One table of the published workbook: the whole xlsx with only that table's sheet kept."""
    public = public_filing_get(pk=pk, with_documents=False)
    tables = public.snapshot.get("tables") or []
    if not 1 <= number <= len(tables):
        raise Http404("没有这张表。")
    document = public_document_get(pk=pk, format="xlsx")
    with document.file.open("rb") as handle:
        workbook = load_workbook(handle)
    sheet = _sheet_for_table(workbook, tables[number - 1], number, len(tables))
    if sheet is None:
        raise Http404("工作簿中没有这张表。")
    for other in list(workbook.worksheets):
        if other is not sheet:
            workbook.remove(other)
    out = io.BytesIO()
    workbook.save(out)
    title = (tables[number - 1].get("title") or f"表{number}") if isinstance(tables[number - 1], dict) else f"表{number}"
    response = HttpResponse(out.getvalue(), content_type=_content_type("xlsx"))
    return _attachment(response, _download_name(public.filing, f"_{title}.xlsx"))


def _sheet_for_table(workbook, table: dict, number: int, count: int):
    """The worksheet of the table: the sheet named after it ("表7 …", cut to Excel's 31 characters),
    else the one at its position among the last `count` sheets (a cover sheet may come first)."""
    name = str(table.get("numbered_title") or "")
    for sheet in workbook.worksheets:
        if name and (sheet.title == name[:31] or name.startswith(sheet.title.rstrip("…"))):
            return sheet
    sheets = workbook.worksheets[-count:] if len(workbook.worksheets) >= count else workbook.worksheets
    return sheets[number - 1] if number - 1 < len(sheets) else None


def _content_type(format: str) -> str:
    return {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
        "html": "text/html; charset=utf-8",
    }.get(format, "application/octet-stream")
