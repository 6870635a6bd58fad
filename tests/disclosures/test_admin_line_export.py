"""Export of lines from the admin (django-import-export): the template's Chinese columns, own department only."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook


pytestmark = pytest.mark.django_db
URL = reverse("admin:disclosures_expenseline_export")


def export(client, **extra):
    form = client.get(URL).context["form"]
    data = {"resource": "0", "format": "0", **{name: "on" for name in form.fields if name.startswith("expenselineresource_")}}
    data.update(extra)
    response = client.post(URL, data)
    assert response.status_code == 200, response.content[:500]
    return load_workbook(BytesIO(response.content)).active


def test_export_has_chinese_columns_and_exact_amounts(client, accountant, expense_line):
    client.force_login(accountant)
    sheet = export(client)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["预算单位", "支出功能分类科目编码"]
    assert rows[1][1] == "2010301" and rows[1][5] == "基本支出-人员经费"
    assert str(rows[1][8]) == "1036.03"


def test_other_department_exports_nothing(client, outsider, expense_line):
    client.force_login(outsider)
    sheet = export(client)
    assert sheet.max_row == 1
