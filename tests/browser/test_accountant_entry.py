"""The accountant's acceptance path in Chromium (issue #2): open the own filing, edit a line in the admin,
download the upload template, upload it back with one bad row and see that row's error, and get 404 for
another department's filing."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from disclosures.models import ExpenseLine, Filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accountant_entry_path(page, live_server, login, screenshot, demo, tmp_path):
    accountant = demo.accountant
    filing = Filing.objects.get(department=accountant.membership.department, status=Filing.Status.DRAFT)
    other = Filing.objects.exclude(department=filing.department).first()
    login(page, "maoxian", demo.passwords["maoxian"])

    # The workspace lists the own filing; open it.
    page.goto(live_server.url + reverse("disclosures:workspace"))
    assert "茂县信访局" in page.inner_text("main")
    assert "山海关区信访局" not in page.inner_text("main")
    page.click(f"a[href='{reverse('disclosures:filing_detail', args=[filing.pk])}']")
    assert "汇总数" in page.inner_text("main")
    screenshot(page, "entry-filing-detail")

    # Edit the first expense line's budget in the admin and save.
    page.click("text=在管理后台录入、修改明细")
    screenshot(page, "entry-admin-form")
    first = ExpenseLine.objects.filter(filing=filing).order_by("function_item__code", "dept_economic_item__code", "id").first()
    field = page.locator("#id_expense_lines-0-budget_amount")
    line_id = page.locator("input[name='expense_lines-0-id']").input_value()
    assert int(line_id) == first.pk
    field.fill("123456.78")
    screenshot(page, "entry-admin-edit", full_page=False)
    with page.expect_navigation():
        page.click("input[name='_save']")
    assert "成功" in page.inner_text("body")
    first.refresh_from_db()
    assert first.budget_amount == Decimal("123456.78")

    # Download the expense template from the filing page.
    page.goto(live_server.url + reverse("disclosures:filing_detail", args=[filing.pk]))
    with page.expect_download() as download_info:
        page.click(f"a[href='{reverse('disclosures:import_template', args=[filing.pk, 'expense'])}']")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook["支出"]
    headers = [c.value for c in sheet[1]]
    assert headers[1] == "支出功能分类科目编码" and sheet.cell(row=1, column=2).comment is not None

    # Fill it: one good row and one bad row (an amount that is not a number).
    def put(row, values):
        for header, value in values.items():
            sheet.cell(row=row, column=headers.index(header) + 1, value=value)

    good = {
        "支出功能分类科目编码": "2010308",
        "部门预算经济分类科目编码": "30201",
        "支出类型": "基本支出-日常公用经费",
        "资金来源": "一般公共预算财政拨款",
        "年初预算数（元）": 1036.03,
    }
    put(3, good)
    put(4, {**good, "部门预算经济分类科目编码": "30202", "年初预算数（元）": "一千元"})
    upload = tmp_path / "支出.xlsx"
    workbook.save(upload)
    count_before = ExpenseLine.objects.filter(filing=filing).count()

    page.goto(live_server.url + reverse("disclosures:filing_import", args=[filing.pk]))
    page.select_option("#id_kind", "expense")
    page.set_input_files("#id_file", str(upload))
    with page.expect_navigation():
        page.click("button:has-text('上传并预览')")
    text = page.inner_text("main")
    assert "第4行“年初预算数（元）”：金额“一千元”不是有效的金额" in text
    assert page.locator("tr.row-error").count() == 1
    assert page.locator("tr.row-new").count() == 1
    assert page.locator("input[name='token']").count() == 0
    screenshot(page, "entry-import-preview-error")
    assert ExpenseLine.objects.filter(filing=filing).count() == count_before

    # Fix the row, upload again, confirm: both rows are added and the amount is exact.
    put(4, {"年初预算数（元）": 1000})
    workbook.save(upload)
    page.set_input_files("#id_file", str(upload))
    with page.expect_navigation():
        page.click("button:has-text('上传并预览')")
    assert "检查通过" in page.inner_text("main")
    with page.expect_navigation():
        page.click("button:has-text('确认导入')")
    assert "导入成功" in page.inner_text("main"), page.inner_text("main")
    screenshot(page, "entry-import-done")
    assert ExpenseLine.objects.filter(filing=filing).count() == count_before + 2
    added = ExpenseLine.objects.get(filing=filing, function_item__code="2010308", dept_economic_item__code="30201")
    assert added.budget_amount == Decimal("1036.03")

    # Another department's filing by URL: 404, in the workspace and in the admin.
    response = page.goto(live_server.url + reverse("disclosures:filing_detail", args=[other.pk]))
    assert response.status == 404
    response = page.goto(live_server.url + reverse("admin:disclosures_filing_change", args=[other.pk]))
    assert response.status == 404
    assert re.search(r"(?i)not found|未找到", page.content())
