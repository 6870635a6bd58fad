"""/workspace/filings/<pk>/lines/<sheet>/ — the line editor: add, edit, delete a row of each sheet through
the line services, messages beside the cells, paste from Excel (preview, then all rows or none), the
catalog lookup, the running totals, and who may do it (another department: 404; a locked filing or a
reviewer: 403; CSRF enforced)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from disclosures.models import (
    AssetHolding,
    AuditEntry,
    ExpenseKind,
    ExpenseLine,
    Filing,
    FiscalYear,
    IncomeLine,
    Procurement,
    Project,
    ThreePublicStats,
    Unit,
)
from disclosures.services import lines
from disclosures.services.catalog import catalog_load_starter
from tests.disclosures.entry_fixtures import item

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def editor(filing, sheet="expense", **query):
    url = reverse("disclosures:line_editor", args=[filing.pk, sheet])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def add_url(filing, sheet="expense", unit="yuan"):
    return reverse("disclosures:line_row_add", args=[filing.pk, sheet]) + f"?unit={unit}"


def row_url(filing, sheet, pk, unit="yuan"):
    return reverse("disclosures:line_row", args=[filing.pk, sheet, pk]) + f"?unit={unit}"


def delete_url(filing, sheet, pk):
    return reverse("disclosures:line_row_delete", args=[filing.pk, sheet, pk])


def paste_url(filing, sheet="expense", unit="yuan"):
    return reverse("disclosures:line_paste", args=[filing.pk, sheet]) + f"?unit={unit}"


EXPENSE = {
    "unit": "",
    "function_item": "2010301",
    "dept_economic_item": "30101",
    "expense_kind": ExpenseKind.PERSONNEL,
    "project": "",
    "funding_source": "gpb",
    "budget_amount": "1,036.03",
    "note": "",
}


@pytest.fixture
def main_unit(filing):
    return Unit.objects.get(department=filing.department, is_main=True)


@pytest.fixture
def logged_in(client, accountant, filing):
    client.force_login(accountant)
    return client


# --- The page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", ["expense", "income", "project", "procurement", "asset", "unit"])
def test_every_sheet_opens_with_its_new_row(logged_in, filing, sheet):
    response = logged_in.get(editor(filing, sheet))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="row-new"' in page
    assert "htmx-2.0.11.min.js" in page and "js/line-grid.js" in page
    assert "<script>" not in page  # CSP: scripts only from static files


def test_page_shows_amounts_in_the_filings_unit_with_separators(logged_in, filing, expense_line):
    Filing.objects.filter(pk=filing.pk).update(amount_unit="wan")
    page = logged_in.get(editor(filing)).content.decode()
    assert "年初预算数（万元）" in page
    assert 'value="0.103603"' in page  # 1,036.03 元, exact in 万元
    page = logged_in.get(editor(filing, unit="yuan")).content.decode()
    assert 'value="1,036.03"' in page and "年初预算数（元）" in page
    assert "行政运行" in page  # the catalog name beside the code


def test_budget_filing_has_no_final_columns(logged_in, filing):
    page = logged_in.get(editor(filing)).content.decode()
    assert "决算数" not in page.split("<tbody>")[0]


def test_pages_of_a_big_sheet(logged_in, filing, main_unit, catalog_2020):
    function_items = list(
        type(item(catalog_2020, "function", "2010301")).objects.filter(fiscal_year=catalog_2020, kind="function", code__regex=r"^[0-9]{7}$")[:3]
    )
    econ = list(type(function_items[0]).objects.filter(fiscal_year=catalog_2020, kind="dept_economic", code__regex=r"^[0-9]{5}$")[:45])
    ExpenseLine.objects.bulk_create(
        ExpenseLine(
            filing=filing,
            unit=main_unit,
            function_item=f,
            dept_economic_item=e,
            gov_economic_item=e.gov_economic,
            expense_kind=ExpenseKind.PUBLIC,
            budget_amount=Decimal("100.00"),
        )
        for f in function_items
        for e in econ
    )
    response = logged_in.get(editor(filing, page=2))
    assert response.context["page"].paginator.count == 135
    assert len(response.context["rows"]) == 35
    assert response.context["rows"][0].number == 101
    assert response.context["totals"].expense_total.budget == Decimal("13500.00")


# --- Add, edit, delete --------------------------------------------------------------------------------


def test_add_expense_line_typed_in_wan(logged_in, filing, main_unit):
    response = logged_in.post(add_url(filing, unit="wan"), {**EXPENSE, "budget_amount": "12.345678"}, **HX)
    assert response.status_code == 200
    line = ExpenseLine.objects.get(filing=filing)
    assert line.budget_amount == Decimal("123456.78")
    assert line.unit == main_unit  # blank unit: 部门本级
    assert line.gov_economic_item.code == "50101"  # derived by the service from the 对照表
    page = response.content.decode()
    assert f'id="row-{line.pk}"' in page and 'id="row-new"' in page
    assert response["HX-Trigger"] == "grid-changed"


def test_name_typed_instead_of_code(logged_in, filing):
    logged_in.post(add_url(filing), {**EXPENSE, "function_item": "信访事务"}, **HX)
    assert ExpenseLine.objects.get(filing=filing).function_item.code == "2010308"


def test_edit_expense_line(logged_in, filing, expense_line):
    data = {**EXPENSE, "budget_amount": "2,000.50", "note": "调整"}
    response = logged_in.post(row_url(filing, "expense", expense_line.pk), data, **HX)
    assert response.status_code == 200
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("2000.50") and expense_line.note == "调整"
    assert 'value="2,000.50"' in response.content.decode()


def test_errors_beside_the_cells_and_nothing_saved(logged_in, filing, expense_line):
    data = {**EXPENSE, "function_item": "9999999", "budget_amount": "abc"}
    response = logged_in.post(row_url(filing, "expense", expense_line.pk), data, **HX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "科目“9999999”不在2020年支出功能分类中" in page
    assert "“abc”不是有效的金额" in page
    assert 'value="abc"' in page  # the typed text stays in its cell
    assert page.count('aria-invalid="true"') == 2
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("1036.03")


def test_rule_of_the_service_beside_its_cell(logged_in, filing):
    response = logged_in.post(add_url(filing), {**EXPENSE, "dept_economic_item": ""}, **HX)
    assert response.status_code == 422
    assert "基本支出必须填写部门预算经济分类科目" in response.content.decode()
    assert not ExpenseLine.objects.filter(filing=filing).exists()


def test_code_of_another_year_is_refused(logged_in, filing, catalog_2020):
    year = FiscalYear.objects.get_or_create(year=2021)[0]
    catalog_load_starter(fiscal_year=year)
    type(item(catalog_2020, "function", "2010301")).objects.filter(fiscal_year=catalog_2020, code="2010308").delete()
    response = logged_in.post(add_url(filing), {**EXPENSE, "function_item": "2010308"}, **HX)
    assert response.status_code == 422
    assert "科目“2010308”是2021年的科目，不在2020年支出功能分类中" in response.content.decode()


def test_duplicate_line_is_refused_with_chinese_message(logged_in, filing, expense_line):
    response = logged_in.post(add_url(filing), EXPENSE, **HX)
    assert response.status_code == 422
    assert "重复" in response.content.decode()
    assert ExpenseLine.objects.filter(filing=filing).count() == 1


def test_delete_expense_line(logged_in, filing, expense_line):
    response = logged_in.post(delete_url(filing, "expense", expense_line.pk), **HX)
    assert response.status_code == 200 and response.content == b""
    assert not ExpenseLine.objects.filter(pk=expense_line.pk).exists()


def test_income_line_add_and_edit(logged_in, filing, main_unit):
    data = {"unit": main_unit.code, "category": "income", "source": "gpb", "function_item": "2010301", "budget_amount": "3,823,100.00"}
    assert logged_in.post(add_url(filing, "income"), data, **HX).status_code == 200
    line = IncomeLine.objects.get(filing=filing)
    assert line.budget_amount == Decimal("3823100.00") and line.function_item.code == "2010301"
    assert logged_in.post(row_url(filing, "income", line.pk), {**data, "source": "business"}, **HX).status_code == 200
    line.refresh_from_db()
    assert line.source == "business"


def test_project_add_with_plan_and_rule(logged_in, filing):
    data = {"code": "P-1", "name": "信访工作经费", "unit": "", "purpose": "", "budget_amount": "200,000", "fiscal_amount": "300,000"}
    response = logged_in.post(add_url(filing, "project"), data, **HX)
    assert response.status_code == 422
    assert "财政拨款不能超过项目预算数" in response.content.decode()
    data.update(fiscal_amount="200000", plan_march="25", plan_june="50", plan_october="80", plan_december="100")
    assert logged_in.post(add_url(filing, "project"), data, **HX).status_code == 200
    project = Project.objects.get(filing=filing)
    assert project.budget_amount == Decimal("200000.00") and project.plan_december == Decimal("100.00")


def test_procurement_and_asset_rows(logged_in, filing):
    data = {"category": "goods", "budget_amount": "50,000"}
    assert logged_in.post(add_url(filing, "procurement"), data, **HX).status_code == 200
    assert Procurement.objects.get(filing=filing).budget_amount == Decimal("50000.00")
    data = {"kind": "vehicle_leader", "quantity": "2", "value": "360000"}
    assert logged_in.post(add_url(filing, "asset"), data, **HX).status_code == 200
    asset = AssetHolding.objects.get(filing=filing)
    assert asset.quantity == Decimal("2") and asset.value == Decimal("360000.00")
    response = logged_in.post(add_url(filing, "asset"), data, **HX)
    assert response.status_code == 422  # one row per kind


def test_unit_add_edit_and_delete_refused_while_in_use(logged_in, filing, main_unit, expense_line):
    data = {
        "code": "901002",
        "name": "社会矛盾纠纷调处中心",
        "is_main": "否",
        "nature": "public_institution",
        "funding_form": "full",
        "staff_quota": "5",
    }
    assert logged_in.post(add_url(filing, "unit"), data, **HX).status_code == 200
    unit = Unit.objects.get(department=filing.department, code="901002")
    assert unit.nature == "public_institution" and unit.staff_quota == 5
    response = logged_in.post(delete_url(filing, "unit", main_unit.pk), **HX)
    assert response.status_code == 422
    assert "还有支出、收入明细或项目，不能删除" in response.content.decode()
    assert logged_in.post(delete_url(filing, "unit", unit.pk), **HX).status_code == 200
    assert not Unit.objects.filter(pk=unit.pk).exists()


def test_unit_sheet_shows_which_unit_is_main(logged_in, filing, main_unit):
    Unit.objects.create(department=filing.department, code="901002", name="调处中心", is_main=False)
    rows = {row.pk: row for row in logged_in.get(editor(filing, "unit")).context["rows"]}
    second = Unit.objects.get(code="901002")
    assert next(c for c in rows[main_unit.pk].cells if c.column.attribute == "is_main").value == "True"
    assert next(c for c in rows[second.pk].cells if c.column.attribute == "is_main").value == "False"
    page = logged_in.get(editor(filing, "unit")).content.decode()
    assert '<option value="False" selected>否</option>' in page.split(f'id="row-{second.pk}"')[1].split("</tr>")[0]
    new_row = page.split('id="row-new"')[1].split("</tr>")[0]
    assert '<option value="False" selected>否</option>' in new_row  # a new unit is not 本级 unless chosen
    data = {"code": "901002", "name": "调处中心", "is_main": "False", "nature": "administrative", "funding_form": "full", "grade": "股级"}
    assert logged_in.post(row_url(filing, "unit", second.pk), data, **HX).status_code == 200
    second.refresh_from_db()
    assert second.is_main is False and second.grade == "股级"


def test_second_main_unit_is_refused(logged_in, filing):
    data = {"code": "901009", "name": "另一个本级", "is_main": "是", "nature": "administrative", "funding_form": "full"}
    response = logged_in.post(add_url(filing, "unit"), data, **HX)
    assert response.status_code == 422
    assert not Unit.objects.filter(code="901009").exists()


# --- Three public ---------------------------------------------------------------------------------------


def test_three_public_budget_entered_in_wan(logged_in, filing):
    url = reverse("disclosures:three_public_form", args=[filing.pk]) + "?unit=wan"
    assert logged_in.get(url).status_code == 200
    data = {
        "budget_overseas": "",
        "budget_vehicle_purchase": "0",
        "budget_vehicle_operation": "12.6",
        "budget_reception": "1.99505",
        "vehicles_owned": "2",
    }
    response = logged_in.post(url, data)
    assert response.status_code == 302
    stats = ThreePublicStats.objects.get(filing=filing)
    assert stats.budget_vehicle_operation == Decimal("126000.00")
    assert stats.budget_reception == Decimal("19950.50")
    assert stats.budget_overseas is None and stats.vehicles_owned == 2
    response = logged_in.post(url, {**data, "budget_reception": "-1", "vehicles_owned": "两"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "金额不能为负数" in page and "“两”不是有效的非负整数" in page
    stats.refresh_from_db()
    assert stats.budget_reception == Decimal("19950.50")


# --- Paste ----------------------------------------------------------------------------------------------

PASTED = "\t2010301\t30101\t基本支出-人员经费\t\t一般公共预算财政拨款\t1,000.00\t\n\t2010301\t30102\t基本支出-人员经费\t\t一般公共预算财政拨款\t2000\t津贴\n"


def test_paste_preview_then_apply(logged_in, filing, expense_line):
    response = logged_in.post(paste_url(filing), {"text": PASTED, "action": "preview"}, **HX)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row.status for row in preview.rows] == ["update", "new"]  # the first row has the stored line's key
    assert not ExpenseLine.objects.filter(filing=filing, dept_economic_item__code="30102").exists()
    response = logged_in.post(paste_url(filing), {"text": PASTED, "action": "apply"}, **HX)
    assert response.status_code == 200 and response["HX-Redirect"]
    assert ExpenseLine.objects.filter(filing=filing).count() == 2
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("1000.00")
    assert ExpenseLine.objects.get(filing=filing, dept_economic_item__code="30102").note == "津贴"
    assert AuditEntry.objects.filter(filing=filing, action="粘贴录入").exists()


def test_paste_with_header_row_in_yuan_into_a_wan_grid(logged_in, filing):
    text = "支出功能分类科目编码\t部门预算经济分类科目编码\t支出类型\t年初预算数（元）\n2010301\t30101\t基本支出-人员经费\t1036.03\n"
    response = logged_in.post(paste_url(filing, unit="wan"), {"text": text, "action": "apply"}, **HX)
    assert response.status_code == 200, response.content.decode()
    assert ExpenseLine.objects.get(filing=filing).budget_amount == Decimal("1036.03")


def test_paste_with_one_bad_row_saves_nothing(logged_in, filing):
    text = PASTED + "\t2010301\t30201\t基本支出-日常公用经费\t\t一般公共预算财政拨款\t一千元\t\n"
    response = logged_in.post(paste_url(filing), {"text": text, "action": "preview"}, **HX)
    assert response.status_code == 422
    assert "第3行“年初预算数（元）”：金额“一千元”不是有效的金额" in response.content.decode()
    response = logged_in.post(paste_url(filing), {"text": text, "action": "apply"}, **HX)
    assert response.status_code == 422
    assert not ExpenseLine.objects.filter(filing=filing).exists()


def test_paste_updates_a_row_with_the_same_key(logged_in, filing, expense_line):
    text = "\t2010301\t30101\t基本支出-人员经费\t\t一般公共预算财政拨款\t5.5\t\n"
    preview = logged_in.post(paste_url(filing, unit="wan"), {"text": text, "action": "preview"}, **HX).context["preview"]
    assert [row.status for row in preview.rows] == ["update"]
    logged_in.post(paste_url(filing, unit="wan"), {"text": text, "action": "apply"}, **HX)
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("55000.00")


def test_paste_too_many_columns(logged_in, filing):
    text = "\t".join(["x"] * 20) + "\n"
    response = logged_in.post(paste_url(filing), {"text": text, "action": "preview"}, **HX)
    assert response.status_code == 422
    assert "粘贴的内容有20列，多于本表的" in response.content.decode()


# --- Lookup and totals ----------------------------------------------------------------------------------


def test_catalog_lookup_by_code_and_name_of_the_filings_year(logged_in, filing, catalog_2020):
    year = FiscalYear.objects.get_or_create(year=2021)[0]
    catalog_load_starter(fiscal_year=year)
    url = reverse("disclosures:catalog_lookup", args=[filing.pk])
    data = logged_in.get(url, {"kind": "function", "q": "201030", "format": "json"}).json()
    assert data["year"] == 2020
    codes = [m["code"] for m in data["matches"]]
    assert "2010301" in codes and "2010308" in codes and all(len(c) == 7 for c in codes)
    data = logged_in.get(url, {"kind": "function", "q": "信访", "format": "json"}).json()
    assert {"code": "2010308", "name": "信访事务"} in data["matches"]
    html = logged_in.get(url, {"kind": "dept_economic", "field": "dept_economic_item", "dept_economic_item": "3010"}).content.decode()
    assert '<option value="30101">30101 基本工资</option>' in html
    assert logged_in.get(url, {"kind": "function", "q": "", "format": "json"}).json()["matches"] == []


def test_totals_by_class_and_balance(logged_in, filing, expense_line, main_unit, catalog_2020):
    lines.income_line_save(line=IncomeLine(filing=filing, unit=main_unit, source="gpb", budget_amount=Decimal("1000.00")))
    response = logged_in.get(reverse("disclosures:line_totals", args=[filing.pk, "expense"]) + "?unit=yuan")
    totals = response.context["totals"]
    assert [(row.label, row.amounts.budget) for row in totals.expense_classes] == [("201 一般公共服务支出", Decimal("1036.03"))]
    assert totals.difference.budget == Decimal("-36.03") and not totals.balanced
    assert "收支不平衡：差额 -36.03 元" in response.content.decode()
    typed = {"_row": str(expense_line.pk), **EXPENSE, "budget_amount": "1,000"}
    response = logged_in.post(reverse("disclosures:line_totals", args=[filing.pk, "expense"]) + "?unit=yuan", typed, **HX)
    assert response.context["totals"].balanced
    assert "收支平衡。" in response.content.decode()


# --- Who may ----------------------------------------------------------------------------------------------


def test_other_department_gets_404(client, outsider, filing, expense_line):
    client.force_login(outsider)
    assert client.get(editor(filing)).status_code == 404
    assert client.post(row_url(filing, "expense", expense_line.pk), EXPENSE, **HX).status_code == 404
    assert client.post(delete_url(filing, "expense", expense_line.pk), **HX).status_code == 404
    assert client.post(paste_url(filing), {"text": PASTED, "action": "apply"}, **HX).status_code == 404
    assert client.get(reverse("disclosures:catalog_lookup", args=[filing.pk]), {"kind": "function", "q": "201"}).status_code == 404
    assert ExpenseLine.objects.get(pk=expense_line.pk).budget_amount == Decimal("1036.03")


def test_row_of_another_filing_is_404(logged_in, filing, other_filing, catalog_2020):
    other_line = lines.expense_line_save(
        line=ExpenseLine(
            filing=other_filing,
            unit=Unit.objects.get(department=other_filing.department, is_main=True),
            function_item=item(catalog_2020, "function", "2010301"),
            dept_economic_item=item(catalog_2020, "dept_economic", "30101"),
            expense_kind=ExpenseKind.PERSONNEL,
            budget_amount=Decimal("5.00"),
        )
    )
    assert logged_in.post(row_url(filing, "expense", other_line.pk), EXPENSE, **HX).status_code == 404
    assert logged_in.post(delete_url(filing, "expense", other_line.pk), **HX).status_code == 404
    assert ExpenseLine.objects.filter(pk=other_line.pk).exists()


@pytest.mark.parametrize("status", [Filing.Status.SUBMITTED, Filing.Status.APPROVED, Filing.Status.PUBLISHED])
def test_locked_filing_is_read_only(logged_in, filing, expense_line, status):
    Filing.objects.filter(pk=filing.pk).update(status=status)
    page = logged_in.get(editor(filing)).content.decode()
    assert 'id="row-new"' not in page and "<input" not in page.split('id="line-grid"')[1].split("</table>")[0]
    assert logged_in.post(row_url(filing, "expense", expense_line.pk), {**EXPENSE, "budget_amount": "1"}, **HX).status_code == 403
    assert logged_in.post(add_url(filing), EXPENSE, **HX).status_code == 403
    assert logged_in.post(delete_url(filing, "expense", expense_line.pk), **HX).status_code == 403
    assert logged_in.post(paste_url(filing), {"text": PASTED, "action": "apply"}, **HX).status_code == 403
    assert logged_in.post(reverse("disclosures:three_public_form", args=[filing.pk]), {"vehicles_owned": "3"}).status_code == 403
    assert ExpenseLine.objects.filter(filing=filing).count() == 1


def test_filing_locked_after_the_page_was_loaded(logged_in, filing, expense_line):
    """The view's check passed, then the reviewer approved: the service refuses under the row lock."""
    from disclosures.selectors.grid import SHEETS
    from disclosures.services.grid import grid_row_save

    stale = Filing.objects.get(pk=filing.pk)
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.APPROVED)
    result = grid_row_save(
        filing=stale,
        sheet=SHEETS["expense"],
        pk=expense_line.pk,
        data={**EXPENSE, "budget_amount": "1"},
        unit="yuan",
        user=filing.department.members.first().user,
    )
    assert not result.ok and "不能修改" in result.errors["__all__"][0]
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("1036.03")


def test_reviewer_sees_but_cannot_edit(client, reviewer, filing, expense_line):
    client.force_login(reviewer)
    assert client.get(editor(filing)).status_code == 200
    assert client.post(row_url(filing, "expense", expense_line.pk), EXPENSE, **HX).status_code == 403


def test_csrf_is_enforced(accountant, filing, expense_line):
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    response = client.post(row_url(filing, "expense", expense_line.pk), {**EXPENSE, "budget_amount": "1"}, **HX)
    assert response.status_code == 403
    page = client.get(editor(filing)).content.decode()
    token = page.split('data-csrf="')[1].split('"')[0]
    response = client.post(row_url(filing, "expense", expense_line.pk), {**EXPENSE, "budget_amount": "1"}, HTTP_X_CSRFTOKEN=token, **HX)
    assert response.status_code == 200
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("1.00")


def test_paste_into_a_filing_approved_meanwhile_writes_nothing(filing, accountant, expense_line):
    """The preview passed on a draft; the reviewer approved before 保存: the apply re-reads the status under
    the filing's row lock and refuses, with nothing written."""
    from disclosures.imports.apply import ImportFailed
    from disclosures.selectors.grid import SHEETS
    from disclosures.services.grid import grid_paste_apply, grid_paste_preview

    stale = Filing.objects.get(pk=filing.pk)
    assert grid_paste_preview(filing=stale, sheet=SHEETS["expense"], text=PASTED, unit="yuan").ok
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.APPROVED)
    with pytest.raises(ImportFailed, match="不能修改"):
        grid_paste_apply(filing=stale, sheet=SHEETS["expense"], text=PASTED, unit="yuan", user=accountant)
    assert list(ExpenseLine.objects.filter(filing=filing)) == [expense_line]
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("1036.03")
