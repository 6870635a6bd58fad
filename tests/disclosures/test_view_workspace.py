"""/workspace/ — the user's filings with their status; reviewers see every department's."""

import pytest
from django.urls import reverse

from disclosures.models import Filing

pytestmark = pytest.mark.django_db
URL = reverse("disclosures:workspace")


def test_accountant_sees_own_filings_only(client, accountant, filing, other_filing):
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.RETURNED)
    client.force_login(accountant)
    page = client.get(URL).content.decode()
    assert reverse("disclosures:filing_detail", args=[filing.pk]) in page
    assert "已退回" in page
    assert reverse("disclosures:filing_detail", args=[other_filing.pk]) not in page
    assert "测试县教育局" not in page


def test_reviewer_sees_all(client, reviewer, filing, other_filing):
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    assert reverse("disclosures:filing_detail", args=[filing.pk]) in page
    assert reverse("disclosures:filing_detail", args=[other_filing.pk]) in page


def test_anonymous_redirected(client, filing):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
