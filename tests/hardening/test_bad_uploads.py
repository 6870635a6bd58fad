"""Bad workbooks through the real upload path (POST /workspace/filings/<pk>/import/).

Every bad file must end in a Chinese message that names the place (row, column or sheet) and must
write nothing: no expense line and no apply form (staging token) on the page.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from disclosures.models import CatalogItem, ExpenseLine
from tests.disclosures.imports.helpers import EXPENSE_OK, filled_template

pytestmark = pytest.mark.django_db

AMOUNT = "年初预算数（元）"


def post(client, filing, data: bytes, name: str = "支出.xlsx", kind: str = "expense"):
    return client.post(reverse("disclosures:filing_import", args=[filing.pk]), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def assert_refused(response, *fragments: str) -> str:
    text = page_text(response)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in the page"
    assert 'name="token"' not in text, "a bad file must not be offered for applying"
    assert not ExpenseLine.objects.exists()
    return text


def workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_with(filing, rows: list[dict]) -> Workbook:
    return load_workbook(filled_template(filing, "expense", rows))


@pytest.fixture
def logged_in(client, accountant):
    client.force_login(accountant)
    return client


def test_wrong_sheet_names_the_missing_columns(logged_in, filing):
    """The income template uploaded as expense lines: the header row says which columns are missing."""
    data = filled_template(filing, "income", [{"收入来源": "一般公共预算财政拨款", AMOUNT: 100}]).getvalue()
    assert_refused(post(logged_in, filing, data), "第1行缺少列", "“支出功能分类科目编码”")


def test_text_in_an_amount_cell(logged_in, filing):
    data = filled_template(filing, "expense", [{**EXPENSE_OK, AMOUNT: "一千元"}]).getvalue()
    assert_refused(post(logged_in, filing, data), "第3行", f"“{AMOUNT}”", "一千元")


def test_negative_amount(logged_in, filing):
    data = filled_template(filing, "expense", [{**EXPENSE_OK, AMOUNT: -5}]).getvalue()
    text = assert_refused(post(logged_in, filing, data), "第3行", f"“{AMOUNT}”")
    assert "负" in text


def test_formula_is_refused_not_evaluated(logged_in, filing):
    data = filled_template(filing, "expense", [{**EXPENSE_OK, AMOUNT: "=1000+36.03"}]).getvalue()
    assert_refused(post(logged_in, filing, data), "第3行", f"“{AMOUNT}”", "公式")


def test_code_of_another_year(logged_in, filing, catalog_2019):
    """A 项 that exists only in the 2019 catalog is refused in a 2020 filing, naming both years."""
    CatalogItem.objects.create(fiscal_year=catalog_2019, kind="function", code="2299998", name="只在2019年的科目")
    data = filled_template(filing, "expense", [{**EXPENSE_OK, "支出功能分类科目编码": "2299998"}]).getvalue()
    assert_refused(post(logged_in, filing, data), "第3行", "“支出功能分类科目编码”", "2299998", "2019年", "2020年")


def test_duplicate_rows(logged_in, filing):
    data = filled_template(filing, "expense", [EXPENSE_OK, EXPENSE_OK]).getvalue()
    assert_refused(post(logged_in, filing, data), "第4行", "与第3行重复")


def test_merged_amount_cells(logged_in, filing):
    """Two rows whose amount cells were merged: the second row has no amount of its own."""
    other = {**EXPENSE_OK, "部门预算经济分类科目编码": "30102"}
    workbook = template_with(filing, [EXPENSE_OK, other])
    sheet = workbook.active
    column = [cell.value for cell in sheet[1]].index(AMOUNT) + 1
    sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    response = post(logged_in, filing, workbook_bytes(workbook))
    text = page_text(response)
    if 'name="token"' in text:
        pytest.fail("a merged amount cell was accepted: the second row would silently get 0 or a copied amount")
    column_letter = chr(ord("A") + column - 1)
    assert_refused(response, f"“支出”工作表 {column_letter}3:{column_letter}4", "第4行", f"“{AMOUNT}”", "合并单元格", "取消合并")


def test_every_error_is_reported_not_only_the_first(logged_in, filing):
    rows = [{**EXPENSE_OK, AMOUNT: "abc"}, {**EXPENSE_OK, "支出功能分类科目编码": "9999999"}]
    assert_refused(post(logged_in, filing, filled_template(filing, "expense", rows).getvalue()), "第3行", "第4行", "9999999")


def _declare_rows(data: bytes, *, last_row: int, padding_rows: int) -> bytes:
    """What LibreOffice writes: a sheet dimension of A1:L1048575, and styled empty rows after the data."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode("utf-8")
                xml = re.sub(r'<dimension ref="[^"]+"\s*/>', f'<dimension ref="A1:L{last_row}"/>', xml)
                padding = "".join(f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/></row>' for r in range(10, 10 + padding_rows))
                xml = xml.replace("</sheetData>", padding + "</sheetData>")
                content = xml.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def test_libreoffice_workbook_declaring_a_million_rows(logged_in, filing):
    """The declared 1,048,575 rows and thousands of styled empty rows are padding, not data: the one real
    row previews quickly and nothing is written before the user confirms."""
    data = _declare_rows(filled_template(filing, "expense", [EXPENSE_OK]).getvalue(), last_row=1_048_575, padding_rows=5000)
    started = time.monotonic()
    response = post(logged_in, filing, data)
    assert time.monotonic() - started < 20
    text = page_text(response)
    assert response.status_code == 200
    assert 'name="token"' in text, "the real row should be offered for applying"
    assert "新增" in text
    assert not ExpenseLine.objects.exists()


def test_not_an_xlsx_although_named_so(logged_in, filing):
    response = post(logged_in, filing, "这不是表格".encode("gb18030") + b"\x00\x01" * 50)
    assert response.status_code == 400
    assert_refused(response, "文件")


def test_damaged_zip_named_xlsx(logged_in, filing):
    response = post(logged_in, filing, b"PK\x03\x04" + b"\x00" * 200)
    assert_refused(response, "Excel")


def test_file_above_the_size_limit(logged_in, filing, settings):
    settings.MAX_UPLOAD_BYTES = 4096
    data = filled_template(filing, "expense", [EXPENSE_OK] * 1).getvalue() + b"\x00" * 5000
    response = post(logged_in, filing, data)
    assert response.status_code in (400, 413)
    assert_refused(response, "文件太大")


def test_a_good_file_still_goes_through(logged_in, filing):
    """The control: the same template with a correct row is offered for applying."""
    text = page_text(post(logged_in, filing, filled_template(filing, "expense", [EXPENSE_OK]).getvalue()))
    assert 'name="token"' in text
    assert Decimal("1036.03") == Decimal(str(EXPENSE_OK[AMOUNT]))
