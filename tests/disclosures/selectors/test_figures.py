"""filing_figures on seed 003 (茂县信访局 2019 年部门决算): every number as published, or as it should have been."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.models import ExpenseLine, Filing, FundingSource, PriorYearFigure
from disclosures.money import from_wan, to_wan
from disclosures.selectors.facts import filing_facts
from disclosures.selectors.figures import Figure, _Json, figures_as_dict, filing_figures, prior_figures
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


def wan(amount: Decimal) -> str:
    return f"{to_wan(amount):.2f}"


@pytest.fixture
def filing():
    return build_seed_003()


def test_totals_by_side_and_kind(filing):
    f = filing_figures(filing=filing)
    assert wan(f.income.total.amount) == "382.31"
    assert wan(f.income.by_source["gpb"].amount) == "382.31"
    assert wan(f.expense.total.amount) == "382.31"
    assert wan(f.expense.basic.amount) == "317.41"
    assert wan(f.expense.personnel.amount) == "274.26"
    assert wan(f.expense.public.amount) == "43.16"
    assert wan(f.expense.project.amount) == "64.90"
    assert f.expense.total.completion == Decimal("100.0")


def test_gpb_by_class_and_item(filing):
    f = filing_figures(filing=filing)
    classes = {r.code: wan(r.total.amount) for r in f.gpb.classes}
    assert classes == {"201": "302.75", "204": "2.00", "208": "36.58", "210": "16.57", "213": "0.40", "221": "24.01"}
    items = {r.code: r for r in f.gpb.items}
    assert len(items) == 13
    assert wan(items["2010301"].total.amount) == "173.67"
    assert wan(items["2010301"].basic.amount) == "173.67"
    assert wan(items["2010308"].project.amount) == "34.50"
    assert items["2010301"].label == "一般公共服务（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"


def test_basic_by_economic_classification(filing):
    f = filing_figures(filing=filing)
    rows = {r.code: wan(r.total.amount) for r in f.gpb.economic_rows}
    assert rows["301"] == "273.24"
    assert rows["303"] == "1.02"
    assert rows["302"] == "43.16"
    assert [r.name for r in f.gpb.economic_items("personnel")][:2] == ["基本工资", "津贴补贴"]
    assert "公务接待费" in [r.name for r in f.gpb.economic_items("public")]


def test_three_public_operating_costs_procurement(filing):
    f = filing_figures(filing=filing)
    tp = f.three_public
    assert (wan(tp.total.amount), wan(tp.vehicle.amount), wan(tp.reception.amount), wan(tp.overseas.amount)) == (
        "5.07",
        "3.22",
        "1.85",
        "0.00",
    )
    assert tp.counts.reception_batches == 126 and tp.counts.reception_people == 357
    assert wan(f.operating_costs.total.amount) == "43.16"
    assert wan(f.procurement.total) == "23.00"
    assert wan(f.procurement.sme) == "2.30"
    assert f.procurement.sme_share == Decimal("10.0")
    assert f.assets.vehicles == 1


def test_projects_declared_against_lines(filing):
    f = filing_figures(filing=filing)
    assert wan(f.projects.declared_total.amount) == "64.50"
    assert [u.function_code for u in f.projects.unattributed] == ["2010308", "2013602", "2040202", "2130599"]
    video = f.projects.rows[0]
    assert (wan(video.declared.amount), wan(video.lines.amount)) == ("23.00", "23.00")


def test_changes_from_entered_prior_figures(filing):
    f = filing_figures(filing=filing)
    assert f.prior.origin == "entered"
    total = f.change("total")
    assert (f"{total.delta_wan}", total.pct) == ("72.14", Decimal("23.3"))
    vehicle = f.change("three_public.vehicle")
    assert (f"{vehicle.delta_wan}", vehicle.pct) == ("-4.92", Decimal("-60.4"))
    reception = f.change("three_public.reception")
    assert (f"{reception.delta_wan}", reception.pct) == ("-1.30", Decimal("-41.3"))
    operating = f.change("operating_costs")
    assert (f"{operating.delta_wan}", operating.pct) == ("-7.82", Decimal("-15.3"))
    # In 元 the difference is 78,250.00 (7.825 万元); the text reports the difference of the printed figures.
    assert operating.delta == Decimal("-78250.00")
    assert f.change("procurement") is None


def test_prior_comes_from_last_years_published_filing(filing):
    department = filing.department
    last_year = build_seed_003(department=department, year=2018, with_prior=False)
    # 2018 as a published filing: its figures win over the entered rows of 2019.
    Filing.objects.filter(pk=last_year.pk).update(status=Filing.Status.PUBLISHED)
    PriorYearFigure.objects.filter(filing=filing, key="total").update(amount=from_wan("1"))
    f = filing_figures(filing=filing)
    assert f.prior.origin == "filing" and f.prior.filing_id == last_year.pk
    assert f.change("total").delta == 0
    assert f.change("three_public.total").pct == Decimal("0.0")


def test_last_years_figures_read_only_what_the_comparison_needs(filing, django_assert_num_queries):
    """Last year's filing gave the 与上年相比 figures by computing all its figures, its catalog names,
    assets and projects read and its 功能分类 rows built, of which only the totals were kept: 10 queries."""
    last_year = build_seed_003(department=filing.department, year=2018, with_prior=False)
    Filing.objects.filter(pk=last_year.pk).update(status=Filing.Status.PUBLISHED)
    whole = filing_figures(filing=Filing.objects.get(pk=last_year.pk)).current_values
    facts = filing_facts(filing=Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk))
    # the previous filing, then its expense lines, income lines, 三公 counts and procurement
    with django_assert_num_queries(5):
        prior = prior_figures(facts=facts)
    assert prior.origin == "filing" and prior.values == whole
    assert wan(prior.values["expense"]) == "382.31" and wan(prior.values["three_public.total"]) == "5.07"


def test_last_years_lines_are_grouped_only_by_what_the_comparison_reads(filing):
    """Last year's lines were read as this year's are (per 功能分类, 政府经济分类, unit and project, joining both
    catalogs), for totals by kind, source, 部门经济分类 and unit nature: the same sums in fewer rows."""
    last_year = build_seed_003(department=filing.department, year=2018, with_prior=False)
    Filing.objects.filter(pk=last_year.pk).update(status=Filing.Status.PUBLISHED)
    whole = filing_figures(filing=Filing.objects.get(pk=last_year.pk)).current_values
    facts = filing_facts(filing=Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk))
    with CaptureQueriesContext(connection) as queries:
        prior = prior_figures(facts=facts)
    assert prior.values == whole
    expense = next(query["sql"] for query in queries if 'FROM "disclosures_expenseline"' in query["sql"])
    income = next(query["sql"] for query in queries if 'FROM "disclosures_incomeline"' in query["sql"])
    assert "function_item__code" not in expense and "gov_economic_item__code" not in expense and "project_id" not in expense
    assert "function_item__code" not in income and "unit_id" not in income


def test_constant_number_of_queries(filing, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as small_queries:
        small = filing_figures(filing=filing)
    # Eight times as many lines (every line again from each other funding source): same number of queries.
    copies = []
    for line in filing.expense_lines.all():
        for source in FundingSource:
            if source != FundingSource.GENERAL_PUBLIC_BUDGET:
                line.pk, line.funding_source = None, source
                copies.append(ExpenseLine(**{f.attname: getattr(line, f.attname) for f in ExpenseLine._meta.concrete_fields}))
    ExpenseLine.objects.bulk_create(copies)
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        big = filing_figures(filing=filing)
    assert big.expense.total.amount == small.expense.total.amount * 9
    assert big.gpb.total == small.gpb.total


def test_figures_as_dict_in_wan(filing):
    data = figures_as_dict(filing_figures(filing=filing))
    assert data["expense"]["total"]["amount"] == "382.31"
    assert data["three_public"]["total"]["amount"] == "5.07"
    assert data["changes"]["total"]["delta_wan"] == "72.14"
    assert data["changes"]["operating_costs"]["delta_wan"] == "-7.82"
    assert data["changes"]["total"]["pct"] == "23.3"
    assert data["procurement"]["sme_share"] == "10.0%"
    assert data["projects"]["rows"][0]["plan"] == [None, None, None, None]


def test_each_figures_text_is_built_once_per_value_and_sign():
    """figures_as_dict builds a Figure's dict once per value (issue #13: a filing's ~900 Figures hold ~250
    distinct ones): equal values print alike whatever their exponent, −0 keeps its own text, and no two
    places of the result share a dict."""
    json = _Json()
    zero, zero_again, minus_zero = Figure(), Figure(amount=Decimal("0.00")), Figure(amount=Decimal("-0"))
    part = Figure(amount=Decimal("12345.6"), budget=Decimal("20000"), actual=Decimal("12345.60"))
    same_part = Figure(amount=Decimal("12345.60"), budget=Decimal("20000.00"), actual=Decimal("12345.6"))
    texts = [json.figure(f) for f in (zero, zero_again, minus_zero, part, same_part, minus_zero)]
    assert texts[0] == texts[1] == {"amount": "0.00", "budget": "0.00", "actual": "0.00", "initial_budget": "0.00", "completion": None}
    assert texts[2]["amount"] == "-0.00" and texts[5] == texts[2]
    assert texts[3] == texts[4] == {"amount": "1.23", "budget": "2.00", "actual": "1.23", "initial_budget": "0.00", "completion": "61.7"}
    assert len({id(t) for t in texts}) == len(texts)
    assert json.value([zero, "text", 3, None, True]) == [texts[0], "text", 3, None, True]
