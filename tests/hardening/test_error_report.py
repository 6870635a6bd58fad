"""A file with thousands of bad rows gives a small page: each quoted cell and message is bounded, the
first IMPORT_MAX_ERRORS_SHOWN errors are listed with a count of the rest, and every error is in a
downloadable error report workbook (text cells, never formulas).

Before: 3,000 rows of 8,000-character cells produced a 377 MB error page (2.4 GB RSS): every error
quoted its whole cell, and every row with an error was shown with all its cells.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from disclosures.models import ExpenseLine
from tests.disclosures.imports.helpers import EXPENSE_OK, filled_template
from tests.hardening.bombs import long_text

pytestmark = pytest.mark.django_db

AMOUNT = "年初预算数（元）"


@pytest.fixture
def logged_in(client, accountant, settings, tmp_path):
    settings.IMPORT_STAGING_DIR = str(tmp_path / "staging")
    client.force_login(accountant)
    return client


def upload(client, filing, rows):
    data = filled_template(filing, "expense", rows).getvalue()
    return client.post(reverse("disclosures:filing_import", args=[filing.pk]), {"kind": "expense", "file": SimpleUploadedFile("支出.xlsx", data)})


def test_three_thousand_rows_of_long_cells_give_a_small_page_and_a_full_report(logged_in, filing, settings):
    rows = [{**EXPENSE_OK, AMOUNT: long_text(8000, number)} for number in range(3000)]
    response = upload(logged_in, filing, rows)
    page = response.content.decode()
    assert response.status_code == 200
    assert len(page) < 1_000_000, f"the error page is {len(page):,} characters"
    assert "发现 3000 处错误" in page
    assert f"另有 {3000 - settings.IMPORT_MAX_ERRORS_SHOWN} 处错误未列出" in page
    assert "第3行“年初预算数（元）”：内容有8000个字符，超过2000个字符的上限" in page
    assert 'name="token"' not in page
    assert not ExpenseLine.objects.exists()

    link = re.search(r'href="([^"]+/import/errors/[^"]+\.xlsx)"', page).group(1)
    report = logged_in.get(link)
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).active
    messages = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(messages) == 3000
    assert messages[0] == "第3行“年初预算数（元）”：内容有8000个字符，超过2000个字符的上限"
    assert messages[-1] == "第3002行“年初预算数（元）”：内容有8000个字符，超过2000个字符的上限"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_quoted_value_is_cut(logged_in, filing):
    """A 1,500-character amount (under the cell limit) is quoted, but not whole."""
    response = upload(logged_in, filing, [{**EXPENSE_OK, AMOUNT: "x" * 1500}])
    page = response.content.decode()
    assert "第3行“年初预算数（元）”" in page
    assert "x" * 301 not in page


def test_the_report_is_only_for_its_uploader(logged_in, client, filing, outsider):
    page = upload(logged_in, filing, [{**EXPENSE_OK, AMOUNT: "abc"}]).content.decode()
    link = re.search(r'href="([^"]+/import/errors/[^"]+\.xlsx)"', page).group(1)
    client.force_login(outsider)
    assert client.get(link).status_code in (302, 403, 404)


def test_the_report_workbook_is_written_as_a_stream_with_its_layout():
    """The report is a write-only workbook (flat memory however many errors): the same cells, fonts,
    frozen header, column width and text cells as the ordinary workbook it was."""
    from disclosures.imports.preview import error_report_workbook

    messages = ["第3行“年初预算数（元）”：金额“abc”不是有效的金额", '=HYPERLINK("http://x")', "“支出”表没有数据行", "第12行：与第3行重复"]
    workbook = error_report_workbook(header={"filename": "=支出.xlsx", "count": 4}, messages=iter(messages))
    written = io.BytesIO()
    workbook.save(written)
    assert workbook.write_only
    sheet = load_workbook(io.BytesIO(written.getvalue())).active
    assert sheet.title == "错误报告"
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["C"].width == 100
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["文件：=支出.xlsx，共 4 处错误（没有写入任何数据）", None, None],
        ["序号", "行号", "错误说明"],
        [1, 3, messages[0]],
        [2, None, messages[1]],
        [3, None, messages[2]],
        [4, 12, messages[3]],
    ]
    assert [cell.font.b for cell in sheet[2]] == [True, True, True]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["C4"].data_type == "s" and sheet["C4"].quotePrefix
    assert not sheet["C3"].quotePrefix


def test_a_large_report_costs_the_memory_of_a_small_one():
    """Before, the report was an ordinary workbook holding every cell: 50,000 errors took +56 MB."""
    import tracemalloc

    from disclosures.imports.preview import error_report_workbook

    def peak(count: int) -> int:
        messages = (f"第{number}行“年初预算数（元）”：金额“abc”不是有效的金额" for number in range(3, count + 3))
        tracemalloc.start()
        try:
            error_report_workbook(header={"filename": "a.xlsx", "count": count}, messages=messages).save(io.BytesIO())
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1_000), peak(20_000)
    assert large < 2 * small + 1_000_000, f"{small:,} bytes for 1,000 errors, {large:,} for 20,000"
