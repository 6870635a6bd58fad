"""/workspace/filings/<pk>/import/template/<kind>.xlsx — the upload template with Chinese headers and comments."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook


pytestmark = pytest.mark.django_db


def url(filing, kind="expense"):
    return reverse("disclosures:import_template", args=[filing.pk, kind])


def workbook(response):
    return load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_expense_template(client, accountant, filing):
    client.force_login(accountant)
    response = client.get(url(filing))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = workbook(response)
    sheet = book["支出"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["预算单位", "支出功能分类科目编码", "支出功能分类科目名称", "部门预算经济分类科目编码"]
    assert "年初预算数（元）" in headers
    comment = sheet.cell(row=1, column=2).comment.text
    assert comment.startswith("支出功能分类科目编码，7位项级科目，如2010301")
    assert all(sheet.cell(row=1, column=i).comment for i in range(1, len(headers) + 1))
    # The example row.
    assert [sheet.cell(row=2, column=i).value for i in (2, 4, 9)] == ["2010301", "30101", 1036.03]
    # Drop-down lists: the year's 7-digit function codes, the funding sources, the department's units.
    options = book["选项"]
    assert options.sheet_state == "hidden"
    validations = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    column_of = {h: chr(ord("A") + i) for i, h in enumerate(headers)}
    function_list = validations[f"{column_of['支出功能分类科目编码']}2"]
    first_col = function_list.split("!")[1].split(":")[0].replace("$", "")[0]
    codes = [c.value for c in options[first_col] if c.value]
    assert "2010308" in codes and all(len(c) == 7 for c in codes)
    unit_list = validations[f"{column_of['预算单位']}2"]
    unit_col = unit_list.split("!")[1].split(":")[0].replace("$", "")[0]
    assert [c.value for c in options[unit_col] if c.value] == ["测试县信访局"]  # the unit of the shared fixture


@pytest.mark.parametrize("kind, header", [("income", "收入来源"), ("project", "项目编码")])
def test_other_templates(client, accountant, filing, kind, header):
    client.force_login(accountant)
    book = workbook(client.get(url(filing, kind)))
    assert header in [cell.value for cell in book.active[1]]


def test_unknown_kind_404(client, accountant, filing):
    client.force_login(accountant)
    assert client.get(url(filing, "nonsense")).status_code == 404


def test_other_department_404_and_anonymous(client, outsider, filing):
    assert client.get(url(filing)).status_code == 302
    client.force_login(outsider)
    assert client.get(url(filing)).status_code == 404


def test_reviewer_may_download(client, reviewer, filing):
    client.force_login(reviewer)
    assert client.get(url(filing)).status_code == 200
