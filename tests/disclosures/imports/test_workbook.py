"""The reusable workbook helpers (also used by evaluations): format sniffing, reading, writing."""

import pytest
from openpyxl import Workbook, load_workbook

from disclosures.imports.workbook import (
    CSV,
    XLSX,
    ColumnSpec,
    Formula,
    OptionLists,
    WorkbookError,
    read_sheet_rows,
    sniff_format,
    write_sheet,
)


def test_sniff_by_content():
    assert sniff_format(b"PK\x03\x04rest") == XLSX
    assert sniff_format("科目编码,科目名称\n".encode("gb18030")) == CSV
    assert sniff_format("科目编码,科目名称\n".encode()[:7]) == CSV  # cut inside a character
    with pytest.raises(WorkbookError, match="另存为 .xlsx"):
        sniff_format(b"\xd0\xcf\x11\xe0\x00\x00")
    with pytest.raises(WorkbookError):
        sniff_format(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_rows_keep_excel_numbers_and_mark_formulas(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"] = "编码", "金额"
    sheet["A3"], sheet["B3"] = "2010301", "=SUM(1,2)"
    sheet["A5"] = "  "
    path = tmp_path / "x.xlsx"
    book.save(path)
    rows = list(read_sheet_rows(path))
    assert [number for number, _ in rows] == [1, 3]
    assert rows[1][1][1] == Formula("=SUM(1,2)")


def test_text_never_becomes_a_formula(tmp_path):
    book = Workbook()
    write_sheet(book.active, [ColumnSpec(header="备注")], [['=HYPERLINK("http://x")'], ["+1"]], options=OptionLists(book))
    path = tmp_path / "y.xlsx"
    book.save(path)
    sheet = load_workbook(path).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == '=HYPERLINK("http://x")'
    assert [v for _, v in read_sheet_rows(path)][1] == ['=HYPERLINK("http://x")']


def test_missing_sheet(tmp_path):
    path = tmp_path / "z.xlsx"
    Workbook().save(path)
    with pytest.raises(WorkbookError, match="没有名为“支出”的工作表"):
        list(read_sheet_rows(path, sheet="支出"))


def test_merged_cells_are_refused_naming_range_header_and_rows(tmp_path):
    """Read-only openpyxl gives a merged range's value to its first cell only: the sheet is refused instead."""
    book = Workbook()
    sheet = book.active
    sheet.title = "支出"
    sheet.append(["预算单位", "科目编码", "年初预算数（元）"])
    sheet.append(["本级", "2010301", 100])
    sheet.append(["本级", "2010302", None])
    sheet.merge_cells("C2:C3")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    with pytest.raises(WorkbookError) as refused:
        list(read_sheet_rows(path))
    assert str(refused.value).startswith("“支出”工作表 C2:C3（“年初预算数（元）”列，第2行至第3行）为合并单元格，请取消合并后每行分别填写")


def test_reading_a_large_sheet_keeps_memory_flat(tmp_path):
    """The <mergeCells> element comes after every row; reading every row to find it keeps memory flat
    (the rows are streamed, not kept)."""
    import tracemalloc

    book = Workbook(write_only=True)
    sheet = book.create_sheet("支出")
    for number in range(20000):
        sheet.append(["本级", f"{number:07d}", number, "一般公共预算财政拨款"])
    path = tmp_path / "big.xlsx"
    book.save(path)
    tracemalloc.start()
    count = sum(1 for _ in read_sheet_rows(path, sheet="支出"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 20000
    assert peak < 5 * 1024 * 1024
