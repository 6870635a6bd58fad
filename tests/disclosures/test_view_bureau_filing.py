"""GET /bureau/filings/<pk>/ — the review page: checks, comment form, actions, audit history."""

import pytest
from django.urls import reverse


pytestmark = pytest.mark.django_db


def url(filing):
    return reverse("disclosures:bureau_filing", args=[filing.pk])


def test_review_page_of_a_submitted_filing(client, reviewer, submitted_filing):
    client.force_login(reviewer)
    response = client.get(url(submitted_filing))
    assert response.status_code == 200
    text = response.content.decode()
    assert "茂县信访局2019年部门决算" in text
    assert reverse("disclosures:bureau_filing_action", args=[submitted_filing.pk, "return"]) in text
    assert reverse("disclosures:bureau_filing_action", args=[submitted_filing.pk, "approve"]) in text
    assert "一般公共预算财政拨款“三公”经费支出决算表" in text  # a comment target
    assert "提交" in text and "accountant" in text  # the audit history


def test_review_page_shows_comments_and_history_after_return(client, reviewer, returned_filing):
    client.force_login(reviewer)
    text = client.get(url(returned_filing)).content.decode()
    assert "请说明公务接待费下降原因" in text
    assert "退回" in text and "已退回" in text


def test_published_filing_offers_a_correction(client, reviewer, published_filing):
    client.force_login(reviewer)
    text = client.get(url(published_filing)).content.decode()
    assert reverse("disclosures:filing_correct", args=[published_filing.pk]) in text
    assert reverse("disclosures:public_filing", args=[published_filing.pk]) in text


def test_department_user_is_forbidden(client, accountant, submitted_filing):
    client.force_login(accountant)
    assert client.get(url(submitted_filing)).status_code == 403


def test_anonymous_goes_to_login(client, submitted_filing):
    assert client.get(url(submitted_filing)).status_code == 302


def test_unknown_filing_is_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("disclosures:bureau_filing", args=[999999])).status_code == 404


def test_a_correction_shows_what_it_changes_before_publication(client, reviewer, accountant, published_filing):
    from disclosures.models import ExpenseLine
    from disclosures.services import workflow

    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="公务接待费应为1.35万元")
    ExpenseLine.objects.filter(filing=correction, dept_economic_item__code="30217").update(actual_amount=13500, budget_amount=13500)
    client.force_login(reviewer)
    response = client.get(url(correction))
    changes = {c["key"]: (c["before_wan"], c["after_wan"]) for c in response.context["correction_changes"]}
    assert changes["three:公务接待费"] == ("1.85", "1.35")
    assert changes["expense"] == ("382.31", "381.81")  # 本年支出合计
    assert "total" not in changes  # 收支总计 follows the income, which was not lowered (the checks will say so)
    assert "与已公开的第1版相比" in response.content.decode()


def test_a_correction_in_yuan_compares_in_yuan(client, reviewer, accountant, published_filing):
    """The comparison with the published version is printed in the filing's unit (元 here), not in 万元."""
    from disclosures.models import ExpenseLine, Filing
    from disclosures.services import workflow

    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="公务接待费应为13,500.00元")
    Filing.objects.filter(pk=correction.pk).update(amount_unit="yuan")
    ExpenseLine.objects.filter(filing=correction, dept_economic_item__code="30217").update(actual_amount=13500, budget_amount=13500)
    client.force_login(reviewer)
    body = client.get(url(correction)).content.decode()
    assert "与已公开的第1版相比（元）" in body
    assert '<td class="num">18,500.00</td><td class="num">13,500.00</td>' in body
