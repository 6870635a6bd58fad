"""The workbook read back with openpyxl: layout of a published table, numbers, and no formulas."""

import io
import zipfile
from decimal import Decimal

import openpyxl.worksheet._writer
import pytest
from openpyxl import Workbook, load_workbook

from disclosures.models import CatalogItem
from disclosures.tables import compute_tables
from disclosures.tables.xlsx import BORDER, render_workbook
from disclosures.xlsx_styles import SheetCells, WorkbookStyles, set_style, workbook_bytes
from disclosures.xlsx_text import put_text


@pytest.fixture
def workbook(maoxian_2019):
    return load_workbook(io.BytesIO(render_workbook(compute_tables(filing=maoxian_2019))))


def find_row(ws, column, text):
    for row in ws.iter_rows():
        if row[column - 1].value == text:
            return row
    raise AssertionError(f"{text} not found in {ws.title}")


def test_one_sheet_per_table(workbook):
    assert len(workbook.sheetnames) == 9
    assert workbook.sheetnames[4] == "表5 一般公共预算财政拨款支出决算表"


def test_gpb_sheet_layout_and_totals(workbook):
    ws = workbook["表5 一般公共预算财政拨款支出决算表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "2019年一般公共预算财政拨款支出决算表" and "A1:E1" in merged
    assert ws["A2"].value == "编制单位：茂县信访局"
    assert ws["E2"].value == "公开05表\u3000单位：万元"  # forms.md: `<表号>　单位：万元`, a full-width space
    # 科目编码/科目名称 span both header rows; 本年支出 spans its three columns
    assert {"A3:A4", "B3:B4", "C3:E3"} <= merged
    assert ws["C3"].value == "本年支出"
    assert [ws.cell(4, c).value for c in range(3, 6)] == ["小计", "基本支出", "项目支出"]
    total = find_row(ws, 1, "合计")
    assert f"A{total[0].row}:B{total[0].row}" in merged
    assert [Decimal(str(c.value)) for c in total[2:5]] == [Decimal("382.31"), Decimal("317.41"), Decimal("64.90")]
    assert total[0].font.b and all(c.font.b for c in total[2:5])
    assert total[3].number_format == "#,##0.00"
    item = find_row(ws, 1, "2010301")
    assert item[1].value == "行政运行" and item[1].alignment.indent == 2 and not item[1].font.b
    assert Decimal(str(item[2].value)) == Decimal("173.67")
    assert all(c.border.left.style == "thin" for c in item[:5])


def test_print_setup(workbook):
    ws = workbook["表5 一般公共预算财政拨款支出决算表"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$4"
    assert ws.print_options.horizontalCentered
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


def test_three_public_sheet(workbook):
    ws = workbook.worksheets[6]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:F3", "G3:L3", "C4:E4", "A4:A5"} <= merged
    assert [Decimal(str(ws.cell(6, c).value)) for c in range(7, 13)] == [Decimal(v) for v in ("5.07", "0", "3.22", "0", "3.22", "1.85")]


def test_empty_table_sheet_has_the_note(workbook):
    """公开08 is published with its headers and the note under the grid (no body rows)."""
    ws = workbook.worksheets[7]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(3, c).value for c in range(1, 9)] == [
        "科目编码",
        "科目名称",
        "年初结转和结余",
        "本年收入",
        "本年支出",
        None,
        None,
        "年末结转和结余",
    ]
    assert ws["A5"].value == "注：本部门2019年度没有使用政府性基金预算财政拨款安排的支出，故本表无数据。" and "A5:H5" in merged
    assert ws["A5"].border.left.style is None and ws.max_row == 5


def test_formula_looking_text_stays_text(maoxian_2019):
    CatalogItem.objects.filter(kind="function", code="2010301").update(name='=HYPERLINK("http://x","行政运行")')
    CatalogItem.objects.filter(kind="function", code="2010308").update(name="+信访事务")
    data = render_workbook(compute_tables(filing=maoxian_2019))
    ws = load_workbook(io.BytesIO(data))["表5 一般公共预算财政拨款支出决算表"]
    link, plus = find_row(ws, 1, "2010301")[1], find_row(ws, 1, "2010308")[1]
    assert (link.value, link.data_type, link.quotePrefix) == ('=HYPERLINK("http://x","行政运行")', "s", True)
    assert (plus.value, plus.data_type, plus.quotePrefix) == ("+信访事务", "s", True)
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_the_write_only_workbook_keeps_the_layout_a_regular_worksheet_wrote(maoxian_2019):
    """Written in write-only mode (xlsx_styles.SheetCells), a sheet keeps its used range, merges with the
    borders of their edge cells, header fill, number formats, row heights, widths, frozen panes, print
    titles and footer, and no cell is ever a formula (its XML has no <f>)."""
    CatalogItem.objects.filter(kind="function", code="2010301").update(name="=1+1")
    data = render_workbook(compute_tables(filing=maoxian_2019))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
    assert sheets and all(b"<f>" not in xml and b"<f " not in xml for xml in sheets)
    assert b'<dimension ref="A1:E' in sheets[4]
    ws = load_workbook(io.BytesIO(data))["表5 一般公共预算财政拨款支出决算表"]
    assert {"A1:E1", "A3:A4", "B3:B4", "C3:E3"} <= {str(r) for r in ws.merged_cells.ranges}
    assert ws["E3"].border.right.style == "thin" and ws["D3"].border.top.style == "thin"  # merged, still framed
    assert ws["A3"].fill.fgColor.rgb == "00F2F2F2" and ws["A3"].font.b
    total = find_row(ws, 1, "合计")
    assert total[2].number_format == "#,##0.00" and total[2].font.b and total[2].alignment.horizontal == "right"
    assert ws.row_dimensions[1].height == 32 and ws.row_dimensions[3].height == 24 and ws.row_dimensions[total[0].row].height == 20
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$3:$4" and ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    link = find_row(ws, 1, "2010301")[1]
    assert (link.value, link.data_type, link.quotePrefix) == ("=1+1", "s", True)


def _sheet_xml(build_sheet) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(build_sheet()))) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_cells_are_written_as_a_regular_worksheet_writes_them():
    """SheetCells' rows (written as text, xlsx_styles._CellsWriter) are byte for byte what openpyxl writes for
    the same cells of a regular worksheet: padded text, markup, formula-looking text, numbers, empty styled cells."""
    values = ["  padded ", "a & <b> \"q\" 'x'", "=1+1", "\t-tab", "line\nbreak", "", Decimal("1234.50"), Decimal("-0.01"), 7, None]

    def fill(cell, value, styles, n):
        if isinstance(value, str):
            put_text(cell, value or None)
        else:
            cell.value = value
        if n % 3:
            set_style(cell, font=styles.font(name="宋体", bold=n % 2 == 0), border=styles.border(BORDER))

    def ours():
        workbook = Workbook(write_only=True)
        styles, sheet = WorkbookStyles(workbook), SheetCells(workbook, "s")
        for n, value in enumerate(values, start=1):
            fill(sheet.cell(n, 2), value, styles, n)
        sheet.ws.row_dimensions[3].height = 20
        sheet.cell(len(values) + 3, 1)  # after a row with nothing in it: no cell, no height
        sheet.write()
        return workbook

    def regular():
        workbook = Workbook()
        styles, ws = WorkbookStyles(workbook), workbook.active
        ws.title = "s"
        for n, value in enumerate(values, start=1):
            fill(ws.cell(n, 2), value, styles, n)
        ws.row_dimensions[3].height = 20
        ws.cell(len(values) + 3, 1)
        return workbook

    assert _sheet_xml(ours) == _sheet_xml(regular)
    assert b'<t xml:space="preserve">  padded </t>' in _sheet_xml(ours) and b"<f>" not in _sheet_xml(ours)


def test_the_workbook_is_written_without_temporary_files(maoxian_2019, monkeypatch):
    """openpyxl writes each sheet to a temporary file, copies it into the zip and deletes it (file system
    calls a tenth of the workbook's time); the sheets are kept in memory (xlsx_styles.workbook_bytes)."""

    def refuse(*args, **kwargs):
        raise AssertionError("a temporary file was created")

    monkeypatch.setattr(openpyxl.worksheet._writer, "create_temporary_file", refuse)
    workbook = load_workbook(io.BytesIO(render_workbook(compute_tables(filing=maoxian_2019))))
    assert workbook["表5 一般公共预算财政拨款支出决算表"]["A2"].value == "编制单位：茂县信访局"
