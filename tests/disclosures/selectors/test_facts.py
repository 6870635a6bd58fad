"""FilingFacts: a filing's lines are read once, and the tables, figures, text, checks and snapshot derive from them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.checks import run_checks
from disclosures.models import Filing
from disclosures.narrative import draft_sections
from disclosures.selectors.facts import facts_of, filing_facts
from disclosures.selectors.figures import filing_figures
from disclosures.selectors.snapshot import build_snapshot
from disclosures.services.generation import filing_render_documents
from disclosures.tables import compute_table, compute_tables
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db

PUBLISHED_AT = datetime.datetime(2020, 6, 1, tzinfo=datetime.UTC)


@pytest.fixture
def filing():
    """Seed 003 (茂县信访局 2019 决算) with its 2018 final accounts published: last year's figures come from there."""
    filing = build_seed_003()
    last_year = build_seed_003(department=filing.department, year=2018, with_prior=False)
    Filing.objects.filter(pk=last_year.pk).update(status=Filing.Status.PUBLISHED)
    return filing


def reads(queries: CaptureQueriesContext, table: str) -> int:
    return sum(1 for query in queries.captured_queries if f'FROM "{table}"' in query["sql"])


def test_generation_reads_each_filings_lines_once(filing):
    """The tables and the text of one generation share one read: this year's lines and last year's, once each."""
    with CaptureQueriesContext(connection) as queries:
        rendered = filing_render_documents(filing=filing, formats=("xlsx", "html"))
    assert reads(queries, "disclosures_expenseline") == 2
    assert reads(queries, "disclosures_incomeline") == 2
    assert reads(queries, "disclosures_catalogitem") == 1  # this year's names: last year's figures are only its totals
    assert rendered.tables[4].total_row.wan("total") == Decimal("382.31")


def test_snapshot_reads_the_lines_once(filing):
    with CaptureQueriesContext(connection) as queries:
        snapshot = build_snapshot(filing=filing, published_at=PUBLISHED_AT)
    assert reads(queries, "disclosures_expenseline") == 2  # this year's and last year's
    assert reads(queries, "disclosures_catalogitem") == 1
    assert snapshot["figures"]["expense"]["total"]["amount"] == "382.31"
    assert snapshot["figures"]["prior"]["origin"] == "filing"


def test_checks_read_the_aggregates_once_and_the_lines_once(filing):
    """The checks' figures, tables and text come from one read of the facts; the checks that name a line
    read the lines themselves, once."""
    with CaptureQueriesContext(connection) as queries:
        run_checks(filing=filing)
    assert reads(queries, "disclosures_expenseline") == 3  # facts of this year and last year, and the lines by id


def test_everything_derives_from_facts_already_read(filing):
    facts = filing_facts(filing=filing)
    figures = filing_figures(facts=facts)
    with CaptureQueriesContext(connection) as queries:
        tables = compute_tables(facts=facts)
        sections = draft_sections(facts=facts)
        snapshot = build_snapshot(facts=facts, published_at=PUBLISHED_AT)
        again = filing_figures(facts=facts)
    assert again is figures
    assert not [q["sql"] for q in queries.captured_queries if "disclosures_expenseline" in q["sql"] or "disclosures_incomeline" in q["sql"]]
    assert tables[4].total_row.wan("total") == figures.expense.total.wan
    assert [s.key for s in sections] == [s["key"] for s in snapshot["sections"]]


def test_facts_of_another_filing_are_refused(filing):
    other = build_seed_003(department_code="513223099", name="茂县信访局（对照）")
    with pytest.raises(ValueError):
        compute_table(filing=other, facts=filing_facts(filing=filing), key="final_summary")
    with pytest.raises(TypeError):
        facts_of()
