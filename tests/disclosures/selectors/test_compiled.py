"""FilingQuery: a per-filing read compiled once gives, for every filing, what its queryset gives, and is counted."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from disclosures.models import ExpenseLine, Filing
from disclosures.selectors.compiled import FilingQuery
from disclosures.selectors.facts import EXPENSE_GROUPS, filing_facts
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


def _sums(filing_id: int):
    return ExpenseLine.objects.filter(filing_id=filing_id).values(*EXPENSE_GROUPS).annotate(total=Sum("budget_amount")).order_by()


@pytest.fixture
def filings() -> list[Filing]:
    this_year = build_seed_003()
    last_year = build_seed_003(department=this_year.department, year=2018, with_prior=False)
    Filing.objects.filter(pk=last_year.pk).update(status=Filing.Status.PUBLISHED)  # what last year's facts compare with
    return [this_year, last_year]


def test_rows_are_the_querysets_for_each_filing(filings):
    query = FilingQuery(_sums)
    assert query.columns == (*EXPENSE_GROUPS, "total")
    for filing in filings:  # compiled with the first filing's connection, run again for the second
        expected = sorted(tuple(row.values()) for row in _sums(filing.pk))
        found = sorted(query.rows(filing.pk))
        assert found == expected and found
        assert all(isinstance(row[-1], Decimal) for row in found)  # the backend's converters applied (SQLite: a Decimal)


def test_rows_of_a_filing_without_lines():
    assert FilingQuery(_sums).rows(0) == []


def test_each_run_is_one_counted_query(filings):
    query = FilingQuery(_sums)
    with CaptureQueriesContext(connection) as queries:
        query.rows(filings[0].pk)
        query.rows(filings[1].pk)
    assert len(queries.captured_queries) == 2
    assert all('FROM "disclosures_expenseline"' in q["sql"] for q in queries.captured_queries)


def test_a_query_without_the_filing_as_one_parameter_is_refused(filings):
    query = FilingQuery(lambda filing_id: ExpenseLine.objects.values("funding_source").annotate(total=Sum("budget_amount")))
    with pytest.raises(ValueError, match="not exactly one parameter"):
        query.rows(filings[0].pk)


def test_a_query_of_instances_is_refused():
    with pytest.raises(ValueError, match="values"):
        FilingQuery(lambda filing_id: ExpenseLine.objects.filter(filing_id=filing_id))


def test_facts_are_read_as_before(filings):
    """The facts read through the compiled queries are the GROUP BY of the lines, full and comparable."""
    filing = filings[0]
    facts = filing_facts(filing=filing)
    expected = {
        (row["function_item__code"], row["funding_source"], row["unit_id"]): row["total"]
        for row in ExpenseLine.objects.filter(filing=filing)
        .values("function_item__code", "funding_source", "unit_id")
        .annotate(total=Sum("budget_amount"))
        .order_by()
    }
    found: dict = {}
    for fact in facts.expense:
        key = (fact.function, fact.source, fact.unit)
        found[key] = found.get(key, Decimal(0)) + fact.initial
    assert found == expected
    previous = facts.previous
    assert previous is not None and previous.comparable
    assert sum(f.initial for f in previous.expense) == ExpenseLine.objects.filter(filing=previous.filing).aggregate(s=Sum("budget_amount"))["s"]
    assert all(f.unit == 0 and f.function == "" and f.project is None for f in previous.expense)
    assert {f.fact for f in previous.income} <= {"income"}


def test_objects_are_the_models_instances(filings):
    from disclosures.models import Procurement, ThreePublicStats
    from disclosures.selectors.compiled import FilingObjects

    for model in (ThreePublicStats, Procurement):
        read = FilingObjects(model)
        for filing in filings:
            expected = list(model.objects.filter(filing=filing))
            found = read.objects(filing.pk)
            assert [(type(o), o.pk) for o in found] == [(type(o), o.pk) for o in expected]
            fields = [f.attname for f in model._meta.concrete_fields]
            assert [[getattr(o, f) for f in fields] for o in found] == [[getattr(o, f) for f in fields] for o in expected]
            assert all(o._state.db == "default" and not o._state.adding for o in found)
    assert any(FilingObjects(ThreePublicStats).objects(f.pk) for f in filings)  # the seed has its 三公 statistics


def test_catalog_codes_are_every_used_code_and_its_parents(filings):
    """Each distinct code of the facts once, with its 类 and 款, by catalog kind, sorted."""
    facts = filing_facts(filing=filings[0])
    expected: dict[str, set[str]] = {"function": set(), "dept_economic": set(), "gov_economic": set()}
    for fact in facts.lines:
        for kind, code in (("function", fact.function), ("dept_economic", fact.dept_economic), ("gov_economic", fact.gov_economic)):
            expected[kind].update(code[:n] for n in (3, 5, 7) if code and n <= len(code))
    assert facts.catalog_codes == {kind: sorted(codes) for kind, codes in expected.items()}
    assert facts.catalog_codes["function"] and facts.catalog_codes["dept_economic"]


@pytest.mark.django_db(transaction=True)
def test_a_threads_connection_is_not_kept_alive_by_the_compiled_query():
    """Each thread has its own connection (a web server's request threads): the query compiled for one must
    not keep it, closed, in memory after the thread ends."""
    import gc
    import threading
    import weakref

    from django.db import connections

    query = FilingQuery(_sums)
    found: list = []

    def in_a_thread() -> None:
        wrapper = connections["default"]
        found.append((weakref.ref(wrapper), query.rows(0)))
        wrapper.close()

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    ref, rows = found[0]
    assert rows == []
    gc.collect()
    assert ref() is None
