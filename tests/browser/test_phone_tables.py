"""On a phone (375 px wide), wide tables scroll sideways inside their box instead of squeezing to one
character per line (表4 did), the page itself never scrolls sideways, and the bureau's dashboard fits.
Screenshots: tests/artifacts/phone-*.png."""

import pytest
from django.urls import reverse

from disclosures.models import Filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}

#: The tallest body row of a table relative to its font size: a squeezed table wraps every label
#: character by character, so its rows grow many lines tall.
ROW_LINES_JS = """
(table) => Math.max(...[...table.querySelectorAll('tbody tr')].map(
  (tr) => tr.getBoundingClientRect().height / parseFloat(getComputedStyle(tr).fontSize)))
"""


def _page_fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways"


def test_wide_table_scrolls_inside_its_box_on_a_phone(browser, live_server, screenshot, demo, login_as, settings, tmp_path):
    from demo.workflow import advance_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    advance_demo(demo)
    filing = Filing.objects.filter(status=Filing.Status.PUBLISHED, department__name__contains="山海关").order_by("-version").first()
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + reverse("disclosures:public_filing", args=[filing.pk]))
    box = page.locator("#table-4")
    box.scroll_into_view_if_needed()
    screenshot(page, "phone-table-4", full_page=False)
    _page_fits(page)
    table = box.locator("table")
    assert box.evaluate("(el) => el.scrollWidth > el.clientWidth"), "表4 should scroll inside its box"
    assert table.evaluate(ROW_LINES_JS) < 4, "表4's rows wrap character by character"
    box.evaluate("(el) => el.scrollLeft = el.scrollWidth")
    screenshot(page, "phone-table-4-scrolled", full_page=False)

    # The bureau's dashboard fits the phone: its table scrolls in its box, the page does not.
    login_as(page, demo.users["shenhe"])
    page.goto(live_server.url + reverse("disclosures:bureau_dashboard") + "?year=2020")
    _page_fits(page)
    screenshot(page, "phone-dashboard", full_page=True)
    context.close()
