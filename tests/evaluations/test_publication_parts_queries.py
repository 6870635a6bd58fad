"""The performance parts (disclosures.parts) of a 决算's publication (evaluations.publication) read what their forms print in a
fixed number of queries: they were 9 more for each self-evaluated project (its filing, unit, rule set,
results and their indicators, each read again by each form), ~200 for the bench county's largest filing."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from disclosures.models import Filing
from disclosures.parts import publication_parts
from disclosures.selectors.facts import filing_facts
from disclosures.selectors.snapshot import snapshot_body
from evaluations.models import SelfEvaluation
from evaluations.publication import performance_parts

pytestmark = pytest.mark.django_db


def most_evaluated_final() -> Filing:
    """The demo's final account with the most self-evaluated projects."""
    return (
        Filing.objects.filter(kind=Filing.Kind.FINAL)
        .annotate(evaluated=Count("projects__self_evaluation"))
        .select_related("department", "fiscal_year")
        .order_by("-evaluated")
        .first()
    )


def test_the_parts_of_a_final_account_cost_the_same_queries_whatever_its_evaluations(demo, django_assert_max_num_queries):
    filing = most_evaluated_final()
    evaluated = SelfEvaluation.objects.filter(project__filing=filing).count()
    assert evaluated >= 3
    with django_assert_max_num_queries(12):
        parts = performance_parts(filing_facts(filing=filing))
    forms = [grid.title for part in parts for grid in part.grids]
    assert forms.count("项目支出绩效自评表") == evaluated and forms.count("项目绩效目标完成情况表") == evaluated


def test_the_parts_and_the_snapshot_read_the_projects_and_their_indicators_once(demo):
    """The performance forms and the snapshot's project list print the same projects: from the filing's facts
    they read them and their indicators once (each read both before: four queries where two do)."""
    filing = most_evaluated_final()
    facts = filing_facts(filing=filing)
    with CaptureQueriesContext(connection) as queries:
        parts = publication_parts(facts=facts)
        body = snapshot_body(facts)
    assert parts and body["projects"]
    reads = [query["sql"].split(" WHERE ")[0] for query in queries]
    assert sum('FROM "disclosures_project"' in sql for sql in reads) == 1
    assert sum('FROM "evaluations_indicator"' in sql for sql in reads) == 1
