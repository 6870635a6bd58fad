"""The writes of the workspace's line editor (明细录入): a row typed in the grid, a deleted row, rows pasted
from Excel, and the 三公经费 form.

Each cell is read by the upload's widget for its column (disclosures.imports.resources), in the unit
the editor shows (元 or 万元); the row is then written by the line services (disclosures.services.lines),
which check the rules and take the filing's write lock. A row is saved whole or not at all, pasted rows
all together or none, and every refusal comes back as Chinese messages by cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from disclosures.access import may_write_for
from disclosures.imports import widgets as w
from disclosures.imports.apply import ApplySummary, ImportFailed, apply_rows, import_write
from disclosures.imports.context import ImportContext
from disclosures.imports.preview import SheetPreview, normalise_header, parse_sheet
from disclosures.imports.resources import Column, SheetResource, resource_in_unit
from disclosures.models import AssetHolding, ExpenseLine, Filing, IncomeLine, Procurement, Project, ThreePublicStats, Unit
from disclosures.money import AmountUnit
from disclosures.selectors.grid import Sheet, catalog_code_for_name, three_public_columns
from disclosures.services import lines
from disclosures.services.audit import audit_record

_SAVE: dict[type[models.Model], Callable] = {
    ExpenseLine: lambda instance, filing, user: lines.expense_line_save(line=instance, user=user),
    IncomeLine: lambda instance, filing, user: lines.income_line_save(line=instance, user=user),
    Project: lambda instance, filing, user: lines.project_save(project=instance, user=user),
    Procurement: lambda instance, filing, user: lines.filing_item_save(item=instance, user=user),
    AssetHolding: lambda instance, filing, user: lines.filing_item_save(item=instance, user=user),
    Unit: lambda instance, filing, user: lines.unit_save(unit=instance, filing=filing, user=user),
}


@dataclass
class RowResult:
    """The outcome of a row save: the saved object, or the messages by attribute ("__all__": the row's)."""

    instance: models.Model | None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _ensure_writer(user, filing: Filing) -> None:
    if not may_write_for(user, filing):
        raise PermissionDenied("只有本部门填报人可以修改本填报的明细。")


def _messages_by_field(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: list(messages) for name, messages in error.message_dict.items()}
    return {"__all__": list(error.messages)}


def _assign(instance: models.Model, column: Column, value, context: ImportContext) -> None:
    """One column's cleaned value onto the object (relations through the import context's lookups)."""
    widget = column.widget
    if isinstance(widget, w.CatalogCodeWidget):
        value = context.catalog_item(value) if value else None
    elif isinstance(widget, w.UnitWidget):
        value = context.unit_by_code(value) if value else None
    elif isinstance(widget, w.ProjectCodeWidget):
        value = context.project_by_code(value) if value else None
    setattr(instance, column.attribute, value)


def _clean_cells(
    *, filing: Filing, resource: SheetResource, columns: list[Column], data: Mapping[str, str], context: ImportContext
) -> tuple[dict, dict[str, list[str]]]:
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for column in columns:
        text = str(data.get(column.attribute, "") or "").strip()
        widget = column.widget
        if isinstance(widget, w.CatalogCodeWidget) and text and not text.isdigit():
            text = catalog_code_for_name(filing=filing, kind=widget.kind, text=text) or text
        try:
            values[column.attribute] = widget.clean(text, context=context)
        except ValueError as error:
            errors[column.attribute] = [str(error)]
    if not errors:
        row_messages = resource.row_errors(values, context)
        if row_messages:
            errors["__all__"] = row_messages
    return values, errors


def grid_row_save(*, filing: Filing, sheet: Sheet, pk: int | None, data: Mapping[str, str], unit: str, user) -> RowResult:
    """Add (pk None) or change one row of a sheet from the cells typed in the grid.

    Only the columns the editor shows are read and written (a budget filing's 决算 columns keep their
    values). Raises PermissionDenied for someone who may not write the filing, and the model's
    DoesNotExist for a row that is not the filing's.
    """
    _ensure_writer(user, filing)
    resource = sheet.resource_for(unit)
    context = ImportContext.for_filing(filing)
    columns = sheet.columns(resource, filing)
    instance = sheet.queryset(filing).get(pk=pk) if pk is not None else resource.new_instance(context)
    values, errors = _clean_cells(filing=filing, resource=resource, columns=columns, data=data, context=context)
    if errors:
        return RowResult(instance=None, errors=errors)
    for column in columns:
        _assign(instance, column, values[column.attribute], context)
    try:
        _SAVE[type(instance)](instance, filing, user)
    except ValidationError as error:
        return RowResult(instance=None, errors=_messages_by_field(error))
    return RowResult(instance=instance)


def grid_row_delete(*, filing: Filing, sheet: Sheet, pk: int, user) -> None:
    """Delete one row of a sheet (a unit only when nothing refers to it); ValidationError when refused."""
    _ensure_writer(user, filing)
    instance = sheet.queryset(filing).get(pk=pk)
    if isinstance(instance, Unit):
        lines.unit_delete(unit=instance, filing=filing, user=user)
    else:
        lines.line_delete(line=instance, user=user)


# --- Paste --------------------------------------------------------------------------------------------

PASTE_MAX_ROWS = 5000


def paste_cells(text: str) -> list[list[str]]:
    """Rows of tab-separated cells as Excel puts them on the clipboard (a cell with a line break or tab
    is quoted); blank lines are dropped."""
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")), delimiter="\t")
    return [[cell.strip() for cell in row] for row in reader if any(cell.strip() for cell in row)]


def _header_unit(cells: list[str]) -> str | None:
    """The unit the amount headers of a pasted header row name, if any."""
    joined = "".join(normalise_header(cell) for cell in cells)
    if "（万元）" in joined:
        return AmountUnit.WAN
    if "（元）" in joined:
        return AmountUnit.YUAN
    return None


def _is_header(cells: list[str], resource_class: type[SheetResource]) -> bool:
    names = set()
    for unit in AmountUnit.values:
        names |= {normalise_header(column.column_name) for column in resource_in_unit(resource_class, unit).columns()}
    return any(normalise_header(cell) in names for cell in cells)


@dataclass
class PastePreview:
    preview: SheetPreview
    unit: str
    order: list[str]  # the column order expected without a header row

    @property
    def ok(self) -> bool:
        return self.preview.ok


def grid_paste_preview(*, filing: Filing, sheet: Sheet, text: str, unit: str) -> PastePreview:
    """Read pasted rows as the upload reads a sheet: every row's status (新增 / 更新) and every error.

    With a header row (the upload template's or the grid's column titles, 元 or 万元) the columns are
    matched by title and the amounts read in the unit the titles name; without one, the cells are in
    the grid's column order, amounts in the grid's unit, or in the template's full order. Columns left
    out are blank (as in an upload: their defaults).
    """
    assert sheet.resource is not None
    rows = paste_cells(text)
    grid_resource = sheet.resource_for(unit)
    grid_order = [column.column_name for column in sheet.columns(grid_resource, filing)]
    if rows and _is_header(rows[0], sheet.resource):
        unit = _header_unit(rows[0]) or unit
        resource = sheet.resource_for(unit)
        given = {normalise_header(cell) for cell in rows[0]}
        absent = [column.column_name for column in resource.input_columns() if normalise_header(column.column_name) not in given]
        numbered = [(1, [*rows[0], *absent]), *enumerate(rows[1:], start=2)]
    else:
        resource = grid_resource
        width = max((len(row) for row in rows), default=0)
        template_order = [column.column_name for column in resource.columns()]
        header = grid_order if width <= len(grid_order) or width != len(template_order) else template_order
        hidden = [column.column_name for column in resource.input_columns() if column.column_name not in header]
        numbered = [(0, header + hidden), *enumerate(rows, start=1)]
        if width > len(header):
            preview = SheetPreview(kind=resource.kind, title=resource.sheet_title, headers=header)
            preview.file_errors.append(
                f"粘贴的内容有{width}列，多于本表的{len(header)}列。请按列顺序粘贴：{'、'.join(header)}；或连同标题行一起粘贴。"
            )
            return PastePreview(preview=preview, unit=unit, order=grid_order)
    if len(rows) > PASTE_MAX_ROWS:
        preview = SheetPreview(kind=resource.kind, title=resource.sheet_title, headers=grid_order)
        preview.file_errors.append(f"一次最多粘贴{PASTE_MAX_ROWS}行，本次有{len(rows)}行；更多的行请用“上传 Excel 导入明细”。")
        return PastePreview(preview=preview, unit=unit, order=grid_order)
    context = ImportContext.for_filing(filing)
    preview = parse_sheet(resource=resource, rows=numbered, context=context, skip_example=False)
    if not preview.rows and not preview.file_errors:
        preview.file_errors.append("没有粘贴任何行。请在 Excel 中选中要复制的行（可连同标题行），复制后粘贴到这里。")
    return PastePreview(preview=preview, unit=unit, order=grid_order)


def grid_paste_apply(*, filing: Filing, sheet: Sheet, text: str, unit: str, user) -> ApplySummary:
    """Write pasted rows, all of them or none, in one transaction under the filing's write lock (rows
    whose key matches a stored row update it, as an upload does). Raises ImportFailed with the messages."""
    _ensure_writer(user, filing)
    pasted = grid_paste_preview(filing=filing, sheet=sheet, text=text, unit=unit)
    if not pasted.ok:
        raise ImportFailed(pasted.preview.errors)
    resource = sheet.resource_for(pasted.unit)
    context = ImportContext.for_filing(filing)
    rows = [(row.number, row.values) for row in pasted.preview.data_rows]
    with import_write(filing=filing) as locked:
        context.filing = locked
        summary = apply_rows(resource=resource, context=context, rows=rows, user=user)
        audit_record(filing=locked, actor=user, action="粘贴录入", object_repr=sheet.title, comment=str(summary))
    filing.data_revision = locked.data_revision
    return summary


# --- 三公经费 -----------------------------------------------------------------------------------------


def three_public_save(*, filing: Filing, data: Mapping[str, str], unit: str, user) -> dict[str, list[str]]:
    """Write the 三公 counts and the entered 三公 预算数 per item (blank: the item's lines' budget);
    returns the messages by field, empty when saved."""
    _ensure_writer(user, filing)
    stats = ThreePublicStats.objects.filter(filing=filing).first() or ThreePublicStats(filing=filing)
    context = ImportContext.for_filing(filing)
    errors: dict[str, list[str]] = {}
    for column in three_public_columns(unit):
        try:
            setattr(stats, column.attribute, column.widget.clean(str(data.get(column.attribute, "") or "").strip(), context=context))
        except ValueError as error:
            errors[column.attribute] = [str(error)]
    if errors:
        return errors
    try:
        lines.filing_item_save(item=stats, user=user)
    except ValidationError as error:
        return _messages_by_field(error)
    return {}
