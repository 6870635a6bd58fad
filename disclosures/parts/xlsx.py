"""Draw a Grid into an xlsx worksheet: merged cells like the published form, no cell ever a formula."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Border, PatternFill, Side

from disclosures.collector import collection_paused
from disclosures.xlsx_styles import PrintSetup, SheetCells, WorkbookStyles, compose, merge_cells, set_style, workbook_bytes
from disclosures.xlsx_text import put_text

from .grid import Grid

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "Noto Sans CJK SC"
SHADE = PatternFill("solid", fgColor="EEF1F4")
#: landscape, fitted to the page's width, centred
PRINT_SETUP = PrintSetup()


def grid_workbook(grids: list[Grid]) -> bytes:
    with collection_paused():
        return _grid_workbook(grids)


def _grid_workbook(grids: list[Grid]) -> bytes:
    workbook = Workbook(write_only=True)
    styles = WorkbookStyles(workbook)
    for n, grid in enumerate(grids, start=1):
        title = grid.filename[:25] if len(grids) == 1 else f"{n}"
        draw(SheetCells(styles, title), grid, styles)
    return workbook_bytes(workbook)


def draw(ws: SheetCells, grid: Grid, styles: WorkbookStyles) -> None:
    """The form's sheet (disclosures.xlsx_styles.SheetCells): cells, merges, widths, print setup, then its XML."""
    width = grid.width
    for c, chars in enumerate(grid.columns, start=1):
        ws.column_widths[c] = chars
    merge_cells(ws, styles, start_row=1, start_column=1, end_row=1, end_column=width)
    put_text(ws.cell(1, 1), grid.title)
    set_style(ws.cell(1, 1), font=styles.font(name=FONT, size=16, bold=True), alignment=styles.alignment(horizontal="center", vertical="center"))
    ws.row_heights[1] = 30
    merge_cells(ws, styles, start_row=2, start_column=1, end_row=2, end_column=width)
    put_text(ws.cell(2, 1), grid.subtitle)
    set_style(ws.cell(2, 1), font=styles.font(name=FONT, size=11), alignment=styles.alignment(horizontal="center"))
    offset = 3
    row_lengths: dict[int, int] = {}
    for r, c, cell in grid.placed():
        row, col = r + offset, c + 1
        text = cell.text
        if cell.kind == "num" and isinstance(cell.value, Decimal):
            ws.put(row, col, cell.value, _style(styles, "num", cell.number_format))
        else:
            ws.put(row, col, text, _style(styles, "label" if cell.kind in ("label", "head") else "value", None))
        if cell.rowspan > 1 or cell.colspan > 1:
            # the cells under the span are bordered, then merged (merge_cells empties all but the top-left one, whose
            # border takes the bottom-right one's sides)
            end_row, end_column = row + cell.rowspan - 1, col + cell.colspan - 1
            set_style(ws.cell(end_row, end_column), border=styles.border(BORDER))
            merge_cells(ws, styles, start_row=row, start_column=col, end_row=end_row, end_column=end_column)
        if cell.rowspan == 1:
            chars = sum(grid.columns[c : c + cell.colspan])
            lines = max(1, -(-len(text) * 2 // max(int(chars), 1)))
            row_lengths[row] = max(row_lengths.get(row, 1), lines)
    for row, lines in row_lengths.items():
        ws.row_heights[row] = max(20, 15 * lines)
    if grid.footer:
        last = offset + len(grid.rows) + 1
        merge_cells(ws, styles, start_row=last, start_column=1, end_row=last, end_column=width)
        put_text(ws.cell(last, 1), grid.footer)
        set_style(ws.cell(last, 1), font=styles.font(name=FONT, size=10))
    ws.print_setup = PRINT_SETUP
    ws.write()


def _style(styles: WorkbookStyles, kind: str, number_format: str | None) -> tuple[int, ...]:
    """The whole style of a form's cell, resolved once per workbook: a number ("num", in its format), a label or
    column heading (bold, shaded, centred) or a value (text). Its parts are registered in the order the form's
    first cell of that style registered them, one by one (number format, alignment, font, fill, border), so the
    workbook's style lists keep their order."""
    key = ("grid", kind, number_format)
    found = styles.resolved.get(key)
    if found is None:
        if kind == "num":
            assert number_format is not None
            found = compose(
                number_format=styles.number_format(number_format),
                alignment=styles.alignment(horizontal="right", vertical="center"),
                font=styles.font(name=FONT, size=10, bold=False),
                border=styles.border(BORDER),
            )
        else:
            label = kind == "label"
            found = compose(
                alignment=styles.alignment(horizontal="center" if label else "left", vertical="center", wrap_text=True),
                font=styles.font(name=FONT, size=10, bold=label),
                fill=styles.fill(SHADE) if label else 0,
                border=styles.border(BORDER),
            )
        styles.resolved[key] = found
    return found
