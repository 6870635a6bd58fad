"""/workspace/filings/<pk>/documents/<format>/: download through disclosures.access."""

from urllib.parse import quote

import pytest
from django.urls import reverse


pytestmark = pytest.mark.django_db


def url(filing, format):
    return reverse("disclosures:document_download", args=[filing.pk, format])


def test_own_department_downloads(client, accountant, own_filing, own_documents):
    client.force_login(accountant)
    response = client.get(url(own_filing, "xlsx"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-xlsx-bytes"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert quote("测试县信访局2019年部门决算公开.xlsx") in response["Content-Disposition"]


def test_html_is_served_without_scripts(client, accountant, own_filing, own_documents):
    client.force_login(accountant)
    response = client.get(url(own_filing, "html"))
    assert response.status_code == 200
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_other_department_gets_404(client, outsider, own_filing, own_documents):
    client.force_login(outsider)
    assert client.get(url(own_filing, "pdf")).status_code == 404


def test_anonymous_is_redirected(client, own_filing, own_documents):
    response = client.get(url(own_filing, "pdf"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_reviewer_downloads(client, reviewer, own_filing, own_documents):
    client.force_login(reviewer)
    response = client.get(url(own_filing, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_missing_or_unknown_format_is_404(client, accountant, own_filing, other_filing, own_documents):
    client.force_login(accountant)
    assert client.get(url(own_filing, "docx")).status_code == 404
    assert client.get(url(other_filing, "pdf")).status_code == 404


def test_not_generated_yet_is_404(client, accountant, own_filing):
    client.force_login(accountant)
    assert client.get(url(own_filing, "pdf")).status_code == 404


def test_post_is_refused(client, accountant, own_filing, own_documents):
    client.force_login(accountant)
    assert client.post(url(own_filing, "pdf")).status_code == 405
