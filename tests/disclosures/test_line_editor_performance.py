"""A filing of 3,000 expense lines stays fast in the line editor: its page, a row save and the totals
run a fixed number of queries, whatever the number of lines (paged at 100 rows, totals by aggregates)."""

import time
from decimal import Decimal
from itertools import islice, product

import pytest
from django.urls import reverse

from disclosures.models import CatalogItem, ExpenseKind, ExpenseLine, Unit

pytestmark = pytest.mark.django_db

LINES = 3000


@pytest.fixture
def big_filing(filing, catalog_2020):
    unit = Unit.objects.get(department=filing.department, is_main=True)
    functions = CatalogItem.objects.filter(fiscal_year=catalog_2020, kind="function", code__regex=r"^[0-9]{7}$")
    economics = CatalogItem.objects.filter(fiscal_year=catalog_2020, kind="dept_economic", code__regex=r"^[0-9]{5}$", gov_economic__isnull=False)
    combinations = islice(product(functions, economics, ("gpb", "business")), LINES)
    ExpenseLine.objects.bulk_create(
        [
            ExpenseLine(
                filing=filing,
                unit=unit,
                function_item=function_item,
                dept_economic_item=economic,
                gov_economic_item_id=economic.gov_economic_id,
                expense_kind=ExpenseKind.PUBLIC,
                funding_source=source,
                budget_amount=Decimal("1234.56"),
            )
            for function_item, economic, source in combinations
        ],
        batch_size=1000,
    )
    assert ExpenseLine.objects.filter(filing=filing).count() == LINES
    return filing


def test_page_of_a_3000_line_filing(client, accountant, big_filing, django_assert_max_num_queries):
    client.force_login(accountant)
    url = reverse("disclosures:line_editor", args=[big_filing.pk, "expense"]) + "?page=17"
    client.get(url)  # warm the template cache
    started = time.perf_counter()
    with django_assert_max_num_queries(18):  # with the session, permissions and the header's unread count
        response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert len(response.context["rows"]) == 100 and response.context["page"].paginator.num_pages == 30
    assert response.context["totals"].expense_total.budget == Decimal("1234.56") * LINES
    print(f"\n3,000-line filing, page 17 of the line editor: {elapsed * 1000:.0f} ms")


def test_row_save_and_totals_of_a_3000_line_filing(client, accountant, big_filing, django_assert_max_num_queries):
    client.force_login(accountant)
    line = ExpenseLine.objects.filter(filing=big_filing).select_related("function_item", "dept_economic_item").first()
    data = {
        "unit": "",
        "function_item": line.function_item.code,
        "dept_economic_item": line.dept_economic_item.code,
        "expense_kind": "public",
        "project": "",
        "funding_source": line.funding_source,
        "budget_amount": "1",
        "note": "",
    }
    with django_assert_max_num_queries(46):  # the line service's full_clean and audit, as in the admin: not per line
        response = client.post(reverse("disclosures:line_row", args=[big_filing.pk, "expense", line.pk]) + "?unit=yuan", data)
    assert response.status_code == 200
    with django_assert_max_num_queries(15):
        response = client.get(reverse("disclosures:line_totals", args=[big_filing.pk, "expense"]) + "?unit=yuan")
    assert response.context["totals"].expense_total.budget == Decimal("1234.56") * (LINES - 1) + 1
