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


def test_the_workspace_page_of_a_published_filing_offers_the_correction(client, accountant, published_filing):
    client.force_login(accountant)
    detail = reverse("disclosures:filing_detail", args=[published_filing.pk])
    page = client.get(detail).content.decode()
    assert url(published_filing) in page and "建立第2版草稿" in page
    response = client.post(url(published_filing), {"note": "公务接待费填报有误"}, follow=True)
    correction = Filing.objects.get(supersedes=published_filing)
    assert response.redirect_chain[-1][0] == reverse("disclosures:filing_detail", args=[correction.pk])
    assert "已创建第2版（更正），修改后请重新提交审核" in response.content.decode()
    assert correction.status == Filing.Status.DRAFT and correction.correction_note == "公务接待费填报有误"
    page = client.get(detail).content.decode()
    assert url(published_filing) not in page
    assert reverse("disclosures:filing_detail", args=[correction.pk]) in page


def test_no_correction_form_before_publication(client, accountant, approved_filing):
    client.force_login(accountant)
    page = client.get(reverse("disclosures:filing_detail", args=[approved_filing.pk])).content.decode()
    assert url(approved_filing) not in page


def test_a_second_correction_of_the_same_version_is_refused(client, accountant, published_filing):
    client.force_login(accountant)
    client.post(url(published_filing), {"note": "第一次"})
    response = client.post(url(published_filing), {"note": "第二次"}, follow=True)
    assert "该填报已有更正版本，请在最新版本上继续更正" in response.content.decode()
    assert Filing.objects.filter(department=published_filing.department, fiscal_year=published_filing.fiscal_year).count() == 2
