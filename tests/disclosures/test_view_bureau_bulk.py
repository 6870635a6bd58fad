"""POST /bureau/bulk/ — approve or publish several filings after one confirmation page."""

import pytest
from django.test import Client
from django.urls import reverse

from disclosures.models import Filing
from disclosures.services import workflow
from tests.disclosures.seed003 import build_seed_003
from tests.disclosures.workflow_fixtures import make_clean

pytestmark = pytest.mark.django_db
URL = reverse("disclosures:bureau_bulk")
S = Filing.Status


@pytest.fixture
def two_submitted(submitted_filing, other_department, outsider):
    other = build_seed_003(department=other_department, year=2019)
    make_clean(other)
    workflow.filing_submit(filing=other, user=outsider)
    return [submitted_filing, other]


def test_bulk_approve_then_publish(client, reviewer, two_submitted):
    client.force_login(reviewer)
    ids = [str(f.pk) for f in two_submitted]
    confirm = client.post(URL, {"action": "approve", "filing": ids, "year": "2019"})
    assert confirm.status_code == 200
    assert "测试县教育局" in confirm.content.decode() and "确认审核通过" in confirm.content.decode()
    assert Filing.objects.filter(status=S.APPROVED).count() == 0

    response = client.post(URL, {"action": "approve", "filing": ids, "confirm": "yes"})
    assert response.status_code == 302 and "year=2019" in response["Location"]
    assert Filing.objects.filter(pk__in=ids, status=S.APPROVED).count() == 2

    client.post(URL, {"action": "publish", "filing": ids, "confirm": "yes"})
    assert Filing.objects.filter(pk__in=ids, status=S.PUBLISHED, published_snapshot__isnull=False).count() == 2


def test_bulk_reports_the_filings_it_could_not_move(client, reviewer, submitted_filing, clean_filing):
    client.force_login(reviewer)
    response = client.post(URL, {"action": "publish", "filing": [submitted_filing.pk], "confirm": "yes"}, follow=True)
    assert "只有已审核状态的填报才能公开" in response.content.decode()


def test_nothing_selected(client, reviewer):
    client.force_login(reviewer)
    response = client.post(URL, {"action": "approve", "year": "2019"}, follow=True)
    assert "请先勾选" in response.content.decode()


def test_department_user_is_forbidden(client, accountant, two_submitted):
    client.force_login(accountant)
    ids = [f.pk for f in two_submitted]
    assert client.post(URL, {"action": "approve", "filing": ids, "confirm": "yes"}).status_code == 403
    assert Filing.objects.filter(status=S.APPROVED).count() == 0


def test_csrf_is_enforced(reviewer, two_submitted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    ids = [f.pk for f in two_submitted]
    assert client.post(URL, {"action": "approve", "filing": ids, "confirm": "yes"}).status_code == 403
