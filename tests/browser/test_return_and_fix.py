"""The return-and-fix path in Chromium: the reviewer returns a filing with a comment on one of its lines
and one on the 说明; the accountant sees the comments in a banner on the filing's page, follows the line's
link to its row in the line editor and fixes it, follows the other to the 说明 and writes the reason in
its labelled field, and resubmits. Screenshots: tests/artifacts/return-*.png."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from disclosures.models import ExpenseLine, Filing, ReviewComment
from disclosures.narrative import draft_sections
from disclosures.services import workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINE_COMMENT = "该条支出请在备注中注明资金用途。"
TEXT_COMMENT = "请在说明中写明变动原因。"


def wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_return_and_fix(browser, page, live_server, login, screenshot, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    filing = demo.shanhaiguan.filing
    url = live_server.url
    accountant = get_user_model().objects.get(username="shanhaiguan")
    if filing.status != Filing.Status.SUBMITTED:
        workflow.filing_submit(filing=filing, user=accountant)
    line = ExpenseLine.objects.filter(filing=filing).order_by("function_item__code", "dept_economic_item__code", "id").first()

    # The reviewer returns it: one comment on the line (its table and 支出明细#id), one on the 说明.
    reviewer = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    bureau = reviewer.new_page()
    login(bureau, "shenhe", demo.passwords["shenhe"])
    bureau.goto(url + reverse("disclosures:bureau_filing", args=[filing.pk]))
    rows = bureau.locator(".comment-row")
    table = next(o for o in rows.nth(0).locator("select[name=target] option").all_inner_texts() if "支出" in o and o.startswith("表"))
    rows.nth(0).locator("select[name=target]").select_option(label=table)
    rows.nth(0).locator("input[name=detail]").fill(f"支出明细#{line.pk}")
    rows.nth(0).locator("textarea[name=text]").fill(LINE_COMMENT)
    rows.nth(1).locator("select[name=target]").select_option(label="说明（文字部分）")
    rows.nth(1).locator("textarea[name=text]").fill(TEXT_COMMENT)
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="退回…").click()
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="确认退回").click()
    assert "已退回" in bureau.inner_text("main")
    reviewer.close()

    # The accountant's workspace lists the return; the filing's page shows the comments in a banner.
    login(page, "shanhaiguan", demo.passwords["shanhaiguan"])
    page.goto(url + reverse("disclosures:workspace"))
    assert "财政局退回意见 2 条" in page.inner_text(f"#return-note-{filing.pk}")
    page.click(f"#return-note-{filing.pk} a")
    banner = page.locator("#return-comments")
    assert LINE_COMMENT in banner.inner_text() and TEXT_COMMENT in banner.inner_text()
    assert "退回" in page.inner_text("#status-history")
    screenshot(page, "return-1-banner")

    # The line's link opens its row in the line editor; the fix is saved on Enter.
    with page.expect_navigation():
        banner.get_by_role("link", name="打开该条支出明细").click()
    assert page.url.endswith(f"#row-{line.pk}")
    note = page.locator(f"#row-{line.pk}-note")
    note.fill("用于信访接待")
    note.press("Enter")
    wait_for(lambda: ExpenseLine.objects.get(pk=line.pk).note == "用于信访接待")
    screenshot(page, "return-2-line-fixed", full_page=False)

    # The 说明's link opens the text page; the reason goes into its labelled field.
    page.goto(url + reverse("disclosures:filing_detail", args=[filing.pk]))
    with page.expect_navigation():
        page.locator("#return-comments").get_by_role("link", name="打开说明").click()
    slots = [slot for section in draft_sections(filing=filing) for slot in section.reasons]
    slot = next((slot for slot in slots if not slot.value), slots[0])  # a reason not written yet, if any
    field = page.locator(f"[id='r-{slot.key}']")
    assert slot.label in page.inner_text(f"label[for='r-{slot.key}']")
    field.fill("机构调整，人员经费增加")
    screenshot(page, "return-3-reason")
    with page.expect_navigation():
        page.click("#save-reasons")
    assert "原因已保存，上年对比数一并保存" in page.inner_text("main")
    filing.refresh_from_db()
    assert filing.reasons[slot.key] == "机构调整，人员经费增加"

    # Resubmitted: the comments are resolved and the banner is gone.
    page.goto(url + reverse("disclosures:filing_submit", args=[filing.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交审核").click()
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SUBMITTED
    assert not ReviewComment.objects.filter(filing=filing, resolved=False).exists()
    page.goto(url + reverse("disclosures:filing_detail", args=[filing.pk]))
    assert page.locator("#return-comments").count() == 0
    assert "提交" in page.inner_text("#status-history")
    screenshot(page, "return-4-resubmitted")
