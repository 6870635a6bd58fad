"""/workspace/filings/<pk>/checks/: errors and warnings with their places."""

import pytest
from django.urls import reverse

from disclosures.checks import run_checks
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(department):
    return build_seed_003(department=department)


def url(filing) -> str:
    return reverse("disclosures:filing_checks", args=[filing.pk])


def test_own_department_sees_errors_and_warnings(client, accountant, filing):
    client.force_login(accountant)
    response = client.get(url(filing))
    assert response.status_code == 200
    body = response.content.decode()
    assert "所列3个项目的决算数合计64.50万元，而支出明细中的项目支出为64.90万元，相差0.40万元" in body
    assert "2130599 其他扶贫支出" in body
    assert "人员经费274.26万元＋日常公用经费43.16万元＝317.42万元" in body
    report = run_checks(filing=filing)
    assert f'错误 <strong class="error-text">{len(report.errors)}</strong> 项' in body
    assert f"提示 <strong>{len(report.warnings)}</strong> 项" in body


def test_other_department_gets_404(client, outsider, filing):
    client.force_login(outsider)
    assert client.get(url(filing)).status_code == 404


def test_anonymous_is_sent_to_login(client, filing):
    response = client.get(url(filing))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_reviewer_sees_the_checks(client, reviewer, filing):
    client.force_login(reviewer)
    response = client.get(url(filing))
    assert response.status_code == 200
    assert "项目合计＝项目支出" in response.content.decode()


def test_post_is_not_allowed(client, accountant, filing):
    client.force_login(accountant)
    assert client.post(url(filing)).status_code == 405
