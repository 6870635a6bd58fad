"""The open-data pages in Chromium, desktop and phone: the county overview, a department across years
and search. Charts come with their data table and a CSV link that the keyboard reaches; text and links
keep WCAG AA contrast; nothing overflows a phone's width. Screenshots go to tests/artifacts/opendata-*.png."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: The WCAG 2 contrast ratio of an element's text against the first opaque background behind it.
CONTRAST_JS = """
(el) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let bg = null, node = el;
  while (node && node.nodeType === 1) { const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; } node = node.parentElement; }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color).slice(0, 3);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def _contrast_ok(page, selectors):
    for selector in selectors:
        for element in page.query_selector_all(selector)[:5]:
            ratio = page.evaluate(CONTRAST_JS, element)
            assert ratio >= 4.5, (selector, element.inner_text(), ratio)


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "page scrolls sideways"


def _tab_to(page, selector, limit=80) -> bool:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return True
    return False


def test_open_data_pages_desktop_and_phone(browser, live_server, screenshot, demo, settings, tmp_path):
    from demo.workflow import advance_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    advance_demo(demo)
    url = live_server.url
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(locale="zh-CN", viewport=viewport, accept_downloads=True)
        context.set_default_timeout(15_000)
        page = context.new_page()

        # From the public home to the overview.
        page.goto(url + reverse("disclosures:public_home"))
        page.get_by_role("link", name="公开数据").first.click()
        page.wait_for_url("**/open/")
        page.get_by_role("link", name="2020年").first.click()
        page.wait_for_url("**/open/2020/")
        main = page.inner_text("main")
        assert "2020年全县部门预决算一览" in main and "山海关区信访局" in main and "382.86" in main and "612.92" in main
        assert page.locator("svg.chart[role=img]").count() == 2
        assert page.locator("#classes-table tbody tr").count() == 4
        if name == "desktop":
            assert _tab_to(page, "a.csv"), "the CSV link is not reachable by keyboard"
        _contrast_ok(page, ["a.csv", ".sortable th a", "td.num", ".crumbs a", ".tabs a", ".site-footer a", ".ok"])
        _fits(page)
        screenshot(page, f"opendata-overview-{name}")
        with page.expect_download() as download:
            page.locator("a.csv").first.click()
        assert download.value.suggested_filename.endswith(".csv")
        # Sorting by 收支总计 descending puts 山海关 first.
        page.get_by_role("link", name="收支总计").click()
        assert page.locator("#departments-table tbody tr").first.inner_text().startswith("山海关区信访局")

        # A department's history: three published filings and the 执行率.
        page.goto(url + reverse("opendata:department", args=["430902-XFJ"]))
        main = page.inner_text("main")
        assert "2019年部门预算" in main and "2019年部门决算" in main and "2020年部门预算" in main and "96.9%" in main
        assert page.locator("#series-budget-table thead th").all_inner_texts() == ["项目", "2019年", "2020年"]
        _contrast_ok(page, ["a.csv", "td.num", ".crumbs a"])
        _fits(page)
        screenshot(page, f"opendata-department-{name}")

        # Search: a 功能分类 code finds its table row, a project name its project.
        page.goto(url + reverse("opendata:search"))
        page.fill("#open-q", "旅游旺季北戴河")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=*")
        results = page.locator("ol.results li")
        assert results.count() >= 1 and "旅游旺季北戴河工作经费" in results.first.inner_text()
        _contrast_ok(page, ["ol.results a", ".badge"])
        _fits(page)
        screenshot(page, f"opendata-search-{name}")
        with page.expect_navigation():
            results.first.locator("a").first.click()
        assert page.url.endswith("#part-performance-1")
        assert "旅游旺季北戴河工作经费" in page.locator(":target").inner_text()
        context.close()
