"""Cell styles of a generated workbook, each style object built and registered in the workbook once.

Setting `cell.font = Font(...)` (or an alignment, border, fill, number format) builds the object, hashes it
and looks it up in the workbook's list of fonts, for every cell: in a large filing's workbook that was half
of the generation's time. `WorkbookStyles` does that once per distinct object and hands out the index the
workbook gave it; `set_style` writes those indexes into the cell's style, exactly what the attribute setters
write. The workbook and every cell come out the same as with the setters (same objects, registered in the
same order of first use).

`merge_cells` is openpyxl's `Worksheet.merge_cells` with the same outcome, for the same reason: openpyxl
gives the cells on the edge of a merged range their borders by adding Border objects cell by cell (in a
filing's performance forms, with hundreds of merged ranges, that was most of the workbook's time); here
each such sum is computed once per workbook.

`workbook_bytes` saves a workbook of such sheets into bytes; their XML never goes through a temporary file.

The workbooks are written in openpyxl's write-only mode: a sheet's cells are collected in a `SheetCells`
(cells by position, as a worksheet keeps them, merges included) and then streamed row by row
(`SheetCells.write`): no regular worksheet and its bookkeeping of every cell, no MergedCell objects.
The sheet's column widths, row heights, merged ranges, frozen panes and print setup are set on the
write-only worksheet before its rows are written, and come out as a regular worksheet writes them.
"""

from __future__ import annotations

from datetime import datetime, UTC
from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange


class WorkbookStyles:
    """The index of each font, alignment, border, fill and number format in one workbook's style lists."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._ids: dict[tuple, int] = {}

    def font(self, **attributes: Any) -> int:
        key = ("font", *attributes.items())
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._workbook._fonts.add(Font(**attributes))
        return found

    def alignment(self, **attributes: Any) -> int:
        key = ("alignment", *attributes.items())
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._workbook._alignments.add(Alignment(**attributes))
        return found

    def border(self, border: Any) -> int:
        """A Border kept as a module constant (the same object each time)."""
        key = ("border", id(border))
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._workbook._borders.add(border)
        return found

    def fill(self, fill: Any) -> int:
        """A fill kept as a module constant (the same object each time)."""
        key = ("fill", id(fill))
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._workbook._fills.add(fill)
        return found

    def border_sum(self, base: int, other: int, sides: tuple[str, ...]) -> int:
        """The index of border `base` plus the `sides` of border `other` (openpyxl's `Border + Border`)."""
        key = ("border_sum", base, other, sides)
        found = self._ids.get(key)
        if found is None:
            borders = self._workbook._borders
            found = self._ids[key] = borders.add(borders[base] + Border(**{side: getattr(borders[other], side) for side in sides}))
        return found

    def border_of(self, index: int) -> Border:
        return self._workbook._borders[index]

    def number_format(self, number_format: str) -> int:
        key = ("number_format", number_format)
        found = self._ids.get(key)
        if found is None:
            builtin = BUILTIN_FORMATS_REVERSE.get(number_format)
            found = builtin if builtin is not None else self._workbook._number_formats.add(number_format) + BUILTIN_FORMATS_MAX_SIZE
            self._ids[key] = found
        return found


def style_of(cell: Cell | MergedCell) -> StyleArray:
    """The cell's style indexes (a new cell has none yet: openpyxl's setters start it the same way)."""
    if not cell._style:
        cell._style = StyleArray()
    return cell._style


def set_style(
    cell: Cell | MergedCell,
    *,
    font: int | None = None,
    alignment: int | None = None,
    border: int | None = None,
    fill: int | None = None,
    number_format: int | None = None,
) -> None:
    """Give the cell the styles (indexes from WorkbookStyles) that are not None; its other styles stay."""
    style = style_of(cell)
    if font is not None:
        style.fontId = font
    if alignment is not None:
        style.alignmentId = alignment
    if border is not None:
        style.borderId = border
    if fill is not None:
        style.fillId = fill
    if number_format is not None:
        style.numFmtId = number_format


class _CellsWriter(WorksheetWriter):
    """openpyxl's sheet writer, with each row's cells written as text: openpyxl builds an Element per cell and
    serializes it through the incremental XML writer, which costs more than all the rest of a filing's
    workbook. The text is what openpyxl writes for the cells this app makes (inline strings and numbers, styled
    or empty); any other cell, and every cell when openpyxl writes through lxml, goes through openpyxl's own
    `write_cell`. Rows, their heights and everything around them are openpyxl's. The sheet's XML is kept in
    memory (openpyxl writes each sheet to a temporary file, then copies and deletes it: a tenth of a
    filing's workbook in file system calls); `workbook_bytes` stores it."""

    def __init__(self, ws) -> None:
        super().__init__(ws, out=BytesIO())

    def cleanup(self) -> None:
        """Nothing to delete: no temporary file."""

    def write_row(self, xf, row, row_idx):
        raw = getattr(xf, "_file", None)  # et_xmlfile's writer: a callable taking text as written
        if raw is None:
            super().write_row(xf, row, row_idx)
            return
        dimension = self.ws.row_dimensions.get(row_idx)
        if not row and dimension is None:
            return  # a row with no cell and no height: a regular worksheet does not write it either
        attrs = {"r": f"{row_idx}"}
        attrs.update(dimension or {})
        with xf.element("row", attrs):
            for cell in row:
                styled = cell.has_style
                if cell._value is None and not styled:
                    continue
                text = _cell_xml(cell, styled)
                if text is None:
                    write_cell(xf, self.ws, cell, styled)
                else:
                    raw(text)


def _cell_xml(cell: Cell, styled: bool) -> str | None:
    """<c> of a string, number or empty cell exactly as openpyxl.cell._writer.etree_write_cell writes it, else None."""
    value, data_type = cell._value, cell.data_type
    style = f' s="{cell.style_id}"' if styled else ""
    if value is None or value == "":
        return f'<c r="{cell.coordinate}"{style} t="{"inlineStr" if data_type == "s" else data_type}" />' if data_type in ("s", "n") else None
    if data_type == "s" and isinstance(value, str):
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and value != stripped else ""
        return f'<c r="{cell.coordinate}"{style} t="inlineStr"><is><t{space}>{_escape_text(value)}</t></is></c>'
    if data_type == "n" and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f'<c r="{cell.coordinate}"{style} t="n"><v>{safe_string(value)}</v></c>'
    return None


def _escape_text(text: str) -> str:
    """Text content as the XML writer escapes it (& < >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Archive(ZipFile):
    """The workbook's zip archive: a sheet kept in memory (_CellsWriter's BytesIO) is stored as it is."""

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        if isinstance(filename, BytesIO):
            self.writestr(arcname, filename.getvalue(), compress_type=compress_type, compresslevel=compresslevel)
        else:
            super().write(filename, arcname, compress_type, compresslevel)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook saved as openpyxl's `Workbook.save` saves it (openpyxl.writer.excel.save_workbook), into bytes."""
    buffer = BytesIO()
    archive = _Archive(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


class _CellsSheet(WriteOnlyWorksheet):
    """A write-only worksheet whose rows are given as the Cells to write (SheetCells.write), in column order:
    openpyxl's own write-only sheet takes values and raises and catches an exception for each Cell. Its
    used range (<dimension>) is the one a regular worksheet reports for the same cells."""

    used_range = "A1:A1"

    def _values_to_row(self, values, row_idx):
        return values

    def calculate_dimension(self) -> str:
        return self.used_range

    def _get_writer(self):
        if self._writer is None:
            self._writer = _CellsWriter(self)
            self._writer.write_top()


class SheetCells:
    """One sheet's cells by (row, column), collected before they are written (the module's docstring).

    `ws` is the write-only worksheet they go to: set its dimensions, merges and print setup, then `write`."""

    def __init__(self, workbook: Workbook, title: str) -> None:
        self.ws = _CellsSheet(parent=workbook, title=title)
        workbook._add_sheet(self.ws)
        self.cells: dict[tuple[int, int], Cell] = {}

    def cell(self, row: int, column: int) -> Cell:
        found = self.cells.get((row, column))
        if found is None:
            found = self.cells[row, column] = Cell(self.ws, row=row, column=column)
        return found

    def write(self) -> None:
        """Stream the rows into the worksheet, each row's cells in column order; a row with a height but no
        cell is written empty, as a regular worksheet writes it."""
        rows: dict[int, list[Cell]] = {}
        for (row, _column), cell in sorted(self.cells.items()):
            rows.setdefault(row, []).append(cell)
        if self.cells:
            columns = [column for _row, column in self.cells]
            self.ws.used_range = f"{get_column_letter(min(columns))}{min(rows)}:{get_column_letter(max(columns))}{max(rows)}"
        last = max([*rows, *self.ws.row_dimensions], default=0)
        for row in range(1, last + 1):
            self.ws.append(rows.get(row, []))


def merge_cells(sheet: SheetCells, styles: WorkbookStyles, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """Merge the range as `Worksheet.merge_cells` does (openpyxl.worksheet.merge.MergedCellRange), with the
    same cells and styles: the top-left cell takes the right and bottom borders of the bottom-right one, the
    other cells become empty (a regular worksheet's MergedCells), those on each edge take that side of the
    top-left cell's border, and every cell its protection. The ranges of one sheet must not overlap
    (openpyxl's check is left out)."""
    cells = sheet.cells
    start = sheet.cell(start_row, start_column)
    end = cells.get((end_row, end_column))
    if end is not None:
        set_style(start, border=styles.border_sum(style_of(start).borderId, style_of(end).borderId, ("right", "bottom")))
    sheet.ws.merged_cells.ranges.add(CellRange(min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row))
    for row in range(start_row, end_row + 1):
        for column in range(start_column, end_column + 1):
            if row != start_row or column != start_column:
                cells[row, column] = Cell(sheet.ws, row=row, column=column)
    edges = {
        "top": [(start_row, column) for column in range(start_column, end_column + 1)],
        "left": [(row, start_column) for row in range(start_row, end_row + 1)],
        "right": [(row, end_column) for row in range(start_row, end_row + 1)],
        "bottom": [(end_row, column) for column in range(start_column, end_column + 1)],
    }
    for side, coordinates in edges.items():
        source = style_of(start).borderId
        line = getattr(styles.border_of(source), side)
        if line and line.style is None:
            continue
        for coordinate in coordinates:
            cell = cells[coordinate]
            set_style(cell, border=styles.border_sum(style_of(cell).borderId, source, (side,)))
    protection = style_of(start).protectionId
    for row in range(start_row, end_row + 1):
        for column in range(start_column, end_column + 1):
            style_of(cells[row, column]).protectionId = protection
