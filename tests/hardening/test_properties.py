"""Property-based tests (hypothesis) of the scoring engine and of the figures.

Scoring: every rule gives a score within [0, points]; a positive (≥) indicator's score never falls
when the actual rises; a whole self-evaluation's total stays within [0, 100].
Figures: for random expense and income lines the totals always add up — 支出合计 = 基本 + 项目,
基本 = 人员 + 公用, every 类 = Σ its 款 and every 款 = Σ its 项, income total = Σ its sources;
largest-remainder shares add up to exactly 100.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosures.models import CatalogItem, ExpenseKind, ExpenseLine, Filing, FundingSource, IncomeLine, Unit
from disclosures.money import largest_remainder_percentages
from disclosures.selectors.figures import filing_figures
from disclosures.services import lines as line_services
from disclosures.services.catalog import catalog_load_starter
from evaluations.models import Indicator, IndicatorResult, RuleSet, SelfEvaluation
from evaluations.rulesets import NATIONAL, RULE_SETS, SICHUAN
from evaluations.scoring import rules, score_sheet

C = Indicator.Comparator
DB_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False)
values = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=4, allow_nan=False, allow_infinity=False)
positive_values = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100000"), places=4, allow_nan=False, allow_infinity=False)
points = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2, allow_nan=False, allow_infinity=False)
bands = st.sampled_from([b.value for b in IndicatorResult.Band])


def rule_set(name: str = NATIONAL) -> RuleSet:
    return RuleSet(name=name, **RULE_SETS[name])


def outcome(comparator, target, actual, band, pts, chosen=None):
    return rules.rule_for(comparator)(
        rules.RuleInput(comparator=comparator, target=target, unit="", actual=actual, band=band, points=pts, rule_set=rule_set(), chosen=chosen)
    )


# --- scoring --------------------------------------------------------------------------------------


@given(
    comparator=st.sampled_from([c.value for c in C if c != C.QUALITATIVE]),
    target=values,
    actual=st.one_of(st.none(), values),
    pts=points,
)
def test_numeric_rule_scores_within_zero_and_points(comparator, target, actual, pts):
    result = outcome(comparator, target, actual, "", pts)
    assert Decimal("0") <= result.score <= pts
    assert result.low <= result.score <= result.high


@given(band=bands, pts=points, share=st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=4))
def test_qualitative_rule_scores_within_zero_and_points(band, pts, share):
    """A band alone is not scored; a score picked inside the band is the score, within [0, points]."""
    unpicked = outcome(C.QUALITATIVE, None, None, band, pts)
    assert unpicked.pending and Decimal("0") <= unpicked.low <= unpicked.high <= pts
    chosen = (unpicked.low + (unpicked.high - unpicked.low) * share).quantize(Decimal("0.01"))
    picked = outcome(C.QUALITATIVE, None, None, band, pts, chosen=chosen)
    assert not picked.pending and Decimal("0") <= picked.low <= picked.score == chosen <= picked.high <= pts


@given(comparator=st.sampled_from([C.GE, C.GT]), target=positive_values, a=values, b=values, pts=points)
def test_positive_indicator_is_monotonic_in_the_actual(comparator, target, a, b, pts):
    low, high = sorted((a, b))
    assert outcome(comparator, target, low, "", pts).score <= outcome(comparator, target, high, "", pts).score


@given(comparator=st.sampled_from([C.LE, C.LT]), target=positive_values, a=values, b=values, pts=points)
def test_reverse_indicator_never_rises_with_the_actual(comparator, target, a, b, pts):
    low, high = sorted((a, b))
    assert outcome(comparator, target, low, "", pts).score >= outcome(comparator, target, high, "", pts).score


indicator_specs = st.lists(
    st.tuples(
        st.sampled_from([level.value for level in Indicator.Level1]),
        st.sampled_from([c.value for c in C]),
        positive_values,
        st.one_of(st.none(), values),
        bands,
        st.one_of(st.none(), st.decimals(min_value=Decimal("0"), max_value=Decimal("60"), places=2)),
    ),
    min_size=0,
    max_size=8,
)


@pytest.fixture
def project(department, year_2020):
    filing = Filing.objects.create(department=department, fiscal_year=year_2020, kind="final")
    from disclosures.models import Project

    return Project.objects.create(filing=filing, code="P-1", name="性质测试项目")


@pytest.mark.django_db
@DB_SETTINGS
@given(
    specs=indicator_specs,
    budget=amounts,
    executed=amounts,
    pooled=st.booleans(),
)
def test_self_evaluation_total_within_zero_and_hundred(project, specs, budget, executed, pooled):
    with transaction.atomic():
        rule = RuleSet.objects.create(name=f"性质{pooled}", **{**RULE_SETS[SICHUAN if pooled else NATIONAL], "is_default": False})
        evaluation = SelfEvaluation.objects.create(project=project, rule_set=rule, budget_amount=budget, executed_amount=executed)
        for order, (level1, comparator, target, actual, band, weight) in enumerate(specs):
            indicator = Indicator.objects.create(
                project=project,
                level1=level1,
                level2=Indicator.LEVEL2_OF_LEVEL1[level1][0],
                name=f"指标{order}",
                comparator=comparator,
                target_value=None if comparator == C.QUALITATIVE else target,
                weight=weight,
                order=order,
            )
            IndicatorResult.objects.create(evaluation=evaluation, indicator=indicator, actual_value=actual, band=band)
        sheet = score_sheet(evaluation=evaluation)
        assert Decimal("0") <= sheet.total <= Decimal("100")
        assert Decimal("0") <= sheet.execution.score <= rule.execution_weight
        for line in sheet.lines:
            assert Decimal("0") <= line.final_score <= line.points
        for group in sheet.groups:
            if group.indicators:
                assert sum(group.allocation.values()) == group.points  # the points of a group add up exactly
        transaction.set_rollback(True)


# --- figures --------------------------------------------------------------------------------------


@given(st.lists(amounts, min_size=1, max_size=12))
def test_largest_remainder_shares_add_up_to_100(parts):
    shares = largest_remainder_percentages(parts)
    if sum(parts):
        assert sum(shares) == Decimal("100")
    else:
        assert all(s == 0 for s in shares)
    assert all(s >= 0 for s in shares)


FUNCTION_CODES = ["2010301", "2010302", "2010350", "2080505", "2080506", "2101101", "2210201"]
PERSONNEL_CODES = ["30101", "30102", "30108", "30113", "30305"]
PUBLIC_CODES = ["30201", "30211", "30217", "30231", "31002"]
SOURCES = [FundingSource.GENERAL_PUBLIC_BUDGET, FundingSource.GOVERNMENT_FUND, FundingSource.BUSINESS, FundingSource.OTHER]

expense_rows = st.lists(
    st.tuples(
        st.sampled_from(FUNCTION_CODES),
        st.sampled_from([ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC, ExpenseKind.PROJECT]),
        st.integers(min_value=0, max_value=4),
        st.sampled_from(SOURCES),
        amounts,
        amounts,
    ),
    min_size=0,
    max_size=25,
    unique_by=lambda row: row[:4],
)
income_rows = st.lists(
    st.tuples(st.sampled_from([c.value for c in IncomeLine.Category]), st.sampled_from(SOURCES), amounts, amounts),
    max_size=8,
    unique_by=lambda row: row[:2],
)


@pytest.fixture
def catalog_year(db, year_2020):
    catalog_load_starter(fiscal_year=year_2020)
    return year_2020


@pytest.mark.django_db
@DB_SETTINGS
@given(expenses=expense_rows, incomes=income_rows, kind=st.sampled_from(["budget", "final"]))
def test_figures_always_add_up(department, catalog_year, expenses, incomes, kind):
    items = {(i.kind, i.code): i for i in CatalogItem.objects.filter(fiscal_year=catalog_year)}
    unit = Unit.objects.get(department=department, is_main=True)
    with transaction.atomic():
        filing = line_services.filing_create(department=department, fiscal_year=catalog_year, kind=kind)
        lines = []
        for function, expense_kind, economic, source, budget, actual in expenses:
            codes = PERSONNEL_CODES if expense_kind == ExpenseKind.PERSONNEL else PUBLIC_CODES
            economic_item = items[("dept_economic", codes[economic])]
            lines.append(
                ExpenseLine(
                    filing=filing,
                    unit=unit,
                    function_item=items[("function", function)],
                    dept_economic_item=economic_item,
                    gov_economic_item=economic_item.gov_economic,
                    expense_kind=expense_kind,
                    funding_source=source,
                    budget_amount=budget,
                    actual_amount=actual,
                )
            )
        ExpenseLine.objects.bulk_create(lines)
        IncomeLine.objects.bulk_create(
            [
                IncomeLine(filing=filing, unit=unit, category=category, source=source, budget_amount=budget, actual_amount=actual)
                for category, source, budget, actual in incomes
            ]
        )
        figures = filing_figures(filing=filing)
        expense, income = figures.expense, figures.income

        stage = "actual" if kind == "final" else "budget"
        expected_total = sum((getattr(line, f"{stage}_amount") for line in lines), Decimal("0"))
        assert expense.total.amount == expected_total
        assert expense.total == expense.basic + expense.project
        assert expense.basic == expense.personnel + expense.public
        assert income.total.amount == sum((f.amount for f in income.by_source.values()), Decimal("0"))
        assert income.total.amount == sum(
            (
                getattr(line, "actual_amount" if kind == "final" else "budget_amount")
                for line in IncomeLine.objects.filter(filing=filing, category="income")
            ),
            Decimal("0"),
        )
        for fund in (figures.gpb, expense):
            rows = fund.function_rows
            for parent in rows:
                if parent.level < 3:
                    children = [r for r in rows if r.level == parent.level + 1 and r.code.startswith(parent.code)]
                    assert parent.total == sum((c.total for c in children[1:]), children[0].total)
                    assert parent.total == parent.basic + parent.project
        assert figures.gpb.total == figures.gpb.basic + figures.gpb.project
        assert figures.gpb.basic == figures.gpb.personnel + figures.gpb.public
        transaction.set_rollback(True)
