"""Reading and writing upload workbooks, independent of what the rows mean (reusable by evaluations).

- `sniff_format` decides by content (zip signature of an xlsx, decodable text for csv), not by name.
- `read_sheet_rows` reads an xlsx with the bounded streaming reader of `xlsx_reader` (zip sizes and
  ratios checked before anything is inflated, expat in chunks, counts and cell lengths bounded; openpyxl
  is not used for untrusted files), yields only non-blank rows with their Excel row number, and marks
  formula cells so they can be refused instead of silently taking a cached value, and over-long cells
  (`TooLong`) so the preview names them. A sheet with merged cells is refused: a merged range's value
  is in its first cell only, so the other rows would silently read blank (an amount of 0).
- `write_sheet` writes a header row with a comment on each header cell, optional example rows, data
  validation lists (kept on a hidden sheet “选项” so long lists are not limited to 255 characters) and
  text cells that can never turn into a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.datavalidation import DataValidation

from disclosures.xlsx_text import put_text

from .xlsx_reader import Formula, TooLong, WorkbookError, XlsxFile  # noqa: F401  (Formula: re-exported to preview)

XLSX = "xlsx"
CSV = "csv"
OPTIONS_SHEET = "选项"
# settings.IMPORT_MAX_ROWS protects the memory of the preview, which keeps every row's cleaned values (and
# its natural key) until the apply is queued: measured with bench/ at about 1 KB per expense row (50,000
# rows: +50 MB peak RSS), so 60,000 rows stay near 60 MB per upload in a web process. The apply streams
# the staged rows in batches and adds little (+17 MB for 50,000). A department's detailed lines are a few
# thousand; 60,000 leaves room for a whole county's lines in one file (issue #6 asks for 50,000). The
# upload's byte limit and the xlsx reader's limits (settings.XLSX_*) stay in front of it.
# After this many consecutive blank rows the rest of a sheet is taken to be padding.
BLANK_RUN_LIMIT = 1000

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
EXAMPLE_FONT = Font(italic=True, color="808080")


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


def _rows_with_numbers(numbered_rows) -> Iterator[tuple[int, list]]:
    """The non-blank rows; stops after BLANK_RUN_LIMIT blank rows in a row (rows missing between two
    numbers count as blank), refuses more than settings.IMPORT_MAX_ROWS data rows."""
    blank_run = 0
    last = 0
    data_rows = 0
    limit = settings.IMPORT_MAX_ROWS
    for number, row in numbered_rows:
        blank_run += number - last - 1
        last = number
        if blank_run >= BLANK_RUN_LIMIT:
            return
        if all(is_blank(v) for v in row):
            blank_run += 1
            if blank_run >= BLANK_RUN_LIMIT:
                return
            continue
        blank_run = 0
        data_rows += 1
        if data_rows > limit + 1:
            raise WorkbookError(f"文件超过 {limit} 行的上限，请分批上传。")
        yield number, row


def _csv_rows(text: str) -> Iterator[tuple[int, list]]:
    """CSV rows with the same bounds as a sheet: columns, and cells longer than IMPORT_MAX_CELL_CHARS kept as TooLong."""
    max_columns = settings.XLSX_MAX_COLUMNS
    cell_limit = settings.IMPORT_MAX_CELL_CHARS
    reader = csv.reader(io.StringIO(text))
    try:
        for number, row in enumerate(reader, start=1):
            if len(row) > max_columns:
                if any(not is_blank(v) for v in row[max_columns:]):
                    raise WorkbookError(f"第{number}行有内容超过 {max_columns} 列的上限，不予读取。")
                row = row[:max_columns]
            yield number, [TooLong(length=len(v), head=v[:30]) if len(v) > cell_limit else v for v in row]
    except csv.Error as error:
        raise WorkbookError(f"CSV 文件第{reader.line_num}行格式错误（{error}），请检查引号是否成对。") from None


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
    """(row number, cell values) for every non-blank row, the header row included.

    A merged range is only known once the whole sheet has been read (<mergeCells> follows <sheetData>),
    so the refusal comes after the last row: callers consume every row before acting on them.
    """
    if file_format == CSV:
        text = decode_text(Path(path).read_bytes())
        yield from _rows_with_numbers(_csv_rows(text))
        return
    with XlsxFile(path) as workbook:
        title, _info = workbook.sheet_member(sheet)
        merged: list = []
        header: list = []
        for number, row in _rows_with_numbers(workbook.rows(sheet, merged=merged)):
            if not header:
                header = row
            yield number, row
        if merged:
            raise _merged_error(title=title, refs=merged, header=header)


def sheet_names(path: str | Path) -> list[str]:
    with XlsxFile(path) as workbook:
        return workbook.sheet_names


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
