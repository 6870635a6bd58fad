"""/workspace/filings/<pk>/ — the summary with totals derived from the lines, and links to the work pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from disclosures.models import ExpenseKind, ExpenseLine, Filing, Unit
from disclosures.services import lines
from tests.disclosures.entry_fixtures import item

pytestmark = pytest.mark.django_db


def url(filing):
    return reverse("disclosures:filing_detail", args=[filing.pk])


def test_totals_derived_from_lines(client, accountant, filing, expense_line, catalog_2020):
    unit = Unit.objects.get(department=filing.department, is_main=True)
    lines.expense_line_save(
        line=ExpenseLine(
            filing=filing,
            unit=unit,
            function_item=item(catalog_2020, "function", "2010301"),
            dept_economic_item=item(catalog_2020, "dept_economic", "30201"),
            expense_kind=ExpenseKind.PUBLIC,
            budget_amount=Decimal("500.00"),
        )
    )
    lines.expense_line_save(
        line=ExpenseLine(
            filing=filing,
            unit=unit,
            function_item=item(catalog_2020, "function", "2010308"),
            expense_kind=ExpenseKind.PROJECT,
            budget_amount=Decimal("2000.00"),
        )
    )
    client.force_login(accountant)
    response = client.get(url(filing))
    assert response.status_code == 200
    rows = {label: figure for label, figure, _ in response.context["rows"]}
    assert rows["本年支出合计"].budget == Decimal("3536.03")
    assert rows["基本支出（人员经费＋日常公用经费）"].budget == Decimal("1536.03")
    assert rows["　其中：人员经费"].budget == Decimal("1036.03")
    assert rows["项目支出"].budget == Decimal("2000.00")
    page = response.content.decode()
    # in the filing's unit, as the project list beside it (it showed 元 in a page of 万元 columns)
    assert "<th>预算数（万元）</th>" in page and '<td class="num">0.35</td>' in page and "3,536.03" not in page
    Filing.objects.filter(pk=filing.pk).update(amount_unit="yuan")
    page = client.get(url(filing)).content.decode()
    assert "<th>预算数（元）</th>" in page and '<td class="num">3,536.03</td>' in page
    assert reverse("admin:disclosures_filing_change", args=[filing.pk]) in page
    assert reverse("disclosures:filing_import", args=[filing.pk]) in page
    assert reverse("disclosures:import_template", args=[filing.pk, "expense"]) in page


def test_locked_filing_has_no_upload_link(client, accountant, filing):
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.APPROVED)
    client.force_login(accountant)
    page = client.get(url(filing)).content.decode()
    assert f'href="{reverse("disclosures:filing_import", args=[filing.pk])}"' not in page
    assert "当前状态下不能修改数据" in page


def test_other_department_404(client, outsider, filing):
    client.force_login(outsider)
    assert client.get(url(filing)).status_code == 404


def test_reviewer_and_anonymous(client, reviewer, filing):
    assert client.get(url(filing)).status_code == 302
    client.force_login(reviewer)
    assert client.get(url(filing)).status_code == 200


def test_projects_link_to_their_performance_targets(client, demo):
    """The filing page lists the projects with their budget in 万元 and a link to each one's targets."""
    from django.urls import reverse

    filing = demo.shanhaiguan.filing
    client.force_login(demo.users["shanhaiguan"])
    text = client.get(reverse("disclosures:filing_detail", args=[filing.pk])).content.decode()
    project = filing.projects.get(code="202-3202-YBN-67SQ")
    assert "旅游旺季北戴河工作经费" in text and "40.00" in text
    assert reverse("evaluations:targets", args=["projects", project.pk]) in text
