"""The database itself keeps a submitted, approved or published filing immutable (disclosures migration
0009, evaluations migration 0005), whoever writes: raw ORM updates, bulk writes, a superuser's shell.

Issue #11: a superuser changed 43 amounts of a published filing; the workspace then showed 440.82万 while
the public page showed 382.92万. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from disclosures.models import (
    AssetHolding,
    ExpenseLine,
    Filing,
    IncomeLine,
    PriorYearFigure,
    Procurement,
    Project,
    ThreePublicStats,
)
from disclosures.services import workflow
from evaluations.models import Indicator, IndicatorResult, SelfEvaluation
from evaluations.rulesets import rule_set_for

pytestmark = pytest.mark.django_db

DATA_MODELS = (ExpenseLine, IncomeLine, ThreePublicStats, Procurement, AssetHolding, Project, PriorYearFigure)
REFUSED = "submitted, approved or published"


@contextmanager
def refused():
    """The database's refusal, in a savepoint so the test's transaction goes on."""
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        yield


@pytest.fixture
def locked_filing(clean_filing, accountant, reviewer):
    """Seed 003 with a row in every table of a filing's data and a scored self-evaluation, then published."""
    filing = clean_filing
    Procurement.objects.get_or_create(filing=filing, category="goods", defaults={"actual_amount": Decimal("230000.00")})
    AssetHolding.objects.get_or_create(filing=filing, kind="vehicle_other", defaults={"quantity": Decimal("1"), "value": Decimal("150000.00")})
    PriorYearFigure.objects.get_or_create(filing=filing, key="total", defaults={"amount": Decimal("3823120.00")})
    project = Project.objects.filter(filing=filing).order_by("pk").first()
    evaluation = SelfEvaluation.objects.create(
        project=project,
        rule_set=rule_set_for(fiscal_year=filing.fiscal_year),
        budget_amount=Decimal("165000.00"),
        executed_amount=Decimal("165000.00"),
    )
    IndicatorResult.objects.create(evaluation=evaluation, indicator=project.indicators.first(), actual_value=Decimal("4"))
    workflow.filing_submit(filing=filing, user=accountant)
    workflow.filing_approve(filing=filing, user=reviewer)
    return workflow.filing_publish(filing=filing, user=reviewer)


@pytest.mark.parametrize("model", DATA_MODELS, ids=lambda m: m.__name__)
def test_no_row_of_a_published_filing_is_inserted_updated_or_deleted(locked_filing, model):
    row = model.objects.filter(filing=locked_filing).order_by("pk").first()
    assert row is not None, f"the fixture has a {model.__name__}"
    money = next(f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "DecimalField")
    with refused():
        model.objects.filter(pk=row.pk).update(**{money: Decimal("4408200.00")})
    with refused():
        model.objects.filter(pk=row.pk).delete()
    row.pk = row.id = None
    row._state.adding = True
    with refused():
        row.save()  # the trigger answers before any unique constraint
    assert (
        model.objects.filter(filing=locked_filing).exclude(**{money: Decimal("4408200.00")}).count()
        == model.objects.filter(filing=locked_filing).count()
    )


@pytest.mark.parametrize("status", [Filing.Status.SUBMITTED, Filing.Status.APPROVED])
def test_submitted_and_approved_are_locked_too(clean_filing, accountant, reviewer, status):
    workflow.filing_submit(filing=clean_filing, user=accountant)
    if status == Filing.Status.APPROVED:
        workflow.filing_approve(filing=clean_filing, user=reviewer)
    line = ExpenseLine.objects.filter(filing=clean_filing).first()
    with refused():
        ExpenseLine.objects.filter(pk=line.pk).update(budget_amount=Decimal("1.00"))


def test_a_draft_is_writable(clean_filing):
    line = ExpenseLine.objects.filter(filing=clean_filing).first()
    assert ExpenseLine.objects.filter(pk=line.pk).update(budget_amount=Decimal("1.00")) == 1


def test_a_locked_filing_keeps_its_content_and_moves_only_along_the_workflow(locked_filing):
    pk = locked_filing.pk
    for change in ({"duties": "改"}, {"reasons": {}}, {"data_revision": 99}, {"version": 3}, {"kind": "budget"}):
        with refused():
            Filing.objects.filter(pk=pk).update(**change)
    for status in (Filing.Status.DRAFT, Filing.Status.RETURNED, Filing.Status.SUBMITTED, Filing.Status.APPROVED):
        with refused():
            Filing.objects.filter(pk=pk).update(status=status)
    with refused():
        Filing.objects.filter(pk=pk).delete()
    # the workflow's own columns still move
    assert Filing.objects.filter(pk=pk).update(updated_at=timezone.now(), published_at=timezone.now()) == 1
    assert Filing.objects.get(pk=pk).status == Filing.Status.PUBLISHED


def test_the_publications_parts_are_frozen_once_published(locked_filing):
    """`published_parts` (migration 0018) is written by 已审核 → 已公开 only."""
    with refused():
        Filing.objects.filter(pk=locked_filing.pk).update(published_parts=[{"title": "改"}])
    with refused():
        Filing.objects.filter(pk=locked_filing.pk).update(published_parts=None, updated_at=timezone.now())


@pytest.mark.parametrize("status", [Filing.Status.SUBMITTED, Filing.Status.APPROVED])
def test_the_publications_parts_are_not_written_before_the_publication(clean_filing, accountant, reviewer, status):
    workflow.filing_submit(filing=clean_filing, user=accountant)
    if status == Filing.Status.APPROVED:
        workflow.filing_approve(filing=clean_filing, user=reviewer)
    filing = Filing.objects.filter(pk=clean_filing.pk)
    with refused():
        filing.update(published_parts=[])
    if status == Filing.Status.APPROVED:
        assert filing.update(status=Filing.Status.PUBLISHED, published_parts=[]) == 1


def test_the_workflow_still_moves_a_submitted_filing(clean_filing, accountant, reviewer):
    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_return(filing=clean_filing, user=reviewer, comments=[("", "请补充")])
    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    workflow.filing_publish(filing=clean_filing, user=reviewer)
    assert Filing.objects.get(pk=clean_filing.pk).status == Filing.Status.PUBLISHED


def test_targets_and_self_evaluation_of_a_locked_filing_are_frozen(locked_filing):
    project = Project.objects.filter(filing=locked_filing).order_by("pk").first()
    indicator = project.indicators.first()
    with refused():
        Indicator.objects.filter(pk=indicator.pk).update(target_value=Decimal("1"))
    with refused():
        Indicator.objects.filter(pk=indicator.pk).delete()
    with refused():
        Indicator.objects.create(project=project, level1="output", level2="quantity", name="新指标", comparator="ge", target_value=1, unit="次")
    evaluation = project.self_evaluation
    with refused():
        SelfEvaluation.objects.filter(pk=evaluation.pk).update(budget_amount=Decimal("169000.00"))
    with refused():
        SelfEvaluation.objects.filter(pk=evaluation.pk).update(execution_reason="改")
    result = evaluation.results.get()
    with refused():
        IndicatorResult.objects.filter(pk=result.pk).update(actual_value=Decimal("3"))
    with refused():
        IndicatorResult.objects.filter(pk=result.pk).delete()
    # scoring still writes its own columns
    assert SelfEvaluation.objects.filter(pk=evaluation.pk).update(total_score=Decimal("95.50"), grade="优", status="scored") == 1
    assert IndicatorResult.objects.filter(pk=result.pk).update(score=Decimal("20.00")) == 1


def test_department_wide_targets_belong_to_no_filing(locked_filing, department):
    from evaluations.models import DepartmentTarget

    target = DepartmentTarget.objects.create(department=department, fiscal_year=locked_filing.fiscal_year, budget_amount=Decimal("1.00"))
    indicator = Indicator.objects.create(
        department_target=target, level1="output", level2="quantity", name="部门指标", comparator="ge", target_value=1, unit="次"
    )
    assert Indicator.objects.filter(pk=indicator.pk).update(target_value=2) == 1


EXPECTED_TRIGGERS = {
    "sqlite": {
        f"gongkai_lock_{t}_{op}"
        for t in (*(m._meta.db_table for m in DATA_MODELS), "evaluations_indicator", "evaluations_selfevaluation", "evaluations_indicatorresult")
        for op in ("insert", "update", "delete")
    }
    | {"gongkai_lock_disclosures_filing_update", "gongkai_lock_disclosures_filing_delete"},
    "postgresql": {
        f"gongkai_lock_{t}"
        for t in (
            *(m._meta.db_table for m in DATA_MODELS),
            "evaluations_indicator",
            "evaluations_selfevaluation",
            "evaluations_indicatorresult",
            "disclosures_filing",
        )
    },
}


def test_every_lock_trigger_exists():
    """A later migration that rebuilds one of these tables (SQLite's way of altering a column) drops its
    triggers silently: this catches it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'gongkai_lock_%'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'gongkai_lock_%%' AND tgenabled <> 'D'")
        present = {row[0] for row in cursor.fetchall()}
    assert EXPECTED_TRIGGERS[connection.vendor] <= present, EXPECTED_TRIGGERS[connection.vendor] - present


@pytest.mark.django_db(transaction=True)
def test_flush_after_a_published_filing_still_empties_the_database(clean_filing, accountant, reviewer):
    """The test runner flushes after this test (SQLite deletes row by row: the triggers are lifted for it)."""
    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    workflow.filing_publish(filing=clean_filing, user=reviewer)
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert not ExpenseLine.objects.exists() and not Filing.objects.exists()
    test_every_lock_trigger_exists()
