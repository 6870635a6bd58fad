"""The county summary shows a project's current figures after the project changes (issue #11: it showed
16.50 after the project had changed to 16.90, from the copy the self-evaluation took when it started)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from disclosures.services import lines
from evaluations import services

pytestmark = pytest.mark.django_db


def test_county_follows_a_project_budget_changed_after_the_evaluation_started(client, reviewer, accountant, seed_001_projects):
    project = seed_001_projects[0]
    services.evaluation_start(owner=project, user=accountant)
    client.force_login(reviewer)
    row = next(r for r in client.get(reverse("evaluations:county", args=[2020])).context["rows"] if r.project and r.project.pk == project.pk)
    assert row.budget == project.effective_budget and not any("预算已变动" in p for p in row.problems)

    project.refresh_from_db()
    project.budget_amount = project.budget_amount + Decimal("4000.00")
    project.adjusted_amount = None
    lines.project_save(project=project, user=accountant)

    page = client.get(reverse("evaluations:county", args=[2020]))
    row = next(r for r in page.context["rows"] if r.project and r.project.pk == project.pk)
    assert row.budget == project.budget_amount
    assert any(p.startswith("项目预算已变动") for p in row.problems)
    assert f"{project.budget_amount / 10000:.2f}" in page.content.decode()
