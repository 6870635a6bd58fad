"""The national final-accounts set reproduces seed 003 (茂县信访局 2019 部门决算)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.models import ExpenseLine
from disclosures.tables import compute_table, compute_tables

from tests.disclosures.seed003 import build_seed_003

D = Decimal


def test_the_nine_final_tables_in_order(maoxian_2019):
    tables = compute_tables(filing=maoxian_2019)
    assert [t.title for t in tables] == [
        "收入支出决算总表",
        "收入决算表",
        "支出决算表",
        "财政拨款收入支出决算总表",
        "一般公共预算财政拨款支出决算表",
        "一般公共预算财政拨款基本支出决算表",
        "一般公共预算财政拨款“三公”经费支出决算表",
        "政府性基金预算财政拨款收入支出决算表",
        "国有资本经营预算财政拨款支出决算表",
    ]
    assert [t.form_code for t in tables][:2] == ["公开01表", "公开02表"]
    assert {t.department_name for t in tables} == {"茂县信访局"}


def test_gpb_expense_table_reproduces_published_figures(maoxian_2019):
    table = compute_table(filing=maoxian_2019, key="final_gpb_expense")
    total = table.total_row
    assert total.label == "合计" and table.rows[0] is total
    assert total.wan("total") == D("382.31")
    assert total.wan("basic") == D("317.41")
    assert total.wan("project") == D("64.90")
    published = {"201": "302.75", "2010301": "173.67", "208": "36.58", "210": "16.57", "221": "24.01", "213": "0.40", "204": "2.00"}
    for code, amount in published.items():
        assert table.row(code=code).wan("total") == D(amount), code


def test_function_rows_are_a_class_款_项_hierarchy_with_computed_subtotals(maoxian_2019):
    table = compute_table(filing=maoxian_2019, key="final_gpb_expense")
    codes = [r.code for r in table.rows if r.code]
    assert codes[:6] == ["201", "20103", "2010301", "2010302", "2010308", "2010350"]
    assert table.row(code="201").kind == "subtotal" and table.row(code="2010301").kind == "item"
    assert table.row(code="20103").label == "政府办公厅（室）及相关机构事务"
    # a 类 is the sum of its 款, a 款 of its 项 (in 元, before any rounding)
    class_201 = table.row(code="201").amount("total")
    assert class_201 == table.row(code="20103").amount("total") + table.row(code="20136").amount("total")
    items = [table.row(code=c).amount("total") for c in ("2010301", "2010302", "2010308", "2010350")]
    assert table.row(code="20103").amount("total") == sum(items)
    # indentation follows the level: 类 0, 款 1, 项 2
    assert [table.row(code=c).cell("name").indent for c in ("201", "20103", "2010301")] == [0, 1, 2]


def test_basic_expense_table_totals(maoxian_2019):
    """公开06 side by side: 人员经费 (301, 303 and their 款) ‖ 公用经费 (302 …), totals on the last row."""
    table = compute_table(filing=maoxian_2019, key="final_gpb_basic")
    total = table.rows[-1]
    assert total.kind == "total" and total.cell("p_code").text == "人员经费合计" and total.cell("u_code").text == "公用经费合计"
    assert (total.wan("personnel"), total.wan("public")) == (D("274.26"), D("43.16"))
    first = table.rows[0]
    assert (first.cell("p_code").text, first.cell("u_code").text) == ("301", "302")
    personnel_classes = [r.cell("p_code").text for r in table.rows if len(r.cell("p_code").text) == 3]
    assert personnel_classes == ["301", "303"]
    assert sum(r.wan("personnel") for r in table.rows if r.cell("p_code").text in ("301", "303")) == D("274.26")
    public = next(r for r in table.rows if r.cell("u_code").text == "302")
    assert public.wan("public") == D("43.16")
    # 款 rows of the 部门经济分类 with names from the catalog
    reception = next(r for r in table.rows if r.cell("u_code").text == "30217")
    assert reception.cell("u_name").text == "公务接待费" and reception.wan("public") == D("1.85")


def test_three_public_table(maoxian_2019):
    table = compute_table(filing=maoxian_2019, key="final_three_public")
    (row,) = table.rows
    for stage in ("budget_", "actual_"):
        assert row.wan(f"{stage}total") == D("5.07")
        assert row.wan(f"{stage}overseas") == D("0.00")
        assert row.wan(f"{stage}vehicle") == D("3.22")
        assert row.wan(f"{stage}vehicle_purchase") == D("0.00")
        assert row.wan(f"{stage}vehicle_running") == D("3.22")
        assert row.wan(f"{stage}reception") == D("1.85")
    labels = [c.label for c in table.header_rows[0]]
    assert labels == ["预算数", "决算数"] and [c.colspan for c in table.header_rows[0]] == [6, 6]


def test_travel_is_not_three_public(maoxian_2019):
    """差旅费 30211 (8万 basic + 9.5万 project) must not reach the 三公 total."""
    line = ExpenseLine.objects.filter(filing=maoxian_2019, dept_economic_item__code="30211").first()
    line.actual_amount += D("10000.00")
    line.save()
    row = compute_table(filing=maoxian_2019, key="final_three_public").rows[0]
    assert row.wan("actual_total") == D("5.07")


def test_empty_government_fund_table_has_the_note(maoxian_2019):
    table = compute_table(filing=maoxian_2019, key="final_gov_fund")
    assert table.empty and table.rows == []
    assert table.note == "注：本部门2019年度没有使用政府性基金预算财政拨款安排的支出，故本表无数据。"
    assert table.header_rows  # the empty table is still published with its headers


def test_summary_is_two_sided_and_balances(maoxian_2019):
    table = compute_table(filing=maoxian_2019, key="final_summary")
    assert [c.label for c in table.header_rows[0]] == ["收入", "支出"]
    last = table.rows[-1]
    assert last.kind == "total" and last.wan("in_amount") == last.wan("out_amount") == D("382.31")
    row = table.row(label="本年收入合计")
    assert row.cell("out_label").text == "本年支出合计"  # the two 本年合计 share a line
    assert row.wan("in_amount") == row.wan("out_amount") == D("382.31")
    assert table.row(label="一、一般公共服务支出").wan("out_amount") == D("302.75")


def test_fiscal_summary_splits_by_fund(maoxian_2019):
    table = compute_table(filing=maoxian_2019, key="final_fiscal_summary")
    row = next(r for r in table.rows if r.cell("out_label").text.endswith("、住房保障支出"))
    assert (row.wan("out_total"), row.wan("out_gpb"), row.wan("out_gov_fund")) == (D("24.01"), D("24.01"), D("0.00"))


def test_income_and_expense_tables(maoxian_2019):
    income = compute_table(filing=maoxian_2019, key="final_income")
    assert income.total_row.wan("total") == income.total_row.wan("fiscal") == D("382.31")
    assert income.row(code="2010301").wan("fiscal") == D("173.67")
    assert income.total_row.wan("business") == D("0.00")
    expense = compute_table(filing=maoxian_2019, key="final_expense")
    assert (expense.total_row.wan("basic"), expense.total_row.wan("project")) == (D("317.41"), D("64.90"))


def test_queries_do_not_grow_with_lines(maoxian_2019):
    with CaptureQueriesContext(connection) as small:
        compute_tables(filing=maoxian_2019)
    bigger = build_seed_003(department_code="513223099", name="茂县信访局（对照）")
    extra = list(ExpenseLine.objects.filter(filing=bigger))
    for line in extra:
        line.pk = None
        line.unit = bigger.department.units.exclude(pk=line.unit_id).first()
    ExpenseLine.objects.bulk_create(extra)
    assert ExpenseLine.objects.filter(filing=bigger).count() == 2 * ExpenseLine.objects.filter(filing=maoxian_2019).count()
    with CaptureQueriesContext(connection) as large:
        tables = compute_tables(filing=bigger)
    assert len(large) == len(small) <= 4
    assert tables[4].total_row.wan("total") == D("764.62")


@pytest.mark.parametrize("key", ["final_gov_fund", "final_state_capital"])
def test_fund_tables_show_fund_lines(maoxian_2019, key):
    source = "gov_fund" if key == "final_gov_fund" else "state_capital"
    ExpenseLine.objects.filter(filing=maoxian_2019, function_item__code="2130599").update(funding_source=source)
    table = compute_table(filing=maoxian_2019, key=key)
    assert not table.empty
    assert table.total_row.wan("total") == D("0.40")
    assert table.row(code="2130599").wan("project") == D("0.40")
    assert compute_table(filing=maoxian_2019, key="final_gpb_expense").total_row.wan("total") == D("381.91")


def test_fund_table_lists_carry_overs_and_income_by_function(maoxian_2019):
    """公开08: 年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余 on every 功能分类 row of the fund."""
    from disclosures.models import CatalogItem, IncomeLine

    ExpenseLine.objects.filter(filing=maoxian_2019, function_item__code="2130599").update(funding_source="gov_fund")
    unit = maoxian_2019.department.units.get(is_main=True)
    item = CatalogItem.objects.get(fiscal_year=maoxian_2019.fiscal_year, kind="function", code="2130599")
    income = IncomeLine.objects.get(filing=maoxian_2019, function_item=item)
    income.source, income.actual_amount = "gov_fund", D("3000.00")
    income.save()
    IncomeLine.objects.create(filing=maoxian_2019, unit=unit, category="opening", source="gov_fund", function_item=item, actual_amount=D("2000.00"))
    IncomeLine.objects.create(filing=maoxian_2019, unit=unit, category="closing", source="gov_fund", function_item=item, actual_amount=D("1000.00"))
    table = compute_table(filing=maoxian_2019, key="final_gov_fund")
    row = table.row(code="2130599")
    assert [row.amount(k) for k in ("opening", "income", "total", "basic", "project", "closing")] == [
        D("2000.00"),
        D("3000.00"),
        D("4000.00"),
        D("0.00"),
        D("4000.00"),
        D("1000.00"),
    ]
    assert table.total_row.amount("opening") + table.total_row.amount("income") == table.total_row.amount("total") + table.total_row.amount("closing")
