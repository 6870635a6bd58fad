"""The workbook read back with openpyxl: layout of a published table, numbers, and no formulas."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl.worksheet._writer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Border, Side
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import tostring

from disclosures.models import CatalogItem
from disclosures.tables import compute_tables
from disclosures.tables.xlsx import BORDER, render_workbook
from disclosures.xlsx_styles import PrintSetup, SheetCells, WorkbookStyles, _Archive, compose, merge_cells, set_style, workbook_bytes
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
    """Written as text (xlsx_styles.SheetCells), a sheet keeps its used range, merges with the
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


def _part(build_workbook, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(build_workbook()))) as archive:
        return archive.read(name)


@pytest.mark.parametrize("setup", [None, PrintSetup(), PrintSetup(a4=True, margins=(0.4, 0.6), footer="第 &P 页，共 &N 页")])
def test_cells_are_written_as_a_regular_worksheet_writes_them(setup):
    """A SheetCells' XML part (built as text, xlsx_styles.SheetCells.write) is byte for byte what openpyxl writes
    for the same regular worksheet: padded text, markup, formula-looking text, numbers, empty styled cells,
    merged ranges with their edges' borders, widths, heights, frozen rows and each print setup."""
    values = ["  padded ", "a & <b> \"q\" 'x'", "=1+1", "\t-tab", "line\nbreak", "", Decimal("1234.50"), Decimal("-0.01"), 7, None, "中文 𠀀"]

    def fill(cell, value, styles, n):
        if isinstance(value, str):
            put_text(cell, value or None)
        else:
            cell.value = value
        if n % 3:
            set_style(cell, font=styles.font(name="宋体", bold=n % 2 == 0), border=styles.border(BORDER))

    def ours():
        workbook = Workbook(write_only=True)
        styles = WorkbookStyles(workbook)
        sheet = SheetCells(styles, "s")
        for n, value in enumerate(values, start=1):
            fill(sheet.cell(n, 2), value, styles, n)
        merge_cells(sheet, styles, start_row=1, start_column=2, end_row=1, end_column=4)
        merge_cells(sheet, styles, start_row=2, start_column=2, end_row=3, end_column=3)
        sheet.row_heights[3] = 20
        sheet.row_heights[len(values) + 2] = 22.5
        sheet.column_widths.update({2: 12.5, 1: 30})
        sheet.cell(len(values) + 3, 1)  # after a row with nothing in it: no cell, no height
        if setup:
            sheet.print_setup, sheet.frozen_rows = setup, 2
            sheet.print_titles(2, 2)
        sheet.write()
        return workbook

    def regular():
        workbook = Workbook()
        styles, ws = WorkbookStyles(workbook), workbook.active
        ws.title = "s"
        for n, value in enumerate(values, start=1):
            fill(ws.cell(n, 2), value, styles, n)
        ws.merge_cells(start_row=1, start_column=2, end_row=1, end_column=4)
        ws.merge_cells(start_row=2, start_column=2, end_row=3, end_column=3)
        ws.row_dimensions[3].height = 20
        ws.row_dimensions[len(values) + 2].height = 22.5
        ws.column_dimensions["B"].width, ws.column_dimensions["A"].width = 12.5, 30
        ws.cell(len(values) + 3, 1)
        if setup:
            ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = "landscape", 1, 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.print_options.horizontalCentered = True
            ws.freeze_panes, ws.print_title_rows = "A3", "2:2"
            if setup.a4:
                ws.page_setup.paperSize = ws.PAPERSIZE_A4
                ws.page_margins.left = ws.page_margins.right = 0.4
                ws.page_margins.top = ws.page_margins.bottom = 0.6
                ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        return workbook

    assert _part(ours, "xl/worksheets/sheet1.xml") == _part(regular, "xl/worksheets/sheet1.xml")
    assert _part(ours, "xl/styles.xml") == _part(regular, "xl/styles.xml")
    assert _part(ours, "xl/workbook.xml") == _part(regular, "xl/workbook.xml")
    sheet = _part(ours, "xl/worksheets/sheet1.xml")
    assert b'<t xml:space="preserve">  padded </t>' in sheet and b"<f>" not in sheet


def _one_cell(value) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = SheetCells(WorkbookStyles(workbook), "s")
    sheet.cell(1, 1).value = value
    sheet.write()
    return workbook_bytes(workbook)


@pytest.mark.parametrize("text", ["=1+1", "+86 10", "-1+2", "@SUM(A1)", '=HYPERLINK("http://x","a")'])
def test_the_sheet_writer_has_no_formula_path(text):
    """Text is always an inline string, even set as a plain value (no put_text, no quotePrefix): the writer has no
    way to write a formula (openpyxl's Cell turned such text into one)."""
    data = _one_cell(text)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b't="inlineStr"' in xml
    cell = load_workbook(io.BytesIO(data))["s"]["A1"]
    assert (cell.value, cell.data_type) == (text, "s")


XML_TEXT = st.text(
    st.characters(blacklist_categories={"Cs"}, blacklist_characters=[chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)]),
    min_size=1,
)


def _read_back(texts: list[str]) -> list[str]:
    workbook = Workbook(write_only=True)
    sheet = SheetCells(WorkbookStyles(workbook), "s")
    for row, text in enumerate(texts, start=1):
        put_text(sheet.cell(row, 1), text)
    sheet.write()
    ws = load_workbook(io.BytesIO(workbook_bytes(workbook)))["s"]
    return [ws.cell(row, 1).value for row in range(1, len(texts) + 1)]


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(XML_TEXT, min_size=1, max_size=8))
def test_any_text_reads_back_as_written(texts):
    """Markup, quotes, ampersands, CJK, characters beyond the BMP, tabs, line feeds and carriage returns (a bare CR
    would be read back as LF), leading and trailing spaces: openpyxl reads back exactly the text written."""
    assert _read_back(texts) == texts


def test_awkward_text_reads_back_as_written():
    texts = ["   ", "\n", "\t", "a\r\nb", "\r", " \r ", "]]>", "&amp;", "<t>", "'\"", "\u2028x\u2029", "😀𠀀", "\x85", "=1+1 ", " -2"]
    assert _read_back(texts) == texts
    assert _read_back(["x" * 40000]) == ["x" * 32767]  # openpyxl's cells cut text there too


@pytest.mark.parametrize(
    ("text", "read_back"),
    [
        ("\x00", ""),
        ("第一行\x0b第二行", "第一行\n第二行"),
        ("分页\x0c之后", "分页\n之后"),
        ("a\x1fb", "ab"),
        ("\ud800x", "x"),
        ("a\udfffb", "ab"),
        ("\ufffe说明\uffff", "说明"),
    ],
)
def test_text_xml_cannot_carry_still_makes_a_workbook(text, read_back):
    """Control characters (but tab and line breaks), lone surrogates, U+FFFE and U+FFFF cannot be written in XML:
    Word's manual line and page breaks (VT, FF) become line breaks and the others are left out, where the whole
    workbook used to fail (openpyxl's IllegalCharacterError) for one character pasted into a department's text."""
    assert load_workbook(io.BytesIO(_one_cell(text)))["s"]["A1"].value == read_back


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("0.01"), "0.01"),
        (Decimal("-0.01"), "-0.01"),
        (Decimal("0.00"), "0"),
        (Decimal("-0.00"), "0"),
        (Decimal("1234.50"), "1234.5"),
        (Decimal("1E+2"), "100"),
        (Decimal("753.18"), "753.18"),
        (Decimal("123456789012.34"), "123456789012.34"),
        (Decimal("99999999999.99"), "99999999999.99"),
        (12, "12"),
        (0.1, "0.1"),
        (1e16, "10000000000000000"),
        (Decimal("NaN"), ""),
    ],
)
def test_amounts_are_written_as_their_exact_decimal_text(amount, written):
    """An amount is written as its decimal text, never an exponent and never through a float: openpyxl's
    safe_string ("%.16g") wrote 753.18 as 753.1799999999999 and 99999999999.99 as 99999999999.99001, what a
    program reading the workbook then got. It reads back as the amount."""
    data = _one_cell(amount)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert f'<c r="A1" t="n"><v>{written}</v></c>'.encode() in archive.read("xl/worksheets/sheet1.xml")
    assert "e" not in written.lower()
    if written:
        assert str(load_workbook(io.BytesIO(data))["s"]["A1"].value) in (written, written + ".0")


def test_the_workbook_is_written_without_temporary_files(maoxian_2019, monkeypatch):
    """openpyxl writes each sheet to a temporary file, copies it into the zip and deletes it (file system
    calls a tenth of the workbook's time); the sheets are kept in memory (xlsx_styles.workbook_bytes)."""

    def refuse(*args, **kwargs):
        raise AssertionError("a temporary file was created")

    monkeypatch.setattr(openpyxl.worksheet._writer, "create_temporary_file", refuse)
    workbook = load_workbook(io.BytesIO(render_workbook(compute_tables(filing=maoxian_2019))))
    assert workbook["表5 一般公共预算财政拨款支出决算表"]["A2"].value == "编制单位：茂县信访局"


def _parts_of(data: bytes) -> list[tuple[str, bytes]]:
    """The package's parts in their order, but the document properties (which hold the time of writing)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist() if name != "docProps/core.xml"]


def _written_by_openpyxl(workbook) -> bytes:
    buffer = io.BytesIO()
    ExcelWriter(workbook, _Archive(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "sheets",
    [
        [("s", False)],
        [("a&b<c>\"d'e", True), ("plain", False), ("plain", True), ("表1 一般公共预算支出表", True)],
        [(f"表{n}", n % 2 == 0) for n in range(1, 13)],
        [("说明", False), ("x", False)],
    ],
)
def test_the_package_is_what_openpyxl_writes(sheets):
    """The package around the sheets (content types, relationships, properties, theme, styles, the workbook part
    with its sheets and print titles) is written from parts kept once per process or per number of sheets
    (xlsx_styles._package): every part and their order are those openpyxl's ExcelWriter writes for the same
    workbook, with awkward and duplicate sheet titles (numbered as openpyxl numbers them), with and without
    print titles."""
    workbook = Workbook(write_only=True)
    styles = WorkbookStyles(workbook)
    for n, (title, printed) in enumerate(sheets, start=1):
        sheet = SheetCells(styles, title)
        sheet.put(1, 1, title, compose(font=styles.font(name="宋体", bold=n % 2 == 0), border=styles.border(BORDER)))
        sheet.put(2, 2, Decimal(n), compose(number_format=styles.number_format("#,##0.00")))
        if printed:
            sheet.print_titles(1, n)
        sheet.write()
    ours = workbook_bytes(workbook)
    assert _parts_of(ours) == _parts_of(_written_by_openpyxl(workbook))
    assert [ws.title for ws in load_workbook(io.BytesIO(ours)).worksheets] == [ws.title for ws in workbook.worksheets]


def test_a_styles_part_is_reused_only_for_the_same_styles():
    """The styles part is written once per distinct sequence of registered styles and cell styles in their order
    of use (WorkbookStyles.stylesheet): a workbook using the same styles in another order, or another style,
    gets its own, and each is what openpyxl writes for its workbook."""

    def build(order: str, size: int = 10):
        workbook = Workbook(write_only=True)
        styles = WorkbookStyles(workbook)
        sheet = SheetCells(styles, "s")
        bold = compose(font=styles.font(name="宋体", bold=True, size=size), border=styles.border(BORDER))
        plain = compose(font=styles.font(name="宋体", bold=False, size=size))
        for row, kind in enumerate(order, start=1):
            sheet.put(row, 1, kind, bold if kind == "b" else plain)
        sheet.write()
        return workbook

    def styles_part(workbook) -> bytes:
        return dict(_parts_of(workbook_bytes(workbook)))["xl/styles.xml"]

    first, again, reordered, other = build("bp"), build("bbp"), build("pb"), build("bp", size=12)
    expected = [tostring(write_stylesheet(workbook)) for workbook in (first, again, reordered, other)]
    parts = [styles_part(workbook) for workbook in (first, again, reordered, other)]
    assert parts == expected
    assert parts[0] == parts[1] and len({parts[0], parts[2], parts[3]}) == 3


LEFT_ONLY = Border(left=Side(style="thin", color="000000"))


@pytest.mark.parametrize("framing", ["none", "all", "start", "left"])
def test_merged_ranges_of_every_shape_are_framed_as_openpyxl_frames_them(framing):
    """A merged range's cells take their borders from a plan worked out once per top-left border and shape
    (xlsx_styles._merge_plan: one row or column, two, three or more): ranges of 1 to 4 rows by 1 to 4 columns, their
    cells framed or not, give the sheet and styles parts openpyxl writes for the same merges."""
    shapes = [(height, width) for height in range(1, 5) for width in range(1, 5) if (height, width) != (1, 1)]

    def frame(cell, styles, row, column, top, left):
        if framing == "all" or (framing in ("start", "left") and (row, column) == (top, left)):
            set_style(cell, border=styles.border(LEFT_ONLY if framing == "left" else BORDER))

    def ranges():
        top = 1
        for height, width in shapes:
            left = 1 + (top % 3)
            yield top, left, top + height - 1, left + width - 1
            top += height + 1

    def ours():
        workbook = Workbook(write_only=True)
        styles = WorkbookStyles(workbook)
        sheet = SheetCells(styles, "s")
        for top, left, bottom, right in ranges():
            for row in range(top, bottom + 1):
                for column in range(left, right + 1):
                    frame(sheet.cell(row, column), styles, row, column, top, left)
            put_text(sheet.cell(top, left), f"{top}")
            merge_cells(sheet, styles, start_row=top, start_column=left, end_row=bottom, end_column=right)
        sheet.write()
        return workbook

    def regular():
        workbook = Workbook()
        styles, ws = WorkbookStyles(workbook), workbook.active
        ws.title = "s"
        for top, left, bottom, right in ranges():
            for row in range(top, bottom + 1):
                for column in range(left, right + 1):
                    frame(ws.cell(row, column), styles, row, column, top, left)
            put_text(ws.cell(top, left), f"{top}")
            ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
        return workbook

    for part in ("xl/worksheets/sheet1.xml", "xl/styles.xml"):
        assert _part(ours, part) == _part(regular, part)


def test_equal_amounts_of_one_workbook_are_written_alike():
    """An amount's element is built once per workbook for equal amounts (WorkbookStyles._numbers): 1.5 and 1.50,
    0 and -0.00 are written alike, anything else as itself, across sheets."""
    amounts = [Decimal("1.50"), Decimal("1.5"), Decimal("-0.00"), Decimal("0"), Decimal("-1.5"), Decimal("NaN"), Decimal("sNaN"), 7, Decimal(7)]
    written = ["1.5", "1.5", "0", "0", "-1.5", "", "", "7", "7"]
    workbook = Workbook(write_only=True)
    styles = WorkbookStyles(workbook)
    for title in ("a", "b"):
        sheet = SheetCells(styles, title)
        for row, amount in enumerate(amounts, start=1):
            sheet.cell(row, 1).value = amount
        sheet.write()
    parts = dict(_parts_of(workbook_bytes(workbook)))
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        assert re.findall(rb'<c r="A\d+" t="n"><v>([^<]*)</v></c>', parts[name]) == [text.encode() for text in written]
