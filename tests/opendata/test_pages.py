"""The open-data pages: county overview, a department across years, search; CSV beside every chart."""

import csv
import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_overview_lists_every_department_with_seed_figures(client, open_demo):
    response = client.get(reverse("opendata:overview", args=[2020]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "山海关区信访局" in html and "资阳区信访局" in html
    assert "382.86" in html and "230.06" in html  # 收支总计, 万元
    assert "14.60" in html  # 山海关's 三公 合计
    assert "612.92" in html  # county total 382.86 + 230.06
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert html.count('class="csv"') >= 3


def test_overview_csv_has_yuan_and_twenty_day_rule(client, open_demo):
    rows = _csv(client.get(reverse("opendata:overview_csv", args=[2020, "departments"])))
    header, body = rows[0], rows[1:]
    by_name = {row[1]: dict(zip(header, row)) for row in body}
    shanhaiguan = by_name["山海关区信访局"]
    assert shanhaiguan["收支总计（元）"] == "3828602.02"
    assert shanhaiguan["基本支出（元）"] == "916602.02"
    assert shanhaiguan["项目支出（元）"] == "2912000.00"
    assert shanhaiguan["公务用车运行维护费（元）"] == "126000.00"
    assert shanhaiguan["公务接待费（元）"] == "19950.50"
    assert shanhaiguan["机关运行经费（元）"] == "76496.27"
    assert shanhaiguan["是否在20日内公开"] == "是"
    assert by_name["资阳区信访局"]["机关运行经费（元）"] == "179200.00"


def test_overview_is_sortable(client, open_demo):
    html = client.get(reverse("opendata:overview", args=[2020]) + "?sort=total&dir=asc").content.decode()
    assert html.index("资阳区信访局") < html.index("山海关区信访局")
    assert 'aria-sort="ascending"' in html
    html = client.get(reverse("opendata:overview", args=[2020]) + "?sort=total&dir=desc").content.decode()
    assert html.index("山海关区信访局") < html.index("资阳区信访局")


def test_function_classes_summed_over_departments(client, open_demo):
    rows = _csv(client.get(reverse("opendata:overview_csv", args=[2020, "functions"])))
    by_code = {row[0]: row for row in rows[1:]}
    # 一般公共服务支出: 山海关 3,608,496.27 + 资阳 2,055,900.00
    assert by_code["201"][1:] == ["一般公共服务支出", "5664396.27"]
    assert sum(float(r[2]) for r in rows[1:]) == pytest.approx(3828602.02 + 2300600.00)


def test_three_public_ranking_and_change_against_last_year(client, open_demo):
    rows = _csv(client.get(reverse("opendata:overview_csv", args=[2020, "three-public"])))
    assert rows[1][2] == "山海关区信访局" and rows[1][3] == "145950.50"
    ziyang = rows[2]
    # 资阳's 2020 budget lists no prior 三公 figure: last year's comes from its published 2019 budget (0.00).
    assert ziyang[2:] == ["资阳区信访局", "0.00", "0.00", "0.00", ""]


def test_department_history_shows_series_and_execution_rate(client, open_demo):
    response = client.get(reverse("opendata:department", args=["430902-XFJ"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2019年部门预算" in html and "2019年部门决算" in html and "2020年部门预算" in html
    assert "215.04" in html and "230.06" in html and "208.46" in html
    assert "96.9%" in html
    rows = _csv(client.get(reverse("opendata:department_csv", args=["430902-XFJ", "execution"])))
    assert rows[1] == ["2019", "2150400.00", "2084600.00", "96.9"]
    assert rows[2] == ["2020", "2300600.00", "", ""]
    series = _csv(client.get(reverse("opendata:department_csv", args=["430902-XFJ", "series"])))
    assert [r[:3] for r in series[1:]] == [["2019", "部门预算", "2150400.00"], ["2019", "部门决算", "2084600.00"], ["2020", "部门预算", "2300600.00"]]


def test_department_page_by_name_and_unknown_department(client, open_demo):
    assert client.get(reverse("opendata:department", args=["资阳区信访局"])).status_code == 200
    assert client.get(reverse("opendata:department", args=["nobody"])).status_code == 404


def test_search_finds_department_function_project_and_indicator(client, open_demo):
    html = client.get(reverse("opendata:search") + "?q=2010308").content.decode()
    assert "信访业务" in html or "2010308" in html
    assert "#table-" in html  # links to the table row
    html = client.get(reverse("opendata:search") + "?q=旅游旺季北戴河").content.decode()
    assert "旅游旺季北戴河工作经费" in html and "#part-performance-1" in html  # its 项目绩效目标表
    html = client.get(reverse("opendata:search") + "?q=劝返率").content.decode()
    assert "劝返率" in html and "山海关区信访局2020年部门预算" in html
    html = client.get(reverse("opendata:search") + "?q=资阳").content.decode()
    assert "资阳区信访局" in html


def test_table_rows_and_projects_have_the_anchors_search_links_to(client, open_demo):
    from opendata.search import search

    results, _count = search(query="旅游旺季北戴河")
    entry = results[0]
    html = client.get(reverse("disclosures:public_filing", args=[entry.filing.pk])).content.decode()
    assert f'id="{entry.entry.anchor}"' in html
    results, _count = search(query="2010308")
    function = next(r for r in results if r.entry.kind == "function")
    html = client.get(reverse("disclosures:public_filing", args=[function.filing.pk])).content.decode()
    assert f'id="{function.entry.anchor}"' in html


def test_pages_are_linked_from_the_public_site(client, open_demo):
    html = client.get(reverse("disclosures:public_home")).content.decode()
    assert reverse("opendata:home") in html and reverse("opendata:api_docs") in html
    html = client.get(reverse("opendata:home")).content.decode()
    assert reverse("opendata:overview", args=[2020]) in html and reverse("opendata:department", args=["430902-XFJ"]) in html


def test_demo_prior_year_matches_what_the_seed_prints_for_it(open_demo):
    """资阳's invented 2019 budget reproduces the prior-year figures seed 000 prints, so its 2020 snapshot
    (与上年相比) is unchanged: 215.04万元 and 机关运行经费 5.00万元."""
    from disclosures.models import Filing, PriorYearFigure

    budget = Filing.objects.get(pk=open_demo.ziyang_prior.budget.pk)
    assert budget.status == Filing.Status.PUBLISHED
    figures = {row["key"]: row["amount"] for row in budget.published_snapshot["key_figures"]}
    prior = {p.key: f"{p.amount:.2f}" for p in PriorYearFigure.objects.filter(filing=open_demo.ziyang.filing)}
    assert prior == {"total": "2150400.00", "income": "2150400.00", "expense": "2150400.00", "operating_costs": "50000.00"}
    for key, value in prior.items():
        assert figures[key] == value
    snapshot_2020 = {row["key"]: row for row in open_demo.ziyang.filing.published_snapshot["key_figures"]}
    assert snapshot_2020["total"]["amount"] == "2300600.00" and snapshot_2020["total"]["prior"] == "2150400.00"
    assert snapshot_2020["operating_costs"]["prior"] == "50000.00"
