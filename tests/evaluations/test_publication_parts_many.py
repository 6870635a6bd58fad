"""The performance parts of many filings read together (disclosures.parts.publication_parts_many, what a chunk
of a year's publication freezes): each filing's parts are its own `publication_parts`, as JSON to the byte, and
the chunk's queries do not grow with its filings, their projects, evaluations or departments' targets."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.models import Filing, FiscalYear, Project
from disclosures.parts import publication_parts, publication_parts_many
from disclosures.selectors.facts import filing_facts
from evaluations.models import DepartmentTarget, SelfEvaluation
from tests.evaluations.test_publication_parts_queries import most_evaluated_final

pytestmark = pytest.mark.django_db


def _filings() -> list[Filing]:
    return list(Filing.objects.select_related("department", "fiscal_year").order_by("pk"))


def _text(parts: list[dict]) -> str:
    return json.dumps(parts, ensure_ascii=False)


def _kinds(filing: Filing) -> set[str]:
    """What the filing's parts are made of, to show that the demo covers each case."""
    found = {filing.kind}
    projects = Project.objects.filter(filing=filing)
    found.add("projects" if projects.exists() else "no projects")
    if filing.kind == Filing.Kind.FINAL and projects.exists():
        evaluated = SelfEvaluation.objects.filter(project__filing=filing).count()
        found.add("all evaluated" if evaluated == projects.count() else "some evaluated" if evaluated else "none evaluated")
    target = DepartmentTarget.objects.filter(department_id=filing.department_id, fiscal_year_id=filing.fiscal_year_id).first()
    if target is not None:
        found.add("target with indicators" if target.indicators.exists() else "target")
        if SelfEvaluation.objects.filter(department_target=target).exists():
            found.add("department evaluated")
    return {f"{filing.kind}: {kind}" for kind in found}


def _without_final_accounts(departments):
    """For each department, a year of the demo in which it has no final account."""
    for department in departments:
        taken = set(Filing.objects.filter(department=department, kind=Filing.Kind.FINAL).values_list("fiscal_year_id", flat=True))
        yield department, FiscalYear.objects.exclude(pk__in=taken).order_by("year").first()


@pytest.fixture
def covering(demo):
    """The demo's filings with what the parts draw in every case: budgets with and without projects and a
    department's targets, final accounts whose projects are all, some or none self-evaluated, with and without
    the department's self-evaluation, and a final account without projects."""
    evaluated = most_evaluated_final()
    some = list(evaluated.projects.filter(self_evaluation__isnull=False).order_by("code"))
    assert len(some) > 2
    # a copy of it whose projects are partly self-evaluated and whose department target is not
    copy, empty = (
        Filing.objects.create(department=department, fiscal_year=year, kind=Filing.Kind.FINAL)
        for department, year in _without_final_accounts([evaluated.department, demo.shanhaiguan.department])
    )
    for project in some[:2]:
        evaluation = project.self_evaluation
        project.pk, project.filing = None, copy
        project.save()
        if project.code == some[0].code:
            evaluation.pk, evaluation.project = None, project
            evaluation.save()
    assert not empty.projects.exists()
    # a budget without projects, of a department whose target of the year has indicators
    target = DepartmentTarget.objects.filter(indicators__isnull=False).distinct().order_by("pk").first()
    assert not Filing.objects.filter(department_id=target.department_id, fiscal_year_id=target.fiscal_year_id, kind=Filing.Kind.BUDGET).exists()
    Filing.objects.create(department_id=target.department_id, fiscal_year_id=target.fiscal_year_id, kind=Filing.Kind.BUDGET)
    covered = set().union(*(_kinds(filing) for filing in _filings()))
    for case in (
        "budget: projects",
        "budget: no projects",
        "budget: target with indicators",
        "final: projects",
        "final: no projects",
        "final: all evaluated",
        "final: some evaluated",
        "final: department evaluated",
    ):
        assert case in covered, " ".join(sorted(covered))
    return _filings()


def test_the_parts_of_many_filings_are_each_ones_own(covering):
    together = publication_parts_many(filings=covering)
    assert list(together) == [filing.pk for filing in covering]
    for filing in covering:
        assert _text(together[filing.pk]) == _text(
            publication_parts(filing=Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk))
        )
    assert sum(1 for parts in together.values() if parts) >= 4


def test_facts_given_keep_the_projects_read_for_the_parts(covering):
    """A filing's facts given: their projects are read with the others' and kept for what else reads them (the
    snapshot's project list), the parts the same."""
    facts = [filing_facts(filing=filing) for filing in covering]
    together = publication_parts_many(facts=facts[:3], filings=covering[3:])
    with CaptureQueriesContext(connection) as queries:
        projects = [one.projects for one in facts[:3]]
    assert len(queries) == 0 and any(projects)
    for filing in covering:
        assert _text(together[filing.pk]) == _text(publication_parts(filing=filing))


def test_a_chunks_queries_do_not_grow_with_its_filings(covering):
    """The queries of the parts of a few filings and of all of them are as many: the projects, their indicators,
    the departments' targets, their indicators, the year's filings (the units their forms print in), the
    self-evaluations and their results, the departments' units."""

    def first(case: str) -> Filing:
        return next(filing for filing in covering if case in _kinds(filing))

    few = {
        first("final: department evaluated").pk,
        first("final: some evaluated").pk,
        first("budget: target with indicators").pk,
        first("budget: projects").pk,
    }
    assert len(covering) > 2 * len(few)
    some, every = [filing for filing in _filings() if filing.pk in few], _filings()
    with CaptureQueriesContext(connection) as alone:
        publication_parts_many(filings=some)
    with CaptureQueriesContext(connection) as everything:
        parts = publication_parts_many(filings=every)
    assert sum(len(grid["rows"]) for found in parts.values() for part in found for grid in part["grids"]) > 100
    assert len(everything) == len(alone) <= 9, [query["sql"][:120] for query in everything]
