"""The whole evaluation round in Chromium: declare a target, enter actuals (a shortfall is refused until it
has a reason), score in the background, download the 项目支出绩效自评表.

Screenshots go to tests/artifacts/ (look at them after a change to the pages).
"""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from evaluations.models import SelfEvaluation
from evaluations.rulesets import ensure_rule_sets
from tests.evaluations.seeds import load_seed_001

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed_001_projects(department, year_2020):
    ensure_rule_sets()  # a transactional test's flush removed the rule sets the data migration made
    return load_seed_001(department=department, year=year_2020)


def test_evaluation_round(page, login_as, screenshot, accountant, live_server, seed_001_projects):
    login_as(page, accountant)
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
    screenshot(page, "evaluation-1-targets")

    # 2. start the self-evaluation and enter actuals; a shortfall without a reason is refused
    page.click("text=开展绩效自评")
    page.wait_for_selector("#evaluation-form")
    evaluation = SelfEvaluation.objects.get(project=project)
    page.fill("#id_executed_amount", "380000.00")
    actuals = {
        "劝返率": "100",
        "重大事件发生率": "96",
        "全区旅游旺季信访稳定": "90",
        "处置及时": "95",
        "协助公安工作": "95",
        "满意率": "100",
        "工作经费控制": "38",
    }
    for result in evaluation.results.select_related("indicator"):
        page.fill(f"[name='result-{result.indicator_id}-actual_value']", actuals[result.indicator.name])
    page.click("#score-button")
    page.wait_for_selector("#error-summary")
    assert "全区旅游旺季信访稳定" in page.inner_text("#error-summary")
    short = evaluation.results.get(indicator__name="全区旅游旺季信访稳定")
    assert page.input_value(f"[name='result-{short.indicator_id}-actual_value']") == "90"  # inputs kept
    assert page.input_value("#id_executed_amount") == "380000.00"
    screenshot(page, "evaluation-2-reason-required")
    page.fill(f"[name='result-{short.indicator_id}-reason']", "个别时段排名靠后，已加强值守")

    # 3. save and score in one action (a background job; the page reloads when it is done)
    page.click("#save-evaluation")
    page.wait_for_selector("text=自评已保存")
    page.wait_for_selector("#total-score", timeout=20000)
    total = page.inner_text("#total-score")
    # execution 9.50; output 50/4 = 12.50 each, one at 90/95 → 11.84; effect 30; satisfaction 10
    assert total == "98.84 分 · 优"
    assert "执行率 = 38.00 ÷ 40.00 = 95.00%；得分 = 95.00% × 10 = 9.50" in page.inner_text("#execution-explanation")
    screenshot(page, "evaluation-3-scored")

    # 4. download the published form
    with page.expect_download() as download:
        page.click("#download-xlsx")
    ws = load_workbook(BytesIO(download.value.path().read_bytes())).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")]
    assert values[0] == "项目支出绩效自评表" and "旅游旺季北戴河工作经费" in values
    assert Decimal("98.84") in [Decimal(str(v)) for v in values if isinstance(v, (int, float))]
