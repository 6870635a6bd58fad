"""Reading and writing upload workbooks, independent of what the rows mean (reusable by evaluations).

- `sniff_format` decides by content (zip signature of an xlsx, decodable text for csv), not by name.
- `read_sheet_rows` reads with openpyxl in read-only mode after `reset_dimensions()` (LibreOffice may
  declare 1,048,575 rows), yields only non-blank rows with their Excel row number, and marks formula
  cells so they can be refused instead of silently taking a cached value. A sheet with merged cells is
  refused: read-only mode gives a merged range's value to its first cell only, so the other rows would
  silently read blank (an amount of 0). Read-only mode does not expose merged ranges, so they are read
  from the sheet's XML with a streaming parser (`merged_ranges`).
- `write_sheet` writes a header row with a comment on each header cell, optional example rows, data
  validation lists (kept on a hidden sheet “选项” so long lists are not limited to 255 characters) and
  text cells that can never turn into a formula.
"""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.datavalidation import DataValidation

from disclosures.xlsx_text import put_text

XLSX = "xlsx"
CSV = "csv"
OPTIONS_SHEET = "选项"
# The limit protects the memory of the preview, which keeps every row's cleaned values (and its natural
# key) until the apply is queued: measured with bench/ at about 1 KB per expense row (50,000 rows: +50 MB
# peak RSS), so 60,000 rows stay near 60 MB per upload in a web process. The apply streams the staged
# rows in batches and adds little (+17 MB for 50,000). A department's detailed lines are a few thousand;
# 60,000 leaves room for a whole county's lines in one file (issue #6 asks for 50,000). The upload's
# byte limit (settings.MAX_UPLOAD_BYTES) stays in front of it.
MAX_DATA_ROWS = 60000
# After this many consecutive blank rows the rest of a sheet is taken to be padding.
BLANK_RUN_LIMIT = 1000

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
EXAMPLE_FONT = Font(italic=True, color="808080")


class WorkbookError(ValueError):
    """The file as a whole cannot be read; the message is Chinese and meant for the user."""


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula; imports refuse it (its cached value may be stale or absent)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    comment: str = ""
    example: object = None
    choices: Sequence[str] = ()
    width: int = 16
    number_format: str | None = None


def sniff_format(head: bytes) -> str:
    """'xlsx' or 'csv' from the first bytes of the file; WorkbookError for anything else."""
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError("这是旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再上传。")
    if b"\x00" in head:
        raise WorkbookError("文件不是 .xlsx 或 .csv 格式。")
    try:
        decode_text(head, partial=True)
    except WorkbookError:
        raise WorkbookError("文件不是 .xlsx 或 .csv 格式。") from None
    return CSV


def decode_text(data: bytes, *, partial: bool = False) -> str:
    """CSV saved by Excel in China is often GB18030; UTF-8 (with or without BOM) is tried first."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            if partial and encoding == "utf-8-sig" and error.start >= len(data) - 3:
                return data[: error.start].decode(encoding)
    raise WorkbookError("无法识别 CSV 文件的字符编码，请保存为 UTF-8 编码。")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows_with_numbers(raw_rows, first_row: int = 1) -> Iterator[tuple[int, list]]:
    blank_run = 0
    data_rows = 0
    for number, row in enumerate(raw_rows, start=first_row):
        if all(is_blank(v) for v in row):
            blank_run += 1
            if blank_run >= BLANK_RUN_LIMIT:
                return
            continue
        blank_run = 0
        data_rows += 1
        if data_rows > MAX_DATA_ROWS + 1:
            raise WorkbookError(f"文件超过 {MAX_DATA_ROWS} 行，请分批上传。")
        yield number, row


def _xlsx_value(cell):
    if cell.data_type == "f":
        return Formula(str(cell.value))
    return cell.value


def merged_ranges(source) -> list[str]:
    """The refs (e.g. "D5:D6") of a worksheet XML's <mergeCell> elements, read from the stream `source`.

    The <mergeCells> element follows <sheetData>, so the whole sheet is parsed; each row is dropped as soon
    as it ends, which keeps memory flat however many rows the sheet has.
    """
    refs = []
    for _event, element in ElementTree.iterparse(source, events=("end",)):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "mergeCell":
            refs.append(element.get("ref", ""))
        elif tag == "row":
            element.clear()
    return refs


def _merged_error(*, title: str, refs: list[str], header: list) -> WorkbookError:
    """Name each merged range (at most five) with its column headers and rows."""
    parts = []
    for ref in refs[:5]:
        first, _, last = ref.partition(":")
        (min_col, min_row), (max_col, max_row) = coordinate_to_tuple(first)[::-1], coordinate_to_tuple(last or first)[::-1]
        names = []
        for column in range(min_col, max_col + 1):
            name = str(header[column - 1]).strip() if column <= len(header) and not is_blank(header[column - 1]) else ""
            names.append(f"“{name}”列" if name else f"{get_column_letter(column)}列")
        rows = f"第{min_row}行至第{max_row}行" if max_row > min_row else f"第{min_row}行"
        parts.append(f"{ref}（{'、'.join(names)}，{rows}）")
    more = f"等{len(refs)}处" if len(refs) > 5 else ""
    return WorkbookError(
        f"“{title}”工作表 {'；'.join(parts)}{more}为合并单元格，请取消合并后每行分别填写（合并后只有第一行有值，其余行会被当作空白）。"
    )


def read_sheet_rows(path: str | Path, *, sheet: str | None = None, file_format: str = XLSX) -> Iterator[tuple[int, list]]:
    """(row number, cell values) for every non-blank row, the header row included."""
    if file_format == CSV:
        text = decode_text(Path(path).read_bytes())
        yield from _rows_with_numbers(csv.reader(io.StringIO(text)))
        return
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise WorkbookError("无法读取该 Excel 文件，请确认文件是 .xlsx 格式且未损坏。") from error
    try:
        if sheet is None:
            worksheet = workbook.active
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise WorkbookError(f"文件中没有名为“{sheet}”的工作表。")
        # ReadOnlyWorksheet exposes no merged ranges; its own XML source is parsed for them.
        with worksheet._get_source() as source:
            merged = merged_ranges(source)
        worksheet.reset_dimensions()
        # Missing rows come back as empty rows, so counting from 1 gives the Excel row number.
        rows = _rows_with_numbers([_xlsx_value(cell) for cell in row] for row in worksheet.iter_rows())
        if merged:
            header = next(rows, (1, []))[1]
            raise _merged_error(title=worksheet.title, refs=merged, header=header)
        yield from rows
    finally:
        workbook.close()


def sheet_names(path: str | Path) -> list[str]:
    workbook = load_workbook(path, read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


# --- Writing ----------------------------------------------------------------------------------------


def text_cell_value(value):
    """Values as they go into a cell: Decimal/int stay numbers, everything else text."""
    if value is None:
        return None
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return value
    return str(value)


class OptionLists:
    """The hidden “选项” sheet: one column per list, referenced by the data validations."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.sheet = None
        self.columns: dict[tuple[str, ...], str] = {}

    def reference(self, choices: Sequence[str]) -> str:
        key = tuple(choices)
        if key not in self.columns:
            if self.sheet is None:
                self.sheet = self.workbook.create_sheet(OPTIONS_SHEET)
                self.sheet.sheet_state = "hidden"
            column = get_column_letter(len(self.columns) + 1)
            for row, choice in enumerate(key, start=1):
                put_text(self.sheet.cell(row=row, column=len(self.columns) + 1), str(choice))
            self.columns[key] = f"{quote_sheetname(OPTIONS_SHEET)}!${column}$1:${column}${len(key)}"
        return self.columns[key]

    def move_last(self) -> None:
        """Put the hidden sheet after the visible ones (call when every sheet is written)."""
        if self.sheet is not None:
            sheets = self.workbook.sheetnames
            self.workbook.move_sheet(self.sheet, offset=len(sheets) - 1 - sheets.index(OPTIONS_SHEET))


def write_sheet(
    worksheet,
    columns: Sequence[ColumnSpec],
    rows: Sequence[Sequence] = (),
    *,
    examples: bool = False,
    options: OptionLists | None = None,
    validation_rows: int = 2000,
) -> None:
    """Header with comments, then `rows` (or one example row), widths, formats and validation lists."""
    for index, column in enumerate(columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.comment:
            comment = Comment(column.comment, "公开平台")
            comment.width, comment.height = 320, 120
            cell.comment = comment
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    worksheet.row_dimensions[1].height = 36  # room for a header wrapped on two lines
    worksheet.freeze_panes = "A2"
    data = list(rows)
    if examples and not data:
        data = [[column.example for column in columns]]
    for row_index, row in enumerate(data, start=2):
        for col_index, (column, value) in enumerate(zip(columns, row, strict=False), start=1):
            cell = worksheet.cell(row=row_index, column=col_index)
            value = text_cell_value(value)
            if isinstance(value, str):
                put_text(cell, value)
            else:
                cell.value = value
            if column.number_format:
                cell.number_format = column.number_format
            if examples and not rows:
                cell.font = EXAMPLE_FONT
    last_row = max(validation_rows, len(data) + 1)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.choices and options is not None:
            validation = DataValidation(
                type="list",
                formula1=options.reference(column.choices),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="无效的值",
                error=f"请从下拉列表中选择“{column.header}”。",
            )
            worksheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
