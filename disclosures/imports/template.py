"""Upload templates and whole-filing workbooks in the same format.

`sheet_template` is what a department downloads for one kind of line (Chinese headers, a comment on
each header cell, one example row, drop-down lists for choices, the year's codes and the department's
units). `filing_workbook` writes a whole filing, one sheet per kind of line, which `import_filing`
reads back.
"""

from __future__ import annotations

import json

from openpyxl import Workbook

from disclosures.models import Filing

from .context import ImportContext
from .resources import FILING_RESOURCES, SheetResource
from .workbook import ColumnSpec, OptionLists, write_sheet

INFO_SHEET = "填报"
INFO_HEADERS = (
    "部门编码",
    "部门名称",
    "所属省份",
    "所属地区",
    "年度",
    "类型",
    "金额单位",
    "部门职责",
    "机构设置",
    "其他需要说明的事项",
    "变动原因（JSON）",
)


def sheet_template(*, filing: Filing, resource: SheetResource) -> Workbook:
    context = ImportContext.for_filing(filing)
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = resource.sheet_title
    write_sheet(worksheet, resource.column_specs(context), examples=True, options=OptionLists(workbook))
    return workbook


def filing_workbook(*, filing: Filing) -> Workbook:
    """The whole filing: a 填报 sheet with the department and year, then one sheet per kind of line."""
    context = ImportContext.for_filing(filing)
    workbook = Workbook()
    info = workbook.active
    info.title = INFO_SHEET
    department = filing.department
    write_sheet(
        info,
        [ColumnSpec(header=header, width=16) for header in INFO_HEADERS],
        [
            [
                department.code,
                department.name,
                department.province,
                department.region,
                filing.fiscal_year.year,
                filing.get_kind_display(),
                filing.get_amount_unit_display(),
                filing.duties,
                filing.organisation,
                filing.other_notes,
                json.dumps(filing.reasons, ensure_ascii=False, sort_keys=True) if filing.reasons else "",
            ]
        ],
    )
    options = OptionLists(workbook)
    for resource_class in FILING_RESOURCES:
        resource = resource_class()
        worksheet = workbook.create_sheet(resource.sheet_title)
        objects = resource.queryset_for(filing)
        write_sheet(worksheet, resource.column_specs(context), resource.export_rows(objects), options=options)
    options.move_last()
    return workbook
