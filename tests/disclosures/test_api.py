"""The read-only JSON API: /api/years/, /api/filings/?year=&department=, /api/filings/<pk>/ — published only."""

import pytest
from django.urls import reverse

from tests.disclosures.workflow_fixtures import publish

pytestmark = pytest.mark.django_db


def test_years(client, published_filing):
    assert client.get(reverse("disclosures:api_years")).json() == {"years": [{"year": 2019, "departments": 1, "filings": 1}]}


def test_filings_by_year_and_department(client, published_filing):
    data = client.get(reverse("disclosures:api_filings"), {"year": 2019}).json()
    assert [(f["id"], f["department"], f["kind"], f["corrected"]) for f in data["filings"]] == [(published_filing.pk, "茂县信访局", "final", False)]
    code = published_filing.department.code
    assert len(client.get(reverse("disclosures:api_filings"), {"department": code}).json()["filings"]) == 1
    assert client.get(reverse("disclosures:api_filings"), {"year": 2020}).json() == {"filings": []}
    assert client.get(reverse("disclosures:api_filings"), {"year": "x"}).status_code == 400


def test_filing_detail_has_figures_and_tables(client, published_filing):
    response = client.get(reverse("disclosures:api_filing", args=[published_filing.pk]))
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["department"] == "茂县信访局" and data["year"] == 2019
    figures = {f["key"]: f["amount"] for f in data["key_figures"]}
    assert figures["total"] == "3823100.00"
    assert data["figures"]["current"]["total"] == "382.31"
    assert len(data["tables"]) == len(published_filing.published_snapshot["tables"]) >= 9
    assert "茂县信访局".encode() in response.content  # not \\u-escaped


@pytest.mark.parametrize("fixture", ["clean_filing", "submitted_filing", "returned_filing", "approved_filing"])
def test_unpublished_filings_are_invisible(client, request, fixture):
    filing = request.getfixturevalue(fixture)
    assert client.get(reverse("disclosures:api_filing", args=[filing.pk])).status_code == 404
    assert client.get(reverse("disclosures:api_filings")).json() == {"filings": []}
    assert client.get(reverse("disclosures:api_years")).json() == {"years": []}


def test_post_is_not_allowed(client, published_filing):
    assert client.post(reverse("disclosures:api_filings")).status_code == 405


def test_a_published_correction_is_flagged_and_linked(client, published_filing, accountant, reviewer):
    from disclosures.services import workflow

    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="更正说明")
    workflow.filing_submit(filing=correction, user=accountant)
    workflow.filing_approve(filing=correction, user=reviewer)
    publish(correction, reviewer)

    listed = client.get(reverse("disclosures:api_filings"), {"year": 2019}).json()["filings"]
    assert [(f["id"], f["version"], f["corrected"]) for f in listed] == [(correction.pk, 2, True)]
    old = client.get(reverse("disclosures:api_filing", args=[published_filing.pk])).json()
    assert old["superseded_by"] == correction.pk and old["correction"] is None
    new = client.get(reverse("disclosures:api_filing", args=[correction.pk])).json()
    assert new["correction"]["original_pk"] == published_filing.pk and new["correction"]["note"] == "更正说明"
    assert new["correction"]["changes"] == []  # nothing changed in the figures
