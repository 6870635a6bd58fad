"""Demo states of the review workflow, run by `load_demo` after the demo data is loaded.

Moves the demo filings through the real workflow services (so every step is checked and audited)
until at least two are published with their snapshots and one is returned with comments. Filings
whose checks report errors stay drafts — the demo then also shows a refused submission. Idempotent:
running it again changes nothing once the states exist.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Q

from disclosures.access import can_publish
from disclosures.models import DepartmentMembership, Filing
from disclosures.services import workflow

PUBLISHED_WANTED = 2
RETURNED_WANTED = 1
DEMO_RETURN_COMMENTS = [
    ("表7 一般公共预算财政拨款“三公”经费支出决算表", "公务接待费比上年减少，请在说明中写明减少的主要原因。"),
    ("说明（文字部分）", "机关运行经费变动原因尚未填写。"),
]


def demo_reviewer():
    """A user who may review and publish: the demo's reviewer, else a superuser."""
    users = get_user_model().objects.filter(is_active=True)
    candidates = users.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__codename="publish_filing")
        | Q(user_permissions__codename="publish_filing")
    ).distinct().order_by("-is_superuser", "pk")
    preferred = [u for u in candidates if not u.is_superuser and can_publish(u)]
    return preferred[0] if preferred else candidates.first()


def advance_demo_workflow(*, log: Callable[[str], None] = print) -> dict[str, int]:
    """Publish two demo filings and return one with comments; returns the counts reached."""
    reviewer = demo_reviewer()
    if reviewer is None:
        log("没有审核人账号，跳过演示流程。")
        return {"published": 0, "returned": 0}
    published = Filing.objects.filter(status=Filing.Status.PUBLISHED).count()
    returned = Filing.objects.filter(status=Filing.Status.RETURNED).count()
    accountants = {m.department_id: m.user for m in DepartmentMembership.objects.select_related("user")}
    drafts = (
        Filing.objects.filter(status=Filing.Status.DRAFT, supersedes__isnull=True)
        .select_related("department", "fiscal_year")
        .order_by("-fiscal_year__year", "department__code", "kind")
    )
    for filing in drafts:
        if published >= PUBLISHED_WANTED and returned >= RETURNED_WANTED:
            break
        accountant = accountants.get(filing.department_id)
        if accountant is None:
            continue
        try:
            workflow.filing_submit(filing=filing, user=accountant)
        except workflow.ChecksFailed as refused:
            log(f"{filing}：检查有{len(refused.report.errors)}个错误，保留为草稿。")
            continue
        if published < PUBLISHED_WANTED:
            workflow.filing_approve(filing=filing, user=reviewer, comment="演示数据审核通过")
            workflow.filing_publish(filing=filing, user=reviewer)
            published += 1
            log(f"{filing}：已公开。")
        else:
            workflow.filing_return(filing=filing, user=reviewer, comments=DEMO_RETURN_COMMENTS)
            returned += 1
            log(f"{filing}：已退回（附审核意见）。")
    return {"published": published, "returned": returned}
