"""The admin's filing form uses the workspace's forms and widgets: the reasons and last year's figures as
labelled fields (no JSON textarea, no English key), amounts typed and shown with thousands separators."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from disclosures.models import AuditEntry, ExpenseLine, PriorYearFigure
from tests.disclosures.admin_helpers import form_data
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


def change_url(filing):
    return reverse("admin:disclosures_filing_change", args=[filing.pk])


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def seed_filing(department, entry_group, settings):
    settings.ADMIN_INLINE_MAX_LINES = 5000  # every line inline, so the page shows all the amount widgets
    return build_seed_003(department=department)


def test_admin_change_form_of_a_filing_has_no_json_textarea_nor_english_keys(client, accountant, seed_filing):
    client.force_login(accountant)
    page = client.get(change_url(seed_filing)).content.decode()
    textareas = re.findall(r"<textarea[^>]*name=\"([^\"]+)\"[^>]*>(.*?)</textarea>", page, flags=re.S)
    assert textareas and all(name != "reasons" for name, _ in textareas)
    assert not [name for name, content in textareas if content.strip().startswith(("{", "["))], "a JSON textarea"
    assert '<label for="r-change.operating_costs">机关运行经费变动原因（必填）:</label>' in page
    assert '<label for="p-total">上年收支总计（万元）:</label>' in page
    assert 'name="prior:total" value="310.17"' in page
    text = visible_text(page)
    for key in ("three_public", "change.", "operating_costs", "reason_update", "gpb_expense", '"total"', "key", "amount"):
        assert key not in text, key
    # line amounts in the inlines: text boxes with separators, not 2742550.00
    assert re.search(r'name="expense_lines-\d+-actual_amount" value="\d{1,3}(,\d{3})+\.\d\d"', page)


def test_admin_saves_reasons_and_prior_figures_through_the_services(client, accountant, seed_filing):
    client.force_login(accountant)
    data = form_data(client.get(change_url(seed_filing)))
    data["reason:change.operating_costs"] = "厉行勤俭节约，出差下乡减少。"
    data["prior:total"] = "300.00"
    line = ExpenseLine.objects.filter(filing=seed_filing).order_by("pk").first()
    index = next(k for k, v in data.items() if k.startswith("expense_lines-") and k.endswith("-id") and v == str(line.pk))
    data[index.replace("-id", "-note")] = "已核对"
    data[index.replace("-id", "-budget_amount")] = "1,234,567.89"
    response = client.post(change_url(seed_filing), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    seed_filing.refresh_from_db()
    assert seed_filing.reasons["change.operating_costs"] == "厉行勤俭节约，出差下乡减少。"
    assert seed_filing.reasons["change.total"] == "工资保险变动"
    assert PriorYearFigure.objects.get(filing=seed_filing, key="total").amount == Decimal("3000000.00")
    assert PriorYearFigure.objects.get(filing=seed_filing, key="three_public.vehicle").amount == Decimal("81400.00")  # unchanged
    line.refresh_from_db()
    assert line.budget_amount == Decimal("1234567.89")
    assert AuditEntry.objects.get(filing=seed_filing, action="填写变动原因").field == "机关运行经费变动原因"
    assert AuditEntry.objects.get(filing=seed_filing, action="填写上年对比数").field == "上年收支总计"


def test_a_typed_amount_in_exponent_form_is_refused_in_chinese(client, accountant, seed_filing):
    client.force_login(accountant)
    data = form_data(client.get(change_url(seed_filing)))
    index = next(k for k in data if k.startswith("expense_lines-") and k.endswith("-budget_amount"))
    data[index] = "1e5"
    response = client.post(change_url(seed_filing), data)
    assert response.status_code == 200
    assert "不要用科学计数法" in response.content.decode()


def test_reviewer_reads_the_reasons_and_figures_as_text(client, reviewer, seed_filing):
    from django.contrib.auth.models import Permission

    reviewer.user_permissions.add(Permission.objects.get(codename="view_filing"))
    client.force_login(reviewer)
    seed_filing.status = "submitted"
    seed_filing.save(update_fields=["status"])
    page = client.get(change_url(seed_filing)).content.decode()
    text = visible_text(page)
    assert "机关运行经费变动原因（必填）：（未填写）" in text.replace("\n", "")
    assert "上年收支总计（万元）：310.17" in text
    assert "three_public" not in text and "<textarea" not in page


def test_line_changelist_amounts_have_separators(client, accountant, seed_filing):
    client.force_login(accountant)
    page = client.get(reverse("admin:disclosures_expenseline_changelist") + f"?filing__id__exact={seed_filing.pk}").content.decode()
    assert "年初预算数（元）" in page
    assert re.search(r'<td class="field-budget_amount_shown">\d{1,3}(,\d{3})+\.\d\d</td>', page)
