"""The demo publishes a 决算 with its self-evaluations: 资阳's invented 2019 final accounts carry every project's
项目支出绩效自评表 and 项目绩效目标完成情况表, the 部门整体支出绩效自评表 and the scores, on the public page, in
the frozen workbook and in the HTML the PDF is printed from."""

from decimal import Decimal
from io import BytesIO

from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from disclosures.models import Filing, PublicationDocument
from disclosures.selectors.snapshot import published_snapshot

DEPARTMENT_SCORE = "部门整体支出绩效自评：预算执行率100.00%，自评得分99.40分，等级为“优”。"
SHORTFALL = "“信访工作经费”项目绩效自评：预算执行率100.00%，自评得分"


def final(open_demo) -> Filing:
    filing = open_demo.ziyang_prior.final
    assert filing.status == Filing.Status.PUBLISHED and filing.kind == Filing.Kind.FINAL
    return filing


def test_published_final_snapshot_has_scored_self_evaluations(open_demo):
    (part,) = published_snapshot(final(open_demo))["parts"]
    assert part["title"] == "绩效自评情况"
    assert len(part["paragraphs"]) == 9  # eight projects and the department as a whole, none 未完成
    assert part["paragraphs"][0] == "“信访补助支出”项目绩效自评：预算执行率100.00%，自评得分99.70分，等级为“优”。"
    assert part["paragraphs"][-1] == DEPARTMENT_SCORE
    shortfall = next(p for p in part["paragraphs"] if p.startswith(SHORTFALL))
    assert "等级为“良”" in shortfall  # the project that fell short of its targets
    assert not any("未完成" in p for p in part["paragraphs"])
    titles = [g["title"] for g in part["grids"]]
    assert titles == ["绩效自评结果汇总表"] + ["项目支出绩效自评表", "项目绩效目标完成情况表"] * 8 + ["部门（单位）整体支出绩效自评表"]


def test_public_page_shows_the_scores(client, open_demo):
    cache.clear()
    html = client.get(reverse("disclosures:public_filing", args=[final(open_demo).pk])).content.decode()
    assert 'id="part-performance"' in html and "绩效自评结果汇总表" in html
    assert DEPARTMENT_SCORE in html
    assert html.count('<table class="form-grid">') == 18
    assert '<td class="num">99.40</td>' in html


def test_workbook_and_pdf_source_carry_the_forms(open_demo):
    filing = final(open_demo)
    workbook = load_workbook(BytesIO(PublicationDocument.objects.get(filing=filing, format="xlsx").file.read()))
    assert {"绩效自评结果汇总表-430902-XFJ", "部门整体支出绩效自评表-430902-XFJ", "项目支出绩效自评表-430902-2019-001"} <= set(workbook.sheetnames)
    summary = workbook["绩效自评结果汇总表-430902-XFJ"]
    row = next(row for row in summary.iter_rows(values_only=True) if row[0] == "部门整体支出")
    assert [Decimal(str(v)) for v in row[1:3]] == [Decimal("208.46"), Decimal("208.46")]  # 万元, as the 决算 publishes
    assert (row[3], Decimal(str(row[4])), row[5]) == ("100.00%", Decimal("99.40"), "优")
    html = PublicationDocument.objects.get(filing=filing, format="html").file.read().decode()  # what the PDF prints
    assert DEPARTMENT_SCORE in html and html.count('<table class="form-grid">') == 18
