"""/workspace/filings/<pk>/text/: the drafted 说明 with an input for each reason."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from disclosures.models import AuditEntry, Filing
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(department):
    return build_seed_003(department=department)


def url(filing) -> str:
    return reverse("disclosures:filing_text", args=[filing.pk])


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_own_department_reads_the_drafted_text_with_reason_inputs(client, accountant, filing):
    client.force_login(accountant)
    response = client.get(url(filing))
    assert response.status_code == 200
    body = response.content.decode()
    assert "一般公共服务（类）支出302.75万元，占79.2%" in body
    assert "比2018年减少7.82万元，下降15.3%" in body
    assert "【待填写：机关运行经费变动原因】" in body
    assert 'name="reason:change.operating_costs"' in body
    assert "还有 3 处原因待填写" in body


def test_department_saves_reasons_with_csrf(accountant, filing):
    client = csrf_client(accountant)
    page = client.get(url(filing))
    token = page.context["csrf_token"]
    response = client.post(
        url(filing),
        {"csrfmiddlewaretoken": str(token), "reason:change.operating_costs": "厉行勤俭节约，出差下乡减少。"},
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.reasons["change.operating_costs"] == "厉行勤俭节约，出差下乡减少。"
    assert filing.reasons["change.total"] == "工资保险变动"  # untouched keys stay
    body = client.get(url(filing)).content.decode()
    assert "下降15.3%。主要变动原因是厉行勤俭节约，出差下乡减少。" in body
    assert "还有 2 处原因待填写" in body
    entry = AuditEntry.objects.get(filing=filing, action="填写变动原因")
    assert entry.field == "机关运行经费变动原因" and entry.actor == accountant


def test_post_without_csrf_token_is_refused(accountant, filing):
    client = csrf_client(accountant)
    response = client.post(url(filing), {"reason:change.operating_costs": "x"})
    assert response.status_code == 403
    filing.refresh_from_db()
    assert "change.operating_costs" not in filing.reasons


def test_unknown_reason_key_is_ignored(client, accountant, filing):
    client.force_login(accountant)
    response = client.post(url(filing), {"reason:no.such.key": "x"})
    assert response.status_code == 302
    filing.refresh_from_db()
    assert "no.such.key" not in filing.reasons


def test_submitted_filing_cannot_be_changed(client, accountant, filing):
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.SUBMITTED)
    client.force_login(accountant)
    body = client.get(url(filing)).content.decode()
    assert "<textarea" not in body
    response = client.post(url(filing), {"reason:change.operating_costs": "x"})
    assert response.status_code == 403
    filing.refresh_from_db()
    assert "change.operating_costs" not in filing.reasons


def test_other_department_gets_404(client, outsider, filing):
    client.force_login(outsider)
    assert client.get(url(filing)).status_code == 404
    assert client.post(url(filing), {"reason:change.operating_costs": "x"}).status_code == 404


def test_anonymous_is_sent_to_login(client, filing):
    response = client.get(url(filing))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_reviewer_reads_but_cannot_write(client, reviewer, filing):
    client.force_login(reviewer)
    response = client.get(url(filing))
    assert response.status_code == 200
    body = response.content.decode()
    assert "工资保险变动" in body and "<textarea" not in body
    assert client.post(url(filing), {"reason:change.operating_costs": "x"}).status_code == 403


def unit_url(filing) -> str:
    return reverse("disclosures:filing_amount_unit", args=[filing.pk])


def test_department_chooses_yuan_and_the_text_follows(accountant, filing):
    client = csrf_client(accountant)
    page = client.get(url(filing))
    body = page.content.decode()
    assert 'name="amount_unit"' in body and '<option value="wan" selected>万元</option>' in body
    response = client.post(unit_url(filing), {"csrfmiddlewaretoken": str(page.context["csrf_token"]), "amount_unit": "yuan"})
    assert response.status_code == 302 and response["Location"] == url(filing)
    filing.refresh_from_db()
    assert filing.amount_unit == "yuan"
    body = client.get(url(filing)).content.decode()
    assert "一般公共服务（类）支出3,027,500.00元，占79.2%" in body
    assert "公开表格和说明的金额单位为元。" in body
    entry = AuditEntry.objects.get(filing=filing, action="修改金额单位")
    assert (entry.field, entry.before, entry.after, entry.actor) == ("公开金额单位", "万元", "元", accountant)


def test_unknown_unit_is_refused_with_a_message(client, accountant, filing):
    client.force_login(accountant)
    response = client.post(unit_url(filing), {"amount_unit": "千元"}, follow=True)
    assert "金额单位应为万元或元。" in response.content.decode()
    filing.refresh_from_db()
    assert filing.amount_unit == "wan"


def test_unit_of_a_submitted_filing_cannot_change(client, accountant, reviewer, outsider, filing):
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.SUBMITTED)
    client.force_login(accountant)
    body = client.get(url(filing)).content.decode()
    assert 'name="amount_unit"' not in body and "公开表格和说明的金额单位：<strong>万元</strong>" in body
    assert client.post(unit_url(filing), {"amount_unit": "yuan"}).status_code == 403
    client.force_login(reviewer)
    assert client.post(unit_url(filing), {"amount_unit": "yuan"}).status_code == 403
    client.force_login(outsider)
    assert client.post(unit_url(filing), {"amount_unit": "yuan"}).status_code == 404
    filing.refresh_from_db()
    assert filing.amount_unit == "wan"
    assert client.get(unit_url(filing)).status_code == 405


def visible_text(html: str) -> str:
    """The page as read: tags and their attributes removed."""
    import re

    return re.sub(r"<[^>]+>", " ", html)


def test_each_reason_is_a_labelled_field_beside_the_sentence_that_needs_it_and_no_key_is_shown(client, accountant, filing):
    client.force_login(accountant)
    body = client.get(url(filing)).content.decode()
    section = body[body.index('id="section-operating_costs"') :]
    section = section[: section.index("</section>")]
    assert '<label for="r-change.operating_costs">机关运行经费变动原因（必填）</label>' in section
    assert "下降15.3%。主要变动原因是【待填写：机关运行经费变动原因】。”" in section  # the sentence that needs it
    assert section.index("<p>") < section.index('name="reason:change.operating_costs"')  # the paragraph, then its field
    text = visible_text(body)
    for key in ("change.", "three_public", "operating_costs", "gpb_expense", "total", "{", "reasons"):
        assert key not in text, key


def test_prior_year_figures_are_labelled_fields_in_wan_and_change_the_text(client, accountant, filing):
    client.force_login(accountant)
    body = client.get(url(filing)).content.decode()
    assert '<label for="p-total">上年收支总计（万元）</label>' in body
    assert '<label for="p-three_public-vehicle">上年公务用车购置及运行维护费（万元）</label>' in body
    assert 'name="prior:total" value="310.17"' in body
    assert "与2018年相比，收、支总计各增加72.14万元，增长23.3%" in body

    response = client.post(url(filing), {"prior:total": "300", "prior:three_public.vehicle": "8.14"})
    assert response.status_code == 302
    from disclosures.models import PriorYearFigure

    assert PriorYearFigure.objects.get(filing=filing, key="total").amount == Decimal("3000000.00")
    assert PriorYearFigure.objects.get(filing=filing, key="three_public.vehicle").amount == Decimal("81400.00")
    body = client.get(url(filing)).content.decode()
    assert "与2018年相比，收、支总计各增加82.31万元，增长27.4%" in body
    entry = AuditEntry.objects.get(filing=filing, action="填写上年对比数", field="上年收支总计")
    assert (entry.before, entry.after) == ("3,101,700.00 元", "3,000,000.00 元")

    refused = client.post(url(filing), {"prior:total": "3e5"})
    assert refused.status_code == 200
    assert "上年收支总计（万元）</a>：“3e5”不是有效的金额：请直接填写数字，不要用科学计数法" in refused.content.decode()
    assert PriorYearFigure.objects.get(filing=filing, key="total").amount == Decimal("3000000.00")


def test_prior_figures_come_from_last_years_filing_when_it_is_in_the_system(client, accountant, department, filing):
    last_year = build_seed_003(department=department, year=2018, with_prior=False)
    Filing.objects.filter(pk=last_year.pk).update(status=Filing.Status.APPROVED)
    client.force_login(accountant)
    body = client.get(url(filing)).content.decode()
    assert "2018年的部门决算已在系统中审核" in body
    assert 'name="prior:total" value="382.31"' in body and 'id="p-total" disabled' in body
    client.post(url(filing), {"prior:total": "1"})
    from disclosures.models import PriorYearFigure

    assert PriorYearFigure.objects.get(filing=filing, key="total").amount == Decimal("3101700.00")
