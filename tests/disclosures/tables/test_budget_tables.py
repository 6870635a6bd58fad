"""The national budget set, and Hunan's set chosen by the department's province (added by definitions only)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from disclosures.models import Department, Filing, Province
from disclosures.tables import compute_table, compute_tables, definitions_for, table_set_for
from disclosures.tables.definitions.hunan import DEPT_CLASSES

D = Decimal


@pytest.fixture
def budget_filing(maoxian_2019):
    """The same lines as a 部门预算: the budget tables read the (effective) budget amounts."""
    Filing.objects.filter(pk=maoxian_2019.pk).update(kind=Filing.Kind.BUDGET)
    maoxian_2019.refresh_from_db()
    maoxian_2019.expense_lines.filter(dept_economic_item__code="30217").update(adjusted_amount=D("20000.00"))
    # the 0.40 扶贫 line is a project line nobody classified economically (the seed names no project for it)
    maoxian_2019.expense_lines.filter(function_item__code="2130599").update(dept_economic_item=None, gov_economic_item=None)
    return maoxian_2019


def test_national_budget_set(budget_filing):
    tables = compute_tables(filing=budget_filing)
    assert [(t.number, t.title) for t in tables] == [
        ("1", "部门收支总表"),
        ("2", "部门收入总表"),
        ("3", "部门支出总表"),
        ("4", "财政拨款收支总表"),
        ("5", "一般公共预算支出表"),
        ("6", "一般公共预算基本支出表"),
        ("7", "一般公共预算“三公”经费支出表"),
        ("8", "政府性基金预算支出表"),
        ("9", "国有资本经营预算支出表"),
    ]
    by_key = {t.key: t for t in tables}
    gpb = by_key["budget_gpb_expense"]
    # effective budget: the adjusted 公务接待费 (2.00 instead of 1.85) replaces the initial amount
    assert gpb.total_row.wan("total") == D("382.46")
    row = gpb.row(code="2010301")
    assert row.amount("personnel") + row.amount("public") == D("1738200.00") and row.wan("public") == D("43.31")
    three = by_key["budget_three_public"].rows[0]
    assert (three.wan("total"), three.wan("vehicle"), three.wan("reception")) == (D("5.22"), D("3.22"), D("2.00"))
    basic = by_key["budget_gpb_basic"].total_row
    assert (basic.wan("personnel"), basic.wan("public")) == (D("274.26"), D("43.31"))
    assert by_key["budget_gov_fund"].empty and by_key["budget_state_capital"].empty


def test_hunan_set_is_chosen_by_the_departments_province(budget_filing, settings):
    settings.DISCLOSURE_TABLE_SETS = {"budget": "national", "final": "national"}
    assert table_set_for(filing=budget_filing) == "national"
    Department.objects.filter(pk=budget_filing.department_id).update(province=Province.HUNAN)
    budget_filing = Filing.objects.select_related("department").get(pk=budget_filing.pk)
    assert table_set_for(filing=budget_filing) == "hunan"
    tables = compute_tables(filing=budget_filing)
    assert len(tables) == 20
    titles = [t.title for t in tables]
    assert titles[3] == "支出预算分类汇总表（按部门预算经济分类）"
    assert titles[4] == "支出预算分类汇总表（按政府预算经济分类）"
    assert titles[6] == "一般公共预算支出预算分类汇总表（按部门预算经济分类）"
    assert titles[7] == "一般公共预算支出预算分类汇总表（按政府预算经济分类）"
    assert titles[19] == "“三公”经费情况表-一般公共预算"


def test_one_installation_holds_departments_of_different_provinces(budget_filing, settings):
    """A Hunan department publishes Hunan's 20 tables beside a Sichuan and a province-less one publishing the default."""
    settings.DISCLOSURE_TABLE_SETS = {"budget": "national", "final": "national"}
    sichuan = Department.objects.create(code="513223-X", name="茂县某局", province=Province.SICHUAN, region="茂县")
    hunan = Department.objects.create(code="430902-X", name="资阳区某局", province=Province.HUNAN, region="资阳区")
    year = budget_filing.fiscal_year
    found = {}
    for department in (budget_filing.department, sichuan, hunan):
        filing = Filing(department=department, fiscal_year=year, kind=Filing.Kind.BUDGET)
        found[department.name] = (table_set_for(filing=filing), len(definitions_for(table_set=table_set_for(filing=filing), filing_kind="budget")))
    assert found == {budget_filing.department.name: ("national", 9), "茂县某局": ("national", 9), "资阳区某局": ("hunan", 20)}


def test_setting_remains_the_default_for_departments_without_a_set(budget_filing, settings):
    settings.DISCLOSURE_TABLE_SETS = {"budget": "hunan", "final": "national"}
    assert budget_filing.department.province == ""
    assert table_set_for(filing=budget_filing) == "hunan"
    Department.objects.filter(pk=budget_filing.department_id).update(province=Province.SICHUAN)
    budget_filing = Filing.objects.select_related("department").get(pk=budget_filing.pk)
    assert table_set_for(filing=budget_filing) == "hunan"


def test_hunan_economic_pairs_agree(budget_filing):
    """支出预算分类汇总表: a row per budget unit under the department's, a column per 经济分类 类 (部门 or 政府)."""
    dept = compute_table(filing=budget_filing, key="hunan_gpb_expense_dept")
    gov = compute_table(filing=budget_filing, key="hunan_gpb_expense_gov")
    assert [(r.kind, r.label) for r in dept.rows] == [
        ("total", "合计"),
        ("subtotal", "茂县信访局"),
        ("item", "茂县信访局"),
        ("item", "茂县信访接待中心"),
    ]
    assert [r.label for r in gov.rows] == [r.label for r in dept.rows]
    for dept_row, gov_row in zip(dept.rows, gov.rows):
        assert dept_row.amount("total") == gov_row.amount("total")
    assert dept.total_row.wan("total") == D("382.46")
    department, main, centre = dept.rows[1:]
    assert (department.wan("e301"), department.wan("e302"), department.wan("e303")) == (D("273.24"), D("107.81"), D("1.02"))
    assert (main.wan("total"), centre.wan("total"), centre.wan("e301")) == (D("309.76"), D("72.70"), D("72.70"))
    # 政府经济分类: the 事业单位's wages are 对事业单位经常性补助 (505), the 机关's 机关工资福利支出 (501)
    assert (gov.rows[3].wan("e505"), gov.rows[3].wan("e501"), gov.rows[2].wan("e501")) == (D("72.70"), D("0.00"), D("200.54"))
    # the unnamed 扶贫 project line has no economic code: counted in 合计, in no 类 column
    assert department.amount("total") - sum(department.amount(f"e{code}") for code, _ in DEPT_CLASSES) == D("4000.00")


def test_hunan_income_table_lists_every_unit(budget_filing):
    """收入预算总表: a row per budget unit, with forms.md's 部门收入总表 columns."""
    table = compute_table(filing=budget_filing, key="hunan_income")
    assert [h.label for h in table.header_rows[0]][:5] == ["单位编码", "单位名称", "合计", "上年结转", "一般公共预算拨款收入"]
    assert [(r.label, r.wan("total"), r.wan("in_gpb")) for r in table.rows] == [
        ("合计", D("382.31"), D("382.31")),
        ("茂县信访局", D("382.31"), D("382.31")),
        ("茂县信访局", D("309.61"), D("309.61")),
        ("茂县信访接待中心", D("72.70"), D("72.70")),
    ]


def test_hunan_final_falls_back_to_national(maoxian_2019, settings):
    settings.DISCLOSURE_TABLE_SETS = {"budget": "hunan", "final": "hunan"}
    Department.objects.filter(pk=maoxian_2019.department_id).update(province=Province.HUNAN)
    maoxian_2019 = Filing.objects.select_related("department").get(pk=maoxian_2019.pk)
    assert table_set_for(filing=maoxian_2019) == "national"
    assert definitions_for(table_set="hunan", filing_kind="final") == []


def test_unknown_table_set_is_a_configuration_error(maoxian_2019, settings):
    settings.DISCLOSURE_TABLE_SETS = {"final": "atlantis"}
    with pytest.raises(ImproperlyConfigured):
        compute_tables(filing=maoxian_2019)


def test_three_public_table_has_last_years_budget_beside_this_years(budget_filing):
    """Budget 表7: 上年预算数 (last year's figures as the 说明 compares them) ‖ 本年预算数 (this year's)."""
    from disclosures.models import PriorYearFigure
    from disclosures.money import from_wan

    for key, amount in (("three_public.overseas", "0"), ("three_public.vehicle", "8.14"), ("three_public.reception", "3.15")):
        PriorYearFigure.objects.update_or_create(filing=budget_filing, key=key, defaults={"amount": from_wan(amount)})
    PriorYearFigure.objects.filter(filing=budget_filing, key="three_public.total").delete()
    table = compute_table(filing=budget_filing, key="budget_three_public")
    assert [h.label for h in table.header_rows[0]] == ["上年预算数", "本年预算数"]
    (row,) = table.rows
    # the entered 公务用车 8.14 has no split: its parts stay zero, the 合计 is the sum of the items entered
    assert [row.wan(f"prior_{k}") for k in ("total", "overseas", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")] == [
        D("11.29"),
        D("0.00"),
        D("8.14"),
        D("0.00"),
        D("0.00"),
        D("3.15"),
    ]
    assert (row.wan("total"), row.wan("reception")) == (D("5.22"), D("2.00"))
