"""The 三公 预算数 is a figure the department enters per item, not the budget of the 30212/31013/30231/30217 lines.

Seed 001 (山海关区信访局 2020 部门预算) prints a 三公 预算 of 145,950.50 元 (运行维护 126,000, 接待 19,950.50) while its
机关运行经费 lists 公务用车运行维护费 12,000 and 公务接待费 650.50 from the basic lines: before, a department could
only publish that 预算数 by distorting a line.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from disclosures.models import ExpenseLine, ThreePublicStats
from disclosures.selectors.figures import filing_figures
from disclosures.tables import compute_table

D = Decimal


def enter(filing, **budgets) -> ThreePublicStats:
    stats, _ = ThreePublicStats.objects.get_or_create(filing=filing)
    for item, amount in budgets.items():
        setattr(stats, f"budget_{item}", D(amount))
    stats.full_clean()
    stats.save()
    return stats


def test_final_table_7_budget_columns_read_the_entered_figure(maoxian_2019):
    """Seed 003 with a 三公 预算 of 6.00 万元 entered (运行维护 4.00, 接待 2.00): the 决算数 stays the lines'."""
    enter(maoxian_2019, overseas="0", vehicle_purchase="0", vehicle_operation="40000.00", reception="20000.00")
    (row,) = compute_table(filing=maoxian_2019, key="final_three_public").rows
    assert (row.wan("budget_total"), row.wan("budget_vehicle"), row.wan("budget_vehicle_running"), row.wan("budget_reception")) == (
        D("6.00"),
        D("4.00"),
        D("4.00"),
        D("2.00"),
    )
    assert (row.wan("actual_total"), row.wan("actual_vehicle_running"), row.wan("actual_reception")) == (D("5.07"), D("3.22"), D("1.85"))
    tp = filing_figures(filing=maoxian_2019).three_public
    assert (tp.total.budget, tp.total.actual, tp.total.amount) == (D("60000.00"), D("50700.00"), D("50700.00"))
    assert tp.total.completion == D("84.5")  # 5.07 / 6.00
    assert tp.reception.completion == D("92.5")


def test_not_entered_keeps_the_lines_budget(maoxian_2019):
    (row,) = compute_table(filing=maoxian_2019, key="final_three_public").rows
    assert row.wan("budget_total") == D("5.07")
    enter(maoxian_2019, reception="0.00")  # only one item entered: the others keep their lines' budget
    (row,) = compute_table(filing=maoxian_2019, key="final_three_public").rows
    assert (row.wan("budget_total"), row.wan("budget_reception"), row.wan("budget_vehicle_running")) == (D("3.22"), D("0.00"), D("3.22"))


def test_budget_filing_table_7_and_figures(maoxian_2019):
    """A budget filing's 三公 table (表7) and its 三公 figures are the entered 预算数 (seed 001: 145,950.50 元)."""
    maoxian_2019.kind = "budget"
    maoxian_2019.save()
    enter(maoxian_2019, overseas="0", vehicle_purchase="0", vehicle_operation="126000.00", reception="19950.50")
    (row,) = compute_table(filing=maoxian_2019, key="budget_three_public").rows
    assert row.cell("total").amount == D("145950.50")
    assert (row.cell("vehicle_running").amount, row.cell("reception").amount) == (D("126000.00"), D("19950.50"))
    tp = filing_figures(filing=maoxian_2019).three_public
    assert tp.total.amount == D("145950.50")
    lines = ExpenseLine.objects.filter(filing=maoxian_2019, dept_economic_item__code__in=["30231", "30217"])
    assert sum(line.budget_amount for line in lines) == D("50700.00")  # the lines are left as they are


def test_negative_budget_refused(maoxian_2019):
    with pytest.raises(ValidationError) as refused:
        enter(maoxian_2019, reception="-1.00")
    assert refused.value.message_dict["budget_reception"] == ["金额不能为负数。"]
