"""Bulk downloads of a year (批量下载): every line of every current published filing, as CSV, xlsx and a
Frictionless Data Package.

One row per line of a published filing (支出明细 and 收入明细), amounts in 元 as decimal strings. The
lines are read through `current_filings`, i.e. only filings that are published; a published filing's
lines are frozen with it (it cannot be edited once approved, and a correction is a new filing), so they
are exactly what its snapshot was computed from. The snapshot itself keeps totals and tables, not
lines, which is why this module is the one place that reads line rows.

No cell can become a formula: CSV text cells that start with = + - @ (or tab/CR) get an apostrophe in
front, xlsx text goes through `disclosures.xlsx_text.put_text`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import Workbook

from disclosures.models import ExpenseLine, Filing, FundingSource, IncomeLine
from disclosures.xlsx_text import looks_like_formula, put_text
from opendata.selectors import PublishedFiling, current_filings


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: str  # Frictionless field type
    description: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("year", "年度", "integer"),
    Column("filing_id", "公开编号", "integer", "公开页面 /public/filings/<编号>/"),
    Column("filing_kind", "公开类型", "string", "budget = 部门预算，final = 部门决算"),
    Column("department_code", "部门编码", "string"),
    Column("department", "部门名称", "string"),
    Column("unit_code", "单位编码", "string"),
    Column("unit", "单位名称", "string"),
    Column("line_type", "明细类别", "string", "expense = 支出，income = 收入"),
    Column("function_code", "支出功能分类科目编码", "string"),
    Column("function_name", "支出功能分类科目名称", "string"),
    Column("economic_code", "部门预算支出经济分类科目编码", "string"),
    Column("economic_name", "部门预算支出经济分类科目名称", "string"),
    Column(
        "kind",
        "支出类型或收入类别",
        "string",
        "personnel 人员经费、public 日常公用经费、project 项目支出；income 本年收入、opening 年初结转和结余、closing 年末结转和结余",
    ),
    Column("kind_name", "支出类型或收入类别名称", "string"),
    Column("source", "资金来源", "string"),
    Column("source_name", "资金来源名称", "string"),
    Column("project", "项目名称", "string"),
    Column("amount", "金额（元）", "number", "部门预算为（调整后）预算数，部门决算为决算数，单位：元"),
)

SOURCE_NAMES = dict(FundingSource.choices)


def _code_name(item) -> tuple[str, str]:
    return (item.code, item.name) if item is not None else ("", "")


def line_rows(*, year: int) -> Iterator[dict]:
    """Every line of the year's current published filings, department by department."""
    filings: dict[int, PublishedFiling] = {f.pk: f for f in current_filings(year=year)}
    if not filings:
        return
    expense = (
        ExpenseLine.objects.filter(filing_id__in=list(filings))
        .select_related("unit", "function_item", "dept_economic_item", "project")
        .order_by("filing_id", "unit__code", "function_item__code", "dept_economic_item__code", "expense_kind", "funding_source", "pk")
    )
    income = (
        IncomeLine.objects.filter(filing_id__in=list(filings)).select_related("unit").order_by("filing_id", "unit__code", "category", "source", "pk")
    )
    income_by_filing: dict[int, list[IncomeLine]] = {}
    for income_line in income:
        income_by_filing.setdefault(income_line.filing_id, []).append(income_line)
    expense_by_filing: dict[int, list[ExpenseLine]] = {}
    for expense_line in expense.iterator(chunk_size=2000):
        expense_by_filing.setdefault(expense_line.filing_id, []).append(expense_line)
    for pk in sorted(filings, key=lambda pk: (filings[pk].department_code, filings[pk].kind)):
        filing = filings[pk]
        final = filing.kind == Filing.Kind.FINAL
        common = {
            "year": filing.year,
            "filing_id": pk,
            "filing_kind": filing.kind,
            "department_code": filing.department_code,
            "department": filing.department,
        }
        for income_line in income_by_filing.get(pk, []):
            function = getattr(income_line, "function_item", None)  # income by 功能分类, where the model has it
            function_code, function_name = _code_name(function) if function is not None and hasattr(function, "code") else ("", "")
            yield {
                **common,
                "unit_code": income_line.unit.code,
                "unit": income_line.unit.name,
                "line_type": "income",
                "function_code": function_code,
                "function_name": function_name,
                "economic_code": "",
                "economic_name": "",
                "kind": income_line.category,
                "kind_name": str(income_line.get_category_display()),
                "source": income_line.source,
                "source_name": str(SOURCE_NAMES.get(income_line.source, income_line.source)),
                "project": "",
                "amount": income_line.actual_amount if final else income_line.budget_amount,
            }
        for line in expense_by_filing.get(pk, []):
            function_code, function_name = _code_name(line.function_item)
            economic_code, economic_name = _code_name(line.dept_economic_item)
            yield {
                **common,
                "unit_code": line.unit.code,
                "unit": line.unit.name,
                "line_type": "expense",
                "function_code": function_code,
                "function_name": function_name,
                "economic_code": economic_code,
                "economic_name": economic_name,
                "kind": line.expense_kind,
                "kind_name": str(line.get_expense_kind_display()),
                "source": line.funding_source,
                "source_name": str(SOURCE_NAMES.get(line.funding_source, line.funding_source)),
                "project": line.project.name if line.project_id else "",
                "amount": line.actual_amount if final else line.effective_budget,
            }


def csv_safe(value) -> str:
    """A CSV cell that no spreadsheet evaluates: text starting like a formula gets an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text and looks_like_formula(text) else text


def csv_text(rows: list[list], header: list[str]) -> str:
    """CSV with a BOM (so that Excel reads the Chinese as UTF-8) and formula-safe cells."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()


def lines_csv(*, year: int) -> str:
    return csv_text([[row[c.name] for c in COLUMNS] for row in line_rows(year=year)], [c.name for c in COLUMNS])


def lines_xlsx(*, year: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年公开数据"
    for col, column in enumerate(COLUMNS, start=1):
        put_text(sheet.cell(row=1, column=col), column.title)
        put_text(sheet.cell(row=2, column=col), column.name)
    for r, row in enumerate(line_rows(year=year), start=3):
        for col, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=r, column=col)
            value = row[column.name]
            if column.name == "amount":
                cell.value = value  # Decimal: a number cell, never text
                cell.number_format = "#,##0.00"
            elif column.type == "integer":
                cell.value = int(value)
            else:
                put_text(cell, str(value))
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def datapackage(*, year: int, base_url: str = "") -> dict:
    """A Frictionless (tabular) Data Package describing figures.csv, with a Fiscal Data Package-style
    `model`: the classifications are dimensions, `amount` (元, CNY) is the measure."""

    def dimension(*attributes: tuple[str, str], dimension_type: str = "classification") -> dict:
        attrs = {name: {"source": source} for name, source in attributes}
        primary = attributes[0][0]
        for name, _source in attributes[1:]:
            attrs[name]["labelfor"] = primary
        return {"dimensionType": dimension_type, "primaryKey": [primary], "attributes": attrs}

    return {
        "profile": "tabular-data-package",
        "name": f"county-budget-{year}",
        "title": f"{year}年全县部门预算、决算公开数据",
        "description": "各部门已公开的部门预算和部门决算的全部收支明细，金额单位为元。只含已公开的版本（更正后为最新版本）。",
        "version": "1.0.0",
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "figures",
                "path": "figures.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
                "schema": {
                    "fields": [
                        {"name": c.name, "title": c.title, "type": c.type, **({"description": c.description} if c.description else {})}
                        for c in COLUMNS
                    ],
                    "missingValues": [""],
                },
            }
        ],
        "model": {
            "measures": {"amount": {"source": "amount", "currency": "CNY", "factor": 1, "title": "金额（元）"}},
            "dimensions": {
                "date": dimension(("year", "year"), dimension_type="datetime"),
                "filing": dimension(("kind", "filing_kind"), ("id", "filing_id"), dimension_type="other"),
                "department": dimension(("code", "department_code"), ("name", "department"), dimension_type="administrative-classification"),
                "unit": dimension(("code", "unit_code"), ("name", "unit"), dimension_type="administrative-classification"),
                "function": dimension(("code", "function_code"), ("name", "function_name"), dimension_type="functional-classification"),
                "economic": dimension(("code", "economic_code"), ("name", "economic_name"), dimension_type="economic-classification"),
                "line_type": dimension(("code", "line_type")),
                "kind": dimension(("code", "kind"), ("name", "kind_name")),
                "source": dimension(("code", "source"), ("name", "source_name"), dimension_type="fact"),
                "project": dimension(("name", "project"), dimension_type="activity"),
            },
        },
    }
