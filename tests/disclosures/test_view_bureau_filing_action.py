"""POST /bureau/filings/<pk>/<action>/ — return, approve, publish, each after a confirmation page."""

import pytest
from django.test import Client
from django.urls import reverse

from disclosures.models import Filing, ReviewComment
from disclosures.services import workflow

pytestmark = pytest.mark.django_db
S = Filing.Status


def url(filing, action):
    return reverse("disclosures:bureau_filing_action", args=[filing.pk, action])


def test_approve_asks_for_confirmation_first(client, reviewer, submitted_filing):
    client.force_login(reviewer)
    response = client.post(url(submitted_filing, "approve"))
    assert response.status_code == 200 and "确认审核通过" in response.content.decode()
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.SUBMITTED

    response = client.post(url(submitted_filing, "approve"), {"confirm": "yes"})
    assert response.status_code == 302
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.APPROVED


def test_return_with_comments(client, reviewer, submitted_filing):
    client.force_login(reviewer)
    data = {"target": ["表1 收入支出决算总表", "整体"], "text": ["收支总计与上年比较有误", ""]}
    confirm = client.post(url(submitted_filing, "return"), data)
    assert "收支总计与上年比较有误" in confirm.content.decode()

    client.post(url(submitted_filing, "return"), {**data, "confirm": "yes"})
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.RETURNED
    assert list(ReviewComment.objects.filter(filing=submitted_filing).values_list("target", "text")) == [
        ("表1 收入支出决算总表", "收支总计与上年比较有误")
    ]


def test_return_without_comment_is_refused(client, reviewer, submitted_filing):
    client.force_login(reviewer)
    response = client.post(url(submitted_filing, "return"), {"target": ["整体"], "text": [""], "confirm": "yes"}, follow=True)
    assert "退回时请填写审核意见" in response.content.decode()
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.SUBMITTED


def test_publish(client, reviewer, approved_filing):
    client.force_login(reviewer)
    client.post(url(approved_filing, "publish"), {"confirm": "yes"})
    approved_filing.refresh_from_db()
    assert approved_filing.status == S.PUBLISHED and approved_filing.published_snapshot


def test_wrong_status_is_reported(client, reviewer, clean_filing):
    client.force_login(reviewer)
    response = client.post(url(clean_filing, "publish"), {"confirm": "yes"}, follow=True)
    assert "只有已审核状态的填报才能公开" in response.content.decode()


def test_department_user_is_forbidden(client, accountant, submitted_filing):
    client.force_login(accountant)
    assert client.post(url(submitted_filing, "approve"), {"confirm": "yes"}).status_code == 403
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.SUBMITTED


def test_unknown_action_is_refused(client, reviewer, submitted_filing):
    client.force_login(reviewer)
    assert client.post(url(submitted_filing, "delete"), {"confirm": "yes"}).status_code == 403


def test_get_is_not_allowed(client, reviewer, submitted_filing):
    client.force_login(reviewer)
    assert client.get(url(submitted_filing, "approve")).status_code == 405


def test_csrf_is_enforced(reviewer, submitted_filing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(url(submitted_filing, "approve"), {"confirm": "yes"}).status_code == 403
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.SUBMITTED


def test_comment_pinned_to_a_line(client, reviewer, submitted_filing):
    client.force_login(reviewer)
    data = {"target": ["表5 一般公共预算财政拨款支出决算表"], "detail": ["2010308 信访事务"], "text": ["完成预算比例有误"], "confirm": "yes"}
    client.post(url(submitted_filing, "return"), data)
    comment = ReviewComment.objects.get(filing=submitted_filing)
    assert comment.target == "表5 一般公共预算财政拨款支出决算表 · 2010308 信访事务"


def test_publish_confirmation_refuses_while_reasons_are_missing(client, reviewer, accountant, clean_filing):
    clean_filing.reasons = {}
    clean_filing.save(update_fields=["reasons"])
    workflow.filing_submit(filing=clean_filing, user=accountant)
    approved_filing = workflow.filing_approve(filing=clean_filing, user=reviewer)
    client.force_login(reviewer)
    text = client.post(url(approved_filing, "publish")).content.decode()
    assert "说明中还有4处变动原因未填写，须由部门补充后才能公开" in text
    assert "确认公开</button>" not in text


def test_publish_confirmation_offers_the_button_when_the_text_is_complete(client, reviewer, approved_filing):
    client.force_login(reviewer)
    text = client.post(url(approved_filing, "publish")).content.decode()
    assert "变动原因未填写" not in text and "确认公开</button>" in text
