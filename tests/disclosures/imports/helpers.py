"""Build upload files the way a department would: from the downloaded template, filled in with openpyxl."""

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from disclosures.imports.resources import UPLOAD_RESOURCES
from disclosures.imports.template import sheet_template


def filled_template(filing, kind: str, rows: list[dict], *, keep_example: bool = True) -> BytesIO:
    """The template for `kind` with `rows` ({header: value}) written below the example row."""
    buffer = BytesIO()
    sheet_template(filing=filing, resource=UPLOAD_RESOURCES[kind]()).save(buffer)
    buffer.seek(0)
    workbook = load_workbook(buffer)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    start = 3 if keep_example else 2
    for offset, row in enumerate(rows):
        for header, value in row.items():
            sheet.cell(row=start + offset, column=headers.index(header) + 1, value=value)
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def save(buffer: BytesIO, path: Path) -> Path:
    path.write_bytes(buffer.getvalue())
    return path


EXPENSE_OK = {
    "支出功能分类科目编码": "2010301",
    "部门预算经济分类科目编码": "30101",
    "支出类型": "基本支出-人员经费",
    "资金来源": "一般公共预算财政拨款",
    "年初预算数（元）": 1036.03,
}
