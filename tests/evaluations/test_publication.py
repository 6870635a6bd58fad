"""The performance disclosure in a published filing: snapshot, public page, xlsx and HTML/PDF document.

A published 决算 (seed 003, 茂县信访局 2019) carries each evaluated project's 项目支出绩效自评表 and
项目绩效目标完成情况表 with the scores; a published budget (seed 001, 山海关区信访局 2020) every project's
项目绩效目标表 and the 部门整体 target. disclosures reads them through its parts registry only.
"""

import json
from decimal import Decimal
from io import BytesIO

import pytest
from disclosures.views.public_cache import public_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from disclosures.models import Filing, FilingDocument, Project, PublicationDocument
from disclosures.parts import parts_from_json, publication_parts
from disclosures.parts.xlsx import grid_workbook
from disclosures.services import workflow
from disclosures.services.generation import filing_generate_documents
from disclosures.services.prepared import snapshot_prepare
from disclosures.selectors.facts import filing_facts
from disclosures.selectors.snapshot import build_snapshot, published_snapshot
from evaluations import services
from evaluations.models import DepartmentTarget, Indicator, IndicatorResult
from evaluations.publication import performance_parts
from tests.disclosures.workflow_fixtures import publish

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache().clear()
    yield
    public_cache().clear()


def _evaluate(project: Project, user, actuals: dict[str, tuple]) -> None:
    evaluation = services.evaluation_start(owner=project, user=user)
    results = []
    for indicator in project.indicators.all():
        value, band, chosen = actuals.get(indicator.name, (None, "", None))
        results.append(
            services.ResultInput(
                indicator=indicator, actual_value=value, band=band, chosen_score=chosen, reason="目标设定偏低" if value and value >= 117 else ""
            )
        )
    services.evaluation_save(evaluation=evaluation, user=user, amounts={}, execution_reason="", goal_result="", results=results)


@pytest.fixture
def evaluated_approved(clean_filing, accountant, reviewer):
    """Seed 003 with two of its three projects self-evaluated (视频会议 finished, 疑难问题 without its qualitative
    score), approved."""
    video = Project.objects.get(filing=clean_filing, code="XF-01")
    special = Project.objects.get(filing=clean_filing, code="XF-02")
    _evaluate(
        special,
        accountant,
        {"召开视频会议次数": (D("4"), "", None), "推动信访工作信息化": (None, "achieved", None), "群众满意度": (D("99"), "", None)},
    )
    _evaluate(
        video,
        accountant,
        {"召开视频会议次数": (D("4"), "", None), "推动信访工作信息化": (None, "achieved", D("30.00")), "群众满意度": (D("95"), "", None)},
    )
    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    return clean_filing


@pytest.fixture
def evaluated_final(evaluated_approved, reviewer, settings, tmp_path):
    """`evaluated_approved`, published."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return publish(evaluated_approved, reviewer)  # with its frozen publication documents (xlsx, HTML, stand-in PDF)


def test_published_final_snapshot_carries_the_self_evaluations(evaluated_final):
    (part,) = published_snapshot(evaluated_final)["parts"]
    assert part["title"] == "绩效自评情况"
    assert part["paragraphs"] == [
        "“信访视频会议系统技术服务费”项目绩效自评：预算执行率100.00%，自评得分100.00分，等级为“优”。",
        "“特殊疑难信访问题专项资金”项目绩效自评：预算执行率100.00%，尚有1项指标未计分，自评未完成。",
        "未开展绩效自评的项目：信访维稳工作经费。",
    ]
    titles = [g["title"] for g in part["grids"]]
    assert titles == ["绩效自评结果汇总表"] + ["项目支出绩效自评表", "项目绩效目标完成情况表"] * 2
    summary = parts_from_json([part])[0].grids[0]
    assert [c.text for c in summary.rows[1]] == ["信访视频会议系统技术服务费", "23.00", "23.00", "100.00%", "100.00", "优"]
    assert [c.text for c in summary.rows[2]] == ["特殊疑难信访问题专项资金", "25.00", "25.00", "100.00%", "未完成", "未完成"]


@pytest.mark.parametrize("prepared", [True, False], ids=["copied", "computed"])
def test_both_publications_store_the_body_with_the_moment_and_the_parts_beside_it(evaluated_approved, reviewer, prepared):
    """The copy stores the prepared body as it is, the computation the body it computes: the same shape, the
    publication's moment and performance parts in their columns, filled in by the one reader."""
    filing = evaluated_approved
    if prepared:
        assert snapshot_prepare(filing=filing) is not None
    workflow.filing_publish(filing=filing, user=reviewer)

    row = Filing.objects.get(pk=filing.pk)
    assert row.published_snapshot["published_at"] is None and row.published_snapshot["parts"] is None
    assert row.published_parts and row.published_parts == json.loads(json.dumps(publication_parts(filing=row)))
    snapshot = published_snapshot(row)
    assert snapshot["published_at"] == row.published_at.isoformat() and snapshot["parts"] == row.published_parts
    assert list(snapshot) == list(row.published_snapshot)  # the keys in the stored order
    fresh = Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk)
    assert snapshot == json.loads(json.dumps(build_snapshot(filing=fresh, published_at=fresh.published_at)))


def test_public_page_shows_the_forms_from_the_snapshot(client, evaluated_final):
    IndicatorResult.objects.filter(evaluation__project__code="XF-02").update(chosen_score=D("30.00"))  # after publication
    text = client.get(reverse("disclosures:public_filing", args=[evaluated_final.pk])).content.decode()
    assert 'id="part-performance"' in text
    assert text.count('<table class="form-grid">') == 5
    assert "项目支出绩效自评表" in text and "项目绩效目标完成情况表" in text
    assert "自评得分100.00分，等级为“优”" in text
    assert "尚有1项指标未计分，自评未完成" in text  # as published, not the later pick


def test_documents_include_the_forms(evaluated_final):
    """The publication's frozen documents carry the forms as the snapshot has them, even after a later rescoring."""
    IndicatorResult.objects.filter(evaluation__project__code="XF-02").update(chosen_score=D("30.00"))
    xlsx = PublicationDocument.objects.get(filing=evaluated_final, format="xlsx")
    workbook = load_workbook(BytesIO(xlsx.file.read()))
    names = workbook.sheetnames
    assert {"项目支出绩效自评表-XF-01", "项目绩效目标完成情况表-XF-02", f"绩效自评结果汇总表-{evaluated_final.department.code}"} <= set(names)
    sheet = workbook["项目支出绩效自评表-XF-01"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "项目支出绩效自评表" in values and Decimal("100.00") in values and "优" in values
    html = PublicationDocument.objects.get(filing=evaluated_final, format="html").file.read().decode()
    assert '<section class="form-page" id="part-performance-1">' in html
    assert html.count('<table class="form-grid">') == 5
    assert "尚有1项指标未计分，自评未完成" in html
    filing_generate_documents(filing=evaluated_final, formats=["html"])  # the working copy, from the live data
    live = FilingDocument.objects.get(filing=evaluated_final, format="html").file.read().decode()
    assert "“特殊疑难信访问题专项资金”项目绩效自评：预算执行率100.00%，自评得分" in live


def test_published_budget_carries_every_projects_targets(department, year_2020, accountant):
    from tests.evaluations.seeds import SEED_001, load_seed_001

    projects = load_seed_001(department=department, year=year_2020)
    target = services.department_target_save(
        department=department, fiscal_year=year_2020, user=accountant, overall_goal="维护社会稳定", budget_amount=D("5000000.00")
    )
    Indicator.objects.create(
        department_target=target, level1="output", level2="quantity", name="接待群众来访", comparator="ge", target_value=600, unit="人次"
    )
    filing = projects[0].filing
    snapshot = build_snapshot(filing=filing, published_at=filing.created_at)
    (part,) = snapshot["parts"]
    assert part["title"] == "绩效目标表"
    grids = parts_from_json([part])[0].grids
    assert [g.title for g in grids] == ["项目绩效目标表"] * 5 + ["部门整体支出绩效目标表"]
    assert [g.rows[0][1].text for g in grids[:5]] == [p["code"] for p in SEED_001]
    assert grids[5].rows[0][3].text == "500.00"
    assert part["paragraphs"][0] == "本部门2020年项目支出共5个，均编制了绩效目标，各项目绩效目标表如下。"
    projects[4].indicators.all().delete()
    (part,) = build_snapshot(filing=filing, published_at=filing.created_at)["parts"]
    assert part["paragraphs"][0] == "本部门2020年项目支出共5个，其中4个编制了绩效目标，各项目绩效目标表如下。"


def test_budget_without_projects_or_target_has_no_part(department, year_2020):
    filing = Filing.objects.create(department=department, fiscal_year=year_2020, kind=Filing.Kind.BUDGET)
    assert build_snapshot(filing=filing, published_at=filing.created_at)["parts"] == []
    assert not DepartmentTarget.objects.exists()


def test_budget_in_yuan_prints_the_department_target_in_yuan(department, year_2020, accountant):
    """Seed 001 publishes in 元: its 部门整体支出绩效目标表 says 年度预算（元） and prints 5,000,000.00, not 500.00 万元."""
    from tests.evaluations.seeds import load_seed_001

    filing = load_seed_001(department=department, year=year_2020)[0].filing
    Filing.objects.filter(pk=filing.pk).update(amount_unit="yuan")
    filing.refresh_from_db()
    target = services.department_target_save(
        department=department, fiscal_year=year_2020, user=accountant, overall_goal="维护社会稳定", budget_amount=D("5000000.00")
    )
    Indicator.objects.create(
        department_target=target, level1="output", level2="quantity", name="接待群众来访", comparator="ge", target_value=600, unit="人次"
    )
    grid = parts_from_json(build_snapshot(filing=filing, published_at=filing.created_at)["parts"])[0].grids[-1]
    assert [c.text for c in grid.rows[0]][2:] == ["年度预算（元）", "5,000,000.00"]


@pytest.fixture
def evaluated_final_in_yuan(clean_filing, accountant):
    """Seed 003 published in 元 instead of 万元, 视频会议 evaluated (230,000.00元)."""
    Filing.objects.filter(pk=clean_filing.pk).update(amount_unit="yuan")
    clean_filing.refresh_from_db()
    video = Project.objects.get(filing=clean_filing, code="XF-01")
    _evaluate(
        video,
        accountant,
        {"召开视频会议次数": (D("4"), "", None), "推动信访工作信息化": (None, "achieved", D("30.00")), "群众满意度": (D("95"), "", None)},
    )
    return clean_filing


def test_self_evaluation_forms_follow_the_filings_unit(evaluated_final_in_yuan):
    (part,) = build_snapshot(filing=evaluated_final_in_yuan, published_at=evaluated_final_in_yuan.created_at)["parts"]
    summary, evaluation, completion = parts_from_json([part])[0].grids
    assert [c.text for c in summary.rows[0]][1:3] == ["全年预算数（元）", "全年执行数（元）"]
    assert [c.text for c in summary.rows[1]] == ["信访视频会议系统技术服务费", "230,000.00", "230,000.00", "100.00%", "100.00", "优"]
    assert evaluation.rows[2][0].text == "项目资金（元）"
    assert [c.text for c in evaluation.rows[3]][1:4] == ["230,000.00", "230,000.00", "230,000.00"]
    assert evaluation.footer.startswith("计算过程：执行率 = 230,000.00 ÷ 230,000.00 = 100.00%")
    assert completion.rows[2][0].text == "预算执行情况(元)" and completion.rows[2][2].text == "230,000.00"
    text = " ".join(c.text for grid in (summary, evaluation, completion) for row in grid.rows for c in row) + evaluation.footer
    assert "万元" not in text


def test_self_evaluation_forms_in_yuan_in_the_workbook(evaluated_final_in_yuan):
    (part,) = build_snapshot(filing=evaluated_final_in_yuan, published_at=evaluated_final_in_yuan.created_at)["parts"]
    sheet = load_workbook(BytesIO(grid_workbook(parts_from_json([part])[0].grids[:1]))).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == D("230000.00"))
    assert cell.number_format == "#,##0.00"


def test_performance_parts_read_the_same_queries_whatever_the_number_of_evaluations(clean_filing, accountant):
    """The forms of every self-evaluated project come from one read of the projects, their indicators, the
    evaluations and their results: a second evaluated project adds no query (it added a dozen: each form
    read its project's indicators, unit, department and each result's indicator again)."""
    video = Project.objects.get(filing=clean_filing, code="XF-01")
    special = Project.objects.get(filing=clean_filing, code="XF-02")
    _evaluate(video, accountant, {"召开视频会议次数": (D("4"), "", None), "群众满意度": (D("95"), "", None)})
    filing = Filing.objects.select_related("department", "fiscal_year").get(pk=clean_filing.pk)
    with CaptureQueriesContext(connection) as one:
        first = performance_parts(filing_facts(filing=filing))
    _evaluate(special, accountant, {"召开视频会议次数": (D("4"), "", None), "群众满意度": (D("99"), "", None)})
    with CaptureQueriesContext(connection) as two:
        second = performance_parts(filing_facts(filing=filing))
    assert len(first[0].grids) == 3 and len(second[0].grids) == 5
    assert len(two) == len(one) <= 8
