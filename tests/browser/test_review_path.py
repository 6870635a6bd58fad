"""The review path in Chromium (issue #5): the accountant submits, the reviewer returns with a comment,
the accountant resubmits, the reviewer approves and publishes, a visitor opens the public page (also
on a phone-size screen) and downloads the xlsx. Uses the demo's 山海关区信访局 2020 budget (seed 000),
whose checks pass: 支出合计 382.86 万元."""

from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from disclosures.models import AuditEntry, Filing, FilingDocument, ReviewComment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "请在说明中写明“三公”经费变动的主要原因。"
PHONE = {"width": 390, "height": 844}


def test_review_path(browser, page, live_server, login, screenshot, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    filing = demo.shanhaiguan.filing
    url = live_server.url

    # The accountant opens the own filing and submits it from the workspace.
    login(page, "shanhaiguan", demo.passwords["shanhaiguan"])
    page.goto(url + reverse("disclosures:filing_detail", args=[filing.pk]))
    page.click("text=提交审核")
    assert "无错误" in page.inner_text("main")
    screenshot(page, "review-submit-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交审核").click()
    assert "已提交财政局审核" in page.inner_text("main")
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SUBMITTED

    # The reviewer sees it on the dashboard and returns it with a comment on table 7.
    reviewer = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    bureau = reviewer.new_page()
    login(bureau, "shenhe", demo.passwords["shenhe"])
    bureau.goto(url + reverse("disclosures:bureau_dashboard") + "?year=2020")
    dashboard = bureau.inner_text("main")
    assert "山海关区信访局" in dashboard and "已提交" in dashboard and "资阳区信访局" in dashboard
    screenshot(bureau, "review-dashboard")
    bureau.click(f"a[href='{reverse('disclosures:bureau_filing', args=[filing.pk])}']")
    target = next(o for o in bureau.locator("select[name=target]").first.locator("option").all_inner_texts() if o.startswith("表7"))
    bureau.locator("select[name=target]").first.select_option(label=target)
    bureau.locator("textarea[name=text]").first.fill(COMMENT)
    screenshot(bureau, "review-filing")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="退回…").click()
    assert COMMENT in bureau.inner_text("main")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="确认退回").click()
    assert "已退回" in bureau.inner_text("main")
    assert ReviewComment.objects.get(filing=filing).target == target

    # The accountant sees the comment and resubmits.
    page.goto(url + reverse("disclosures:filing_submit", args=[filing.pk]))
    assert COMMENT in page.inner_text("main")
    screenshot(page, "review-resubmit")
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交审核").click()
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SUBMITTED

    # The reviewer approves, then publishes (each after a confirmation page).
    bureau.goto(url + reverse("disclosures:bureau_filing", args=[filing.pk]))
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="审核通过…").click()
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="确认审核通过").click()
    assert "已审核" in bureau.inner_text("main")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="公开…").click()
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="确认公开").click()
    filing.refresh_from_db()
    assert filing.status == Filing.Status.PUBLISHED and filing.published_snapshot
    assert list(AuditEntry.objects.filter(filing=filing, field="状态").order_by("at", "id").values_list("action", flat=True)) == [
        "提交",
        "退回",
        "提交",
        "审核通过",
        "公开",
    ]
    assert FilingDocument.objects.filter(filing=filing, format="xlsx").exists()  # generated in-process on publish
    screenshot(bureau, "review-published")
    reviewer.close()

    # A visitor (no login) goes from the home page to the published filing and downloads the workbook.
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    public = visitor.new_page()
    public.goto(url + "/")
    public.click("text=2020年")
    public.click(f"a[href='{reverse('disclosures:public_filing', args=[filing.pk])}']")
    text = public.inner_text("main")
    assert "山海关区信访局2020年部门预算公开" in text and "382.86" in text
    assert public.locator("svg.chart").count() == 4
    screenshot(public, "review-public-filing")
    with public.expect_download() as download_info:
        public.click("text=全部表格（Excel）")
    workbook_path = tmp_path / "public.xlsx"
    download_info.value.save_as(workbook_path)
    workbook = load_workbook(workbook_path, read_only=True)
    values = [cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    # 山海关 publishes in 元 (seed 001): the workbook's 收支总计 is 3,828,602.02 元 (382.86 万元 on the page)
    assert any(v is not None and str(v).replace(",", "") in {"3828602.02", str(Decimal("3828602.02"))} for v in values)
    visitor.close()

    # The same page on a phone.
    phone = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.goto(url + reverse("disclosures:public_filing", args=[filing.pk]))
    assert "382.86" in mobile.inner_text("main")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1  # no sideways scrolling of the page
    screenshot(mobile, "review-public-filing-phone", full_page=False)
    mobile.goto(url + reverse("disclosures:public_year", args=[2020]))
    screenshot(mobile, "review-public-year-phone", full_page=False)
    phone.close()
