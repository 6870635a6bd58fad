"""A big filing's lines are edited in pages in the admin, not all in one form.

Before: the filing's change page had one inline form per line (3,027 lines: 43 s to open, and the save
exceeded DATA_UPLOAD_MAX_NUMBER_FIELDS). Now beyond settings.ADMIN_INLINE_MAX_LINES lines of a kind the
inline is left out; the page links to the line changelist filtered by the filing (paged), where each line
has its own change form.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from disclosures.models import ExpenseKind, ExpenseLine, Project, Unit
from tests.disclosures.entry_fixtures import item

pytestmark = pytest.mark.django_db
LINES = 120


@pytest.fixture
def big_filing(filing, catalog_2020):
    unit = Unit.objects.get(department=filing.department, is_main=True)
    projects = Project.objects.bulk_create(
        Project(filing=filing, unit=unit, code=f"P{n:04d}", name=f"项目{n}", budget_amount=Decimal("10.00")) for n in range(LINES)
    )
    function = item(catalog_2020, "function", "2010301")
    ExpenseLine.objects.bulk_create(
        ExpenseLine(
            filing=filing, unit=unit, function_item=function, expense_kind=ExpenseKind.PROJECT, project=project, budget_amount=Decimal("10.00")
        )
        for project in projects
    )
    return filing


def test_big_filing_page_has_no_line_inlines_but_links_to_pages(client, accountant, big_filing):
    client.force_login(accountant)
    response = client.get(reverse("admin:disclosures_filing_change", args=[big_filing.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "expense_lines-TOTAL_FORMS" not in page and "projects-TOTAL_FORMS" not in page
    assert "income_lines-TOTAL_FORMS" in page, "a kind with few lines keeps its inline"
    changelist = reverse("admin:disclosures_expenseline_changelist") + f"?filing__id__exact={big_filing.pk}"
    assert f'href="{changelist}"' in page.replace("&amp;", "&")
    assert f"支出明细 {LINES} 行" in page and "超过 50 行，请在分页列表中逐行修改" in page
    assert page.count('name="') < 200, "the form stays small"


def test_the_paged_changelist_and_a_lines_own_form(client, accountant, big_filing, settings):
    client.force_login(accountant)
    changelist = reverse("admin:disclosures_expenseline_changelist")
    response = client.get(changelist, {"filing__id__exact": big_filing.pk})
    assert response.status_code == 200
    assert response.context["cl"].result_count == LINES
    assert len(response.context["cl"].result_list) == response.context["cl"].list_per_page < LINES
    line = ExpenseLine.objects.filter(filing=big_filing).order_by("pk").first()
    url = reverse("admin:disclosures_expenseline_change", args=[line.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {name: value for name, value in form.context["adminform"].form.initial.items() if value is not None}
    data.update({"budget_amount": "12.34", "note": "分页修改"})
    data = {name: (value.pk if hasattr(value, "pk") else value) for name, value in data.items() if name in form.context["adminform"].form.fields}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    line.refresh_from_db()
    assert line.budget_amount == Decimal("12.34") and line.note == "分页修改"


def test_small_filing_keeps_its_inlines(client, accountant, filing, expense_line):
    client.force_login(accountant)
    page = client.get(reverse("admin:disclosures_filing_change", args=[filing.pk])).content.decode()
    assert "expense_lines-TOTAL_FORMS" in page
    assert "支出明细 1 行" in page
