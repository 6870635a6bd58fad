"""新建填报 in Chromium: 茂县's accountant lands on the workspace after logging in, is told in Chinese that a
year without catalog cannot be created, then creates the 2020 final accounts from the 2019 ones (amounts
kept) and sees what was copied. The 403 and 404 pages are Chinese, in the site's layout, with the reason.
Screenshots: tests/artifacts/create-*.png, error-*.png."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from disclosures.models import ExpenseLine, Filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accountant_creates_a_filing_from_last_year(page, live_server, login, screenshot, demo):
    url = live_server.url
    login(page, "maoxian", demo.passwords["maoxian"])
    assert page.url == url + reverse("disclosures:workspace")  # the accountant's landing page

    page.get_by_role("link", name="新建填报").click()
    page.fill("#id_year", "2031")
    page.select_option("#id_kind", "final")
    with page.expect_navigation():
        page.get_by_role("button", name="创建填报").click()
    assert "2031年的政府收支分类科目（支出功能分类、部门预算支出经济分类）尚未导入" in page.inner_text(".error-summary")
    screenshot(page, "create-no-catalog", full_page=False)

    page.fill("#id_year", "2020")
    page.select_option("#id_kind", "final")
    page.check("#id_copy_from_last_year")
    page.check("input[name=amounts][value=keep]")
    screenshot(page, "create-form", full_page=False)
    with page.expect_navigation():
        page.get_by_role("button", name="创建填报").click()
    created = Filing.objects.get(department__name="茂县信访局", fiscal_year__year=2020, kind="final")
    source = Filing.objects.get(department__name="茂县信访局", fiscal_year__year=2019, kind="final")
    assert page.url == url + reverse("disclosures:filing_detail", args=[created.pk])
    text = page.inner_text("main")
    assert "已创建茂县信访局2020年部门决算（草稿）" in text and "已从茂县信访局2019年部门决算复制" in text and "保留上年金额" in text
    total = ExpenseLine.objects.filter(filing=created).aggregate(s=Sum("actual_amount"))["s"]
    assert total == ExpenseLine.objects.filter(filing=source).aggregate(s=Sum("actual_amount"))["s"] > Decimal("0")
    screenshot(page, "create-done")

    # Creating it again is refused with the reason.
    page.goto(url + reverse("disclosures:filing_new"))
    page.fill("#id_year", "2020")
    page.select_option("#id_kind", "final")
    with page.expect_navigation():
        page.get_by_role("button", name="创建填报").click()
    assert "茂县信访局2020年部门决算已存在，不能重复创建" in page.inner_text(".error-summary")


def test_error_pages_are_chinese_with_the_reason(page, live_server, login_as, screenshot, demo):
    url = live_server.url
    login_as(page, demo.users["maoxian"])
    response = page.goto(url + reverse("disclosures:bureau_dashboard"))
    assert response.status == 403
    assert page.inner_text("h1") == "无权访问"
    assert "仅财政局审核人可以访问。" in page.inner_text("main")
    assert page.locator(".site-header").is_visible() and page.get_by_role("link", name="填报工作台").is_visible()
    screenshot(page, "error-403", full_page=False)

    response = page.goto(url + "/no-such-page/")
    assert response.status == 404
    assert page.inner_text("h1") == "页面不存在" and "Not Found" not in page.content()
    screenshot(page, "error-404", full_page=False)

    other = Filing.objects.exclude(department__name="茂县信访局").first()
    page.goto(url + reverse("disclosures:filing_detail", args=[other.pk]))
    assert "未找到该填报，或无权查看。" in page.inner_text("main")
    icon = page.goto(url + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
