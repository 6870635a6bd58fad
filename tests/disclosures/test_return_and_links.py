"""Fixing a returned filing: the checks link to the line, project, cell or reason; the filing page shows
the reviewer's comments in a banner, each with its link, and the workspace list shows them too; the
history and the audit trail read in Chinese."""

import re

import pytest
from django.urls import reverse

from disclosures.models import AuditEntry, ExpenseLine, Filing, ReviewComment
from disclosures.selectors.audit import audit_row
from disclosures.services import workflow
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(department):
    return build_seed_003(department=department)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_check_results_link_to_the_reason_field_and_the_table_sheet(client, accountant, filing):
    client.force_login(accountant)
    page = client.get(reverse("disclosures:filing_checks", args=[filing.pk])).content.decode()
    text_url = reverse("disclosures:filing_text", args=[filing.pk])
    assert f'<a href="{text_url}#r-change.operating_costs" class="btn small">填写原因</a>' in page
    assert 'class="finding-link"' in page


def test_a_line_finding_links_to_its_row_on_its_page_of_the_editor(filing):
    from disclosures.checks.registry import Location
    from disclosures.selectors.links import Linker

    lines = list(ExpenseLine.objects.filter(filing=filing).order_by("function_item__code", "dept_economic_item__code", "id"))
    line = lines[-1]
    link = Linker(filing).for_location(Location(table="支出决算表", line_id=line.pk, cell="x"))
    assert link.url == reverse("disclosures:line_editor", args=[filing.pk, "expense"]) + f"?page=1#row-{line.pk}"
    assert Linker(filing).for_comment(f"表7 一般公共预算财政拨款“三公”经费支出决算表 · 支出明细#{line.pk}").url.endswith(f"#row-{line.pk}")
    assert Linker(filing).for_comment("表7 一般公共预算财政拨款“三公”经费支出决算表").url == reverse(
        "disclosures:three_public_form", args=[filing.pk]
    )
    assert Linker(filing).for_comment("说明（文字部分）").url == reverse("disclosures:filing_text", args=[filing.pk])
    assert Linker(filing).for_comment("整体") is None


def test_returned_filing_shows_the_comments_in_a_banner_with_links_and_on_the_workspace_list(client, accountant, reviewer, filing):
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.SUBMITTED)
    filing.refresh_from_db()
    line = ExpenseLine.objects.filter(filing=filing).first()
    workflow.filing_return(
        filing=filing,
        user=reviewer,
        comments=[
            ("表7 一般公共预算财政拨款“三公”经费支出决算表", "公务接待费与明细不符。"),
            (f"支出明细#{line.pk}", "科目有误。"),
            ("说明（文字部分）", "请写明原因。"),
        ],
    )
    client.force_login(accountant)
    page = client.get(reverse("disclosures:filing_detail", args=[filing.pk])).content.decode()
    banner = page[page.index('id="return-comments"') :]
    banner = banner[: banner.index("</section>")]
    assert "请按以下 3 条意见修改后重新提交" in banner
    assert f'href="{reverse("disclosures:three_public_form", args=[filing.pk])}">打开三公经费</a>' in banner
    assert f'#row-{line.pk}">打开该条支出明细</a>' in banner
    assert f'href="{reverse("disclosures:filing_text", args=[filing.pk])}">打开说明</a>' in banner
    history = page[page.index('id="status-history"') :]
    assert "退回" in history and "已提交 → 已退回" in history
    assert "status" not in visible_text(page)

    workspace = client.get(reverse("disclosures:workspace")).content.decode()
    assert f'id="return-note-{filing.pk}"' in workspace and "财政局退回意见 3 条" in workspace and "公务接待费与明细不符。" in workspace

    ReviewComment.objects.filter(filing=filing).update(resolved=True)
    assert 'id="return-comments"' not in client.get(reverse("disclosures:filing_detail", args=[filing.pk])).content.decode()


def test_old_audit_codes_read_in_chinese_everywhere(client, reviewer, filing, django_user_model):
    legacy = [
        AuditEntry.objects.create(filing=filing, action="reason_update", field="reasons.three_public.total", before="", after="因工作需要"),
        AuditEntry.objects.create(filing=filing, action="提交", field="status", before="草稿", after="已提交"),
        AuditEntry.objects.create(filing=filing, action="unit_update", field="amount_unit", before="万元", after="元"),
    ]
    rows = [audit_row(e) for e in legacy]
    assert [(r.action, r.field) for r in rows] == [
        ("填写变动原因", "“三公”经费合计变动情况"),
        ("提交", "状态"),
        ("修改金额单位", "公开金额单位"),
    ]
    client.force_login(reviewer)
    bureau = visible_text(client.get(reverse("disclosures:bureau_filing", args=[filing.pk])).content.decode())
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-Root-1234"))
    admin = visible_text(client.get(reverse("admin:disclosures_auditentry_changelist")).content.decode())
    for text in (bureau, admin):
        for code in ("reason_update", "reasons.three_public", "unit_update", "amount_unit"):
            assert code not in text, code
        assert "填写变动原因" in text and "“三公”经费合计变动情况" in text
