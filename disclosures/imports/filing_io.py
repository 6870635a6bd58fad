"""A whole filing in one workbook: the format `export_filing` writes and `import_filing` reads.

The 填报 sheet names the department, year and kind; then one sheet per kind of line in the upload
template format (单位, 收入, 项目, 支出, 三公数量, 政府采购, 资产, 上年数). Every sheet is validated before
anything is written; then everything is applied in one transaction.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from disclosures.models import Department, Filing, FiscalYear, Province
from disclosures.money import AmountUnit
from disclosures.services import lines
from disclosures.services.audit import audit_record

from .apply import ImportFailed, apply_rows, import_write
from .context import ImportContext
from .preview import parse_sheet
from .resources import APPLY_ORDER
from .template import INFO_HEADERS, INFO_SHEET
from .widgets import cell_text
from .workbook import WorkbookError, read_sheet_rows, sheet_names

UNIT_BY_LABEL = {**{label: value for value, label in AmountUnit.choices}, **{v: v for v in AmountUnit.values}}
PROVINCE_BY_LABEL = {label: value for value, label in Province.choices}
KIND_BY_LABEL = {**{label: value for value, label in Filing.Kind.choices}, **{v: v for v in Filing.Kind.values}}


def read_info(path: str | Path) -> dict[str, str]:
    """The 填报 sheet as {header: text}; empty when the workbook has none."""
    if INFO_SHEET not in sheet_names(path):
        return {}
    rows = list(read_sheet_rows(path, sheet=INFO_SHEET))
    if len(rows) < 2:
        return {}
    headers = [cell_text(h) for h in rows[0][1]]
    return {h: cell_text(v) for h, v in zip(headers, rows[1][1], strict=False) if h in INFO_HEADERS}


def import_filing_workbook(
    *, path: str | Path, user=None, department: str | None = None, year: int | None = None, kind: str | None = None
) -> tuple[Filing, list[str]]:
    """Create (or update an editable) filing from a workbook. Returns the filing and a summary per sheet.

    `department` is a department name or code; missing arguments are read from the 填报 sheet. A department
    that does not exist yet is created from the 填报 and 单位 sheets. Raises ImportFailed with every error.
    """
    info = read_info(path)
    department_key = department or info.get("部门名称") or info.get("部门编码")
    year_text = str(year or info.get("年度", ""))
    kind_value = KIND_BY_LABEL.get(kind or info.get("类型", ""))
    errors = []
    if not department_key:
        errors.append("没有指定部门（--department 或“填报”表的“部门名称”）。")
    fiscal_year = FiscalYear.objects.filter(year=int(year_text)).first() if year_text.isdigit() else None
    if fiscal_year is None:
        errors.append(f"年度“{year_text}”不存在，请先导入该年度的分类科目。")
    if kind_value is None:
        errors.append("类型应为“部门预算”（budget）或“部门决算”（final）。")
    unit_text = info.get("金额单位", "")
    amount_unit = UNIT_BY_LABEL.get(unit_text)
    if unit_text and amount_unit is None:
        errors.append(f"“填报”表“金额单位”填写的“{unit_text}”应为“万元”或“元”。")
    province_text = info.get("所属省份", "")
    province = PROVINCE_BY_LABEL.get(province_text, province_text)
    if province and province not in Province.values:
        errors.append(f"“填报”表“所属省份”填写的“{province_text}”不是省级行政区，应填写如“湖南”或“湖南省”，全国通用则留空。")
    reasons = {}
    if info.get("变动原因（JSON）"):
        try:
            reasons = json.loads(info["变动原因（JSON）"])
        except ValueError:
            errors.append("“填报”表“变动原因（JSON）”不是有效的 JSON。")
        else:
            if not isinstance(reasons, dict):
                errors.append("“填报”表“变动原因（JSON）”应为 JSON 对象。")
    if errors:
        raise ImportFailed(errors)

    dept = Department.objects.filter(name=department_key).first() or Department.objects.filter(code=department_key).first()
    if dept is None:
        dept = Department(
            code=info.get("部门编码") or department_key,
            name=info.get("部门名称") or department_key,
            province=province,
            region=info.get("所属地区", ""),
        )
    filing = None
    if dept.pk:
        filing = Filing.objects.filter(department=dept, fiscal_year=fiscal_year, kind=kind_value).order_by("-version").first()
        if filing is not None and not filing.is_editable:
            raise ImportFailed([f"{filing}的状态是“{filing.get_status_display()}”，不能再导入。"])
    context = ImportContext(department=dept, fiscal_year=fiscal_year, filing=filing)
    context.refresh()

    names = sheet_names(path)
    parsed = []
    for resource_class in APPLY_ORDER:
        resource = resource_class()
        if resource.sheet_title not in names:
            continue
        preview = parse_sheet(resource=resource, rows=read_sheet_rows(path, sheet=resource.sheet_title), context=context, require_rows=False)
        errors.extend(f"“{resource.sheet_title}”表{message}" for message in preview.errors)
        parsed.append((resource, [(row.number, row.values) for row in preview.data_rows]))
    if not parsed:
        errors.append("工作簿中没有可导入的工作表（单位、收入、项目、支出……）。")
    if errors:
        raise ImportFailed(errors)

    summaries = []
    with transaction.atomic():
        if dept.pk is None:
            try:
                dept.full_clean()
            except ValidationError as error:
                raise ImportFailed([f"部门：{m}" for m in error.messages]) from None
            dept.save()
        if filing is None:
            filing = lines.filing_create(department=dept, fiscal_year=fiscal_year, kind=kind_value, user=user)
        values = {
            field: info[header]
            for field, header in (("duties", "部门职责"), ("organisation", "机构设置"), ("other_notes", "其他需要说明的事项"))
            if info.get(header)
        }
        if info.get("变动原因（JSON）"):
            values["reasons"] = reasons
        if amount_unit:
            values["amount_unit"] = amount_unit
        with import_write(filing=filing) as locked:
            lines.filing_fields_update(filing=locked, user=user, values=values)
            context.department, context.filing = dept, locked
            context.refresh()
            for resource, rows in parsed:
                try:
                    summaries.append(str(apply_rows(resource=resource, context=context, rows=rows, user=user)))
                except ImportFailed as failure:
                    raise ImportFailed([f"“{resource.sheet_title}”表{m}" for m in failure.messages]) from None
            audit_record(filing=locked, actor=user, action="导入Excel", object_repr=Path(path).name, comment="；".join(summaries))
    return locked, summaries


def check_workbook(path: str | Path) -> None:
    """Raise WorkbookError early for a file that is not an xlsx workbook."""
    with open(path, "rb") as handle:
        if not handle.read(4).startswith(b"PK\x03\x04"):
            raise WorkbookError("文件不是 .xlsx 格式。")
