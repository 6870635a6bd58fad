"""/workspace/filings/new/ (the accountant's 新建填报) and /bureau/years/<year>/create/ (the bureau creates a
year's missing filings from the dashboard, which showed 未创建 with no action)."""

import pytest
from django.test import Client
from django.urls import reverse

from disclosures.models import ExpenseLine, Filing

pytestmark = pytest.mark.django_db
NEW = reverse("disclosures:filing_new")


def missing_url(year):
    return reverse("disclosures:bureau_create_missing", args=[year])


def test_workspace_links_to_the_form(client, accountant):
    client.force_login(accountant)
    assert NEW in client.get(reverse("disclosures:workspace")).content.decode()


def test_form_lists_the_years_with_a_catalog(client, accountant, catalog_2020):
    client.force_login(accountant)
    page = client.get(NEW).content.decode()
    assert "已导入分类科目的年度：2020年" in page and 'value="2020"' in page


def test_accountant_creates_and_lands_on_the_filing(client, accountant, department, catalog_2020):
    client.force_login(accountant)
    response = client.post(NEW, {"year": "2020", "kind": "budget", "amounts": "clear"})
    filing = Filing.objects.get(department=department)
    assert response.status_code == 302 and response["Location"] == reverse("disclosures:filing_detail", args=[filing.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已创建测试县信访局2020年部门预算（草稿）" in page


def test_year_without_catalog_shows_the_reason(client, accountant):
    client.force_login(accountant)
    response = client.post(NEW, {"year": "2030", "kind": "final", "amounts": "clear"})
    assert response.status_code == 400
    assert "2030年的政府收支分类科目（支出功能分类、部门预算支出经济分类）尚未导入" in response.content.decode()
    assert not Filing.objects.exists()


def test_duplicate_shows_the_reason(client, accountant, filing):
    client.force_login(accountant)
    response = client.post(NEW, {"year": "2020", "kind": "budget", "amounts": "clear"})
    assert response.status_code == 400 and "茂县信访局2020年部门预算已存在，不能重复创建" in response.content.decode()


def test_copy_reports_codes_missing_in_the_new_year(client, accountant, seed_filing, catalog_2020):
    from disclosures.models import CatalogItem

    CatalogItem.objects.filter(fiscal_year=catalog_2020, kind="dept_economic", code="30239").delete()
    client.force_login(accountant)
    response = client.post(NEW, {"year": "2020", "kind": "final", "copy_from_last_year": "on", "amounts": "keep"}, follow=True)
    page = response.content.decode()
    filing = Filing.objects.get(fiscal_year__year=2020)
    assert ExpenseLine.objects.filter(filing=filing).count() == 27
    assert "已从茂县信访局2019年部门决算复制" in page and "保留上年金额" in page
    assert "部门预算支出经济分类30239 其他交通费用：2020年分类科目中没有该编码，1条明细未复制" in page


def test_reviewer_is_sent_to_the_dashboard_with_a_reason(client, reviewer):
    client.force_login(reviewer)
    response = client.get(NEW)
    assert response.status_code == 403


def test_csrf_is_enforced(accountant, catalog_2020):
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    assert client.post(NEW, {"year": "2020", "kind": "budget", "amounts": "clear"}).status_code == 403
    assert not Filing.objects.exists()


def test_dashboard_offers_to_create_missing_filings(client, reviewer, department, catalog_2020):
    client.force_login(reviewer)
    page = client.get(reverse("disclosures:bureau_dashboard") + "?year=2020").content.decode()
    assert "未创建 · " in page and missing_url(2020) in page


def test_bureau_confirms_then_creates(client, reviewer, department, other_department, catalog_2020):
    client.force_login(reviewer)
    confirm = client.post(missing_url(2020), {"kind": "budget", "amounts": "clear"})
    page = confirm.content.decode()
    assert confirm.status_code == 200 and "将为以下2份未创建的填报建立草稿" in page and "测试县教育局" in page
    assert not Filing.objects.exists()
    response = client.post(missing_url(2020), {"kind": "budget", "amounts": "clear", "confirm": "yes"}, follow=True)
    assert Filing.objects.filter(fiscal_year__year=2020, kind="budget").count() == 2
    assert "已创建2份2020年填报" in response.content.decode()


def test_bureau_year_without_catalog(client, reviewer, department):
    client.force_login(reviewer)
    response = client.post(missing_url(2031), {"kind": "", "amounts": "clear", "confirm": "yes"}, follow=True)
    assert "2031年的政府收支分类科目" in response.content.decode()
    assert not Filing.objects.exists()


def test_accountant_cannot_create_for_the_county(client, accountant, catalog_2020):
    client.force_login(accountant)
    response = client.post(missing_url(2020), {"kind": "", "amounts": "clear", "confirm": "yes"})
    assert response.status_code == 403
    assert not Filing.objects.exists()


def test_what_a_copy_hook_skipped_is_shown(client, accountant, seed_filing, catalog_2020, monkeypatch):
    from disclosures.services import filings

    def hook(copied):
        return filings.HookCopied(label="测试行", count=1, skipped=["测试行X：新年度不适用，未复制"])

    monkeypatch.setattr(filings, "COPY_HOOKS", {"test": filings.CopyHook(label="测试行", copy=hook)})
    client.force_login(accountant)
    page = client.get(NEW).content.decode()
    assert "项目（含测试行）" in page
    response = client.post(NEW, {"year": "2020", "kind": "final", "copy_from_last_year": "on", "amounts": "keep"}, follow=True)
    page = response.content.decode()
    assert "测试行1" in page and "以下内容未复制，请补录：测试行X：新年度不适用，未复制。" in page
    assert "分类科目中不存在" not in page
