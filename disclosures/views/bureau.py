"""The finance bureau's pages (财政局审核人): the county dashboard, one filing's review, bulk actions.

Every action is a POST that first shows a confirmation page (no JavaScript needed) and acts only when
the confirmation form is sent back with confirm=yes.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disclosures.access import can_publish, is_reviewer
from disclosures.create_forms import MissingFilingsForm
from disclosures.models import Filing, FiscalYear
from disclosures.selectors.documents import active_generation_ids
from disclosures.selectors.bureau import (
    bureau_overview,
    bureau_years,
    check_summary,
    filing_review,
    overview_counts,
    year_publication_plan,
    year_publication_result,
)
from disclosures.services import workflow
from disclosures.tasks import publish_year
from disclosures.tables import definitions_for, table_set_for

ACTIONS = {
    "approve": ("审核通过", "审核通过后数据将冻结，部门不能再修改；请在批复后20日内公开。"),
    "publish": ("公开", "公开后社会公众即可查看；公开内容为此刻生成的快照。"),
    "return": ("退回", "退回后部门可以修改并重新提交。"),
}


def reviewer_required(view):
    """Anonymous users go to the login page; logged-in users who are not reviewers get 403."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_reviewer(request.user):
            raise PermissionDenied("仅财政局审核人可以访问。")
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@reviewer_required
def bureau_dashboard(request):
    years = bureau_years(user=request.user)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    rows = bureau_overview(user=request.user, year=year) if year else []
    return render(
        request,
        "bureau/dashboard.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "kinds": Filing.Kind.choices,
            "counts": overview_counts(rows),
            "can_publish": can_publish(request.user),
            "create_form": MissingFilingsForm(auto_id="create_%s"),
            "active_job_ids": active_generation_ids(year=year) if year else "",
        },
    )


@require_GET
@reviewer_required
def bureau_filing(request, pk: int):
    context = filing_review(user=request.user, pk=pk)
    filing = context["filing"]
    context.update(
        {
            "links": {
                "checks": reverse("disclosures:filing_checks", args=[pk]),
                "text": reverse("disclosures:filing_text", args=[pk]),
                "documents": reverse("disclosures:filing_documents", args=[pk]),
                "detail": reverse("disclosures:filing_detail", args=[pk]),
            },
            "targets": comment_targets(filing=filing),
            "can_publish": can_publish(request.user),
        }
    )
    return render(request, "bureau/filing.html", context)


def comment_targets(*, filing: Filing) -> list[str]:
    """What a comment may be pinned to: the filing as a whole, each table of its set, the text."""
    tables = definitions_for(table_set=table_set_for(filing=filing), filing_kind=filing.kind)
    return ["整体", *(f"表{d.number} {d.title}" for d in tables), "说明（文字部分）", "项目及绩效目标"]


@require_POST
@reviewer_required
def bureau_filing_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise PermissionDenied("未知操作。")
    filing = get_object_or_404(Filing.objects.select_related("department", "fiscal_year"), pk=pk)
    comments = _comments_from_post(request.POST)
    if request.POST.get("confirm") != "yes":
        summaries = _summaries([filing]) if action != "return" else {}
        return render(
            request,
            "bureau/confirm.html",
            {
                "filings": [filing],
                "action": action,
                "label": ACTIONS[action][0],
                "explain": ACTIONS[action][1],
                "comments": comments,
                "post_url": reverse("disclosures:bureau_filing_action", args=[pk, action]),
                "summaries": summaries,
                "blocked_by_reasons": any(s.missing_reasons for s in summaries.values()),
            },
        )
    try:
        if action == "approve":
            workflow.filing_approve(filing=filing, user=request.user, comment=request.POST.get("note", "").strip())
        elif action == "publish":
            workflow.filing_publish(filing=filing, user=request.user)
        else:
            workflow.filing_return(filing=filing, user=request.user, comments=comments)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{filing}：已{ACTIONS[action][0]}。")
    return redirect("disclosures:bureau_filing", pk=pk)


def _comments_from_post(data) -> list[tuple[str, str]]:
    """(target, text) pairs; a detail (e.g. "支出明细#12" or a cell) is appended to the chosen table."""
    targets = data.getlist("target")
    details = data.getlist("detail") or [""] * len(targets)
    texts = data.getlist("text")
    comments = []
    for target, detail, text in zip(targets, details + [""] * (len(targets) - len(details)), texts, strict=False):
        if text.strip():
            target = " · ".join(part for part in (target.strip(), detail.strip()) if part)
            comments.append((target[:100], text.strip()))
    return comments


def _summaries(filings) -> dict:
    """Check counts per filing for the confirmation page: open reasons block publication (the public
    text must not show 待填写), so the reviewer sees them before confirming."""
    return {f.pk: check_summary(filing=f) for f in filings}


@require_POST
@reviewer_required
def bureau_bulk(request):
    """Approve or publish several filings at once, after a confirmation page listing them."""
    action = request.POST.get("action", "")
    if action not in ("approve", "publish"):
        messages.error(request, "请选择批量操作。")
        return redirect(reverse("disclosures:bureau_dashboard") + f"?year={request.POST.get('year', '')}")
    ids = [int(i) for i in request.POST.getlist("filing") if i.isdigit()]
    filings = list(Filing.objects.filter(pk__in=ids).select_related("department", "fiscal_year"))
    if not filings:
        messages.error(request, "请先勾选要处理的填报。")
        return redirect(reverse("disclosures:bureau_dashboard") + f"?year={request.POST.get('year', '')}")
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "bureau/confirm.html",
            {
                "filings": filings,
                "action": action,
                "label": ACTIONS[action][0],
                "explain": ACTIONS[action][1],
                "post_url": reverse("disclosures:bureau_bulk"),
                "bulk": True,
                "year": request.POST.get("year", ""),
                "summaries": _summaries(filings),
            },
        )
    done, failed = [], []
    service = workflow.filing_approve if action == "approve" else workflow.filing_publish
    for filing in filings:
        try:
            service(filing=filing, user=request.user)
        except workflow.WorkflowError as error:
            failed.append(f"{filing}：{error.message}")
        else:
            done.append(str(filing))
    if done:
        messages.success(request, f"已{ACTIONS[action][0]}{len(done)}份：" + "；".join(done))
    for failure in failed:
        messages.error(request, failure)
    year = filings[0].fiscal_year.year
    return redirect(reverse("disclosures:bureau_dashboard") + f"?year={year}")


@require_http_methods(["GET", "POST"])
@reviewer_required
def year_publish(request, year: int):
    """公开本年度全部已审核填报: GET shows what would be published and what is skipped and why, or with
    `?batch=` the batch's progress and result; POST (the confirmation) queues the batch's jobs."""
    if not can_publish(request.user):
        raise PermissionDenied("没有公开权限。")
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    if request.method == "POST":
        plan = year_publication_plan(user=request.user, year=year)
        if not plan.approved:
            messages.error(request, f"{fiscal_year}没有已审核、待公开的填报。")
            return redirect("disclosures:year_publish", year=year)
        with transaction.atomic():
            queued = publish_year(fiscal_year=fiscal_year, filings=plan.approved, user=request.user)
        messages.success(request, f"已开始公开{fiscal_year}的 {queued.filings} 份已审核填报，在后台逐份进行。")
        return redirect(f"{reverse('disclosures:year_publish', args=[year])}?batch={queued.batch}")
    batch = request.GET.get("batch", "")
    context = {"fiscal_year": fiscal_year, "batch": batch}
    if batch:
        context["result"] = year_publication_result(user=request.user, batch=batch)
    else:
        context["plan"] = year_publication_plan(user=request.user, year=year)
    return render(request, "bureau/year_publish.html", context)
