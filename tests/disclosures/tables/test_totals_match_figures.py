"""Property (hypothesis): for random filings, every table's totals are the figures the text and the public page print.

A random filing has expense lines over the starter catalog (any 功能分类项, an economic code of the right
group, every expense kind and funding source, two units of different nature, optional 调整预算), income
lines of every category and source (with or without a 功能分类 code), entered 三公 预算数 or none, and is a
budget or final filing published in 万元 or 元. Its national tables (the department has no province) and its
figures are computed from one FilingFacts; each total must equal the figure of the same name exactly in 元,
and print as that figure does in the filing's unit. In 万元 a total is never adjusted to hide a 尾差: where it
differs from the sum of its printed parts the table records the difference and prints the 尾差 note; in 元
nothing differs.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosures.models import CatalogItem, ExpenseKind, ExpenseLine, Filing, FundingSource, IncomeLine, ThreePublicStats, Unit
from disclosures.money import ZERO, AmountUnit, in_unit
from disclosures.selectors.facts import filing_facts
from disclosures.selectors.figures import THREE_PUBLIC_CODES, FilingFigures, filing_figures
from disclosures.services import lines as line_services
from disclosures.services.catalog import catalog_load_starter
from disclosures.tables import TableResult, compute_tables
from disclosures.tables.rounding import ROUNDING_NOTE

pytestmark = pytest.mark.django_db

GPB, GOV_FUND, STATE_CAPITAL = FundingSource.GENERAL_PUBLIC_BUDGET, FundingSource.GOVERNMENT_FUND, FundingSource.STATE_CAPITAL
SOURCES = [s.value for s in FundingSource]
KINDS = [k.value for k in ExpenseKind]
THREE_PUBLIC_ITEMS = list(ThreePublicStats.BUDGET_ITEMS)
ONLY_ROW = "一般公共预算"  # the 三公 tables' one row, printed without a label

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999.99"), places=2, allow_nan=False, allow_infinity=False)
#: an index into a list known only inside the test (the catalog's codes), taken modulo its length
pick = st.integers(min_value=0, max_value=10_000)

#: half the lines 一般公共预算, the source of the 三公 and of the 一般公共预算 tables
sources = st.one_of(st.just(GPB.value), st.sampled_from(SOURCES))

expense_lines = st.lists(
    st.tuples(pick, st.sampled_from(KINDS), pick, sources, pick, amounts, st.one_of(st.none(), amounts), amounts),
    max_size=30,
)
income_lines = st.lists(
    st.tuples(st.sampled_from([c.value for c in IncomeLine.Category]), sources, st.one_of(st.none(), pick), pick, amounts, amounts),
    max_size=12,
)
entered_three_public = st.fixed_dictionaries({item: st.one_of(st.none(), amounts) for item in THREE_PUBLIC_ITEMS})


@pytest.fixture
def catalog(db, year_2020):
    catalog_load_starter(fiscal_year=year_2020)
    items = list(CatalogItem.objects.filter(fiscal_year=year_2020).select_related("gov_economic"))
    return {
        "year": year_2020,
        "functions": [i for i in items if i.kind == CatalogItem.Kind.FUNCTION and len(i.code) == 7],
        "personnel": [i for i in items if i.kind == CatalogItem.Kind.DEPT_ECONOMIC and len(i.code) == 5 and i.code[:3] in ("301", "303")],
        "public": [i for i in items if i.kind == CatalogItem.Kind.DEPT_ECONOMIC and len(i.code) == 5 and i.code[:3] not in ("301", "303")],
        "three_public": [i for i in items if i.kind == CatalogItem.Kind.DEPT_ECONOMIC and i.code in THREE_PUBLIC_CODES.values()],
    }


@pytest.fixture
def units(department):
    main = Unit.objects.get(department=department, is_main=True)
    other = Unit.objects.create(department=department, code=f"{department.code}002", name="测试县信访事务中心", nature=Unit.Nature.PUBLIC_INSTITUTION)
    return [main, other]


def _from(items: list, index: int):
    return items[index % len(items)]


def _build(department, catalog, units, kind, unit, expenses, incomes, entered) -> Filing:
    filing = line_services.filing_create(department=department, fiscal_year=catalog["year"], kind=kind)
    Filing.objects.filter(pk=filing.pk).update(amount_unit=unit)
    seen, lines = set(), []
    for function, expense_kind, economic, source, unit_index, budget, adjusted, actual in expenses:
        if expense_kind == ExpenseKind.PERSONNEL:
            economic_item = _from(catalog["personnel"], economic)
        elif economic % 4 == 0:
            economic_item = _from(catalog["three_public"], economic // 4)
        elif expense_kind == ExpenseKind.PUBLIC or economic % 4 != 1:
            economic_item = _from(catalog["public"], economic)
        else:
            economic_item = None  # 项目支出 and the other kinds may have no economic code
        line = ExpenseLine(
            filing=filing,
            unit=_from(units, unit_index),
            function_item=_from(catalog["functions"], function),
            dept_economic_item=economic_item,
            gov_economic_item=economic_item.gov_economic if economic_item else None,
            expense_kind=expense_kind,
            funding_source=source,
            budget_amount=budget,
            adjusted_amount=adjusted,
            actual_amount=actual,
        )
        key = (line.unit.pk, line.function_item.pk, economic_item.pk if economic_item else 0, expense_kind, source)
        if key not in seen:
            seen.add(key)
            lines.append(line)
    ExpenseLine.objects.bulk_create(lines)
    seen, income = set(), []
    for category, source, function, unit_index, budget, actual in incomes:
        function_item = _from(catalog["functions"], function) if function is not None else None
        key = (unit_index % len(units), category, source, function_item.pk if function_item else 0)
        if key not in seen:
            seen.add(key)
            income.append(
                IncomeLine(
                    filing=filing,
                    unit=_from(units, unit_index),
                    category=category,
                    source=source,
                    function_item=function_item,
                    budget_amount=budget,
                    actual_amount=actual,
                )
            )
    IncomeLine.objects.bulk_create(income)
    ThreePublicStats.objects.filter(filing=filing).update(**{ThreePublicStats.BUDGET_ITEMS[item][0]: value for item, value in entered.items()})
    return Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk)


class Tables:
    """The tables of one filing by key, and what their cells say."""

    def __init__(self, tables: list[TableResult], unit: str) -> None:
        self.by_key = {t.key: t for t in tables}
        self.unit = unit

    def total(self, key: str, column: str) -> Decimal:
        """The total row's amount in a column (an empty table prints no row: zero)."""
        table = self.by_key[key]
        return ZERO if table.empty else table.total_row.amount(column)

    def labelled(self, key: str, label: str, column: str) -> Decimal:
        """The amount of the row labelled so (a table without a label column, the 三公 table: its only row)."""
        table = self.by_key[key]
        return (table.rows[0] if label == ONLY_ROW else table.row(label=label)).amount(column)

    def check(self, key: str, column: str, expected: Decimal, *, label: str | None = None) -> None:
        """The cell equals the figure in 元, and prints as the figure does in the filing's unit."""
        found = self.total(key, column) if label is None else self.labelled(key, label, column)
        assert found == expected, (key, label or "total", column, found, expected)
        assert in_unit(found, self.unit) == in_unit(expected, self.unit)


def _check_budget(t: Tables, f: FilingFigures) -> None:
    income, expense = f.income, f.expense
    t.check("budget_summary", "in_amount", (income.total + income.opening).amount)
    t.check("budget_summary", "in_amount", income.total.amount, label="本年收入合计")
    t.check("budget_summary", "out_amount", expense.total.amount, label="本年支出合计")
    t.check("budget_summary", "out_amount", (expense.total.amount + income.closing.amount))
    t.check("budget_income", "total", (income.total + income.opening).amount)
    t.check("budget_income", "opening", income.opening.amount)
    for source in SOURCES:
        # income lines without any 功能分类 code still count (the 未列功能分类 row)
        t.check("budget_income", f"in_{source}", income.by_source[source].amount)
    for column, figure in (
        ("total", expense.total),
        ("basic", expense.basic),
        ("project", expense.project),
        ("upper", expense.upper),
        ("business", expense.business),
        ("subsidy", expense.subsidy),
    ):
        t.check("budget_expense", column, figure.amount)
    t.check("budget_fiscal_summary", "in_amount", (income.fiscal + income.fiscal_opening).amount)
    t.check("budget_fiscal_summary", "out_total", expense.fiscal.amount + income.fiscal_closing.amount)
    t.check("budget_fiscal_summary", "out_total", expense.fiscal.amount, label="本年支出合计")
    for column, source in (("out_gpb", GPB), ("out_gov_fund", GOV_FUND), ("out_state_capital", STATE_CAPITAL)):
        t.check("budget_fiscal_summary", column, expense.by_source[source].total.amount, label="本年支出合计")
    for column in ("total", "personnel", "public", "project"):
        t.check("budget_gpb_expense", column, getattr(f.gpb, column).amount)
    for column, figure in (("total", f.gpb.basic), ("personnel", f.gpb.personnel), ("public", f.gpb.public)):
        t.check("budget_gpb_basic", column, figure.amount)
    three = f.three_public
    for column, figure in (
        ("total", three.total),
        ("overseas", three.overseas),
        ("vehicle", three.vehicle),
        ("vehicle_purchase", three.vehicle_purchase),
        ("vehicle_running", three.vehicle_operation),
        ("reception", three.reception),
    ):
        t.check("budget_three_public", column, figure.budget, label=ONLY_ROW)
    for key, fund in (("budget_gov_fund", f.gov_fund), ("budget_state_capital", f.state_capital)):
        for column in ("total", "basic", "project"):
            t.check(key, column, getattr(fund, column).amount)


def _check_final(t: Tables, f: FilingFigures) -> None:
    income, expense = f.income, f.expense
    t.check("final_summary", "in_amount", income.grand_total.amount)
    t.check("final_summary", "in_amount", income.total.amount, label="本年收入合计")
    t.check("final_summary", "out_amount", expense.total.amount, label="本年支出合计")
    t.check("final_summary", "out_amount", expense.total.amount + income.distribution.amount + income.closing.amount)
    t.check("final_income", "total", income.total.amount)
    t.check("final_income", "fiscal", income.fiscal.amount)
    t.check("final_income", "business", (income.by_source[FundingSource.BUSINESS] + income.by_source[FundingSource.SPECIAL_ACCOUNT]).amount)
    for column, figure in (
        ("total", expense.total),
        ("basic", expense.basic),
        ("project", expense.project),
        ("upper", expense.upper),
        ("business", expense.business),
        ("subsidy", expense.subsidy),
    ):
        t.check("final_expense", column, figure.amount)
    t.check("final_fiscal_summary", "in_amount", (income.fiscal + income.fiscal_opening).amount)
    t.check("final_fiscal_summary", "out_total", expense.fiscal.amount + income.fiscal_closing.amount)
    for column, source in (("out_gpb", GPB), ("out_gov_fund", GOV_FUND), ("out_state_capital", STATE_CAPITAL)):
        t.check("final_fiscal_summary", column, expense.by_source[source].total.amount, label="本年支出合计")
    for column in ("total", "basic", "project"):
        t.check("final_gpb_expense", column, getattr(f.gpb, column).amount)
    t.check("final_gpb_basic", "personnel", f.gpb.personnel.amount)
    t.check("final_gpb_basic", "public", f.gpb.public.amount)
    three = f.three_public
    for column, figure in (
        ("total", three.total),
        ("overseas", three.overseas),
        ("vehicle", three.vehicle),
        ("vehicle_purchase", three.vehicle_purchase),
        ("vehicle_running", three.vehicle_operation),
        ("reception", three.reception),
    ):
        t.check("final_three_public", f"budget_{column}", figure.budget, label=ONLY_ROW)
        t.check("final_three_public", f"actual_{column}", figure.actual, label=ONLY_ROW)
    for key, source, fund in (("final_gov_fund", GOV_FUND, f.gov_fund), ("final_state_capital", STATE_CAPITAL, f.state_capital)):
        for column in ("total", "basic", "project"):
            t.check(key, column, getattr(fund, column).amount)
        t.check(key, "opening", income.opening_by_source[source].amount)
        t.check(key, "income", income.by_source[source].amount)
        t.check(key, "closing", income.closing_by_source[source].amount)


def _check_rounding(t: Tables, f: FilingFigures) -> None:
    """尾差: the note is printed exactly when a printed subtotal differs from its printed parts; never in 元.
    The 支出表's 合计 is the sum of its kinds in 元; in print it may differ, and then it is recorded."""
    for table in t.by_key.values():
        assert (ROUNDING_NOTE in table.footnotes) == bool(table.rounding), table.key
        if t.unit == AmountUnit.YUAN:
            assert not table.rounding, table.key
    expense = t.by_key[f"{f.kind}_expense"]
    if expense.empty:
        return
    row = expense.total_row
    parts = ("basic", "project", "upper", "business", "subsidy")
    assert row.amount("total") == sum((row.amount(k) for k in parts), ZERO)
    if row.printed("total") != sum((row.printed(k) for k in parts), ZERO):
        assert any(d.row == row.label and d.printed == row.printed("total") for d in expense.rounding)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    expenses=expense_lines,
    incomes=income_lines,
    entered=entered_three_public,
    kind=st.sampled_from([Filing.Kind.BUDGET.value, Filing.Kind.FINAL.value]),
    unit=st.sampled_from([AmountUnit.WAN.value, AmountUnit.YUAN.value]),
)
def test_every_table_total_is_the_figure(department, catalog, units, expenses, incomes, entered, kind, unit):
    with transaction.atomic():
        filing = _build(department, catalog, units, kind, unit, expenses, incomes, entered)
        facts = filing_facts(filing=filing)
        figures = filing_figures(facts=facts)
        tables = Tables(compute_tables(facts=facts), unit)
        assert {key.split("_", 1)[0] for key in tables.by_key} == {kind}
        (_check_budget if kind == Filing.Kind.BUDGET else _check_final)(tables, figures)
        _check_rounding(tables, figures)
        transaction.set_rollback(True)
