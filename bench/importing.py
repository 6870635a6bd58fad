"""Import a large expense workbook through the real upload path: the department's import page
(django.test.Client → filing_import view → preview → staged rows → apply through the line services).

Runs in its own process (`run.py --stage import`) so that its peak memory is its own.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal
from pathlib import Path

from bench.work import maxrss_mb


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def phase_peak_reset() -> float | None:
    """Reset this process's peak RSS (Linux: writing 5 to clear_refs resets VmHWM) and return the current RSS,
    so each phase's peak is its own and not the workbook building's or an earlier phase's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status_mb("VmRSS")


def phase_peak_mb() -> float | None:
    return _status_mb("VmHWM")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _combination(dimensions, index: int) -> tuple:
    """The index-th element of the product of the dimensions, without building the product."""
    picked = []
    for values in reversed(dimensions):
        index, position = divmod(index, len(values))
        picked.append(values[position])
    return tuple(reversed(picked))


def build_workbook(*, path: Path, filing, rows: int, seed: int = 7) -> int:
    """An .xlsx of `rows` distinct expense lines in the upload template's columns (written streaming)."""
    from openpyxl import Workbook

    from disclosures.imports.resources import ExpenseLineResource
    from disclosures.models import CatalogItem, ExpenseKind, FundingSource, Unit

    resource = ExpenseLineResource()
    headers = [column.column_name for column in resource.columns()]
    units = list(Unit.objects.filter(department=filing.department).order_by("code").values_list("name", flat=True))
    items = CatalogItem.objects.filter(fiscal_year=filing.fiscal_year)
    functions = list(items.filter(kind="function", code__regex=r"^[0-9]{7}$").values_list("code", flat=True))
    econ = list(items.filter(kind="dept_economic", code__regex=r"^30[12][0-9]{2}$", gov_economic__isnull=False).values_list("code", flat=True))
    kinds = {c: (ExpenseKind.PERSONNEL.label if c.startswith("301") else ExpenseKind.PUBLIC.label) for c in econ}
    sources = [FundingSource.GENERAL_PUBLIC_BUDGET.label, FundingSource.OTHER.label]
    dimensions = (units, functions, econ, sources)
    space = len(units) * len(functions) * len(econ) * len(sources)
    rng = random.Random(seed)
    chosen = (_combination(dimensions, index) for index in rng.sample(range(space), rows))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(resource.sheet_title)
    sheet.append(headers)
    for unit, function, code, source in chosen:
        amount = Decimal(rng.randint(100, 50_000_000)) / 100
        values = {
            "预算单位": unit,
            "支出功能分类科目编码": function,
            "部门预算经济分类科目编码": code,
            "支出类型": kinds[code],
            "资金来源": source,
            "年初预算数（元）": amount,
            "决算数（元）": (amount * Decimal("0.95")).quantize(Decimal("0.01")),
        }
        sheet.append([values.get(h) for h in headers])
    workbook.save(path)
    return path.stat().st_size


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def run_import(*, rows: int, workdir: Path) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from django.conf import settings
    from disclosures.models import Department, DepartmentMembership, ExpenseLine, FiscalYear, Unit
    from disclosures.services.catalog import catalog_load_starter
    from disclosures.services.lines import filing_create

    year, _ = FiscalYear.objects.get_or_create(year=2024)
    catalog_load_starter(fiscal_year=year)
    department = Department.objects.create(code=f"I{rows}", name=f"导入测试局{rows}")
    for k in range(3):
        Unit.objects.create(department=department, code=f"I{rows}{k:03d}", name=f"导入测试局{rows}单位{k}", is_main=k == 0)
    filing = filing_create(department=department, fiscal_year=year, kind="final")
    user = get_user_model().objects.create(username=f"import-{rows}", is_staff=True)
    DepartmentMembership.objects.create(user=user, department=department)

    path = workdir / f"import-{rows}.xlsx"
    started = time.perf_counter()
    size = build_workbook(path=path, filing=filing, rows=rows)
    result = {"rows": rows, "file_bytes": size, "build_seconds": round(time.perf_counter() - started, 2)}

    client = Client()
    client.force_login(user)
    url = reverse("disclosures:filing_import", args=[filing.pk])
    baseline = maxrss_mb()
    result["baseline_maxrss_mb"] = round(baseline, 1)

    def preview() -> tuple[float, object]:
        result["rss_before_preview_mb"] = _round(phase_peak_reset())
        begun = time.perf_counter()
        with path.open("rb") as handle:
            response = client.post(url, {"kind": "expense", "file": handle})
        return time.perf_counter() - begun, response

    seconds, response = preview()
    context = response.context or {}
    token = context.get("token")
    if token is None and context.get("preview") is not None and rows > settings.IMPORT_MAX_ROWS:
        result["refused_by_row_limit"] = context["preview"].errors[:1]
        # Measure what the path costs beyond the limit, stated in the output.
        settings.IMPORT_MAX_ROWS = rows
        result["row_limit_raised_for_measurement"] = rows
        seconds, response = preview()
        context = response.context or {}
        token = context.get("token")
    result["preview_seconds"] = round(seconds, 2)
    result["preview_maxrss_mb"] = round(maxrss_mb(), 1)
    result["preview_peak_rss_mb"] = _round(phase_peak_mb())
    if token is None:
        errors = context["preview"].errors[:3] if context.get("preview") is not None else [str(context.get("form").errors)]
        result["error"] = errors
        return result

    counter = QueryCounter()
    result["rss_before_apply_mb"] = _round(phase_peak_reset())
    begun = time.perf_counter()
    with connection.execute_wrapper(counter):
        response = client.post(url, {"token": token})
    result["apply_seconds"] = round(time.perf_counter() - begun, 2)
    result["apply_queries"] = counter.count
    result["apply_maxrss_mb"] = round(maxrss_mb(), 1)
    result["apply_peak_rss_mb"] = _round(phase_peak_mb())
    result["apply_status"] = response.status_code
    result["lines_written"] = ExpenseLine.objects.filter(filing=filing).count()
    result["total_seconds"] = round(result["preview_seconds"] + result["apply_seconds"], 2)
    path.unlink(missing_ok=True)
    return result
