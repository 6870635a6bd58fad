"""The correction path in Chromium (公开更正): 资阳's accountant opens the published 2020 budget, starts 发起更正,
rewrites a reason of the 说明 in the new version and submits it; the reviewer, who lands on 公开进度 after
logging in, approves and publishes it; the public page then shows the corrected version with its note, and
the accountant's 消息 list has the 已审核通过 and 已公开 messages. Screenshots: tests/artifacts/correction-*.png."""

import pytest
from django.urls import reverse

from disclosures.models import Filing, Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "“三公”经费变动原因表述有误，予以更正。"
REASON = "更正后：严格执行公务接待标准，接待批次减少。"


def test_correction_path(browser, page, live_server, login, screenshot, demo, settings, tmp_path):
    from demo.workflow import advance_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    advance_demo(demo)
    url = live_server.url
    original = Filing.objects.get(department__name__contains="资阳", fiscal_year__year=2020, kind="budget", version=1)
    assert original.status == Filing.Status.PUBLISHED

    # The accountant starts the correction from the published filing's page.
    login(page, "ziyang", demo.passwords["ziyang"])
    page.goto(url + reverse("disclosures:filing_detail", args=[original.pk]))
    page.fill("#correction-note", NOTE)
    screenshot(page, "correction-start")
    with page.expect_navigation():
        page.get_by_role("button", name="发起更正").click()
    correction = Filing.objects.get(supersedes=original)
    assert page.url == url + reverse("disclosures:filing_detail", args=[correction.pk])
    assert (correction.version, correction.status) == (2, Filing.Status.DRAFT)
    assert "已创建第2版（更正）" in page.inner_text("main")

    # It edits the new version: the reasons of the 说明 (the demo published version 1 without two of them).
    page.goto(url + reverse("disclosures:filing_text", args=[correction.pk]))
    slot = "change.gpb_expense"
    page.fill(f"textarea[name='reason:{slot}']", REASON)
    page.fill("textarea[name='reason:change.fiscal_total']", "财政拨款随人员经费增加。")
    with page.expect_navigation():
        page.get_by_role("button", name="保存原因").click()
    assert "原因已保存" in page.inner_text("main")
    correction.refresh_from_db()
    assert correction.reasons[slot] == REASON
    assert Filing.objects.get(pk=original.pk).reasons.get(slot) != REASON  # the publication is untouched

    # ... and submits it.
    page.goto(url + reverse("disclosures:filing_submit", args=[correction.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交审核").click()
    correction.refresh_from_db()
    assert correction.status == Filing.Status.SUBMITTED

    # The reviewer lands on the dashboard, gets the submission message, approves and publishes.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    bureau = context.new_page()
    login(bureau, "shenhe", demo.passwords["shenhe"])
    assert bureau.url.startswith(url + reverse("disclosures:bureau_dashboard"))
    assert int(bureau.inner_text(".messages-link .count")) >= 1
    bureau.goto(url + reverse("disclosures:notifications"))
    assert f"{correction}已提交，待审核" in bureau.inner_text("main")
    with bureau.expect_navigation():
        bureau.get_by_role("link", name=f"{correction}已提交，待审核").click()
    assert bureau.url == url + reverse("disclosures:bureau_filing", args=[correction.pk])
    assert NOTE in bureau.inner_text("main")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="审核通过…").click()
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="确认审核通过").click()
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="公开…").click()
    screenshot(bureau, "correction-confirm-publish")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="确认公开").click()
    correction.refresh_from_db()
    assert correction.status == Filing.Status.PUBLISHED
    screenshot(bureau, "correction-published")
    context.close()

    # The public reads the corrected version, with the note; the first version points to it.
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    public = visitor.new_page()
    public.goto(url + reverse("disclosures:public_filing", args=[correction.pk]))
    text = public.inner_text("main")
    assert "已更正" in text and NOTE in text and REASON in text
    screenshot(public, "correction-public", full_page=False)
    public.goto(url + reverse("disclosures:public_filing", args=[original.pk]))
    assert "查看更正后的第2版" in public.inner_text("main")
    visitor.close()

    # The accountant was told of the approval and the publication.
    page.goto(url + reverse("disclosures:notifications"))
    listing = page.inner_text("main")
    assert f"{correction}已审核通过" in listing and f"{correction}已公开" in listing
    assert Notification.objects.filter(recipient=demo.users["ziyang"], filing=correction, kind="published").count() == 1
    screenshot(page, "correction-messages")
