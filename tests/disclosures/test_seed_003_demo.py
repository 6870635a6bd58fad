"""Seed 003 (茂县信访局 2019 年部门决算) and seed 002 as demo.build builds them: figures, text, checks.

The published document rounds and adds by hand; here every number is computed. Where the published
figure differs, the test says which one is right and why.
"""

import re
from decimal import Decimal

import pytest

from disclosures.checks import run_checks
from disclosures.money import format_wan
from disclosures.narrative import draft_sections, percent_matches
from disclosures.selectors.figures import filing_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def maoxian(demo):
    return demo.maoxian.filing


def paragraphs(filing) -> str:
    return "\n".join(p for s in draft_sections(filing=filing) for p in s.paragraphs)


def test_key_figures(maoxian):
    f = filing_figures(filing=maoxian)
    assert format_wan(f.expense.total.amount) == "382.31"
    assert (format_wan(f.expense.basic.amount), format_wan(f.expense.project.amount)) == ("317.41", "64.90")
    assert (format_wan(f.three_public.total.amount), format_wan(f.three_public.vehicle.amount), format_wan(f.three_public.reception.amount)) == (
        "5.07",
        "3.22",
        "1.85",
    )
    assert format_wan(f.operating_costs.total.amount) == "43.16"
    assert (format_wan(f.procurement.total), format_wan(f.procurement.sme), f.procurement.sme_share) == ("23.00", "2.30", Decimal("10.0"))


def test_text_shares_changes_and_published_mistakes(maoxian):
    text = paragraphs(maoxian)
    assert "2019年度收、支总计382.31万元。与2018年相比，收、支总计各增加72.14万元，增长23.3%。" in text  # published "23%"
    for phrase in (
        "一般公共服务（类）支出302.75万元，占79.2%",  # published "79%"
        "社会保障和就业（类）支出36.58万元，占9.6%",
        "卫生健康（类）支出16.57万元，占4.3%",  # published "4.4%" — wrong
        "住房保障（类）支出24.01万元，占6.3%",  # published "6.4%" — wrong
        "农林水（类）支出0.40万元，占0.1%",
        "公共安全（类）支出2.00万元，占0.5%",
    ):
        assert phrase in text
    structure = re.search(r"主要用于以下方面：(.*)", text).group(1)
    assert sum(Decimal(s) for s in re.findall(r"占(\d+\.\d)%", structure)) == Decimal("100.0")
    # The seed's own 4.4% and 6.4% are not roundings of the shares; its 79% and 9.6% are.
    assert not percent_matches(Decimal("16.57"), Decimal("382.31"), "4.4%")
    assert not percent_matches(Decimal("24.01"), Decimal("382.31"), "6.4%")
    assert percent_matches(Decimal("302.75"), Decimal("382.31"), "79%")
    assert (
        "公务用车购置及运行维护费支出决算3.22万元，占63.5%；公务接待费支出决算1.85万元，占36.5%" in text
    )  # published "64%", "36%": one decimal throughout
    assert "公务用车购置及运行维护费支出决算比2018年减少4.92万元，下降60.4%" in text  # published "60%"
    assert "公务接待费支出决算比2018年减少1.30万元，下降41.3%" in text  # published "41%"
    assert "机关运行经费支出43.16万元，比2018年减少7.82万元，下降15.3%" in text  # published "15%"
    assert "授予中小企业合同金额2.30万元，占政府采购支出总额的10.0%" in text


def test_checks_flag_64_5_against_64_90(maoxian):
    report = run_checks(filing=maoxian)
    [error] = [f for f in report.errors if f.check == "projects_total"]
    assert "所列3个项目的决算数合计64.50万元，而支出明细中的项目支出为64.90万元，相差0.40万元" in error.message
    assert "2130599 其他扶贫支出" in str(error.location)
    [rounding] = [w for w in report.warnings if w.check == "basic_split_rounding" and w.location.table == "支出决算表"]
    assert "317.41万元" in rounding.message and "274.26万元＋日常公用经费43.16万元＝317.42万元" in rounding.message


def test_seed_002_self_evaluation_counts_only_the_basic_expense(demo):
    report = run_checks(filing=demo.wangcheng.filing)
    [error] = [f for f in report.errors if f.check == "self_evaluation_total"]
    assert "全年执行数为596.68万元" in error.message
    assert "漏计了项目支出156.50万元" in error.message
