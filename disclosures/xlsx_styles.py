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
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet


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


def merge_cells(ws: Worksheet, styles: WorkbookStyles, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """Merge the range as `ws.merge_cells` does (openpyxl.worksheet.merge.MergedCellRange), with the same
    cells and styles: the top-left cell takes the right and bottom borders of the bottom-right one, the
    other cells become empty MergedCells, those on each edge take that side of the top-left cell's border,
    and every cell its protection. The ranges of one sheet must not overlap (openpyxl's check is left out)."""
    cells = ws._cells
    start = cells.get((start_row, start_column)) or ws.cell(row=start_row, column=start_column)
    end = cells.get((end_row, end_column))
    if end is not None:
        set_style(start, border=styles.border_sum(style_of(start).borderId, style_of(end).borderId, ("right", "bottom")))
    ws.merged_cells.ranges.add(CellRange(min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row))
    for row in range(start_row, end_row + 1):
        for column in range(start_column, end_column + 1):
            if row != start_row or column != start_column:
                cells[row, column] = MergedCell(ws, row=row, column=column)
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
