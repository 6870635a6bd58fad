"""新建填报 from last year's filing (disclosures.services.filings, `copy_from_last_year`): each copied project
takes its performance targets along (evaluations.copying, a copy hook registered at EvaluationsConfig.ready),
the target side only — never last year's self-evaluation or its results. Before, the copied projects had no
indicator at all and every continuing project's targets were typed again."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.models import AuditEntry, Filing, Project
from disclosures.services import filings
from evaluations import services as evaluation_services
from evaluations.models import Indicator, IndicatorResult, SelfEvaluation
from evaluations.services import INDICATOR_FIELDS

pytestmark = pytest.mark.django_db


def targets(filing) -> dict[str, list[tuple]]:
    """Each project's indicators (by project code), target fields in their order."""
    found: dict[str, list[tuple]] = {}
    for indicator in Indicator.objects.filter(project__filing=filing).select_related("project").order_by("project__code", "order", "id"):
        found.setdefault(indicator.project.code, []).append(tuple(getattr(indicator, name) for name in INDICATOR_FIELDS))
    return found


def test_a_budget_copied_from_last_year_carries_its_projects_indicators(accountant, seed_001_projects, catalog_2021):
    source = seed_001_projects[0].filing
    total = Indicator.objects.filter(project__filing=source).count()
    assert total > 10
    created = filings.filing_start(
        user=accountant, department=source.department, year=2021, kind="budget", copy_from_last_year=True, keep_amounts=True
    )
    filing = created.filing
    assert targets(filing) == targets(source)
    # each copy belongs to the new year's project of the same code, never to last year's
    copied = Indicator.objects.filter(project__filing=filing)
    assert set(copied.values_list("project__filing__fiscal_year__year", flat=True)) == {2021}
    assert not copied.exclude(department_target=None).exists()
    assert Indicator.objects.filter(project__filing=source).count() == total
    assert created.report.copied["绩效指标"] == total
    assert f"绩效指标{total}" in created.report.summary()
    assert f"绩效指标{total}" in AuditEntry.objects.get(filing=filing, action="复制上年填报").comment


def test_weights_and_qualitative_targets_are_copied_as_they_are(accountant, seed_001_projects, catalog_2021):
    project = seed_001_projects[0]
    Indicator.objects.filter(project=project).update(weight=Decimal("5.00"))
    Indicator.objects.create(
        project=project, level1="satisfaction", level2="satisfaction", name="群众满意", comparator="qualitative", target_text="满意", order=99
    )
    filing = filings.filing_start(user=accountant, department=project.filing.department, year=2021, kind="budget", copy_from_last_year=True).filing
    new = Project.objects.get(filing=filing, code=project.code)
    assert set(new.indicators.exclude(name="群众满意").values_list("weight", flat=True)) == {Decimal("5.00")}
    assert new.indicators.filter(name="群众满意", comparator="qualitative", target_text="满意", target_value=None).exists()


def test_last_years_results_are_not_copied(accountant, seed_001_projects, catalog_2021):
    project = seed_001_projects[0]
    evaluation = evaluation_services.evaluation_start(owner=project, user=accountant)
    IndicatorResult.objects.filter(evaluation=evaluation).update(actual_value=Decimal("1"), reason="上年原因", score=Decimal("1"))
    filing = filings.filing_start(
        user=accountant, department=project.filing.department, year=2021, kind="budget", copy_from_last_year=True, keep_amounts=True
    ).filing
    copied = Indicator.objects.filter(project__filing=filing)
    assert copied.exists()
    assert not SelfEvaluation.objects.filter(project__filing=filing).exists()
    assert not IndicatorResult.objects.filter(indicator__in=copied).exists()
    assert IndicatorResult.objects.filter(evaluation=evaluation).exclude(actual_value=None).count() == project.indicators.count()


def test_a_final_account_copied_from_last_year_carries_them_too(accountant, clean_filing, catalog_2020):
    assert clean_filing.kind == "final" and Indicator.objects.filter(project__filing=clean_filing).exists()
    created = filings.filing_start(user=accountant, department=clean_filing.department, year=2020, kind="final", copy_from_last_year=True)
    assert targets(created.filing) == targets(clean_filing)
    assert created.report.copied["绩效指标"] == Indicator.objects.filter(project__filing=clean_filing).count()


def test_a_copy_touches_no_other_filing(accountant, seed_001_projects, other_projects, catalog_2021):
    other = other_projects[0].filing
    before = {f.pk: targets(f) for f in Filing.objects.all()}
    filing = filings.filing_start(
        user=accountant, department=seed_001_projects[0].filing.department, year=2021, kind="budget", copy_from_last_year=True
    ).filing
    assert {f.pk: targets(f) for f in Filing.objects.exclude(pk=filing.pk)} == before
    assert not Filing.objects.filter(department=other.department, fiscal_year__year=2021).exists()
    # indicators owned by the new filing are exactly its projects' copies
    assert Indicator.objects.filter(project__filing=filing).count() == Indicator.objects.filter(project__filing=seed_001_projects[0].filing).count()


def test_the_bureau_creating_the_years_filings_copies_them_too(reviewer, seed_001_projects, other_projects, catalog_2021):
    created = filings.filings_create_missing(user=reviewer, year=2021, kinds=["budget"], copy_from_last_year=True)
    assert len(created) == 2
    for item in created:
        source = filings.last_year_filing(department=item.filing.department, year=2021, kind="budget")
        assert targets(item.filing) == targets(source) != {}
        assert item.report.copied["绩效指标"] == Indicator.objects.filter(project__filing=source).count()


def test_the_copys_queries_do_not_grow_with_the_indicators(accountant, outsider, seed_001_projects, other_projects, catalog_2021):
    """Both departments have seed 001's projects; the other's have 100 more indicators each. The copy reads
    them once and inserts them in batches (1,000 a statement; SQLite's 999 parameters make it 76 there)."""
    for project in other_projects:
        Indicator.objects.bulk_create(
            Indicator(project=project, level1="output", level2="quantity", name=f"附加指标{n}", comparator="ge", target_value=n, order=100 + n)
            for n in range(100)
        )
    fields = [f for f in Indicator._meta.concrete_fields if not f.primary_key]
    per_statement = min(1000, connection.ops.bulk_batch_size(fields, list(range(1000))))
    runs = []  # (indicators copied, their INSERT statements, every other query)
    for user, projects in ((accountant, seed_001_projects), (outsider, other_projects)):
        with CaptureQueriesContext(connection) as queries:
            filing = filings.filing_start(
                user=user, department=projects[0].filing.department, year=2021, kind="budget", copy_from_last_year=True
            ).filing
        inserts = sum(q["sql"].startswith('INSERT INTO "evaluations_indicator"') for q in queries)
        runs.append((Indicator.objects.filter(project__filing=filing).count(), inserts, len(queries) - inserts))
    (few, few_inserts, few_others), (many, many_inserts, many_others) = runs
    assert many == few + 100 * len(other_projects)
    assert many_others == few_others
    assert (few_inserts, many_inserts) == (-(-few // per_statement), -(-many // per_statement))


def test_the_new_filing_page_says_the_targets_come_along(client, accountant, seed_001_projects, catalog_2021):
    client.force_login(accountant)
    assert "项目（含绩效目标）" in client.get(reverse("disclosures:filing_new")).content.decode()
    total = Indicator.objects.filter(project__filing=seed_001_projects[0].filing).count()
    response = client.post(
        reverse("disclosures:filing_new"), {"year": "2021", "kind": "budget", "copy_from_last_year": "on", "amounts": "clear"}, follow=True
    )
    assert f"绩效指标{total}" in response.content.decode()


def test_the_bureaus_confirmation_says_the_targets_come_along(client, reviewer, seed_001_projects, catalog_2021):
    client.force_login(reviewer)
    url = reverse("disclosures:bureau_create_missing", args=[2021])
    page = client.post(url, {"kind": "budget", "copy_from_last_year": "on", "amounts": "clear"}).content.decode()
    assert "从上年复制明细和项目的绩效目标（金额清零）" in page
