"""Code autocomplete in the admin: limited to the field's catalog kind and to the filing's fiscal year."""

import pytest
from django.urls import reverse


pytestmark = pytest.mark.django_db
URL = reverse("admin:autocomplete")


def search(client, field, term, year=None):
    params = {"app_label": "disclosures", "model_name": "expenseline", "field_name": field, "term": term}
    if year is not None:
        params["fiscal_year"] = year.pk
    response = client.get(URL, params)
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_function_codes_of_the_year(client, accountant, filing, catalog_2019):
    client.force_login(accountant)
    found = search(client, "function_item", "20103", catalog_2020_of(filing))
    assert "2010301 行政运行" in found
    assert all(text.startswith("20103") for text in found)
    # Without the year both years' items would come back.
    assert len(search(client, "function_item", "2010301")) == 2
    assert len(search(client, "function_item", "2010301", catalog_2020_of(filing))) == 1


def catalog_2020_of(filing):
    return filing.fiscal_year


def test_economic_field_offers_only_dept_economic_items(client, accountant, filing):
    client.force_login(accountant)
    found = search(client, "dept_economic_item", "基本工资", filing.fiscal_year)
    assert found == ["30101 基本工资"]
    assert search(client, "function_item", "基本工资", filing.fiscal_year) == []


def test_name_search(client, accountant, filing):
    client.force_login(accountant)
    assert "2010308 信访事务" in search(client, "function_item", "信访", filing.fiscal_year)


def test_the_form_passes_the_year(client, accountant, filing, expense_line):
    client.force_login(accountant)
    page = client.get(reverse("admin:disclosures_filing_change", args=[filing.pk])).content.decode()
    assert f"/admin/autocomplete/?fiscal_year={filing.fiscal_year.pk}" in page


def test_anonymous_cannot_search(client, filing):
    response = client.get(URL, {"app_label": "disclosures", "model_name": "expenseline", "field_name": "function_item", "term": "201"})
    assert response.status_code == 302
