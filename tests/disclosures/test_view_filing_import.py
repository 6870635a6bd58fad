"""/workspace/filings/<pk>/import/ — upload, preview with every row's error, apply all or nothing."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from disclosures.models import AuditEntry, ExpenseLine, Filing
from jobs.models import Job
from tests.disclosures.imports.helpers import EXPENSE_OK, filled_template

pytestmark = pytest.mark.django_db


def url(filing):
    return reverse("disclosures:filing_import", args=[filing.pk])


def upload(filing, rows, name="支出.xlsx", kind="expense"):
    return {"kind": kind, "file": SimpleUploadedFile(name, filled_template(filing, kind, rows).getvalue())}


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "no apply form on the page"
    return match.group(1)


def test_anonymous_is_sent_to_login(client, filing):
    response = client.get(url(filing))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_other_department_gets_404(client, outsider, filing):
    client.force_login(outsider)
    assert client.get(url(filing)).status_code == 404
    assert client.post(url(filing), upload(filing, [EXPENSE_OK])).status_code == 404
    assert not ExpenseLine.objects.exists()


def test_reviewer_cannot_upload(client, reviewer, filing):
    client.force_login(reviewer)
    assert client.get(url(filing)).status_code == 200
    assert client.post(url(filing), upload(filing, [EXPENSE_OK])).status_code == 403


def apply(client, filing, token, capture, *, checked_warnings=False):
    """Confirm the preview: the apply runs as a job once the request's transaction commits."""
    with capture(execute=True):
        response = client.post(url(filing), {"token": token, **({"confirm_warnings": "1"} if checked_warnings else {})})
    assert response.status_code == 302
    job = Job.objects.get(kind=Job.Kind.IMPORT_WORKBOOK, filing=filing, params={"token": token})
    assert response["Location"] == f"{url(filing)}?job={job.pk}"
    job.refresh_from_db()
    return job, client.get(response["Location"]).content.decode()


def test_upload_preview_then_apply(client, accountant, filing, django_capture_on_commit_callbacks):
    client.force_login(accountant)
    rows = [EXPENSE_OK, {**EXPENSE_OK, "部门预算经济分类科目编码": "30102", "年初预算数（元）": 2500}]
    response = client.post(url(filing), upload(filing, rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "检查通过" in page and "将新增 2 行" in page
    assert not ExpenseLine.objects.exists(), "the preview writes nothing"

    token = token_of(response)
    job, page = apply(client, filing, token, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.DONE and job.created_by == accountant
    assert job.result == {"created": 2, "updated": 0, "summary": "“支出”表新增2行，更新0行"}
    assert "导入成功" in page and "“支出”表新增2行，更新0行" in page
    amounts = sorted(ExpenseLine.objects.filter(filing=filing).values_list("dept_economic_item__code", "budget_amount"))
    assert amounts == [("30101", Decimal("1036.03")), ("30102", Decimal("2500.00"))]
    # The 政府经济分类 is derived by the line service (30101 → 50101 for an administrative unit).
    assert set(ExpenseLine.objects.values_list("gov_economic_item__code", flat=True)) == {"50101"}
    entry = AuditEntry.objects.get(filing=filing, action="导入Excel")
    assert entry.actor == accountant and entry.object_repr == "支出.xlsx"
    assert entry.comment == "“支出”表新增2行，更新0行"

    # The token is used up: applying it again does nothing.
    response = client.post(url(filing), {"token": token}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert ExpenseLine.objects.count() == 2


def test_bad_row_lists_errors_and_writes_nothing(client, accountant, filing):
    client.force_login(accountant)
    rows = [EXPENSE_OK, {**EXPENSE_OK, "部门预算经济分类科目编码": "30102", "年初预算数（元）": "abc"}]
    response = client.post(url(filing), upload(filing, rows))
    page = response.content.decode()
    assert "第4行“年初预算数（元）”：金额“abc”不是有效的金额" in page
    assert 'name="token"' not in page, "a file with errors cannot be applied"
    assert "有错误" in page and "新增" in page  # per-row status
    assert not ExpenseLine.objects.exists()


def test_apply_is_all_or_nothing(client, accountant, filing, expense_line, django_capture_on_commit_callbacks):
    """A row that passes the preview but is refused by the service at apply time rolls back every row."""
    client.force_login(accountant)
    rows = [{**EXPENSE_OK, "年初预算数（元）": 9}, {**EXPENSE_OK, "部门预算经济分类科目编码": "30102"}]
    response = client.post(url(filing), upload(filing, rows))
    assert "第3行“预算单位”为空，按部门本级" in response.content.decode()  # row 3 updates 本级's line
    token = token_of(response)
    # Another session changes the catalog mapping of 30102 in between: its line is refused at apply.
    from disclosures.models import CatalogItem

    CatalogItem.objects.filter(fiscal_year=filing.fiscal_year, kind="dept_economic", code="30102").update(gov_economic=None)
    job, page = apply(client, filing, token, django_capture_on_commit_callbacks, checked_warnings=True)
    assert job.status == Job.Status.FAILED
    assert "导入失败，没有写入任何数据" in page
    assert "第4行“部门预算经济分类科目”：部门预算经济分类科目“30102 津贴补贴”没有对应的政府预算经济分类科目" in page
    expense_line.refresh_from_db()
    assert expense_line.budget_amount == Decimal("1036.03")
    assert ExpenseLine.objects.count() == 1


def test_locked_filing_refuses_upload(client, accountant, filing):
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.SUBMITTED)
    client.force_login(accountant)
    assert "不能导入" in client.get(url(filing)).content.decode()
    assert client.post(url(filing), upload(filing, [EXPENSE_OK])).status_code == 403


def test_staged_rows_belong_to_their_user(client, accountant, filing, django_user_model):
    client.force_login(accountant)
    token = token_of(client.post(url(filing), upload(filing, [EXPENSE_OK])))
    colleague = django_user_model.objects.create_user("colleague", is_staff=True)
    from disclosures.models import DepartmentMembership

    DepartmentMembership.objects.create(user=colleague, department=filing.department)
    other = Client()
    other.force_login(colleague)
    response = other.post(url(filing), {"token": token}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert not ExpenseLine.objects.exists()


def test_csrf_is_enforced(accountant, filing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    response = client.post(url(filing), upload(filing, [EXPENSE_OK]))
    assert response.status_code == 403
    assert not ExpenseLine.objects.exists()


def test_size_limit(client, accountant, filing, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    client.force_login(accountant)
    response = client.post(url(filing), upload(filing, [EXPENSE_OK]))
    assert response.status_code == 413
    assert "文件太大" in response.content.decode()
    assert not ExpenseLine.objects.exists()


def test_content_checked_not_only_the_name(client, accountant, filing):
    client.force_login(accountant)
    fake = SimpleUploadedFile("支出.xlsx", "预算单位,支出功能分类科目编码\n".encode())
    response = client.post(url(filing), {"kind": "expense", "file": fake})
    assert response.status_code == 400
    assert "文件内容与扩展名“.xlsx”不符" in response.content.decode()
    other = SimpleUploadedFile("支出.pdf", b"%PDF-1.4")
    response = client.post(url(filing), {"kind": "expense", "file": other})
    assert "只能上传 .xlsx 或 .csv 文件" in response.content.decode()
    legacy = SimpleUploadedFile("支出.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "另存为 .xlsx" in client.post(url(filing), {"kind": "expense", "file": legacy}).content.decode()


def test_update_preview_shows_old_and_new_and_warns_when_a_blank_unit_overwrites_the_main_units_line(
    client, accountant, filing, catalog_2020, django_capture_on_commit_callbacks
):
    """A row with a blank 预算单位 is 部门本级's: it silently replaced 本级's income line, and the income
    jumped from 382.31 to 455.62 万元. The preview now says so, shows old → new, and the apply needs the
    department to tick that it checked."""
    from disclosures.models import IncomeLine, Unit
    from disclosures.services import lines
    from tests.disclosures.entry_fixtures import item

    main = Unit.objects.get(department=filing.department, is_main=True)
    Unit.objects.create(department=filing.department, code="901002", name="信访接待中心")
    gpb = {"unit": main, "category": "income", "source": "gpb", "function_item": item(catalog_2020, "function", "2010301")}
    line = lines.income_line_save(line=IncomeLine(filing=filing, budget_amount=Decimal("3823100.00"), **gpb))
    client.force_login(accountant)
    row = {"预算单位": None, "类别": "本年收入", "收入来源": "一般公共预算财政拨款", "功能分类科目编码": "2010301", "年初预算数（元）": 4556200}
    unchanged = {**row, "预算单位": "信访接待中心", "年初预算数（元）": 1000}
    lines.income_line_save(line=IncomeLine(filing=filing, budget_amount=Decimal("1000.00"), **{**gpb, "unit": Unit.objects.get(code="901002")}))
    response = client.post(url(filing), upload(filing, [row, unchanged], name="收入.xlsx", kind="income"))
    page = response.content.decode()
    assert "将新增 0 行，更新 2 行" in page
    assert (
        f"第3行“预算单位”为空，按部门本级（{main.name}）处理，与本级已有的一行相同，将覆盖该行：年初预算数（元）由 3,823,100.00 改为 4,556,200.00。"
    ) in page
    assert '年初预算数（元）：<span class="change-old">3,823,100.00</span> → <span class="change-new">4,556,200.00</span>' in page
    assert "无变化" in page  # row 4 rewrites 信访接待中心's line with the same figures
    assert 'name="confirm_warnings"' in page

    token = token_of(response)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url(filing), {"token": token}, follow=True)
    assert "请勾选“我已核对以上提示”" in refused.content.decode()
    line.refresh_from_db()
    assert line.budget_amount == Decimal("3823100.00") and not Job.objects.filter(kind=Job.Kind.IMPORT_WORKBOOK).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(filing), {"token": token, "confirm_warnings": "1"}).status_code == 302
    line.refresh_from_db()
    assert line.budget_amount == Decimal("4556200.00")
