"""The whole evaluation round in Chromium: declare a target, enter actuals (a shortfall is refused until it
has a reason), score in the background, download the 项目支出绩效自评表.

Screenshots go to tests/browser/screenshots/ (look at them after a change to the pages).
"""

import os
from io import BytesIO
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from evaluations.models import SelfEvaluation
from tests.evaluations.seeds import load_seed_001

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def seed_001_projects(department, year_2020):
    return load_seed_001(department=department, year=year_2020)


@pytest.fixture
def page(live_server, accountant):
    sync_api = pytest.importorskip("playwright.sync_api")
    client = Client()
    client.force_login(accountant)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        yield page
        browser.close()


def test_evaluation_round(page, live_server, seed_001_projects):
    SHOTS.mkdir(exist_ok=True)
    project = seed_001_projects[0]

    # 1. declare a target
    page.goto(f"{live_server.url}/evaluations/projects/{project.pk}/targets/")
    page.select_option("#id_level1", "output")
    page.select_option("#id_level2", "cost")
    page.fill("#id_name", "工作经费控制")
    page.fill("#id_description", "不超过预算")
    page.select_option("#id_comparator", "le")
    page.fill("#id_target_value", "40")
    page.fill("#id_unit", "万元")
    page.click("#indicator-form button[type=submit]")
    page.wait_for_selector("text=已添加指标“工作经费控制”")
    assert page.locator("#indicator-tree").inner_text().count("工作经费控制") == 1
    page.screenshot(path=str(SHOTS / "evaluation-1-targets.png"), full_page=True)

    # 2. start the self-evaluation and enter actuals; a shortfall without a reason is refused
    page.click("text=开展绩效自评")
    page.wait_for_selector("#evaluation-form")
    evaluation = SelfEvaluation.objects.get(project=project)
    page.fill("#id_executed_amount", "380000.00")
    actuals = {"劝返率": "100", "重大事件发生率": "96", "全区旅游旺季信访稳定": "90", "处置及时": "95", "协助公安工作": "95",
               "满意率": "100", "工作经费控制": "38"}
    for result in evaluation.results.select_related("indicator"):
        page.fill(f"[name='result-{result.indicator_id}-actual_value']", actuals[result.indicator.name])
    page.click("#save-evaluation")
    page.wait_for_selector("text=未完成指标值，须说明原因及改进措施。")
    page.screenshot(path=str(SHOTS / "evaluation-2-reason-required.png"), full_page=True)
    short = evaluation.results.get(indicator__name="全区旅游旺季信访稳定")
    page.fill(f"[name='result-{short.indicator_id}-reason']", "个别时段排名靠后，已加强值守")
    page.click("#save-evaluation")
    page.wait_for_selector("text=自评已保存")

    # 3. score (a background job; the page reloads when it is done)
    page.click("#score-button")
    page.wait_for_selector("#total-score", timeout=20000)
    total = page.inner_text("#total-score")
    # execution 9.50; output 50/4 = 12.50 each, one at 90/95 → 11.84; effect 30; satisfaction 10
    assert total == "98.84 分 · 优"
    assert "执行率 = 38.00 ÷ 40.00 = 95.00%；得分 = 95.00% × 10 = 9.50" in page.inner_text("#execution-explanation")
    page.screenshot(path=str(SHOTS / "evaluation-3-scored.png"), full_page=True)

    # 4. download the published form
    with page.expect_download() as download:
        page.click("#download-xlsx")
    ws = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")]
    assert values[0] == "项目支出绩效自评表" and "旅游旺季北戴河工作经费" in values
    assert 98.84 in [float(v) for v in values if isinstance(v, (int, float))]
