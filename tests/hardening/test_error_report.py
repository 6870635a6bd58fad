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
