"""POST /workspace/filings/<pk>/correct/ — start a correction (new version) of a published filing."""

import pytest
from django.test import Client
from django.urls import reverse

from disclosures.models import Filing

pytestmark = pytest.mark.django_db


def url(filing):
    return reverse("disclosures:filing_correct", args=[filing.pk])


def test_reviewer_starts_a_correction(client, reviewer, published_filing):
    client.force_login(reviewer)
    response = client.post(url(published_filing), {"note": "公务接待费填报有误"})
    correction = Filing.objects.get(supersedes=published_filing)
    assert response.status_code == 302 and response["Location"] == reverse("disclosures:bureau_filing", args=[correction.pk])
    assert (correction.version, correction.status) == (2, Filing.Status.DRAFT)


def test_accountant_starts_a_correction(client, accountant, published_filing):
    client.force_login(accountant)
    client.post(url(published_filing), {"note": "更正"})
    assert Filing.objects.filter(supersedes=published_filing, department=published_filing.department).count() == 1


def test_note_is_required(client, accountant, published_filing):
    client.force_login(accountant)
    response = client.post(url(published_filing), {"note": ""}, follow=True)
    assert "请填写更正说明" in response.content.decode()
    assert not Filing.objects.filter(supersedes=published_filing).exists()


def test_other_department_gets_404(client, outsider, published_filing):
    client.force_login(outsider)
    assert client.post(url(published_filing), {"note": "x"}).status_code == 404
    assert not Filing.objects.filter(supersedes=published_filing).exists()


def test_csrf_is_enforced(reviewer, published_filing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(url(published_filing), {"note": "x"}).status_code == 403
