"""Generated workbooks: cell styles registered once per workbook, and each sheet's XML written as text.

Styles. Setting `cell.font = Font(...)` (or an alignment, border, fill, number format) builds the object,
hashes it and looks it up in the workbook's list of fonts, for every cell. `WorkbookStyles` does that once per
distinct object and hands out the index the workbook gave it. A SheetCell's style is a tuple of the nine
indexes (openpyxl's StyleArray order), shared by every cell of that style: the sheets' writers resolve each
distinct style of their cells once per workbook (`compose`, kept in `WorkbookStyles.resolved`) and `SheetCells.put`
gives it to a cell; `set_style` replaces some of a cell's indexes. A resolved style registers its parts in the
order the first cell of that style did one by one, so the workbook's lists (fonts, fills, borders, number
formats) keep their order. A cell's style gets its cellXfs index at its first use in writing, sheet by sheet,
row by row, as openpyxl's `Cell.style_id` does: the styles part is openpyxl's own.

`merge_cells` is openpyxl's `Worksheet.merge_cells` with the same outcome: the cells on the edge of a merged
range get their borders, each sum of borders computed once per workbook, and the borders of a range's cells
once per workbook for each top-left border and shape (`_merge_plan`).

Sheets. A sheet's cells are collected in a `SheetCells` (light `SheetCell`s by position, merges included),
with its column widths, row heights, frozen header rows and print setup (`PrintSetup`); `SheetCells.write`
then builds the worksheet's XML part as one string, exactly what openpyxl writes for the same worksheet
(tests/disclosures/tables/test_xlsx.py compares the two byte for byte): no openpyxl Cell, no per-cell
element or XML writer, the sheet's top and tail from templates (a tail once per print setup). Cells hold
what this app writes: a str is always an inline string (`<is><t>`), never a formula, whatever the cell's
data_type says (there is no formula path at all); a number is its exact decimal text (`_cell_number`: an
amount of 753.18 is `753.18`, where openpyxl's `safe_string` wrote `753.1799999999999` through a float),
never an exponent; None is an empty cell. Text is escaped for XML (& < >, and CR as a character
reference so that it reads back as CR); characters XML cannot carry (C0 controls but tab and line breaks,
lone surrogates, U+FFFE/U+FFFF) are left out, but Word's manual line and page breaks (VT, FF), which become
line breaks: openpyxl's cells refused the controls, and one pasted into a department's text failed its workbook.

The package around the sheets (content types, relationships, document properties, theme, styles, workbook
part with the sheets' print titles) is what openpyxl's ExcelWriter writes, part for part and in its order, but
not built again for every workbook (`_package`): the parts every workbook shares are taken from openpyxl's own
writers once per process, those that depend on the number of sheets once per number, the styles part once
per distinct content (the workbooks of a county's filings have a handful), and the workbook part is filled
in from a template. Each sheet is registered in the workbook as a write-only worksheet (its title, checked and
numbered by openpyxl, and its print titles) whose part is the bytes built here; `workbook_bytes` stores them
in the zip as they are, no temporary file. A workbook of other sheets is written by ExcelWriter.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, UTC
from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.packaging.relationship import RelationshipList
from openpyxl.styles import Alignment, Border, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedNameDict
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.print_settings import PrintArea
from openpyxl.worksheet.table import TableList
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import Relationship
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import ARC_APP, ARC_CONTENT_TYPES, ARC_CORE, ARC_ROOT_RELS, ARC_STYLE, ARC_THEME, ARC_WORKBOOK, ARC_WORKBOOK_RELS
from openpyxl.xml.functions import tostring

from disclosures.xlsx_text import FORMULA_TRIGGERS


#: styles parts by what they are made of (WorkbookStyles.stylesheet), all dropped when _STYLESHEETS_KEPT are kept
_STYLESHEETS: dict[tuple, bytes] = {}
_STYLESHEETS_KEPT = 64


def _style_lists(workbook: Workbook) -> tuple[int, ...]:
    """The lengths of a workbook's style lists."""
    return tuple(
        len(getattr(workbook, name))
        for name in ("_fonts", "_fills", "_borders", "_alignments", "_protections", "_number_formats", "_cell_styles", "_named_styles")
    ) + (len(workbook._differential_styles.styles), len(workbook._table_styles.tableStyle))


@functools.cache
def _new_style_lists() -> tuple[int, ...]:
    return _style_lists(Workbook(write_only=True))


class _Same:
    """A style object in a key by its identity first: hashed by id (a module constant's: no hashing of its
    attributes, which openpyxl does recursively), equal to the same object or an equal one. The key holds it, so
    its id is not reused while the key is kept."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and (other.value is self.value or other.value == self.value)


class WorkbookStyles:
    """The index of each font, alignment, border, fill and number format in one workbook's style lists."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._ids: dict[tuple, int] = {}
        #: what was registered, in order (a border or fill as the object itself): with the cell styles, what the
        #: styles part is made of (`stylesheet`), when the workbook's lists started as a new workbook's
        self._log: list[tuple] | None = [] if _style_lists(workbook) == _new_style_lists() else None
        if getattr(workbook, "_sheet_styles", None) is not None:
            self._log = workbook._sheet_styles._log = None  # two registers of one workbook: no shared key
        workbook._sheet_styles = self
        self._cell_styles: dict[tuple[int, ...], int] = {}
        self._style_attributes: dict[tuple[int, ...] | None, str] = {}
        #: the elements of the amounts and texts written, by value (SheetCells.write)
        self._numbers: dict[Decimal, str] = {}
        self._texts: dict[str, str] = {}
        #: whole cell styles (`compose`) a caller resolved once, by its own key
        self.resolved: dict[Any, tuple[int, ...]] = {}
        self._merge_plans: dict[tuple[int, int, int], dict[tuple[int, int], int]] = {}
        self._merged_styles: dict[tuple[int, int, int, int], dict[tuple[int, int], tuple[int, ...]]] = {}

    def font(self, **attributes: Any) -> int:
        key = ("font", *attributes.items())
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._workbook._fonts.add(Font(**attributes))
            self._logged(key)
        return found

    def alignment(self, **attributes: Any) -> int:
        key = ("alignment", *attributes.items())
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._workbook._alignments.add(Alignment(**attributes))
            self._logged(key)
        return found

    def border(self, border: Any) -> int:
        """A Border kept as a module constant (the same object each time)."""
        key = ("border", id(border))
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._workbook._borders.add(border)
            self._logged(("border", _Same(border)))
        return found

    def fill(self, fill: Any) -> int:
        """A fill kept as a module constant (the same object each time)."""
        key = ("fill", id(fill))
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._workbook._fills.add(fill)
            self._logged(("fill", _Same(fill)))
        return found

    def border_sum(self, base: int, other: int, sides: tuple[str, ...]) -> int:
        """The index of border `base` plus the `sides` of border `other` (openpyxl's `Border + Border`)."""
        key = ("border_sum", base, other, sides)
        found = self._ids.get(key)
        if found is None:
            borders = self._workbook._borders
            found = self._ids[key] = borders.add(borders[base] + Border(**{side: getattr(borders[other], side) for side in sides}))
            self._logged(key)
        return found

    def cell_style(self, style: tuple[int, ...]) -> int:
        """The index of a cell's style (its nine indexes, StyleArray's order) in the workbook's cellXfs, registered
        at its first use as openpyxl's `Cell.style_id` registers it."""
        found = self._cell_styles.get(style)
        if found is None:
            found = self._cell_styles[style] = self._workbook._cell_styles.add(StyleArray(style))
        return found

    def style_attribute(self, style: tuple[int, ...] | None) -> str:
        """The s attribute of the cells of this style (empty for no style), its cellXfs index registered now."""
        attribute = f' s="{self.cell_style(style)}"' if style is not None and any(style) else ""
        self._style_attributes[style] = attribute
        return attribute

    def border_of(self, index: int) -> Border:
        return self._workbook._borders[index]

    def number_format(self, number_format: str) -> int:
        key = ("number_format", number_format)
        found = self._ids.get(key)
        if found is None:
            builtin = BUILTIN_FORMATS_REVERSE.get(number_format)
            found = builtin if builtin is not None else self._workbook._number_formats.add(number_format) + BUILTIN_FORMATS_MAX_SIZE
            self._ids[key] = found
            self._logged(key)
        return found

    def _logged(self, entry: tuple) -> None:
        if self._log is not None:
            self._log.append(entry)

    def stylesheet(self) -> bytes:
        """The workbook's styles part (openpyxl's), written once per process for each distinct sequence of
        registrations and cell styles: the workbooks of a county's filings have a handful of them."""
        if self._log is None:
            return tostring(write_stylesheet(self._workbook))
        key = (tuple(self._log), tuple(self._cell_styles))
        found = _STYLESHEETS.get(key)
        if found is None:
            found = tostring(write_stylesheet(self._workbook))
            if len(_STYLESHEETS) >= _STYLESHEETS_KEPT:
                _STYLESHEETS.clear()  # one call (a job thread of the web process may write beside another)
            _STYLESHEETS[key] = found
        return found


#: StyleArray's positions of the indexes set_style writes
FONT, FILL, BORDER, NUMBER_FORMAT, PROTECTION, ALIGNMENT, QUOTE_PREFIX = 0, 1, 2, 3, 4, 5, 7
#: a SheetCell's style when it has none (every index 0)
NO_STYLE: tuple[int, ...] = (0,) * 9


def compose(*, font: int = 0, fill: int = 0, border: int = 0, number_format: int = 0, alignment: int = 0) -> tuple[int, ...]:
    """A whole cell style (StyleArray's nine indexes) from indexes of WorkbookStyles, for `SheetCells.put`: a
    caller resolves each distinct style once and gives every cell of that style the same tuple."""
    return (font, fill, border, number_format, 0, alignment, 0, 0, 0)


def _quoted(style: tuple[int, ...]) -> tuple[int, ...]:
    return style if style[QUOTE_PREFIX] else (*style[:QUOTE_PREFIX], 1, *style[QUOTE_PREFIX + 1 :])


class SheetCell:
    """One cell of a SheetCells: its value (str, int, Decimal or None) and its style, a tuple of the nine style
    indexes (None: none), shared by the cells of the same style and replaced, never changed, when one is set."""

    __slots__ = ("_style", "data_type", "value")

    def __init__(self, value: Any = None, style: tuple[int, ...] | None = None) -> None:
        self.value = value
        self.data_type = "n"
        self._style = style

    @property
    def quotePrefix(self) -> bool:
        return bool(self._style and self._style[QUOTE_PREFIX])

    @quotePrefix.setter
    def quotePrefix(self, value: bool) -> None:
        style = list(self._style or NO_STYLE)
        style[QUOTE_PREFIX] = int(bool(value))
        self._style = tuple(style)


def style_of(cell: Cell | MergedCell) -> Any:
    """An openpyxl cell's style indexes (a new cell has none yet: openpyxl's setters start it the same way)."""
    if not cell._style:
        cell._style = StyleArray()
    return cell._style


def set_style(
    cell: Cell | MergedCell | SheetCell,
    *,
    font: int | None = None,
    alignment: int | None = None,
    border: int | None = None,
    fill: int | None = None,
    number_format: int | None = None,
) -> None:
    """Give the cell the styles (indexes from WorkbookStyles) that are not None; its other styles stay."""
    sheet_cell = cell.__class__ is SheetCell
    style = list(cell._style or NO_STYLE) if sheet_cell else style_of(cell)
    if font is not None:
        style[FONT] = font
    if alignment is not None:
        style[ALIGNMENT] = alignment
    if border is not None:
        style[BORDER] = border
    if fill is not None:
        style[FILL] = fill
    if number_format is not None:
        style[NUMBER_FORMAT] = number_format
    if sheet_cell:
        cell._style = tuple(style)


@dataclass(frozen=True)
class PrintSetup:
    """A sheet's page setup: landscape, fitted to the page's width, centred; A4 and margins (in inches: left
    and right, top and bottom) when given; a centred footer when given."""

    a4: bool = False
    margins: tuple[float, float] | None = None
    footer: str | None = None


def _number(value: float | Decimal) -> str:
    """A number as openpyxl's safe_string writes it: `%` converts a Decimal to a float (a format spec would not)."""
    return "%.16g" % value  # noqa: UP031


def _cell_number(value: int | float | Decimal) -> str:
    """A cell's number as exact decimal text without an exponent or trailing zeros ("1234.5", "0.01",
    "99999999999.99"): what a program reading the workbook gets is the amount, not its nearest float's 16
    digits. A float (no amount is one) is taken at its shortest repr; not a finite number: empty."""
    if value.__class__ is int:
        return str(value)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return ""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@functools.cache
def _sheet_properties(setup: PrintSetup | None) -> str:
    fit = '<pageSetUpPr fitToPage="1" />' if setup else "<pageSetUpPr />"
    return f'<sheetPr><outlinePr summaryBelow="1" summaryRight="1" />{fit}</sheetPr>'


@functools.cache
def _sheet_tail(setup: PrintSetup | None) -> str:
    """What follows the merged ranges: print options, margins, page setup, header and footer."""
    if setup is None:
        return '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5" /></worksheet>'
    side, top = setup.margins or (0.75, 1)
    paper = ' paperSize="9"' if setup.a4 else ""
    footer = ""
    if setup.footer is not None:
        footer = (
            f"<headerFooter><oddHeader /><oddFooter>{_escape_text('&C' + setup.footer)}</oddFooter>"
            "<evenHeader /><evenFooter /><firstHeader /><firstFooter /></headerFooter>"
        )
    return (
        '<printOptions horizontalCentered="1" />'
        f'<pageMargins left="{_number(side)}" right="{_number(side)}" top="{_number(top)}" bottom="{_number(top)}" header="0.5" footer="0.5" />'
        f'<pageSetup orientation="landscape"{paper} fitToHeight="0" fitToWidth="1" />{footer}</worksheet>'
    )


def _sheet_views(frozen_rows: int) -> str:
    if not frozen_rows:
        return '<sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1" /></sheetView></sheetViews>'
    return (
        f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{frozen_rows}" topLeftCell="A{frozen_rows + 1}" activePane="bottomLeft" '
        'state="frozen" /><selection pane="bottomLeft" activeCell="A1" sqref="A1" /></sheetView></sheetViews>'
    )


#: characters XML 1.0 cannot carry (openpyxl's ILLEGAL_CHARACTERS_RE, lone surrogates, U+FFFE and U+FFFF)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: of those, the vertical tab and form feed a text pasted from Word carries for its manual line and page breaks
_BREAKS = frozenset("\x0b\x0c")
#: longest text of a cell (openpyxl's Cell cuts longer text there)
_TEXT_MAX = 32767


def _xml_character(match: re.Match) -> str:
    """What a character XML cannot carry becomes in a cell: Word's manual line and page breaks a line break,
    anything else (a control character, a lone surrogate) nothing. A department's text pasted with them
    still makes a workbook, where openpyxl refused the whole of it."""
    return "\n" if match.group() in _BREAKS else ""


def _escape_text(text: str) -> str:
    """Text as element content: & < > escaped, and CR as a character reference (a parser reads a bare CR as LF)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class _SheetPart:
    """The part of a sheet written by SheetCells.write, as ExcelWriter.write_worksheet takes a sheet's writer."""

    def __init__(self, xml: bytes) -> None:
        self.out = xml
        self._rels = RelationshipList()

    def cleanup(self) -> None:
        """Nothing to delete: no temporary file."""


class _CellsSheet(WriteOnlyWorksheet):
    """The sheet as the workbook knows it (title, print titles, its part); SheetCells writes the part."""

    _writer: _SheetPart | None

    def __init__(self, parent: Workbook, title: str) -> None:
        """A write-only worksheet's setup but its header and footer objects (SheetCells writes its own)."""
        self._parent = parent
        self.title = title  # openpyxl's checks: no invalid character, a duplicate title numbered
        self._max_col = self._max_row = 0
        self._setup()

    def _setup(self) -> None:
        """Only what the package's writers read of a sheet (openpyxl.writer.excel, openpyxl.workbook._writer): no
        cells, dimensions, views or print objects, which a worksheet builds by the hundred descriptors (a tenth of
        a workbook of forty sheets) and which the part built by SheetCells does not use."""
        self._charts: list[Any] = []
        self._images: list[Any] = []
        self._comments: list[Any] = []
        self._pivots: list[Any] = []
        self._tables = TableList()
        self._rels = RelationshipList()
        self._drawing = self.legacy_drawing = None
        self.sheet_state = "visible"
        self.defined_names = DefinedNameDict()
        self.auto_filter = AutoFilter()
        self._print_rows = self._print_cols = None
        self._print_area = PrintArea()

    @property
    def closed(self) -> bool:
        return True

    def close(self) -> None:
        """The part is written by SheetCells.write."""


class SheetCells:
    """One sheet's cells by (row, column), with its layout, collected before it is written (the module's docstring)."""

    def __init__(self, styles: WorkbookStyles, title: str) -> None:
        self.styles = styles
        workbook = styles._workbook
        self.ws = _CellsSheet(parent=workbook, title=title)
        workbook._add_sheet(self.ws)
        self.cells: dict[tuple[int, int], SheetCell] = {}
        self.merges: set[tuple[int, int, int, int]] = set()
        self.row_heights: dict[int, float] = {}
        self.column_widths: dict[int, float] = {}
        self.frozen_rows = 0
        self.print_setup: PrintSetup | None = None

    def cell(self, row: int, column: int) -> SheetCell:
        found = self.cells.get((row, column))
        if found is None:
            found = self.cells[row, column] = SheetCell()
        return found

    def put(self, row: int, column: int, value: Any, style: tuple[int, ...]) -> SheetCell:
        """The cell at (row, column) holding `value` with the whole `style` (`compose`): text never a formula (as
        disclosures.xlsx_text.put_text writes it: a str cell, quote prefix on text that starts like a formula)."""
        cell = self.cells.get((row, column))
        if cell is None:
            cell = self.cells[row, column] = SheetCell()
        cell.value = value
        if value.__class__ is str:
            cell.data_type = "s"
            if value.startswith(FORMULA_TRIGGERS):
                style = _quoted(style)
        cell._style = style
        return cell

    def print_titles(self, first: int, last: int) -> None:
        """Rows repeated at the top of every printed page (the workbook part's Print_Titles)."""
        self.ws.print_title_rows = f"{first}:{last}"

    def write(self) -> None:
        """The sheet's XML part, as openpyxl writes the same worksheet: rows in order, each row's cells in column
        order; a row with a height but no cell is written empty."""
        cells = self.cells
        keys = sorted(cells)
        used = "A1:A1"
        if keys:
            columns = [column for _row, column in keys]
            used = f"{_letter(min(columns))}{keys[0][0]}:{_letter(max(columns))}{keys[-1][0]}"
        parts = [
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            _sheet_properties(self.print_setup),
            f'<dimension ref="{used}" />',
            _sheet_views(self.frozen_rows),
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15" />',
        ]
        if self.column_widths:
            parts.append("<cols>")
            parts.extend(
                f'<col width="{_number(width)}" customWidth="1" min="{column}" max="{column}" />'
                for column, width in sorted(self.column_widths.items())
            )
            parts.append("</cols>")
        parts.append("<sheetData>")
        heights = self.row_heights
        style_attribute = self.styles.style_attribute
        attributes = self.styles._style_attributes
        numbers, texts = self.styles._numbers, self.styles._texts
        append = parts.append
        # rows in order: those with cells (keys, sorted) and those with only a height
        last = max(keys[-1][0] if keys else 0, max(heights, default=0))
        index, count = 0, len(keys)
        for row in range(1, last + 1):
            height = heights.get(row)
            has_cells = index < count and keys[index][0] == row
            if not has_cells and height is None:
                continue  # a row with no cell and no height: a worksheet does not write it either
            append(f'<row r="{row}">' if height is None else f'<row r="{row}" ht="{_number(height)}" customHeight="1">')
            while index < count and keys[index][0] == row:
                column = keys[index][1]
                cell = cells[row, column]
                index += 1
                value, style = cell.value, cell._style
                attribute = attributes.get(style)
                if attribute is None:
                    attribute = style_attribute(style)
                if value is None:
                    if attribute:
                        append(f'<c r="{_letter(column)}{row}"{attribute} t="n" />')
                elif value.__class__ is str:
                    text = texts.get(value)  # a text recurs from sheet to sheet (headings, names): its element once
                    if text is None:
                        text = texts[value] = _text_xml(value)
                    append(f'<c r="{_letter(column)}{row}"{attribute}{text}')
                elif value.__class__ is Decimal and value.is_finite():
                    number = numbers.get(value)  # the element of an amount: the same for equal amounts (1.5, 1.50, -0, 0)
                    if number is None:
                        number = numbers[value] = _other_xml(value)
                    append(f'<c r="{_letter(column)}{row}"{attribute}{number}')
                else:
                    append(f'<c r="{_letter(column)}{row}"{attribute}{_other_xml(value)}')
            append("</row>")
        parts.append("</sheetData>")
        if self.merges:
            parts.append(f'<mergeCells count="{len(self.merges)}">')
            parts.extend(f'<mergeCell ref="{_range(*merge)}" />' for merge in self.merges)
            parts.append("</mergeCells>")
        parts.append(_sheet_tail(self.print_setup))
        self.ws._writer = _SheetPart("".join(parts).encode())
        self.cells = {}


def _text_xml(value: str) -> str:
    """A text cell's element after its reference and style: always an inline string, never a formula."""
    if not value:
        return ' t="inlineStr" />'
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub(_xml_character, value)
    value = value[:_TEXT_MAX]
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and value != stripped else ""
    return f' t="inlineStr"><is><t{space}>{_escape_text(value)}</t></is></c>'


def _other_xml(value: Any) -> str:
    """The element of a cell holding neither None nor a str: a number (exact decimal text), or a str subclass's text."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f' t="n"><v>{_cell_number(value)}</v></c>'
    if isinstance(value, str):
        return _text_xml(str(value))
    raise TypeError(f"a generated sheet holds text and numbers, not {value!r}")


@functools.cache
def _letter(column: int) -> str:
    return get_column_letter(column)


def _range(min_row: int, min_column: int, max_row: int, max_column: int) -> str:
    return f"{_letter(min_column)}{min_row}:{_letter(max_column)}{max_row}"


class _Archive(ZipFile):
    """The workbook's zip archive: a sheet's part (bytes, _SheetPart) is stored as it is."""

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        if isinstance(filename, bytes):
            self.writestr(arcname, filename, compress_type=compress_type, compresslevel=compresslevel)
        else:
            super().write(filename, arcname, compress_type, compresslevel)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook saved as openpyxl's `Workbook.save` saves it (openpyxl.writer.excel.save_workbook), into bytes:
    a workbook of SheetCells by `_package`, any other by openpyxl's ExcelWriter."""
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    sheets = workbook._sheets
    styles = getattr(workbook, "_sheet_styles", None)
    if workbook.write_only and sheets and styles is not None and all(sheet.__class__ is _CellsSheet for sheet in sheets):
        return _package(workbook, styles, sheets)
    buffer = BytesIO()
    archive = _Archive(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _package(workbook: Workbook, styles: WorkbookStyles, sheets: list[_CellsSheet]) -> bytes:
    """The parts ExcelWriter writes for a workbook of SheetCells, in its order, without building them again for
    each workbook: what is the same for every such workbook (document properties of the application, theme,
    the package's relationships, the workbook part's views and calculation) once per process, what depends only
    on the number of sheets (content types, the workbook's relationships) once per number, the styles once per
    distinct content (`WorkbookStyles.stylesheet`); the workbook part's sheets and print titles from templates."""
    constant = _constant_parts()
    count = len(sheets)
    buffer = BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL) as archive:
        archive.writestr(ARC_APP, constant.app)
        archive.writestr(ARC_CORE, tostring(workbook.properties.to_tree()))
        archive.writestr(ARC_THEME, theme_xml)
        for index, sheet in enumerate(sheets, start=1):
            assert sheet._writer is not None, f"sheet {sheet.title!r} was not written"
            archive.writestr(f"xl/worksheets/sheet{index}.xml", sheet._writer.out)
        archive.writestr(ARC_STYLE, styles.stylesheet())
        archive.writestr(ARC_ROOT_RELS, constant.root_relationships)
        archive.writestr(ARC_WORKBOOK, _workbook_part(constant, sheets))
        relationships, content_types = _sheet_count_parts(count)
        archive.writestr(ARC_WORKBOOK_RELS, relationships)
        archive.writestr(ARC_CONTENT_TYPES, content_types)
    return buffer.getvalue()


#: zlib's level for the parts: 5 deflates a county's workbooks to within 0.2 % of the default 6 in 85 % of its
#: time (60 filings: 48.0 / 47.9 KiB, 3.6 / 4.3 ms); 1 would take 2.4 ms for 14 % more bytes.
COMPRESS_LEVEL = 5


@dataclass(frozen=True)
class _ConstantParts:
    app: bytes
    root_relationships: bytes
    workbook_head: str  # the workbook part up to its sheets
    workbook_tail: str  # what follows the defined names
    workbook_tail_unnamed: str  # what follows the sheets when there is no defined name


@functools.cache
def _constant_parts() -> _ConstantParts:
    """What openpyxl writes for every new write-only workbook, taken from its own writers once per process."""
    workbook = Workbook(write_only=True)
    workbook.create_sheet("A")
    unnamed = WorkbookWriter(workbook).write().decode()
    workbook.create_sheet("B").print_title_rows = "1:1"
    named = WorkbookWriter(workbook).write().decode()
    return _ConstantParts(
        app=tostring(ExtendedProperties().to_tree()),
        root_relationships=WorkbookWriter(workbook).write_root_rels(),
        workbook_head=unnamed[: unnamed.index("<sheets>")],
        workbook_tail=named[named.index("</definedNames>") + len("</definedNames>") :],
        workbook_tail_unnamed=unnamed[unnamed.index("</sheets>") + len("</sheets>") :],
    )


def _workbook_part(constant: _ConstantParts, sheets: list[_CellsSheet]) -> bytes:
    """The workbook part as openpyxl's WorkbookWriter writes it for these sheets: each visible, its print titles
    as a defined name (the only one a SheetCells sheet has)."""
    parts = [constant.workbook_head, "<sheets>"]
    parts += [f'<sheet name="{_escape_attribute(sheet.title)}" sheetId="{n}" state="visible" r:id="rId{n}" />' for n, sheet in enumerate(sheets, 1)]
    parts.append("</sheets>")
    names = [(index, sheet.print_titles) for index, sheet in enumerate(sheets)]
    names = [(index, titles) for index, titles in names if titles]
    if names:
        parts.append("<definedNames>")
        parts += [f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{_escape_cdata(titles)}</definedName>' for index, titles in names]
        parts.append("</definedNames>")
        parts.append(constant.workbook_tail)
    else:
        parts.append(constant.workbook_tail_unnamed)
    return "".join(parts).encode()


def _escape_cdata(text: str) -> str:
    """An element's text as ElementTree escapes it (xml.etree.ElementTree._escape_cdata)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    """An attribute's value as ElementTree escapes it (xml.etree.ElementTree._escape_attrib)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#09;")
    )


@functools.lru_cache(maxsize=256)
def _sheet_count_parts(count: int) -> tuple[bytes, bytes]:
    """The workbook's relationships and the package's content types of a workbook of `count` sheets, as
    openpyxl's ExcelWriter writes them (taken from its own objects)."""
    workbook = Workbook(write_only=True)
    sheets = [workbook.create_sheet(f"S{n}") for n in range(1, count + 1)]
    relationships = RelationshipList()
    manifest = Manifest()
    for index, sheet in enumerate(sheets, start=1):
        sheet._id = index
        relationships.append(Relationship(type=sheet._rel_type, Target=sheet.path))
        manifest.append(sheet)
    relationships.append(Relationship(type="styles", Target="styles.xml"))
    relationships.append(Relationship(type="theme", Target="theme/theme1.xml"))
    manifest.append(workbook)
    return tostring(relationships.to_tree()), tostring(manifest.to_tree())


def merge_cells(sheet: SheetCells, styles: WorkbookStyles, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """Merge the range as `Worksheet.merge_cells` does (openpyxl.worksheet.merge.MergedCellRange), with the
    same cells and styles: the top-left cell takes the right and bottom borders of the bottom-right one, the
    other cells become empty (a regular worksheet's MergedCells), those on each edge take that side of the
    top-left cell's border, and every cell its protection. The ranges of one sheet must not overlap
    (openpyxl's check is left out); they are written in the order of openpyxl's set of CellRanges (same hashes).

    The edges' borders depend only on the top-left cell's border and on where a cell lies in the range (a
    corner, an edge, inside: `_merge_plan`), so they are worked out once per workbook for each such border and
    shape, and each cell of the range takes its style from there."""
    cells = sheet.cells
    start = sheet.cell(start_row, start_column)
    style = start._style or NO_STYLE
    end = cells.get((end_row, end_column))
    if end is not None:
        border = styles.border_sum(style[BORDER], (end._style or NO_STYLE)[BORDER], ("right", "bottom"))
        style = (*style[:BORDER], border, *style[BORDER + 1 :])
    sheet.merges.add((start_row, start_column, end_row, end_column))
    height, width = min(end_row - start_row, 2) + 1, min(end_column - start_column, 2) + 1
    plan = styles._merge_plans.get((style[BORDER], height, width))
    if plan is None:
        plan = styles._merge_plans[style[BORDER], height, width] = _merge_plan(styles, style[BORDER], height, width)
    protection = style[PROTECTION]
    start._style = (*style[:BORDER], plan[0, 0], *style[BORDER + 1 :])
    empty = styles._merged_styles.get((style[BORDER], height, width, protection))
    if empty is None:  # the other cells' styles: their border and the top-left cell's protection
        empty = {position: (0, 0, border, 0, protection, 0, 0, 0, 0) for position, border in plan.items()}
        styles._merged_styles[style[BORDER], height, width, protection] = empty
    for row in range(start_row, end_row + 1):
        r = 0 if row == start_row else height - 1 if row == end_row else 1
        for column in range(start_column, end_column + 1):
            if row != start_row or column != start_column:
                c = 0 if column == start_column else width - 1 if column == end_column else 1
                cells[row, column] = SheetCell(None, empty[r, c])


def _merge_plan(styles: WorkbookStyles, source: int, height: int, width: int) -> dict[tuple[int, int], int]:
    """The border of each cell of a range of `height` × `width` (1, 2, or 3 standing for 3 or more) merged with a
    top-left cell of border `source`, by position in the range, exactly as `Worksheet.merge_cells` gives them:
    top edge, left, right, bottom in turn, each side of the top-left cell's border as it is when that side
    begins. The borders are summed in the order openpyxl sums them for such a range, so a workbook registers
    them in the same order (a wider or taller range repeats the sums of its middle cells)."""
    borders = {(row, column): 0 for row in range(height) for column in range(width)}
    borders[0, 0] = source
    edges = {
        "top": [(0, column) for column in range(width)],
        "left": [(row, 0) for row in range(height)],
        "right": [(row, width - 1) for row in range(height)],
        "bottom": [(height - 1, column) for column in range(width)],
    }
    for side, positions in edges.items():
        source = borders[0, 0]
        line = getattr(styles.border_of(source), side)
        if line and line.style is None:
            continue
        for position in positions:
            borders[position] = styles.border_sum(borders[position], source, (side,))
    return borders
