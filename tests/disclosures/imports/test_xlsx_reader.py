"""The streaming reader's cell values for the shapes of sheet XML that Excel and other programs write.

The reader keeps its parse state in closure variables and looks element names and column letters up in
small caches (a large upload's preview was mostly this parse): these pin what each shape reads as, so the
fast handlers read every shape as the plain ones did.
"""

import pytest
from openpyxl.utils import get_column_letter

from disclosures.imports import xlsx_reader
from disclosures.imports.xlsx_reader import Formula, TooLong, WorkbookError, XlsxFile
from tests.hardening.bombs import SHEET, SHEET_HEAD, SHEET_TAIL, write_xlsx


def read(tmp_path, rows_xml: str, *, name: str = "x.xlsx") -> list[tuple[int, list]]:
    path = write_xlsx(tmp_path / name, {SHEET: SHEET_HEAD + rows_xml.encode() + SHEET_TAIL})
    with XlsxFile(path) as workbook:
        return list(workbook.rows())


def test_inline_strings_rich_text_and_phonetic_runs(tmp_path):
    rows = read(
        tmp_path,
        '<row r="1"><c r="A1" t="inlineStr"><is><r><t>预算</t></r><r><t xml:space="preserve"> 单位 </t></r></is></c>'
        '<c r="B1" t="inlineStr"><is><t>茂县</t><rPh sb="0" eb="2"><t>マオ</t></rPh></is></c>'
        '<c r="C1"><is><t>no type</t></is></c></row>',
    )
    assert rows == [(1, ["预算 单位 ", "茂县", "no type"])]


def test_types_formulas_and_numbers(tmp_path):
    rows = read(
        tmp_path,
        '<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" t="e"><v>#N/A</v></c>'
        '<c r="D3" t="d"><v>2024-01-01</v></c><c r="E3"><f>SUM(A1:A2)</f><v>3</v></c><c r="F3" t="str"><f>A1</f><v>x</v></c>'
        '<c r="G3"><v>1e3</v></c><c r="H3"><v>007</v></c><c r="I3"><v>444930.82</v></c><c r="J3" t="n"><v>-12</v></c>'
        '<c r="K3"><v>  </v></c><c r="L3"><v></v></c></row>',
    )
    assert rows == [(3, [True, False, "#N/A", "2024-01-01", Formula("=SUM(A1:A2)"), Formula("=A1"), 1000.0, 7, 444930.82, -12])]


def test_shared_strings_cells_without_references_and_gaps(tmp_path):
    rows = read(
        tmp_path,
        '<row r="1"><c r="A1" t="s"><v>2</v></c><c t="s"><v>0</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row>'
        '<row><c r="b2"><v>7</v></c></row><row r="9"><c r="C9" t="inlineStr"><is><t>x</t></is></c></row>',
    )
    assert rows == [(1, ["年初预算数（元）", "单位", None, None, 5, 6]), (2, [None, 7]), (9, [None, None, "x"])]


def test_a_column_written_twice_keeps_its_last_value(tmp_path):
    rows = read(tmp_path, '<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>3</v></c><c r="C1" t="inlineStr"><is><t></t></is></c></row>')
    assert rows == [(1, [1])]  # C1 was written blank the second time: the row ends at A
    rows = read(tmp_path, '<row r="1"><c r="C1" t="inlineStr"><is><t></t></is></c><c r="A1"><v>1</v></c><c r="C1"><v>3</v></c></row>')
    assert rows == [(1, [1, None, 3])]


def test_whitespace_between_elements_is_not_part_of_a_value(tmp_path):
    rows = read(
        tmp_path,
        '<row r="1">\n  <c r="A1" t="inlineStr">\n    <is>\n      <t>文字</t>\n    </is>\n  </c>\n  <c r="B1">\n    <v>2</v>\n  </c>\n</row>\n',
    )
    assert rows == [(1, ["文字", 2])]


def test_a_prefixed_namespace_reads_as_the_default_one(tmp_path):
    path = write_xlsx(
        tmp_path / "x.xlsx",
        {
            SHEET: b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
            b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c r="B1"><x:v>2</x:v></x:c></x:row>'
            b"</x:sheetData></x:worksheet>"
        },
    )
    with XlsxFile(path) as workbook:
        assert list(workbook.rows()) == [(1, ["a", 2])]


def test_long_cells_across_runs_and_long_formulas(tmp_path, settings):
    settings.IMPORT_MAX_CELL_CHARS = 50
    rows = read(
        tmp_path,
        f'<row r="1"><c r="A1" t="inlineStr"><is><r><t>{"甲" * 40}</t></r><r><t>{"乙" * 40}</t></r></is></c>'
        f'<c r="B1" t="inlineStr"><is><t>{"丙" * 50}</t></is></c><c r="C1"><f>{"A" * 70}</f><v>1</v></c></row>',
    )
    [(number, (long, exact, formula))] = rows
    assert long == TooLong(length=80, head="甲" * 30)
    assert exact == "丙" * 50
    assert formula == Formula("=" + "A" * 30)


def test_column_numbers_past_the_kept_letters(tmp_path, settings):
    """Column letters are looked up in a cache of COLUMN_NUMBERS_KEPT; the columns past it are worked out each time."""
    columns = xlsx_reader.COLUMN_NUMBERS_KEPT + 50
    settings.XLSX_MAX_COLUMNS = columns
    rows_xml = "".join(
        f'<row r="{row}">' + "".join(f'<c r="{get_column_letter(n)}{row}"><v>{n}</v></c>' for n in range(1, columns + 1)) + "</row>" for row in (1, 2)
    )
    assert read(tmp_path, rows_xml) == [(1, list(range(1, columns + 1))), (2, list(range(1, columns + 1)))]


def test_content_past_the_column_limit_and_bad_references_are_refused(tmp_path, settings):
    settings.XLSX_MAX_COLUMNS = 3
    assert read(tmp_path, '<row r="1"><c r="A1"><v>1</v></c><c r="D1" t="inlineStr"><is><t></t></is></c></row>', name="a.xlsx") == [(1, [1])]
    with pytest.raises(WorkbookError, match="第1行第4列有内容"):
        read(tmp_path, '<row r="1"><c r="A1"><v>1</v></c><c r="D1"><v>2</v></c></row>', name="b.xlsx")
    with pytest.raises(WorkbookError, match="共享字符串"):
        read(tmp_path, '<row r="1"><c r="A1" t="s"><v>9</v></c></row>', name="c.xlsx")
    with pytest.raises(WorkbookError, match="行号"):
        read(tmp_path, '<row r="2"><c r="A2"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>', name="d.xlsx")
