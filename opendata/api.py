"""The versioned JSON API of the published disclosures: /api/v1/ (公开数据接口).

Built with django-ninja rather than Django REST framework + drf-spectacular: the API is read-only and
small, its response shapes are declared once as typed schemas (pydantic) from which ninja both
serialises and writes the OpenAPI 3 schema, so the schema cannot drift from what the views return;
it needs no serializers, viewsets, routers or browsable-API templates, and keeps the project's style
of plain typed functions over selectors. DRF would bring a second request/response stack for five
read-only endpoints.

Conventions: every amount is in 元 as a decimal string with two places ("3828602.02") next to a
`unit` field ("元"); errors are JSON `{"error": {"status": …, "message": …}}`; lists are paginated
(`page`, `page_size` ≤ 100, `count`, `next`, `previous`); every data response carries an ETag and a
Last-Modified derived from the published snapshots it was built from, and answers 304 to a matching
If-None-Match / If-Modified-Since. Only published filings exist here (opendata.selectors).
The old unversioned /api/ (disclosures.api) stays as it was for existing users.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from disclosures.money import format_indicator, format_number
from disclosures.selectors.public import public_filing_get
from opendata.search import search as search_entries
from opendata.selectors import (
    SERIES_FIGURES,
    THREE_PUBLIC_ITEMS,
    PublishedFiling,
    amount,
    county_overview,
    current_filings,
    data_stamp,
    department_history,
    newest,
)

UNIT = "元"
MAX_PAGE_SIZE = 100
Kind = Literal["budget", "final"]
Money = str | None  # decimal string of 元, two places


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese characters as they are (not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    title="公开数据接口",
    version="1",
    description=(
        "全县各部门已公开的部门预算、部门决算数据（只含已公开的版本）。金额一律以元为单位的十进制字符串给出，"
        "并带 unit 字段；错误以 JSON 返回；列表分页；响应带 ETag 和 Last-Modified。"
    ),
    urls_namespace="api_v1",
    openapi_url="/schema/",
    docs_url=None,  # the documentation page is server-rendered (opendata.views_api_docs), no CDN scripts
    renderer=ChineseJSONRenderer(),
)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format_number(value, places=2)


def _indicator(item: dict) -> dict[str, str]:
    """A published indicator: its fields as stored (a numeric target in plain notation) and its display."""
    fields = {k: str(item.get(k) or "").strip() for k in ("level1", "level2", "name", "comparator", "target", "unit")}
    comparator = "" if fields["comparator"] == "定性" else fields["comparator"]
    fields["target"] = format_indicator(comparator="", text=fields["target"]) if fields["target"] else ""
    fields["display"] = format_indicator(comparator=comparator, text=fields["target"], unit=fields["unit"])
    return fields


def _error(request, status: int, message: str, **extra) -> HttpResponse:
    return api.create_response(request, {"error": {"status": status, "message": message, **extra}}, status=status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, str(exc) or "未找到。")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return _error(request, 422, "参数不正确。", details=exc.errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


def not_found_json(request, rest: str = ""):
    """Any other path under /api/v1/: a JSON 404, not the site's HTML page."""
    response = JsonResponse({"error": {"status": 404, "message": "没有这个接口。"}}, status=404, json_dumps_params={"ensure_ascii": False})
    return response


def _conditional(request: HttpRequest, response: HttpResponse, filings: list[PublishedFiling], extra: str = "") -> HttpResponse | None:
    """Set ETag/Last-Modified from the snapshots on the response; a 304 when the client has them."""
    etag = quote_etag(data_stamp(filings) + (f"-{extra}" if extra else ""))
    last = newest(filings)
    last_ts = int(last.timestamp()) if last else None
    response["ETag"] = etag
    if last_ts:
        response["Last-Modified"] = http_date(last_ts)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_ts)
    if not_modified is not None:
        if isinstance(not_modified, HttpResponseNotModified):
            not_modified["ETag"] = etag
            if last_ts:
                not_modified["Last-Modified"] = http_date(last_ts)
        return not_modified
    return None


# ------------------------------------------------------------------------------------------ schemas


class ErrorDetail(Schema):
    status: int
    message: str


class ErrorOut(Schema):
    error: ErrorDetail


class YearOut(Schema):
    year: int
    departments: int = Field(description="公开了该年度数据的部门数")
    filings: int


class FilingSummary(Schema):
    id: int
    department: str
    department_code: str
    year: int
    kind: Kind
    kind_display: str
    version: int
    corrected: bool
    published_at: datetime.datetime | None
    url: str = Field(description="本接口中该公开的地址")
    page: str = Field(description="公开页面")


class FilingPage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[FilingSummary]


class KeyFigureOut(Schema):
    key: str
    label: str
    amount: Money
    prior: Money = Field(description="上年数（部门公开时所列）")
    change_pct: str | None
    unit: str = UNIT


class AmountOut(Schema):
    key: str = ""
    code: str = ""
    label: str
    amount: Money
    unit: str = UNIT


class TableRowOut(Schema):
    kind: str
    level: int | None
    code: str
    label: str
    amounts: dict[str, Money] = Field(description="列键 → 金额（元）")


class TableOut(Schema):
    number: int
    key: str
    title: str
    unit: str = UNIT
    columns: list[dict[str, str]]
    rows: list[TableRowOut]


class IndicatorOut(Schema):
    level1: str
    level2: str
    name: str
    comparator: str
    target: str
    unit: str = Field(description="指标的计量单位（不是金额单位）")
    display: str = Field(description="指标值的完整写法，如“≥90%”（符号、数值和单位各写一次，数值不用科学计数法）")


class ProjectOut(Schema):
    code: str
    name: str
    purpose: str
    budget_amount: Money
    actual_amount: Money
    unit: str = UNIT
    indicators: list[IndicatorOut]


class FilingDetail(FilingSummary):
    unit: str = UNIT
    superseded_by: int | None
    key_figures: list[KeyFigureOut]
    three_public: list[AmountOut]
    expense_by_function_class: list[AmountOut]
    income_by_source: list[AmountOut]
    tables: list[TableOut]
    projects: list[ProjectOut]
    downloads: dict[str, str]


class OverviewRowOut(Schema):
    filing_id: int
    department: str
    department_code: str
    total: Money
    basic: Money
    project: Money
    three_public: dict[str, Money]
    three_public_total: Money
    three_public_prior: Money
    operating_costs: Money
    published_at: datetime.datetime | None
    days_to_publish: int | None = Field(description="批复后多少天公开")
    published_within_20_days: bool | None
    unit: str = UNIT


class OverviewOut(Schema):
    year: int
    kind: Kind
    unit: str = UNIT
    departments: list[OverviewRowOut]
    expense_by_function_class: list[AmountOut]
    totals: dict[str, Money]


class YearPairOut(Schema):
    year: int
    budget_id: int | None
    final_id: int | None
    budget_expense: Money
    final_expense: Money
    execution_rate_pct: str | None
    unit: str = UNIT


class SeriesPointOut(Schema):
    filing_id: int
    year: int
    kind: Kind
    figures: dict[str, Money]
    unit: str = UNIT


class DepartmentOut(Schema):
    code: str
    name: str
    series: list[SeriesPointOut]
    years: list[YearPairOut]


class SearchHitOut(Schema):
    kind: str
    code: str
    label: str
    context: str
    filing_id: int
    filing: str
    page: str


class SearchOut(Schema):
    query: str
    count: int
    results: list[SearchHitOut]


class FilingFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年度")
    kind: Kind | None = Field(None, description="budget 部门预算 / final 部门决算")
    department: str | None = Field(None, max_length=100, description="部门编码或部门全称")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


# ---------------------------------------------------------------------------------------- endpoints


def _summary(request, f: PublishedFiling) -> dict:
    return {
        "id": f.pk,
        "department": f.department,
        "department_code": f.department_code,
        "year": f.year,
        "kind": f.kind,
        "kind_display": f.kind_display,
        "version": f.version,
        "corrected": f.version > 1,
        "published_at": f.published_at,
        "url": request.build_absolute_uri(reverse("api_v1:filing", args=[f.pk])),
        "page": request.build_absolute_uri(reverse("disclosures:public_filing", args=[f.pk])),
    }


ERRORS = {404: ErrorOut, 422: ErrorOut}


@api.get("/years/", response={200: list[YearOut]}, url_name="years", summary="有公开数据的年度")
def years(request, response: HttpResponse):
    filings = current_filings()
    if (not_modified := _conditional(request, response, filings)) is not None:
        return not_modified
    counts: dict[int, dict] = {}
    for f in filings:
        entry = counts.setdefault(f.year, {"year": f.year, "departments": set(), "filings": 0})
        entry["departments"].add(f.department_code)
        entry["filings"] += 1
    return [{**e, "departments": len(e["departments"])} for _y, e in sorted(counts.items(), reverse=True)]


@api.get("/filings/", response={200: FilingPage, **ERRORS}, url_name="filings", summary="已公开的预算、决算列表")
def filings(request, response: HttpResponse, filters: Query[FilingFilters]):
    rows = current_filings(year=filters.year, kind=filters.kind, department=filters.department or "")
    if (not_modified := _conditional(request, response, rows, extra=f"{filters.page}-{filters.page_size}")) is not None:
        return not_modified
    start = (filters.page - 1) * filters.page_size
    if start and start >= len(rows):
        raise Http404("没有这一页。")
    page_rows = rows[start : start + filters.page_size]

    def page_url(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "count": len(rows),
        "page": filters.page,
        "page_size": filters.page_size,
        "next": page_url(filters.page + 1) if start + filters.page_size < len(rows) else None,
        "previous": page_url(filters.page - 1) if filters.page > 1 else None,
        "results": [_summary(request, f) for f in page_rows],
    }


def _table(number: int, table: dict) -> dict:
    leaves = [leaf for leaf in table.get("leaves") or [] if isinstance(leaf, dict)]
    rows = []
    for row in table.get("rows") or []:
        if not isinstance(row, dict):
            continue
        cells = [c for c in row.get("cells") or [] if isinstance(c, dict)]
        label = next((str(c.get("text") or "") for c in cells if c.get("amount") is None and c.get("text")), "")
        if row.get("code"):
            label = next((str(c.get("text") or "") for c in cells if c.get("key") == "name"), label)
        rows.append(
            {
                "kind": str(row.get("kind") or ""),
                "level": row.get("level"),
                "code": str(row.get("code") or ""),
                "label": label,
                "amounts": {str(c.get("key")): _money(amount(c.get("amount"))) for c in cells if c.get("amount") is not None},
            }
        )
    return {
        "number": number,
        "key": str(table.get("key") or ""),
        "title": str(table.get("numbered_title") or table.get("title") or ""),
        "columns": [{"key": str(leaf.get("key") or ""), "label": str(leaf.get("label") or "")} for leaf in leaves],
        "rows": rows,
    }


@api.get("/filings/{filing_id}/", response={200: FilingDetail, **ERRORS}, url_name="filing", summary="一份公开的全部数据")
def filing(request, response: HttpResponse, filing_id: int):
    public = public_filing_get(pk=filing_id)  # 404 unless published
    f = next((x for x in current_filings(year=public.filing.fiscal_year.year, department=public.filing.department.code) if x.pk == filing_id), None)
    if f is None:  # an older version of a corrected filing: still readable, as on the public site
        f = PublishedFiling(
            pk=public.filing.pk,
            department=public.filing.department.name,
            department_code=public.filing.department.code,
            year=public.filing.fiscal_year.year,
            kind=public.filing.kind,
            version=public.filing.version,
            published_at=public.filing.published_at,
            approved_at=public.filing.approved_at,
            snapshot=public.snapshot or {},
        )
    if (not_modified := _conditional(request, response, [f], extra=str(public.newer.pk if public.newer else 0))) is not None:
        return not_modified
    snapshot = f.snapshot
    charts = snapshot.get("charts") if isinstance(snapshot.get("charts"), dict) else {}
    key_figures = [
        {
            "key": str(r.get("key")),
            "label": str(r.get("label") or r.get("key")),
            "amount": _money(amount(r.get("amount"))),
            "prior": _money(amount(r.get("prior"))),
            "change_pct": None if r.get("change_pct") is None else str(r.get("change_pct")),
        }
        for r in snapshot.get("key_figures") or []
        if isinstance(r, dict)
    ]
    three = f.three_public
    return {
        **_summary(request, f),
        "superseded_by": public.newer.pk if public.newer else None,
        "key_figures": key_figures,
        "three_public": [{"key": key, "label": label, "amount": _money(three.get(key))} for key, label in THREE_PUBLIC_ITEMS],
        "expense_by_function_class": [{"code": code, "label": name, "amount": _money(v)} for code, name, v in f.expense_by_class],
        "income_by_source": [
            {"label": str(p[0]), "amount": _money(amount(p[1]))} for p in charts.get("income_by_source") or [] if isinstance(p, list) and len(p) >= 2
        ],
        "tables": [_table(n, t) for n, t in enumerate(f.tables, start=1)],
        "projects": [
            {
                "code": str(p.get("code") or ""),
                "name": str(p.get("name") or ""),
                "purpose": str(p.get("purpose") or ""),
                "budget_amount": _money(amount(p.get("budget_amount"))),
                "actual_amount": _money(amount(p.get("actual_amount"))),
                "indicators": [_indicator(i) for i in p.get("indicators") or [] if isinstance(i, dict)],
            }
            for p in f.projects
        ],
        "downloads": {fmt: request.build_absolute_uri(reverse("disclosures:public_document", args=[f.pk, fmt])) for fmt in public.documents},
    }


@api.get("/years/{year}/overview/", response={200: OverviewOut, **ERRORS}, url_name="overview", summary="全县部门预决算一览")
def overview(request, response: HttpResponse, year: int, kind: Kind = "budget"):
    data = county_overview(year=year, kind=kind)
    if not data.rows:
        raise Http404(f"{year}年尚无公开的该类数据。")
    if (not_modified := _conditional(request, response, data.filings, extra=kind)) is not None:
        return not_modified
    return {
        "year": year,
        "kind": kind,
        "departments": [
            {
                "filing_id": r.filing.pk,
                "department": r.filing.department,
                "department_code": r.filing.department_code,
                "total": _money(r.total),
                "basic": _money(r.basic),
                "project": _money(r.project),
                "three_public": {key: _money(r.three_public.get(key)) for key, _l in THREE_PUBLIC_ITEMS},
                "three_public_total": _money(r.three_public_total),
                "three_public_prior": _money(r.three_public_prior),
                "operating_costs": _money(r.operating_costs),
                "published_at": r.filing.published_at,
                "days_to_publish": r.filing.publication_days,
                "published_within_20_days": r.filing.in_time,
            }
            for r in data.rows
        ],
        "expense_by_function_class": [{"code": code, "label": name, "amount": _money(v)} for code, name, v in data.by_class],
        "totals": {key: _money(value) for key, value in data.totals.items()},
    }


@api.get("/departments/{department}/", response={200: DepartmentOut, **ERRORS}, url_name="department", summary="一个部门的历年数据")
def department(request, response: HttpResponse, department: str):
    history = department_history(department=department)
    if history is None:
        raise Http404("该部门尚无公开信息。")
    if (not_modified := _conditional(request, response, history.filings)) is not None:
        return not_modified
    return {
        "code": history.code,
        "name": history.name,
        "series": [
            {"filing_id": f.pk, "year": f.year, "kind": f.kind, "figures": {key: _money(f.key_figure(key)) for key, _l in SERIES_FIGURES}}
            for f in history.filings
        ],
        "years": [
            {
                "year": p.year,
                "budget_id": p.budget.pk if p.budget else None,
                "final_id": p.final.pk if p.final else None,
                "budget_expense": _money(p.budget_expense),
                "final_expense": _money(p.final_expense),
                "execution_rate_pct": None if p.execution_rate is None else str(p.execution_rate),
            }
            for p in history.years
        ],
    }


@api.get("/search/", response={200: SearchOut, **ERRORS}, url_name="search", summary="检索已公开的数据")
def search(
    request,
    q: str = Query(..., min_length=1, max_length=50, description="部门、科目名称或编码、项目、绩效指标"),
    limit: int = Query(50, ge=1, le=100),
):
    results, count = search_entries(query=q, limit=limit)
    return {
        "query": q,
        "count": count,
        "results": [
            {
                "kind": r.entry.kind,
                "code": r.entry.code,
                "label": r.entry.label,
                "context": r.entry.context,
                "filing_id": r.filing.pk,
                "filing": r.filing.title,
                "page": request.build_absolute_uri(reverse("disclosures:public_filing", args=[r.filing.pk])) + r.url_fragment,
            }
            for r in results
        ],
    }
