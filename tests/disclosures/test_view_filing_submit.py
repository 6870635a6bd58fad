"""POST /workspace/filings/<pk>/submit/ — the accountant submits; refused submissions show the errors."""

import pytest
from django.test import Client
from django.urls import reverse

from disclosures.models import Filing

pytestmark = pytest.mark.django_db


def url(filing):
    return reverse("disclosures:filing_submit", args=[filing.pk])


def test_accountant_submits(client, accountant, clean_filing):
    client.force_login(accountant)
    response = client.post(url(clean_filing))
    assert response.status_code == 302
    clean_filing.refresh_from_db()
    assert clean_filing.status == Filing.Status.SUBMITTED


def test_refused_submission_lists_the_check_errors(client, accountant, seed_filing):
    client.force_login(accountant)
    response = client.post(url(seed_filing))
    assert response.status_code == 400
    text = response.content.decode()
    assert "未能提交" in text and "错误" in text
    seed_filing.refresh_from_db()
    assert seed_filing.status == Filing.Status.DRAFT


def test_submitting_twice_shows_a_message(client, accountant, submitted_filing):
    client.force_login(accountant)
    response = client.post(url(submitted_filing), follow=True)
    assert "只有草稿、已退回状态的填报才能提交" in response.content.decode()


def test_other_department_gets_404(client, outsider, clean_filing):
    client.force_login(outsider)
    assert client.post(url(clean_filing)).status_code == 404
    clean_filing.refresh_from_db()
    assert clean_filing.status == Filing.Status.DRAFT


def test_reviewer_cannot_submit_for_the_department(client, reviewer, clean_filing):
    client.force_login(reviewer)
    client.post(url(clean_filing))
    clean_filing.refresh_from_db()
    assert clean_filing.status == Filing.Status.DRAFT


def test_anonymous_goes_to_login(client, clean_filing):
    response = client.post(url(clean_filing))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_get_shows_the_checks_and_the_submit_button(client, accountant, clean_filing):
    client.force_login(accountant)
    response = client.get(url(clean_filing))
    assert response.status_code == 200
    text = response.content.decode()
    assert "无错误" in text and "确认提交审核" in text
    clean_filing.refresh_from_db()
    assert clean_filing.status == Filing.Status.DRAFT


def test_get_shows_the_errors_and_no_button(client, accountant, seed_filing):
    client.force_login(accountant)
    text = client.get(url(seed_filing)).content.decode()
    assert "64.50万元" in text and "64.90万元" in text  # seed 003's project list against 项目支出
    assert "确认提交审核" not in text


def test_get_after_return_shows_the_reviewers_comments(client, accountant, returned_filing):
    client.force_login(accountant)
    text = client.get(url(returned_filing)).content.decode()
    assert "请说明公务接待费下降原因" in text and "确认提交审核" in text


def test_get_of_another_department_is_404(client, outsider, clean_filing):
    client.force_login(outsider)
    assert client.get(url(clean_filing)).status_code == 404


def test_csrf_is_enforced(accountant, clean_filing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    assert client.post(url(clean_filing)).status_code == 403
    clean_filing.refresh_from_db()
    assert clean_filing.status == Filing.Status.DRAFT
