"""Open-data pages (公开数据): the county overview of a year, a department across years, search, and
the bulk downloads. Thin views: the figures come from opendata.selectors (published snapshots only),
charts are server-side SVG from disclosures.charts, and every chart has its table and a CSV beside it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_GET

from disclosures import charts
from disclosures.models import Filing
from disclosures.money import format_wan
from disclosures.selectors.public import public_years
from disclosures.views.public_cache import public_page
from opendata import exports
from opendata.api import api
from opendata.charts import series_chart
from opendata.search import search
from opendata.selectors import (
    SERIES_FIGURES,
    THREE_PUBLIC_ITEMS,
    county_overview,
    current_filings,
    data_stamp,
    department_history,
    newest,
    public_departments,
)

KINDS = (Filing.Kind.BUDGET, Filing.Kind.FINAL)
OVERVIEW_COLUMNS = (
    ("department", "部门"),
    ("total", "收支总计"),
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("three", "“三公”经费合计"),
    ("operating", "机关运行经费"),
    ("published", "公开日期"),
    ("days", "批复后公开天数"),
)


def _kind(request) -> str:
    kind = request.GET.get("kind", Filing.Kind.BUDGET)
    return kind if kind in KINDS else Filing.Kind.BUDGET


def _csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(exports.csv_text(rows, header), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _yuan(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _overview_variant(request, year: int) -> str:
    """The overview's page name: the year and the kind, sort and direction it shows (unknown values as the view reads them)."""
    sort = request.GET.get("sort", "department")
    sort = sort if sort in dict(OVERVIEW_COLUMNS) else "department"
    return f"overview:{year}:{_kind(request)}:{sort}:{request.GET.get('dir') == 'desc'}"


@require_GET
@public_page(lambda request: "open-home")
def open_home(request):
    """The years with published data, the departments, the search box and the downloads."""
    return render(request, "opendata/home.html", {"years": public_years(), "departments": public_departments()})


# ------------------------------------------------------------------------------------------ overview


@require_GET
@public_page(_overview_variant)
def overview(request, year: int):
    kind = _kind(request)
    sort = request.GET.get("sort", "department")
    descending = request.GET.get("dir") == "desc"
    data = county_overview(year=year, kind=kind, sort=sort, descending=descending)
    if not data.rows and not any(y["year"] == year for y in public_years()):
        raise Http404("该年度尚无公开信息。")
    columns = []
    for key, label in OVERVIEW_COLUMNS:
        active = key == sort or (sort not in dict(OVERVIEW_COLUMNS) and key == "department")
        next_dir = "asc" if active and descending else ("desc" if active or key not in ("department", "published") else "asc")
        columns.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "aria_sort": ("descending" if descending else "ascending") if active else None,
                "url": f"?kind={kind}&sort={key}&dir={next_dir}",
            }
        )
    class_series = [(name, value) for _code, name, value in data.by_class]
    three_series = [(r.filing.department, r.three_public_total or Decimal("0")) for r in data.three_ranking]
    other_kind = Filing.Kind.FINAL if kind == Filing.Kind.BUDGET else Filing.Kind.BUDGET
    return render(
        request,
        "opendata/overview.html",
        {
            "year": year,
            "kind": kind,
            "kind_display": data.kind_display,
            "data": data,
            "columns": columns,
            "three_items": THREE_PUBLIC_ITEMS,
            "other_kind": other_kind,
            "other_kind_display": dict(Filing.Kind.choices)[other_kind],
            "years": public_years(),
            "chart_classes": charts.bar_chart(class_series, title=f"{year}年全县{data.kind_display}支出按功能分类（类）"),
            "chart_three": charts.bar_chart(three_series, title=f"{year}年各部门“三公”经费", keep_zero=True),
            "totals_three": [data.totals[f"three_public.{key}"] for key, _label in THREE_PUBLIC_ITEMS],
            "class_total": sum((v for _c, _n, v in data.by_class), Decimal("0.00")),
        },
    )


@require_GET
def overview_csv(request, year: int, table: str):
    kind = _kind(request)
    data = county_overview(year=year, kind=kind)
    name = f"{year}年全县{data.kind_display}"
    if table == "departments":
        header = ["部门编码", "部门", "收支总计（元）", "基本支出（元）", "项目支出（元）"]
        header += [f"{label}（元）" for _k, label in THREE_PUBLIC_ITEMS]
        header += ["“三公”经费合计（元）", "机关运行经费（元）", "公开日期", "批复后公开天数", "是否在20日内公开", "公开页面"]
        rows = []
        for r in data.rows:
            in_time = r.filing.in_time
            rows.append(
                [
                    r.filing.department_code,
                    r.filing.department,
                    _yuan(r.total),
                    _yuan(r.basic),
                    _yuan(r.project),
                    *[_yuan(v) for v in r.three_public_items],
                    _yuan(r.three_public_total),
                    _yuan(r.operating_costs),
                    r.filing.published_at.date().isoformat() if r.filing.published_at else "",
                    "" if r.filing.publication_days is None else r.filing.publication_days,
                    "" if in_time is None else ("是" if in_time else "否"),
                    request.build_absolute_uri(reverse("disclosures:public_filing", args=[r.filing.pk])),
                ]
            )
        return _csv_response(f"{name}一览.csv", header, rows)
    if table == "functions":
        rows = [[code, cls, _yuan(value)] for code, cls, value in data.by_class]
        return _csv_response(f"{name}支出按功能分类.csv", ["功能分类科目编码", "功能分类（类）", "金额（元）"], rows)
    if table == "three-public":
        header = ["排名", "部门编码", "部门", "“三公”经费合计（元）", "上年（元）", "增减（元）", "增减（%）"]
        rows = [
            [
                i,
                r.filing.department_code,
                r.filing.department,
                _yuan(r.three_public_total),
                _yuan(r.three_public_prior),
                _yuan(r.three_public_change),
                "" if r.three_public_change_pct is None else str(r.three_public_change_pct),
            ]
            for i, r in enumerate(data.three_ranking, start=1)
        ]
        return _csv_response(f"{name}“三公”经费排名.csv", header, rows)
    raise Http404("没有这张表。")


# ------------------------------------------------------------------------------- a department's years


@require_GET
@public_page(lambda request, code: f"department:{code}")
def department(request, code: str):
    history = department_history(department=code)
    if history is None:
        raise Http404("该部门尚无公开信息。")
    series_tables = []
    for kind in KINDS:
        series = history.series(kind)
        if not series:
            continue
        series_tables.append(
            {
                "kind": kind,
                "kind_display": dict(Filing.Kind.choices)[kind],
                "years": [year for year, _values in series],
                "rows": [{"key": key, "label": label, "values": [values.get(key) for _year, values in series]} for key, label in SERIES_FIGURES],
            }
        )
    years = [p.year for p in history.years]
    chart_series = series_chart(
        years,
        [
            ("预算", [p.budget.key_figure("total") if p.budget else None for p in history.years]),
            ("决算", [p.final.key_figure("total") if p.final else None for p in history.years]),
        ],
        title="历年收支总计",
    )
    pairs = [p for p in history.years if p.budget and p.final]
    chart_execution = charts.comparison_chart(
        [(f"{p.year}年", p.budget_expense, p.final_expense or Decimal("0")) for p in pairs],
        title="预算与决算（本年支出合计）",
        last_label="预算",
        this_label="决算",
    )
    return render(
        request,
        "opendata/department.html",
        {
            "history": history,
            "series_tables": series_tables,
            "chart_series": chart_series,
            "chart_execution": chart_execution,
            "pairs": pairs,
        },
    )


@require_GET
def department_csv(request, code: str, table: str):
    history = department_history(department=code)
    if history is None:
        raise Http404("该部门尚无公开信息。")
    if table == "series":
        header = ["年度", "类型", *[f"{label}（元）" for _k, label in SERIES_FIGURES], "公开页面"]
        rows = [
            [
                f.year,
                f.kind_display,
                *[_yuan(f.key_figure(key)) for key, _l in SERIES_FIGURES],
                request.build_absolute_uri(reverse("disclosures:public_filing", args=[f.pk])),
            ]
            for f in history.filings
        ]
        return _csv_response(f"{history.name}历年关键数据.csv", header, rows)
    if table == "execution":
        header = ["年度", "预算本年支出合计（元）", "决算本年支出合计（元）", "执行率（%）"]
        rows = [
            [p.year, _yuan(p.budget_expense), _yuan(p.final_expense), "" if p.execution_rate is None else str(p.execution_rate)]
            for p in history.years
        ]
        return _csv_response(f"{history.name}预算执行.csv", header, rows)
    raise Http404("没有这张表。")


# --------------------------------------------------------------------------------------------- search


@require_GET
def search_page(request):
    query = request.GET.get("q", "").strip()[:50]
    results, count = search(query=query) if query else ([], 0)
    return render(request, "opendata/search.html", {"query": query, "results": results, "count": count})


# ------------------------------------------------------------------------------------ bulk downloads


def _year_filings_or_404(year: int):
    filings = current_filings(year=year)
    if not filings:
        raise Http404("该年度尚无公开数据。")
    return filings


def _conditional(request, filings, make_response):
    """ETag and Last-Modified of a year's data from its published snapshots; 304 when unchanged."""
    etag = quote_etag(data_stamp(filings))
    last = newest(filings)
    last_ts = int(last.timestamp()) if last else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_ts)
    response = not_modified or make_response()
    response["ETag"] = etag
    if last_ts:
        response["Last-Modified"] = http_date(last_ts)
    return response


@require_GET
def data_csv(request, year: int):
    filings = _year_filings_or_404(year)

    def make():
        response = HttpResponse(exports.lines_csv(year=year), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{year}年全县部门预决算公开数据.csv')}"
        return response

    return _conditional(request, filings, make)


@require_GET
def data_xlsx(request, year: int):
    filings = _year_filings_or_404(year)

    def make():
        response = HttpResponse(exports.lines_xlsx(year=year), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{year}年全县部门预决算公开数据.xlsx')}"
        return response

    return _conditional(request, filings, make)


@require_GET
def data_package(request, year: int):
    filings = _year_filings_or_404(year)

    def make():
        body = json.dumps(exports.datapackage(year=year), ensure_ascii=False, indent=2)
        return HttpResponse(body, content_type="application/json; charset=utf-8")

    return _conditional(request, filings, make)


@require_GET
def data_index(request, year: int):
    return redirect("opendata:overview", year=year)


def wan(value) -> str:
    return format_wan(value) if value is not None else "—"


@require_GET
def api_docs(request):
    """The API's documentation, rendered on the server from the same OpenAPI schema as /api/v1/schema/."""
    schema = api.get_openapi_schema()
    operations = []
    for path_, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path_,
                    "summary": op.get("summary", ""),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "in": p.get("in"),
                            "required": p.get("required", False),
                            "description": p.get("description") or p.get("schema", {}).get("description", ""),
                            "type": p.get("schema", {}).get("type")
                            or " | ".join(str(s.get("type") or s.get("enum")) for s in p.get("schema", {}).get("anyOf", [])),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return render(request, "opendata/api_docs.html", {"schema": schema, "operations": operations})
