"""The county view as an xlsx workbook (one row per project / department-wide evaluation)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from disclosures.money import to_wan
from disclosures.xlsx_text import put_text
from disclosures.parts.xlsx import FONT
from evaluations.selectors import CountyRow

HEADERS = ["部门", "项目编码", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "自评得分", "等级", "原表得分", "需关注事项"]
WIDTHS = [24, 20, 36, 14, 14, 10, 10, 8, 10, 60]


def county_workbook(*, rows: list[CountyRow], fiscal_year) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{fiscal_year.year}年绩效自评"
    for c, (title, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        cell = ws.cell(1, c)
        put_text(cell, title)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[cell.column_letter].width = width
    for r, row in enumerate(rows, start=2):
        values = [
            row.department,
            row.code,
            row.subject,
            to_wan(row.budget),
            to_wan(row.executed),
            None if row.execution_rate is None else row.execution_rate,
            row.score,
            row.grade,
            row.published_score,
            "；".join(row.problems),
        ]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c)
            if isinstance(value, Decimal):
                cell.value = value
                cell.number_format = "0.00%" if c == 6 else "0.00"
            else:
                put_text(cell, "" if value is None else str(value))
            cell.font = Font(name=FONT, color="B4232A" if c == 10 and value else None)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:J{max(len(rows) + 1, 1)}"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
