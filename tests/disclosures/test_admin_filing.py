"""The admin as the department accountant uses it: own department only, locked filings read-only,
codes limited to the filing's year, saves through the line services."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from disclosures.models import ExpenseLine, Filing
from tests.disclosures.admin_helpers import form_data
from tests.disclosures.entry_fixtures import item

pytestmark = pytest.mark.django_db


def change_url(filing):
    return reverse("admin:disclosures_filing_change", args=[filing.pk])


def test_changelist_shows_own_department_only(client, accountant, filing, other_filing):
    client.force_login(accountant)
    response = client.get(reverse("admin:disclosures_filing_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [filing]


def test_other_departments_filing_and_line_are_404(client, outsider, filing, expense_line):
    client.force_login(outsider)
    assert client.get(change_url(filing)).status_code == 404
    assert client.get(reverse("admin:disclosures_expenseline_change", args=[expense_line.pk])).status_code == 404
    assert client.post(reverse("admin:disclosures_expenseline_delete", args=[expense_line.pk]), {"post": "yes"}).status_code == 404
    assert ExpenseLine.objects.filter(pk=expense_line.pk).exists()
    lines_page = client.get(reverse("admin:disclosures_expenseline_changelist"))
    assert list(lines_page.context["cl"].queryset) == []


def test_anonymous_goes_to_admin_login(client, filing):
    response = client.get(change_url(filing))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_accountant_edits_a_line_in_the_filing_form(client, accountant, filing, expense_line):
    client.force_login(accountant)
    response = client.get(change_url(filing))
    assert response.status_code == 200
    assert response.context["has_change_permission"]
    data = form_data(response)
    data["expense_lines-0-budget_amount"] = "2036.03"
    data["status"] = "approved"  # read-only: ignored
    response = client.post(change_url(filing), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("2036.03")
    assert expense_line.gov_economic_item.code == "50101"  # derived by the service
    filing.refresh_from_db()
    assert filing.status == Filing.Status.DRAFT


def test_code_of_another_year_is_refused_by_the_form(client, accountant, filing, expense_line, catalog_2019):
    client.force_login(accountant)
    data = form_data(client.get(change_url(filing)))
    data["expense_lines-0-function_item"] = str(item(catalog_2019, "function", "2010301").pk)
    response = client.post(change_url(filing), data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode() or "Select a valid choice" in response.content.decode()
    expense_line.refresh_from_db()
    assert expense_line.function_item.fiscal_year == filing.fiscal_year


def test_gov_economic_item_is_read_only(client, accountant, filing, expense_line):
    client.force_login(accountant)
    response = client.get(change_url(filing))
    inline = next(i for i in response.context["inline_admin_formsets"] if i.formset.model is ExpenseLine)
    assert "gov_economic_item" not in inline.formset.forms[0].fields
    assert "function_item" in inline.formset.forms[0].fields


@pytest.mark.parametrize("status", [Filing.Status.SUBMITTED, Filing.Status.APPROVED, Filing.Status.PUBLISHED])
def test_locked_filing_is_read_only(client, accountant, filing, expense_line, status):
    client.force_login(accountant)
    data = form_data(client.get(change_url(filing)))
    Filing.objects.filter(pk=filing.pk).update(status=status)
    response = client.get(change_url(filing))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert 'name="_save"' not in response.content.decode()
    data["expense_lines-0-budget_amount"] = "9.00"
    assert client.post(change_url(filing), data).status_code == 403
    line_url = reverse("admin:disclosures_expenseline_change", args=[expense_line.pk])
    assert not client.get(line_url).context["has_change_permission"]
    assert client.post(reverse("admin:disclosures_expenseline_delete", args=[expense_line.pk]), {"post": "yes"}).status_code == 403
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("1036.03")


def test_derived_totals_on_the_change_form(client, accountant, filing, expense_line):
    client.force_login(accountant)
    page = client.get(change_url(filing)).content.decode()
    assert "基本支出（人员经费＋日常公用经费）" in page
    assert "1036.03" in page or "1,036.03" in page


def test_reviewer_sees_every_department(client, reviewer, filing, other_filing):
    reviewer.user_permissions.add(Permission.objects.get(codename="view_filing"))
    client.force_login(reviewer)
    response = client.get(reverse("admin:disclosures_filing_changelist"))
    assert set(response.context["cl"].queryset) == {filing, other_filing}
    response = client.get(change_url(other_filing))
    assert response.status_code == 200 and not response.context["has_change_permission"]


def test_accountant_adds_a_filing_for_own_department_only(client, accountant, department, other_department, catalog_2020, entry_group):
    client.force_login(accountant)
    response = client.get(reverse("admin:disclosures_filing_add"))
    choices = list(response.context["adminform"].form.fields["department"].queryset)
    assert choices == [department]
    response = client.post(
        reverse("admin:disclosures_filing_add"),
        {"department": other_department.pk, "fiscal_year": catalog_2020.pk, "kind": "final"},
    )
    assert response.status_code == 200
    assert not Filing.objects.filter(department=other_department).exists()
    response = client.post(
        reverse("admin:disclosures_filing_add"),
        {"department": department.pk, "fiscal_year": catalog_2020.pk, "kind": "final"},
    )
    assert response.status_code == 302
    created = Filing.objects.get(department=department, kind="final")
    assert hasattr(created, "three_public_stats")  # made by lines.filing_create


def test_accountant_enters_the_three_public_budget(client, accountant, filing):
    """The 三公 预算数 per item is entered in the filing form (三公数量 inline), beside the counts."""
    from disclosures.models import ThreePublicStats

    ThreePublicStats.objects.get_or_create(filing=filing)
    client.force_login(accountant)
    data = form_data(client.get(change_url(filing)))
    prefix = next(key for key in data if key.endswith("-vehicles_owned")).rsplit("-", 1)[0]
    data[f"{prefix}-budget_vehicle_operation"] = "126000.00"
    data[f"{prefix}-budget_reception"] = "19950.50"
    response = client.post(change_url(filing), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    stats = ThreePublicStats.objects.get(filing=filing)
    assert (stats.budget_vehicle_operation, stats.budget_reception, stats.budget_overseas) == (Decimal("126000.00"), Decimal("19950.50"), None)
