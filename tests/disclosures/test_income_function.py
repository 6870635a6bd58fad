"""Income lines by 功能分类, the expense kinds besides 基本/项目, and the checks that come with them."""

import importlib
from decimal import Decimal
from io import BytesIO

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from openpyxl import load_workbook

from disclosures.checks import ERROR, WARNING, run_checks
from disclosures.imports.preview import preview_upload
from disclosures.imports.resources import UPLOAD_RESOURCES
from disclosures.imports.template import sheet_template
from disclosures.models import CatalogItem, ExpenseKind, ExpenseLine, FundingSource, IncomeLine, Unit
from disclosures.money import from_wan
from disclosures.selectors.figures import filing_figures
from disclosures.services import lines
from tests.disclosures.entry_fixtures import item
from tests.disclosures.imports.helpers import filled_template, save
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db

INCOME_OK = {"类别": "本年收入", "收入来源": "一般公共预算财政拨款", "功能分类科目编码": "2010301", "年初预算数（元）": 1000}


def findings(filing, check: str):
    return [f for f in run_checks(filing=filing).findings if f.check == check]


# --- the upload template and its preview ---------------------------------------------------------------


def test_income_template_has_the_function_column_with_the_years_codes(filing):
    buffer = BytesIO()
    sheet_template(filing=filing, resource=UPLOAD_RESOURCES["income"]()).save(buffer)
    buffer.seek(0)
    book = load_workbook(buffer)
    sheet = book["收入"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:5] == ["预算单位", "类别", "收入来源", "功能分类科目编码", "功能分类科目名称"]
    column = chr(ord("A") + headers.index("功能分类科目编码"))
    validations = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    reference = validations[f"{column}2"]
    options_column = reference.split("!")[1].split(":")[0].replace("$", "")[0]
    codes = [c.value for c in book["选项"][options_column] if c.value]
    expected = sorted(CatalogItem.objects.filter(fiscal_year=filing.fiscal_year, kind="function").values_list("code", flat=True))
    assert codes == [c for c in expected if len(c) == 7] and "2010301" in codes


def test_income_preview_names_row_and_column_of_a_bad_function_code(filing, catalog_2019, tmp_path):
    rows = [
        INCOME_OK,
        {**INCOME_OK, "功能分类科目编码": "2010377"},
        {**INCOME_OK, "收入来源": "事业收入", "功能分类科目编码": "201"},
        {**INCOME_OK, "收入来源": "其他收入", "功能分类科目编码": ""},
    ]
    path = save(filled_template(filing, "income", rows), tmp_path / "income.xlsx")
    result = preview_upload(filing=filing, kind="income", path=path, file_format="xlsx")
    assert result.errors == [
        "第4行“功能分类科目编码”：科目“2010377”不在2020年支出功能分类中",
        "第5行“功能分类科目编码”：“201”不是7位的支出功能分类科目编码",
    ]
    assert [row.status for row in result.rows] == ["example", "new", "error", "error", "new"]
    assert result.rows[1].values["function_item"] == item(filing.fiscal_year, "function", "2010301").pk
    assert result.rows[4].values["function_item"] is None  # optional: older data has none


def test_income_of_two_functions_is_two_lines(filing):
    unit = Unit.objects.get(department=filing.department, is_main=True)
    for code, amount in (("2010301", "100.00"), ("2080505", "50.00")):
        lines.income_line_save(
            line=IncomeLine(
                filing=filing,
                unit=unit,
                source=FundingSource.GENERAL_PUBLIC_BUDGET,
                function_item=item(filing.fiscal_year, "function", code),
                budget_amount=Decimal(amount),
            )
        )
    assert IncomeLine.objects.filter(filing=filing).count() == 2
    with pytest.raises(ValidationError, match="重复"):
        lines.income_line_save(
            line=IncomeLine(
                filing=filing,
                unit=unit,
                source=FundingSource.GENERAL_PUBLIC_BUDGET,
                function_item=item(filing.fiscal_year, "function", "2010301"),
                budget_amount=Decimal("1.00"),
            )
        )


def test_service_refuses_a_function_code_of_another_year(filing, catalog_2019):
    unit = Unit.objects.get(department=filing.department, is_main=True)
    line = IncomeLine(
        filing=filing,
        unit=unit,
        source=FundingSource.GENERAL_PUBLIC_BUDGET,
        function_item=item(catalog_2019, "function", "2010301"),
        budget_amount=Decimal("1.00"),
    )
    with pytest.raises(ValidationError) as refused:
        lines.income_line_save(line=line)
    assert "属于2019年分类科目，与本填报年度（2020年）不一致" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_database_refuses_an_income_code_of_another_year(filing, catalog_2019):
    """The trigger stands behind the service for every writer (bulk_create, raw SQL)."""
    unit = Unit.objects.get(department=filing.department, is_main=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomeLine.objects.bulk_create(
            [
                IncomeLine(
                    filing=filing,
                    unit=unit,
                    source=FundingSource.GENERAL_PUBLIC_BUDGET,
                    function_item=item(catalog_2019, "function", "2010301"),
                    budget_amount=Decimal("1.00"),
                )
            ]
        )
    line = IncomeLine.objects.create(
        filing=filing, unit=unit, source=FundingSource.GENERAL_PUBLIC_BUDGET, function_item=item(filing.fiscal_year, "function", "2010301")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomeLine.objects.filter(pk=line.pk).update(function_item=item(catalog_2019, "function", "2010301"))
    # a filing with only income lines cannot move to another year
    with pytest.raises(IntegrityError), transaction.atomic():
        type(filing).objects.filter(pk=filing.pk).update(fiscal_year=catalog_2019)
    assert connection.vendor in {"sqlite", "postgresql"}


def test_data_migration_fills_only_an_unambiguous_code(filing):
    """One function code among the unit's and source's spending (or the filing's): filled; two: left empty."""
    year = filing.fiscal_year
    main = Unit.objects.get(department=filing.department, is_main=True)
    second = Unit.objects.create(department=filing.department, code="second", name="二级单位", nature=Unit.Nature.PUBLIC_INSTITUTION)
    economic = item(year, "dept_economic", "30101")
    for unit, code in ((main, "2010301"), (main, "2010302"), (second, "2010350")):
        ExpenseLine.objects.create(
            filing=filing,
            unit=unit,
            function_item=item(year, "function", code),
            dept_economic_item=economic,
            expense_kind=ExpenseKind.PERSONNEL,
            budget_amount=Decimal("10.00"),
        )
    ambiguous = IncomeLine.objects.create(filing=filing, unit=main, source=FundingSource.GENERAL_PUBLIC_BUDGET, budget_amount=Decimal("20.00"))
    single = IncomeLine.objects.create(filing=filing, unit=second, source=FundingSource.GENERAL_PUBLIC_BUDGET, budget_amount=Decimal("10.00"))
    migration = importlib.import_module("disclosures.migrations.0006_incomeline_function_fill_and_triggers")
    migration.fill_function_codes(django_apps, None)
    ambiguous.refresh_from_db()
    single.refresh_from_db()
    assert ambiguous.function_item is None
    assert single.function_item.code == "2010350"
    assert [f.severity for f in findings(filing, "income_function_codes")] == [WARNING]
    assert f"收入明细#{ambiguous.pk}" in findings(filing, "income_function_codes")[0].message


# --- expense kinds ---------------------------------------------------------------------------------------


def test_other_expense_kinds_count_in_the_total_without_an_economic_code(filing):
    unit = Unit.objects.get(department=filing.department, is_main=True)
    year = filing.fiscal_year
    for kind, amount in ((ExpenseKind.UPPER, "300.00"), (ExpenseKind.BUSINESS, "200.00"), (ExpenseKind.SUBSIDY, "100.00")):
        lines.expense_line_save(
            line=ExpenseLine(
                filing=filing,
                unit=unit,
                function_item=item(year, "function", "2010350"),
                expense_kind=kind,
                funding_source=FundingSource.BUSINESS,
                budget_amount=Decimal(amount),
            )
        )
    figures = filing_figures(filing=filing)
    assert (figures.expense.upper.amount, figures.expense.business.amount, figures.expense.subsidy.amount) == (
        Decimal("300.00"),
        Decimal("200.00"),
        Decimal("100.00"),
    )
    assert figures.expense.total.amount == Decimal("600.00")
    assert figures.expense.basic.amount == figures.expense.project.amount == Decimal("0.00")
    with pytest.raises(ValidationError):  # 基本支出 still needs its economic code
        lines.expense_line_save(
            line=ExpenseLine(
                filing=filing,
                unit=unit,
                function_item=item(year, "function", "2010301"),
                expense_kind=ExpenseKind.PUBLIC,
                budget_amount=Decimal("1.00"),
            )
        )


# --- 公开04: each source balances on its own ------------------------------------------------------------


def test_fiscal_source_balance_refuses_gpb_income_230_06_against_gpb_spending_228_39(filing):
    """资阳 (seed 000): 230.06 of income all entered as 一般公共预算, of which 1.67 was spent from 其他收入.
    The overall balance holds (230.06 = 230.06), so before this check the filing passed every check."""
    unit = Unit.objects.get(department=filing.department, is_main=True)
    year = filing.fiscal_year
    lines.expense_line_save(
        line=ExpenseLine(
            filing=filing,
            unit=unit,
            function_item=item(year, "function", "2010301"),
            dept_economic_item=item(year, "dept_economic", "30101"),
            expense_kind=ExpenseKind.PERSONNEL,
            budget_amount=from_wan("228.39"),
        )
    )
    lines.expense_line_save(
        line=ExpenseLine(
            filing=filing,
            unit=unit,
            function_item=item(year, "function", "2010301"),
            dept_economic_item=item(year, "dept_economic", "30201"),
            expense_kind=ExpenseKind.PUBLIC,
            funding_source=FundingSource.OTHER,
            budget_amount=from_wan("1.67"),
        )
    )
    income = lines.income_line_save(
        line=IncomeLine(
            filing=filing,
            unit=unit,
            source=FundingSource.GENERAL_PUBLIC_BUDGET,
            function_item=item(year, "function", "2010301"),
            budget_amount=from_wan("230.06"),
        )
    )
    assert findings(filing, "balance") == []
    [error] = findings(filing, "fiscal_source_balance")
    assert error.severity == ERROR and not run_checks(filing=filing).ok
    assert error.location.table == "财政拨款收支总表" and error.location.cell == "一般公共预算财政拨款"
    assert "上年结转0.00万元＋本年收入230.06万元＝230.06万元，而本年支出228.39万元＋结转下年0.00万元＝228.39万元" in error.message
    assert "相差16700.00元" in error.message

    # entered as published: 228.39 from 一般公共预算 and 1.67 of 其他收入
    income.budget_amount = from_wan("228.39")
    lines.income_line_save(line=income)
    lines.income_line_save(
        line=IncomeLine(
            filing=filing,
            unit=unit,
            source=FundingSource.OTHER,
            function_item=item(year, "function", "2010301"),
            budget_amount=from_wan("1.67"),
        )
    )
    assert findings(filing, "fiscal_source_balance") == []


def test_fiscal_source_balance_counts_carry_overs_by_source():
    filing = build_seed_003()
    unit = filing.department.units.get(is_main=True)
    assert findings(filing, "fiscal_source_balance") == []
    IncomeLine.objects.create(
        filing=filing, unit=unit, category=IncomeLine.Category.OPENING, source=FundingSource.GOVERNMENT_FUND, actual_amount=from_wan("5")
    )
    [error] = findings(filing, "fiscal_source_balance")
    assert error.location.cell == "政府性基金预算财政拨款" and "年初财政拨款结转和结余5.00万元" in error.message
    IncomeLine.objects.create(
        filing=filing, unit=unit, category=IncomeLine.Category.CLOSING, source=FundingSource.GOVERNMENT_FUND, actual_amount=from_wan("5")
    )
    assert findings(filing, "fiscal_source_balance") == []


def test_seed_003_income_has_function_codes():
    filing = build_seed_003()
    assert findings(filing, "income_function_codes") == []
    assert CatalogItem.objects.filter(pk__in=IncomeLine.objects.filter(filing=filing).values("function_item")).count() == 13
