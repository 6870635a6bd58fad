"""GET /public/years/<year>/?q= — the departments of a year with their published filings."""

import pytest
from django.urls import reverse

from disclosures.services import workflow
from tests.disclosures.workflow_fixtures import publish

pytestmark = pytest.mark.django_db


def url(year=2019):
    return reverse("disclosures:public_year", args=[year])


def test_year_lists_published_departments(client, published_filing):
    response = client.get(url())
    assert response.status_code == 200
    text = response.content.decode()
    assert "茂县信访局" in text and reverse("disclosures:public_filing", args=[published_filing.pk]) in text


def test_search_by_department_name(client, published_filing):
    assert "茂县信访局" in client.get(url(), {"q": "信访"}).content.decode()
    response = client.get(url(), {"q": "教育"})
    assert "茂县信访局" not in response.content.decode() and "没有名称包含“教育”的部门" in response.content.decode()


def test_unknown_year_is_404(client, published_filing):
    assert client.get(url(2030)).status_code == 404


def test_unpublished_filings_are_not_listed(client, approved_filing):
    assert client.get(url()).status_code == 404


def test_a_correction_replaces_the_original_in_the_list(client, published_filing, accountant, reviewer):
    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="更正")
    assert reverse("disclosures:public_filing", args=[published_filing.pk]) in client.get(url()).content.decode()  # draft: original stays
    workflow.filing_submit(filing=correction, user=accountant)
    workflow.filing_approve(filing=correction, user=reviewer)
    publish(correction, reviewer)
    text = client.get(url()).content.decode()
    assert reverse("disclosures:public_filing", args=[correction.pk]) in text and "已更正" in text
    assert reverse("disclosures:public_filing", args=[published_filing.pk]) not in text
