"""The department's side of the workflow: submit for review, start a correction after publication."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from disclosures.access import can_edit_filing, get_filing_for_user, is_filer, is_reviewer
from disclosures.services import workflow
from disclosures.checks import run_checks


def _back_to(filing) -> str:
    """The filing's page in the department workspace."""
    return reverse("disclosures:filing_detail", args=[filing.pk])


@require_http_methods(["GET", "POST"])
@login_required
def filing_submit(request, pk: int):
    """GET: what will be submitted — the check results and the reviewer's open comments — with the
    submit button (only when there are no errors). POST: submit."""
    filing = get_filing_for_user(request.user, pk)
    if request.method == "GET":
        return render(
            request,
            "workflow/submit_confirm.html",
            {
                "filing": filing,
                "report": run_checks(filing=filing),
                "comments": filing.review_comments.filter(resolved=False).select_related("author"),
                "may_submit": can_edit_filing(request.user, filing) and is_filer(request.user, filing),
            },
        )
    try:
        workflow.filing_submit(filing=filing, user=request.user)
    except workflow.ChecksFailed as refused:
        return render(request, "workflow/submit_refused.html", {"filing": filing, "report": refused.report, "message": refused.message}, status=400)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        return redirect(_back_to(filing))
    messages.success(request, "已提交财政局审核。审核期间不能修改数据。")
    return redirect(_back_to(filing))


@require_POST
@login_required
def filing_correct(request, pk: int):
    filing = get_filing_for_user(request.user, pk)
    try:
        correction = workflow.filing_correct(filing=filing, user=request.user, note=request.POST.get("note", ""))
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        return redirect("disclosures:bureau_filing", pk=filing.pk) if is_reviewer(request.user) else redirect(_back_to(filing))
    messages.success(request, f"已创建第{correction.version}版（更正），修改后请重新提交审核。")
    return redirect("disclosures:bureau_filing", pk=correction.pk) if is_reviewer(request.user) else redirect(_back_to(correction))
