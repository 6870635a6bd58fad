"""The accountant enters a filing's lines in the workspace's line editor (issue #12), in Chromium:
10 expense lines typed in the grid with the keyboard (Tab, Enter), a validation error fixed beside its
cell, 10 lines pasted from Excel (clipboard, Ctrl+V: preview, an error fixed, saved in one go), an
income line that balances the filing, and the totals by 类 and the 收支平衡 as they follow."""

from decimal import Decimal

import pytest
from django.urls import reverse

from disclosures.models import ExpenseLine, Filing, IncomeLine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID_CODES = ["30201", "30202", "30206", "30207", "30211", "30213", "30214", "30216", "30226", "30239"]


def wait_saved(page, count):
    page.wait_for_function("n => document.querySelectorAll('#line-grid tbody tr.grid-row:not(.new-row)').length === n", arg=count)


def totals_text(page):
    return page.inner_text("#grid-totals")


def test_enter_twenty_lines_by_grid_and_paste(page, live_server, login, screenshot, demo):
    filing = Filing.objects.get(department=demo.accountant.membership.department, status=Filing.Status.DRAFT)
    assert filing.amount_unit == "wan" and filing.kind == "final"
    stored = ExpenseLine.objects.filter(filing=filing).count()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "maoxian", demo.passwords["maoxian"])

    page.goto(live_server.url + reverse("disclosures:filing_detail", args=[filing.pk]))
    with page.expect_navigation():
        page.click("text=明细录入")
    assert "支出明细" in page.inner_text(".sheet-tabs")
    assert "本年支出合计\t382.31\t382.31" in totals_text(page)
    assert "收支平衡。" in totals_text(page)

    # 10 lines typed in the grid's new row: 2010350 事业运行 × ten 302 款 of the second unit, in 万元.
    second_unit = filing.department.units.get(is_main=False)
    for index, code in enumerate(GRID_CODES, start=1):
        new = page.locator("#row-new")
        new.locator("[name=unit]").select_option(second_unit.code)
        new.locator("[name=function_item]").click()
        page.keyboard.type("2010350")
        page.keyboard.press("Tab")
        page.keyboard.type(code)
        new.locator("[name=expense_kind]").select_option("public")
        new.locator("[name=budget_amount]").fill(f"0.{index}" if index < 10 else "1")
        new.locator("[name=actual_amount]").fill(f"0.{index}" if index < 10 else "1")
        if index == 3:
            # A typo: the message is beside the cell, nothing is saved, the row keeps what was typed.
            new.locator("[name=actual_amount]").fill("0.3.1")
            new.locator("[name=actual_amount]").press("Enter")
            page.wait_for_selector("#row-new td.has-error .cell-error")
            assert page.inner_text("#row-new td.has-error .cell-error") == "金额“0.3.1”不是有效的金额"
            assert page.locator("#row-new [name=function_item]").input_value() == "2010350"
            assert ExpenseLine.objects.filter(filing=filing).count() == stored + 2
            screenshot(page, "line-editor-error", full_page=False)
            page.locator("#row-new [name=actual_amount]").fill("0.3")
        page.locator("#row-new [name=actual_amount]").press("Enter")
        wait_saved(page, stored + index)
        page.wait_for_function("() => document.activeElement && document.activeElement.closest('#row-new')")
    assert ExpenseLine.objects.filter(filing=filing).count() == stored + 10
    line = ExpenseLine.objects.get(filing=filing, unit=second_unit, function_item__code="2010350", dept_economic_item__code="30239")
    assert line.budget_amount == Decimal("10000.00") and line.actual_amount == Decimal("10000.00")
    page.wait_for_function("() => document.querySelector('#grid-totals').innerText.includes('387.81')")
    assert "本年支出合计\t387.81\t387.81" in totals_text(page)  # 382.31 + 5.50
    assert "收支不平衡：差额 -5.50 万元。" in totals_text(page)
    screenshot(page, "line-editor-grid")

    # Edit a stored line in place: ↓ moves to the next row and saves the one left.
    first = page.locator("#line-grid tbody tr.grid-row").first
    first_line = ExpenseLine.objects.get(pk=int(first.get_attribute("id").removeprefix("row-")))
    first.locator("[name=budget_amount]").fill("42.5")
    first.locator("[name=budget_amount]").press("ArrowDown")
    page.wait_for_function(
        "() => document.activeElement.id.endsWith('-budget_amount') && !document.activeElement.closest('tr').isSameNode(document.querySelector('#line-grid tbody tr'))"
    )
    page.wait_for_function(f"() => document.querySelector('#row-{first_line.pk} [name=budget_amount]').value === '42.50'")
    first_line.refresh_from_db()
    assert first_line.budget_amount == Decimal("425000.00")
    # ←/→ leave a cell only from the caret's ends.
    cell = page.locator(f"#row-{first_line.pk} [name=budget_amount]")
    cell.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == f"row-{first_line.pk}-adjusted_amount"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.id") == f"row-{first_line.pk}-budget_amount"
    page.keyboard.press("ArrowLeft")  # the caret moves inside the text first
    assert page.evaluate("document.activeElement.id") == f"row-{first_line.pk}-budget_amount"

    # 10 lines copied from Excel: Ctrl+V in the grid opens the paste box with its preview.
    rows = [f"茂县信访局\t2010302\t{code}\t基本支出-日常公用经费\t\t一般公共预算财政拨款\t0.2\t\t0.2\t" for code in GRID_CODES]
    rows[4] = rows[4].replace("\t0.2\t\t0.2\t", "\t0.2\t\t两千元\t")
    page.evaluate("text => navigator.clipboard.writeText(text)", "\n".join(rows))
    page.locator("#line-grid tbody tr.grid-row").nth(2).locator("[name=note]").click()
    page.keyboard.press("Control+V")
    page.wait_for_selector("#paste-result table.paste-preview")
    preview = page.inner_text("#paste-result")
    assert "共 10 行：新增 9 行，更新 0 行，有错误的行 1 行" in preview
    assert "第5行“决算数（万元）”：金额“两千元”不是有效的金额" in preview
    assert page.locator("#paste-apply").count() == 0
    screenshot(page, "line-editor-paste-error", full_page=False)
    page.fill("#paste-text", page.input_value("#paste-text").replace("两千元", "0.2"))
    page.click("#paste-box button:has-text('预览')")
    page.wait_for_selector("#paste-apply")
    assert "共 10 行：新增 10 行，更新 0 行。金额单位：万元。" in page.inner_text("#paste-result")
    screenshot(page, "line-editor-paste-preview", full_page=False)
    with page.expect_navigation():
        page.click("#paste-apply")
    assert "粘贴的行已保存：“支出”表新增10行，更新0行" in page.inner_text("main")
    assert ExpenseLine.objects.filter(filing=filing, function_item__code="2010302", expense_kind="public").count() == 10
    # 382.31 + 5.50 + 2.00 (pasted) + 41.50 − 0... (the first line's budget went 42.00 → 42.50)
    expected_budget = Decimal("382.31") + Decimal("5.50") + Decimal("2.00") + (Decimal("425000.00") - Decimal("420000.00")) / 10000
    assert f"本年支出合计\t{expected_budget:,.2f}\t389.81" in totals_text(page)

    # The 收入 sheet: an income line of 7.50 万元 brings the 收支平衡 of the 决算数 back.
    page.click(".sheet-tabs >> text=收入")
    new = page.locator("#row-new")
    new.locator("[name=source]").select_option("gpb")
    new.locator("[name=function_item]").fill("2010350")
    new.locator("[name=budget_amount]").fill("7.5")
    new.locator("[name=actual_amount]").fill("7.5")
    new.locator("[name=actual_amount]").press("Enter")
    page.wait_for_function("() => document.querySelector('#grid-totals').innerText.includes('389.81\\t389.81')")
    text = totals_text(page)
    assert "本年收入\t389.81\t389.81" in text
    assert "收支平衡。" in text
    assert IncomeLine.objects.filter(filing=filing, actual_amount=Decimal("75000.00")).count() == 1
    screenshot(page, "line-editor-income-balanced")

    # Delete a line: gone from the grid and from the totals.
    page.click(".sheet-tabs >> text=支出明细")
    row = page.locator("#line-grid tbody tr.grid-row", has=page.locator("input[value='30239']")).filter(has=page.locator("input[value='2010302']"))
    row.locator("button:has-text('删除')").click()
    page.wait_for_function("() => document.querySelector('#grid-totals').innerText.includes('389.61')")
    assert ExpenseLine.objects.filter(filing=filing).count() == stored + 19


def test_accountant_path_from_new_filing_to_submit(page, live_server, login, screenshot, demo):
    """新建填报 in the workspace, 20 expense lines (10 typed, 10 pasted), a code of the wrong level fixed,
    提交审核 refused by the 收支平衡 check and fixed with the income that balances the lines, the 三公 预算数,
    and 提交审核 — without the admin."""
    department = demo.accountant.membership.department
    assert not Filing.objects.filter(department=department, fiscal_year__year=2020).exists()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login(page, "maoxian", demo.passwords["maoxian"])

    page.goto(live_server.url + reverse("disclosures:workspace"))
    with page.expect_navigation():
        page.click("text=新建填报")
    page.fill("#id_year", "2020")
    page.select_option("#id_kind", "budget")
    with page.expect_navigation():
        page.click("button:has-text('创建填报')")
    filing = Filing.objects.get(department=department, fiscal_year__year=2020, kind="budget")
    assert filing.status == Filing.Status.DRAFT and filing.amount_unit == "wan"
    with page.expect_navigation():
        page.click("text=明细录入")
    assert "暂无支出明细" in totals_text(page)

    # 10 lines typed in the grid (2010301 行政运行, ten 302 款, 0.1 … 1.0 万元); a 款 typed where a 项 goes.
    for index, code in enumerate(GRID_CODES, start=1):
        new = page.locator("#row-new")
        new.locator("[name=function_item]").click()
        page.keyboard.type("20103" if index == 1 else "2010301")
        page.keyboard.press("Tab")
        page.keyboard.type(code)
        new.locator("[name=expense_kind]").select_option("public")
        new.locator("[name=budget_amount]").fill("1" if index == 10 else f"0.{index}")
        new.locator("[name=budget_amount]").press("Enter")
        if index == 1:
            page.wait_for_selector("#row-new td.has-error .cell-error")
            assert "“20103”不是7位的支出功能分类科目编码" in page.inner_text("#row-new td.has-error")
            page.locator("#row-new [name=function_item]").fill("2010301")
            page.locator("#row-new [name=function_item]").press("Enter")
        wait_saved(page, index)
    page.wait_for_function("() => document.querySelector('#grid-totals').innerText.includes('5.50')")
    assert "201 一般公共服务支出\t5.50" in totals_text(page)

    # 10 lines pasted from Excel with the grid's columns (no 决算 columns in a budget filing).
    rows = [f"茂县信访局\t2010350\t{code}\t基本支出-日常公用经费\t\t一般公共预算财政拨款\t0.2\t" for code in GRID_CODES]
    page.evaluate("text => navigator.clipboard.writeText(text)", "\n".join(rows))
    page.locator("#row-new [name=note]").click()
    page.keyboard.press("Control+V")
    page.wait_for_selector("#paste-apply")
    assert "共 10 行：新增 10 行，更新 0 行。金额单位：万元。" in page.inner_text("#paste-result")
    with page.expect_navigation():
        page.click("#paste-apply")
    assert ExpenseLine.objects.filter(filing=filing).count() == 20
    assert "本年支出合计\t7.50" in totals_text(page)
    assert "收支不平衡：差额 -7.50 万元。" in totals_text(page)
    screenshot(page, "line-editor-new-filing-expense")

    # 提交审核 is refused by the 收支平衡 check, which names the difference.
    page.goto(live_server.url + reverse("disclosures:filing_detail", args=[filing.pk]))
    with page.expect_navigation():
        page.click("text=提交审核")
    text = page.inner_text("main")
    assert "收入总计0.00万元" in text and "不等于支出总计7.50万元" in text
    assert "请先改正以上错误，再提交审核。" in text and page.locator("button:has-text('确认提交审核')").count() == 0
    screenshot(page, "line-editor-submit-refused", full_page=False)

    # Fixed in the grid: the income that funds the lines, and the 收支平衡.
    with page.expect_navigation():
        page.click("a.btn:has-text('打开收入')")
    assert page.url.endswith(reverse("disclosures:line_editor", args=[filing.pk, "income"]))
    new = page.locator("#row-new")
    new.locator("[name=function_item]").fill("2010301")
    new.locator("[name=budget_amount]").fill("7.5")
    new.locator("[name=budget_amount]").press("Enter")
    page.wait_for_function("() => document.querySelector('#grid-totals').innerText.includes('收支平衡。')")
    assert "本年收入\t7.50" in totals_text(page)

    # The 三公 预算数 of the year, entered per item (公务接待费 0.3 万元).
    page.click(".sheet-tabs >> text=三公经费")
    page.fill("#id_budget_reception", "0.3")
    page.fill("#id_reception_batches", "2")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    assert "“三公”经费已保存。" in page.inner_text("main")
    assert page.input_value("#id_budget_reception") == "0.30"
    screenshot(page, "line-editor-three-public")

    # Submit from the filing's page.
    page.goto(live_server.url + reverse("disclosures:filing_detail", args=[filing.pk]))
    with page.expect_navigation():
        page.click("text=提交审核")
    with page.expect_navigation():
        page.click("button:has-text('确认提交审核')")
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SUBMITTED
    assert "已提交" in page.inner_text("main")
    page.goto(live_server.url + reverse("disclosures:line_editor", args=[filing.pk, "expense"]))
    assert page.locator("#row-new").count() == 0 and "当前不能修改" in page.inner_text("main")


@pytest.mark.parametrize("width", [1280, 1400])
def test_the_row_actions_stay_in_view_on_a_narrow_screen(page, live_server, login, demo, width):
    """At 1400 px the grid is wider than its box: its last column, 操作 (删除, 添加), was clipped and could be
    reached only by scrolling sideways. It stays at the box's right edge, over the scrolled columns."""
    filing = Filing.objects.get(department=demo.accountant.membership.department, status=Filing.Status.DRAFT)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "maoxian", demo.passwords["maoxian"])
    page.goto(live_server.url + reverse("disclosures:line_editor_home", args=[filing.pk]))
    box = page.locator(".grid-box").bounding_box()
    assert page.evaluate("() => { const b = document.querySelector('.grid-box'); return b.scrollWidth > b.clientWidth; }")
    for selector in (
        "#line-grid thead th:last-child",
        "#line-grid tbody tr.grid-row:not(.new-row) td.row-actions button",
        "#row-new [data-grid-add]",
    ):
        cell = page.locator(selector).first.bounding_box()
        assert cell["x"] + cell["width"] <= box["x"] + box["width"] + 0.5, selector
    page.locator("#line-grid tbody tr.grid-row:not(.new-row) td.row-actions button").first.click(trial=True)
