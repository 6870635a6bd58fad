"""Import a large expense workbook through the real upload path: the department's import page
(django.test.Client → filing_import view → preview → staged rows → apply through the line services).

Runs in its own process (`run.py --stage import`) so that its peak memory is its own.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal
from pathlib import Path

from bench.registry import Context, Row, register
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


def run_import(*, rows: int, workdir: Path, floor: bool = False) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
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

    # The apply job runs inside the request (as with eager tasks in the tests), not in a thread of its own,
    # so the apply's time and peak are measured by the request that queues it.
    settings.JOBS_IN_PROCESS_THREAD = False
    client = Client()
    client.force_login(user)
    url = reverse("disclosures:filing_import", args=[filing.pk])
    baseline = maxrss_mb()
    result["baseline_maxrss_mb"] = round(baseline, 1)

    # The request body is written to a file first and streamed to the view as a server streams it, so the
    # preview's peak is the server's and not the test client's copy of a 2 MB multipart body.
    body = workdir / f"import-{rows}.body"
    with path.open("rb") as handle:
        body.write_bytes(encode_multipart(BOUNDARY, {"kind": "expense", "file": handle}))

    def preview() -> tuple[float, object]:
        result["rss_before_preview_mb"] = _round(phase_peak_reset())
        begun = time.perf_counter()
        with body.open("rb") as stream:
            response = client.generic(
                "POST", url, **{"wsgi.input": stream, "CONTENT_LENGTH": str(body.stat().st_size), "CONTENT_TYPE": MULTIPART_CONTENT}
            )
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
    if result["lines_written"] < rows:
        # e.g. the apply job sent to a broker no worker reads: a time that wrote nothing is not a figure
        result["error"] = f"the apply wrote {result['lines_written']} of {rows} lines (HTTP {response.status_code})"
        return result
    result["total_seconds"] = round(result["preview_seconds"] + result["apply_seconds"], 2)
    body.unlink(missing_ok=True)
    if floor:
        result.update(run_plain_import(path=path, filing=filing))
    path.unlink(missing_ok=True)
    return result


# --- floor: a plain django-import-export Resource ------------------------------------------------------


def plain_resource_class(filing):
    """A plain ModelResource for the same columns: ForeignKeyWidgets scoped to the filing's units and year,
    the choice labels mapped to their values, the 政府经济分类 derived before save, and the library's own
    options for large imports (skip_diff, use_bulk). What a developer writes with django-import-export and
    nothing else: the lookups of each row are its own queries."""
    from import_export import fields, resources, widgets

    from disclosures.models import CatalogItem, ExpenseKind, ExpenseLine, FundingSource, Unit
    from disclosures.services.lines import derive_gov_economic_item

    class ScopedForeignKey(widgets.ForeignKeyWidget):
        def __init__(self, model, field, queryset):
            super().__init__(model, field)
            self._queryset = queryset

        def get_queryset(self, value, row, *args, **kwargs):
            return self._queryset

    class Label(widgets.Widget):
        def __init__(self, choices):
            super().__init__()
            self.values = {label: value for value, label in choices}

        def clean(self, value, row=None, **kwargs):
            return self.values[value]

    items = CatalogItem.objects.filter(fiscal_year=filing.fiscal_year)

    class PlainExpenseLineResource(resources.ModelResource):
        unit = fields.Field(
            attribute="unit", column_name="预算单位", widget=ScopedForeignKey(Unit, "name", Unit.objects.filter(department=filing.department))
        )
        function_item = fields.Field(
            attribute="function_item", column_name="支出功能分类科目编码", widget=ScopedForeignKey(CatalogItem, "code", items.filter(kind="function"))
        )
        dept_economic_item = fields.Field(
            attribute="dept_economic_item",
            column_name="部门预算经济分类科目编码",
            widget=ScopedForeignKey(CatalogItem, "code", items.filter(kind="dept_economic")),
        )
        expense_kind = fields.Field(attribute="expense_kind", column_name="支出类型", widget=Label(ExpenseKind.choices))
        funding_source = fields.Field(attribute="funding_source", column_name="资金来源", widget=Label(FundingSource.choices))
        budget_amount = fields.Field(attribute="budget_amount", column_name="年初预算数（元）", widget=widgets.DecimalWidget())
        actual_amount = fields.Field(attribute="actual_amount", column_name="决算数（元）", widget=widgets.DecimalWidget())

        class Meta:
            model = ExpenseLine
            fields = ("unit", "function_item", "dept_economic_item", "expense_kind", "funding_source", "budget_amount", "actual_amount")
            import_id_fields = ("unit", "function_item", "dept_economic_item", "expense_kind", "funding_source")
            # django-import-export's own options for large imports: no per-row diff, bulk writes
            skip_diff = True
            use_bulk = True
            batch_size = 2000

        def before_save_instance(self, instance, row, **kwargs):
            instance.filing = filing
            instance.gov_economic_item = derive_gov_economic_item(dept_economic_item=instance.dept_economic_item, unit=instance.unit)

    return PlainExpenseLineResource


def run_plain_import(*, path: Path, filing) -> dict:
    """The floor: the same workbook through tablib and the plain Resource into the same (emptied) filing."""
    import tablib

    from disclosures.models import ExpenseLine

    ExpenseLine.objects.filter(filing=filing).delete()
    begun = time.perf_counter()
    with path.open("rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    result = plain_resource_class(filing)().import_data(dataset, dry_run=False, raise_errors=True)
    return {
        "plain_seconds": round(time.perf_counter() - begun, 2),
        "plain_rows": result.totals.get("new", 0) + result.totals.get("update", 0),
        "plain_lines_written": ExpenseLine.objects.filter(filing=filing).count(),
    }


# --- the registered bench ------------------------------------------------------------------------------------


def run_import_stage(rows: int, env: dict, *, floor: bool) -> dict:
    """The import (and its floor) in a child process with its own small database; returns its JSON line."""
    import json
    import os
    import subprocess
    import sys

    from bench import env as bench_env

    database = bench_env.OUT / f"import-{rows}.sqlite3"
    command = [sys.executable, str(bench_env.ROOT / "bench" / "run.py"), "--stage", "import", "--rows", str(rows)] + (["--floor"] if floor else [])
    # The apply job runs inside the request, as without a broker: no worker reads the child's own database.
    child_env = {key: value for key, value in {**os.environ, **env}.items() if key != "CELERY_BROKER_URL"}
    child_env["DATABASE_URL"] = f"sqlite:///{database}"
    completed = subprocess.run(command, env=child_env, capture_output=True, text=True, timeout=3600)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode or not lines:
        return {"rows": rows, "error": (completed.stderr or completed.stdout)[-2000:]}
    return json.loads(lines[-1])


def _growth(result: dict, phase: str) -> float | None:
    peak, before = result.get(f"{phase}_peak_rss_mb"), result.get(f"rss_before_{phase}_mb")
    return None if peak is None or before is None else round(peak - before, 1)


@register("import", needs_county=False)
def import_bench(context: Context) -> list[Row]:
    """Imports of 5,000 and 50,000 expense rows through the upload page against a plain django-import-export Resource."""
    sizes = sorted(context.args.import_rows)
    floor = not getattr(context.args, "no_import_floor", False)
    results = {rows: run_import_stage(rows, context.env, floor=floor) for rows in sizes}
    context.details["import"] = results
    rows_out: list[Row] = []
    for rows, result in results.items():
        if "error" in result:
            rows_out.append(Row(f"{rows:,}-row import: failed: {' '.join(result['error'][-200:].split())}", None, goal_value=0))
            continue
        rows_out.append(
            Row(
                f"{rows:,}-row import (preview + apply)",
                result["total_seconds"],
                result.get("plain_seconds"),
                "s",
                "plain django-import-export Resource",
                goal_value=15 if rows >= 50_000 else None,
            )
        )
    small, large = results[sizes[0]], results[sizes[-1]]
    if len(sizes) > 1 and "error" not in small and "error" not in large:
        for phase in ("preview", "apply"):
            rows_out.append(
                Row(
                    f"{phase} peak RSS growth at {sizes[-1]:,} rows",
                    _growth(large, phase),
                    _growth(small, phase),
                    "MB",
                    f"the same at {sizes[0]:,} rows",
                    goal_ratio=2,
                )
            )
    return rows_out
