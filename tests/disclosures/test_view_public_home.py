"""GET / — the public home: the years with published disclosures. No login."""

import pytest
from django.urls import reverse

from disclosures.views.public_cache import public_cache


pytestmark = pytest.mark.django_db


def test_home_lists_years_with_published_filings(client, published_filing):
    public_cache().clear()  # the publication job stored the page; render it here to read its context
    response = client.get(reverse("disclosures:public_home"))
    assert response.status_code == 200
    assert response.context["years"] == [{"year": 2019, "departments": 1, "filings": 1}]
    assert reverse("disclosures:public_year", args=[2019]) in response.content.decode()


def test_home_name_is_the_same_page(client):
    assert reverse("disclosures:home") == reverse("disclosures:public_home") == "/"


@pytest.mark.parametrize("fixture", ["clean_filing", "submitted_filing", "returned_filing", "approved_filing"])
def test_unpublished_filings_do_not_count(client, request, fixture):
    request.getfixturevalue(fixture)
    response = client.get("/")
    assert response.context["years"] == []
    assert "目前还没有公开" in response.content.decode()


def test_home_lists_recent_publications_and_searches(client, published_filing):
    text = client.get("/").content.decode()
    assert "最近公开" in text and reverse("disclosures:public_filing", args=[published_filing.pk]) in text
    found = client.get("/", {"q": "信访"}).content.decode()
    assert "茂县信访局2019年部门决算" in found
    assert "没有名称包含“教育”的部门" in client.get("/", {"q": "教育"}).content.decode()
