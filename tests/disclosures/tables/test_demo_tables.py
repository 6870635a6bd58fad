"""The tables of the demo data (demo.build, from the seeds) reproduce the published figures."""

from decimal import Decimal

import pytest
from disclosures.tables import compute_table, compute_tables


@pytest.fixture
def demo(demo_of_module):
    """The demo built once for this module (tests/conftest.py: demo_built_once); each test in a savepoint of it."""
    return demo_of_module


D = Decimal


def test_maoxian_2019_final_tables_match_seed_003(demo):
    filing = demo.maoxian.filing
    gpb = compute_table(filing=filing, key="final_gpb_expense")
    published = {"201": "302.75", "2010301": "173.67", "208": "36.58", "210": "16.57", "221": "24.01", "213": "0.40", "204": "2.00"}
    assert gpb.total_row.wan("total") == D("382.31")
    for code, amount in published.items():
        assert gpb.row(code=code).wan("total") == D(amount), code
    basic = compute_table(filing=filing, key="final_gpb_basic").rows[-1]
    assert basic.amount("personnel") + basic.amount("public") == gpb.total_row.amount("basic")
    three = compute_table(filing=filing, key="final_three_public").rows[0]
    assert (three.wan("actual_total"), three.wan("actual_vehicle"), three.wan("actual_vehicle_purchase")) == (D("5.07"), D("3.22"), D("0.00"))
    assert (three.wan("actual_vehicle_running"), three.wan("actual_reception")) == (D("3.22"), D("1.85"))
    gov_fund = compute_table(filing=filing, key="final_gov_fund")
    assert gov_fund.empty and gov_fund.note == "注：本部门2019年度没有使用政府性基金预算财政拨款安排的支出，故本表无数据。"


def test_every_demo_filing_computes(demo):
    """资阳 (湖南) publishes Hunan's 20 budget tables; 茂县 (四川), 山海关 (河北) and 望城's 决算 the national forms."""
    provinces = {name: getattr(demo, name).filing.department.province for name in ("maoxian", "shanhaiguan", "ziyang", "wangcheng")}
    assert provinces == {"maoxian": "四川", "shanhaiguan": "河北", "ziyang": "湖南", "wangcheng": "湖南"}
    for name, count in (("maoxian", 9), ("shanhaiguan", 9), ("ziyang", 20), ("wangcheng", 9)):
        filing = getattr(demo, name).filing
        tables = compute_tables(filing=filing)
        assert len(tables) == count, name
        assert {t.table_set for t in tables} == {"hunan" if name == "ziyang" else "national"}, name
        summary = tables[0].rows[-1]
        assert summary.kind == "total" and summary.cell("in_amount").amount == summary.cell("out_amount").amount
