"""Excel workbook of a filing's tables: one sheet per table, laid out and printable like the published forms.

Amounts are written as numbers in the table's unit (万元 or 元; Decimal, rounded from 元 as printed) with
a 2-decimal format. No cell can become a formula: text goes through disclosures.xlsx_text.put_text.
Each sheet's XML is written as text (disclosures.xlsx_styles.SheetCells), the package around it by openpyxl.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Border, PatternFill, Side

from disclosures.parts.xlsx import draw as draw_grid
from disclosures.collector import collection_paused
from disclosures.money import in_unit
from disclosures.xlsx_styles import PrintSetup, SheetCells, WorkbookStyles, compose, merge_cells, set_style, workbook_bytes
from disclosures.xlsx_text import put_text

from .result import TableResult

NUMBER_FORMAT = "#,##0.00"
FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_ROW, META_ROW, HEADER_START = 1, 2, 3
INVALID_SHEET_CHARS = re.compile(r"[\[\]\*\?/\\:]")
#: A4 landscape, fitted to the page's width, centred, narrow margins, "page n of m" in the footer
PRINT_SETUP = PrintSetup(a4=True, margins=(0.4, 0.6), footer="第 &P 页，共 &N 页")


def sheet_title(table: TableResult, used: set[str]) -> str:
    return _unique_title(INVALID_SHEET_CHARS.sub("", f"表{table.number} {table.title}")[:31].strip(), used)


def _unique_title(base: str, used: set[str]) -> str:
    title, n = base, 2
    while title in used:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def render_workbook(tables: Iterable[TableResult], parts: Iterable = ()) -> bytes:
    """One sheet per table, then one per printed form of the contributed parts (disclosures.parts)."""
    with collection_paused():
        return _workbook(tables, parts)


def _workbook(tables: Iterable[TableResult], parts: Iterable) -> bytes:
    workbook = Workbook(write_only=True)
    styles = WorkbookStyles(workbook)
    used: set[str] = set()
    values: dict[tuple, Decimal] = {}
    for table in tables:
        write_sheet(SheetCells(styles, sheet_title(table, used)), table, styles, values)
    for part in parts:
        for grid in part.grids:
            draw_grid(SheetCells(styles, _unique_title(INVALID_SHEET_CHARS.sub("", grid.filename)[:31].strip(), used)), grid, styles)
    if not workbook.worksheets:
        sheet = SheetCells(styles, "说明")
        put_text(sheet.cell(1, 1), "本填报没有公开表。")
        sheet.write()
    return workbook_bytes(workbook)


def _text_cell(ws: SheetCells, styles: WorkbookStyles, row: int, column: int, value: str, *, bold=False, size=10, align="left", indent=0):
    cell = put_text(ws.cell(row, column), value or None)
    set_style(
        cell,
        font=styles.font(name=FONT_NAME, bold=bold, size=size),
        alignment=styles.alignment(horizontal=align, vertical="center", indent=indent, wrap_text=True),
    )
    return cell


def write_sheet(ws: SheetCells, table: TableResult, styles: WorkbookStyles, values: dict[tuple, Decimal] | None = None) -> None:
    """The table's sheet: its cells, merges, widths and print setup, then its rows written out. `values`: amounts
    in their unit by amount and unit, shared by the tables of a workbook."""
    values = {} if values is None else values
    columns = max(table.column_count, 2)
    border, header_fill = styles.border(BORDER), styles.fill(HEADER_FILL)

    # title, then 编制单位 on the left and 单位：万元 (or 元) on the right
    _text_cell(ws, styles, TITLE_ROW, 1, table.full_title, bold=True, size=16, align="center")
    merge_cells(ws, styles, start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=columns)
    ws.row_heights[TITLE_ROW] = 32
    right_span = max(1, columns // 3)
    _text_cell(ws, styles, META_ROW, 1, f"编制单位：{table.department_name}")
    unit_cell = _text_cell(ws, styles, META_ROW, columns - right_span + 1, table.unit_line, align="right")
    set_style(unit_cell, alignment=styles.alignment(horizontal="right", vertical="center", wrap_text=False))
    if columns - right_span > 1:
        merge_cells(ws, styles, start_row=META_ROW, start_column=1, end_row=META_ROW, end_column=columns - right_span)
    if right_span > 1:
        merge_cells(ws, styles, start_row=META_ROW, start_column=columns - right_span + 1, end_row=META_ROW, end_column=columns)

    # merged multi-level header
    occupied: set[tuple[int, int]] = set()
    for offset, header_row in enumerate(table.header_rows):
        row = HEADER_START + offset
        column = 1
        for header in header_row:
            while (row, column) in occupied:
                column += 1
            for r in range(row, row + header.rowspan):
                for c in range(column, column + header.colspan):
                    occupied.add((r, c))
                    set_style(ws.cell(r, c), border=border, fill=header_fill)
            cell = _text_cell(ws, styles, row, column, header.label, bold=True, align="center")
            set_style(cell, fill=header_fill)
            if header.rowspan > 1 or header.colspan > 1:
                merge_cells(ws, styles, start_row=row, start_column=column, end_row=row + header.rowspan - 1, end_column=column + header.colspan - 1)
            column += header.colspan
    header_end = HEADER_START + len(table.header_rows) - 1
    for r in range(HEADER_START, header_end + 1):
        ws.row_heights[r] = 24

    # body
    row = header_end + 1
    for result_row in table.rows:
        total = result_row.kind == "total"
        for index, cell_data in enumerate(result_row.cells, start=1):
            colspan = cell_data.colspan
            if colspan == 0:  # covered by the merge on its left
                set_style(ws.cell(row, index), border=border)
                continue
            amount = cell_data.amount
            if amount is not None:
                key = (amount, cell_data.unit)
                value = values.get(key)  # in the table's unit: the same for equal amounts (a zero's sign is not written)
                if value is None:
                    value = values[key] = in_unit(amount, cell_data.unit)
                ws.put(row, index, value, _amount_style(styles, cell_data.bold))
            else:
                align = "center" if colspan > 1 or total or cell_data.centre else "left"
                ws.put(row, index, cell_data.text or None, _body_text_style(styles, cell_data.bold, align, cell_data.indent))
            if colspan > 1:
                merge_cells(ws, styles, start_row=row, start_column=index, end_row=row, end_column=index + colspan - 1)
        ws.row_heights[row] = 20
        row += 1

    notes = ([table.note] if table.empty and table.note else []) + list(table.footnotes)
    for note in notes:
        # an empty table is published with its headers and, under the grid, the note saying why; then the 尾差 note
        _text_cell(ws, styles, row, 1, note)
        merge_cells(ws, styles, start_row=row, start_column=1, end_row=row, end_column=columns)
        ws.row_heights[row] = 20
        row += 1

    _column_widths(ws, table)
    ws.print_setup = PRINT_SETUP
    ws.print_titles(HEADER_START, header_end)
    ws.frozen_rows = header_end
    ws.write()


def _amount_style(styles: WorkbookStyles, bold: bool) -> tuple[int, ...]:
    """An amount's whole style, resolved once per workbook; its parts registered in the order a cell registered them."""
    key = ("table amount", bold)
    found = styles.resolved.get(key)
    if found is None:
        found = styles.resolved[key] = compose(
            number_format=styles.number_format(NUMBER_FORMAT),
            font=styles.font(name=FONT_NAME, bold=bold, size=10),
            alignment=styles.alignment(horizontal="right", vertical="center"),
            border=styles.border(BORDER),
        )
    return found


def _body_text_style(styles: WorkbookStyles, bold: bool, align: str, indent: int) -> tuple[int, ...]:
    """A body text cell's whole style (as `_text_cell`'s, framed), resolved once per workbook."""
    key = ("table text", bold, align, indent)
    found = styles.resolved.get(key)
    if found is None:
        found = styles.resolved[key] = compose(
            font=styles.font(name=FONT_NAME, bold=bold, size=10),
            alignment=styles.alignment(horizontal=align, vertical="center", indent=indent, wrap_text=True),
            border=styles.border(BORDER),
        )
    return found


#: the characters that print two columns wide (from U+2E80: CJK and beyond)
_WIDE = re.compile("[\u2e80-\U0010ffff]")


def _display_width(text: str) -> int:
    """Columns the text takes: two for each CJK (or later) character, one for any other."""
    return len(text) + len(_WIDE.findall(text))


def _column_widths(ws: SheetCells, table: TableResult) -> None:
    for index, leaf in enumerate(table.leaves, start=1):
        if leaf.is_amount:
            width = max(12.0, _display_width(leaf.label) + 2)
        else:
            cells = [r.cells[index - 1] for r in table.rows if r.cells[index - 1].colspan == 1]
            longest = max((_display_width(c.text) + 2 * c.indent for c in cells), default=0)
            width = min(48.0, max(leaf.width or 10, longest + 2))
        ws.column_widths[index] = width
