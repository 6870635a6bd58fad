"""A filing publishes in 万元 or in 元 (Filing.amount_unit): every table, the workbook, the HTML and the 说明.

Seed 001 (山海关区信访局 2020 部门预算) publishes in 元: its “三公”经费 145,950.50 元 exactly.
"""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from disclosures.models import Filing
from disclosures.money import AmountUnit, format_amount, in_unit
from disclosures.narrative import render_text
from disclosures.tables import compute_table, compute_tables
from disclosures.tables.html import render_table_html
from disclosures.tables.xlsx import render_workbook

D = Decimal


def test_one_formatting_path_for_both_units():
    assert in_unit(D("145950.50"), AmountUnit.YUAN) == D("145950.50")
    assert in_unit(D("145950.50"), AmountUnit.WAN) == D("14.60")
    assert format_amount(D("145950.50"), AmountUnit.YUAN) == "145,950.50"
    assert format_amount(D("3828602.02"), AmountUnit.WAN) == "382.86"
    assert format_amount(D("0"), AmountUnit.YUAN) == "0.00"


def test_seed_001_tables_are_in_yuan(demo):
    filing = demo.shanhaiguan.filing
    assert filing.amount_unit == AmountUnit.YUAN
    three = compute_table(filing=filing, key="budget_three_public")
    assert three.unit_label == "元"
    row = three.rows[0]
    assert row.printed("total") == D("145950.50")
    assert [row.cell(k).display for k in ("total", "overseas", "vehicle", "vehicle_purchase", "vehicle_running", "reception")] == [
        "145,950.50",
        "0.00",
        "126,000.00",
        "0.00",
        "126,000.00",
        "19,950.50",
    ]
    expense = compute_table(filing=filing, key="budget_expense")
    assert expense.total_row.cell("total").display == "3,828,602.02"
    assert all(t.unit_label == "元" for t in compute_tables(filing=filing))


def test_seed_001_workbook_and_html_in_yuan(demo):
    filing = demo.shanhaiguan.filing
    tables = compute_tables(filing=filing)
    workbook = load_workbook(io.BytesIO(render_workbook(tables)))
    sheet = workbook["表7 一般公共预算“三公”经费支出表"]
    assert [c.value for c in sheet[2] if c.value] == ["编制单位：山海关区信访局", "预算07表\u3000单位：元"]
    body = sheet[sheet.max_row]
    # 上年预算数 (none entered for the new unit) ‖ 本年预算数, as forms.md's 表7
    assert [c.value for c in body] == [0] * 6 + [D("145950.50"), 0, 126000, 0, 126000, D("19950.50")]
    assert body[6].number_format == "#,##0.00"
    html = render_table_html(next(t for t in tables if t.key == "budget_three_public"))
    assert "单位：元" in html and "单位：万元" not in html
    assert ">145,950.50<" in html and ">19,950.50<" in html


def test_seed_001_text_is_in_yuan(demo):
    text = render_text(filing=demo.shanhaiguan.filing)
    assert (
        "“三公”经费预算数为145,950.50元，其中：因公出国（境）费0.00元，公务用车购置费0.00元，公务用车运行维护费126,000.00元，公务接待费19,950.50元"
        in text
    )
    assert "收、支总预算3,828,602.02元" in text
    # 万元 appears only in the names of asset classes (单价50万元以上通用设备), never as the unit of an amount
    assert re.findall(r"[\d.,]+万元", text) == ["50万元", "100万元"]


def test_the_same_filing_in_wan(demo):
    filing = demo.shanhaiguan.filing
    Filing.objects.filter(pk=filing.pk).update(amount_unit=AmountUnit.WAN)
    filing.refresh_from_db()
    three = compute_table(filing=filing, key="budget_three_public")
    assert three.unit_label == "万元" and three.rows[0].cell("total").display == "14.60"
    assert "“三公”经费预算数为14.60万元" in render_text(filing=filing)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (AmountUnit.WAN, "机关运行经费支出43.16万元，比2018年减少7.82万元，下降15.3%"),
        (AmountUnit.YUAN, "机关运行经费支出431,550.00元，比2018年减少78,250.00元，下降15.3%"),
    ],
)
def test_seed_003_changes_against_last_year_follow_the_unit(maoxian_2019, unit, expected):
    """A change is the difference of the two figures as printed in the filing's unit."""
    Filing.objects.filter(pk=maoxian_2019.pk).update(amount_unit=unit)
    maoxian_2019.refresh_from_db()
    assert expected in render_text(filing=maoxian_2019)
