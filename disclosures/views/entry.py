"""The department's workspace: its filings, a filing's summary, the template download and the upload.

Thin views: access through disclosures.access (404 for another department's filing), figures from
disclosures.selectors.figures, parsing and applying in disclosures.imports.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from disclosures import access
from disclosures.imports.preview import (
    StagingError,
    error_report_workbook,
    load_staged,
    preview_upload,
    stage_errors,
    stage_preview,
    staged_errors,
)
from disclosures.imports.limits import SizeLimitUploadHandler
from disclosures.imports.resources import UPLOAD_RESOURCES
from disclosures.imports.template import sheet_template
from disclosures.imports.workbook import CSV, WorkbookError, sniff_format
from disclosures.models import Filing
from jobs.models import Job
from disclosures.selectors.audit import status_history
from disclosures.selectors.figures import filing_figures, summary_rows
from disclosures.selectors.links import Linker, open_comments
from jobs.services import job_enqueue
from disclosures.tasks import import_workbook
from urllib.parse import quote

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_CHOICES = [(kind, resource.sheet_title) for kind, resource in UPLOAD_RESOURCES.items()]


@login_required
@require_GET
def workspace(request):
    filings = list(access.filings_visible_to(request.user).select_related("department", "fiscal_year"))
    comments = open_comments(filings=[f for f in filings if f.status == Filing.Status.RETURNED])
    return render(
        request,
        "disclosures/entry/workspace.html",
        {
            "rows": [(filing, comments.get(filing.pk, [])) for filing in filings],
            "filings": filings,
            "department": access.user_department(request.user),
            "is_reviewer": access.is_reviewer(request.user),
        },
    )


def correction_state(*, user, filing: Filing) -> dict | None:
    """For a published filing: its correction if one exists, and whether this user may start one (发起更正)."""
    if filing.status != Filing.Status.PUBLISHED:
        return None
    newer = Filing.objects.filter(supersedes=filing).first()
    return {"newer": newer, "may_start": newer is None and access.is_filer(user, filing)}


@login_required
@require_GET
def filing_detail(request, pk: int):
    filing = access.get_filing_for_user(request.user, pk)
    figures = filing_figures(filing=filing)
    linker = Linker(filing)
    returned = open_comments(filings=[filing]).get(filing.pk, []) if filing.status == Filing.Status.RETURNED else []
    return render(
        request,
        "disclosures/entry/filing_detail.html",
        {
            "filing": filing,
            "return_comments": [(comment, linker.for_comment(comment.target)) for comment in returned],
            "history": status_history(filing=filing),
            "rows": summary_rows(figures),
            "totals_unit": filing.amount_unit,
            "totals_unit_label": filing.get_amount_unit_display(),
            "figures": figures,
            "can_edit": access.can_edit_filing(request.user, filing),
            "kinds": KIND_CHOICES,
            "correction": correction_state(user=request.user, filing=filing),
        },
    )


@login_required
@require_GET
def import_template(request, pk: int, kind: str):
    filing = access.get_filing_for_user(request.user, pk)
    if kind not in UPLOAD_RESOURCES:
        raise Http404("没有这种模板。")
    resource = UPLOAD_RESOURCES[kind]()
    workbook = sheet_template(filing=filing, resource=resource)
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    filename = f"{filing.fiscal_year.year}-{resource.sheet_title}-导入模板.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    workbook.save(response)
    return response


def _quote(text: str) -> str:
    return quote(text)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=KIND_CHOICES)
    file = forms.FileField(label="Excel 文件（.xlsx）或 CSV 文件")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            limit = settings.MAX_UPLOAD_BYTES / (1024 * 1024)
            raise forms.ValidationError(f"文件太大：不能超过 {limit:.0f} MB。")
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise forms.ValidationError("只能上传 .xlsx 或 .csv 文件。")
        head = upload.read(4096)
        upload.seek(0)
        try:
            detected = sniff_format(head)
        except WorkbookError as error:
            raise forms.ValidationError(str(error)) from None
        if detected != suffix.lstrip("."):
            raise forms.ValidationError(f"文件内容与扩展名“{suffix}”不符。")
        upload.detected_format = detected
        return upload


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def filing_import(request, pk: int):
    """The size limit must be installed before the body is read, hence csrf_exempt outside and
    csrf_protect inside (Django's documented pattern for changing upload handlers in a view)."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _filing_import(request, pk)


@csrf_protect
def _filing_import(request, pk: int):
    """Upload → preview with every row's status and errors → apply (only a file without errors).

    The apply runs as an 导入Excel job from the rows staged at preview time (the file is not read again);
    `?job=<pk>` shows that job's progress and outcome.
    """
    filing = access.get_filing_for_user(request.user, pk)
    can_edit = access.can_edit_filing(request.user, filing)
    context = {"filing": filing, "can_edit": can_edit, "max_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024), "kinds": KIND_CHOICES}
    if request.method == "GET":
        context["form"] = UploadForm(initial={"kind": request.GET.get("kind", "expense")})
        job = _own_import_job(request, filing)
        if job is not None:
            context["job"] = job
            context["job_errors"] = job_errors(job)[: settings.IMPORT_MAX_ERRORS_SHOWN] if job.status == Job.Status.FAILED else []
        return render(request, "disclosures/entry/import.html", context)

    filing = access.get_filing_for_user(request.user, pk, write=True)
    if "token" in request.POST:
        return _apply(request, filing)
    if getattr(request, "upload_too_large", False):
        context["form"] = UploadForm()
        context["form_error"] = f"文件太大：不能超过 {context['max_mb']} MB。"
        return render(request, "disclosures/entry/import.html", context, status=413)
    form = UploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "disclosures/entry/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    kind = form.cleaned_data["kind"]
    preview = _preview(filing=filing, kind=kind, upload=upload)
    context["preview"] = preview
    if preview.ok:
        context["token"] = stage_preview(preview=preview, filing_id=filing.pk, user_id=request.user.pk, filename=upload.name)
    else:
        context["error_token"] = stage_errors(errors=preview.errors, filing_id=filing.pk, user_id=request.user.pk, filename=upload.name)
    return render(request, "disclosures/entry/import.html", context)


@login_required
@require_GET
def filing_import_errors(request, pk: int, token: str):
    """Every error of a refused preview as a workbook (the page lists only the first IMPORT_MAX_ERRORS_SHOWN)."""
    filing = access.get_filing_for_user(request.user, pk)
    try:
        header, errors = staged_errors(token=token, filing_id=filing.pk, user_id=request.user.pk)
    except StagingError as error:
        messages.error(request, str(error))
        return redirect("disclosures:filing_import", pk=filing.pk)
    workbook = error_report_workbook(header=header, messages=errors)
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(f'{filing.fiscal_year.year}-导入错误报告.xlsx')}"
    workbook.save(response)
    return response


def _preview(*, filing: Filing, kind: str, upload):
    """Parse from the upload's temporary file (or a copy of a small in-memory upload)."""
    suffix = ".csv" if upload.detected_format == CSV else ".xlsx"
    if hasattr(upload, "temporary_file_path"):
        return preview_upload(filing=filing, kind=kind, path=upload.temporary_file_path(), file_format=upload.detected_format)
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return preview_upload(filing=filing, kind=kind, path=handle.name, file_format=upload.detected_format)


def _apply(request, filing: Filing):
    """Queue the apply of a previewed upload as an 导入Excel job; the page then shows its progress."""
    token = request.POST.get("token", "")
    try:
        staged = load_staged(token=token, filing_id=filing.pk, user_id=request.user.pk)
    except StagingError as error:
        messages.error(request, str(error))
        return redirect("disclosures:filing_import", pk=filing.pk)
    if staged.get("warnings") and request.POST.get("confirm_warnings") != "1":
        messages.error(request, "预览中有需要核对的提示，请勾选“我已核对以上提示”后再确认导入，或修改文件后重新上传。")
        return redirect("disclosures:filing_import", pk=filing.pk)
    job = job_enqueue(kind=Job.Kind.IMPORT_WORKBOOK, task=import_workbook, filing=filing, params={"token": token}, user=request.user)
    return redirect(f"{reverse('disclosures:filing_import', args=[filing.pk])}?job={job.pk}")


def _own_import_job(request, filing: Filing) -> Job | None:
    job_id = request.GET.get("job", "")
    if not job_id.isdigit():
        return None
    return Job.objects.filter(pk=int(job_id), filing=filing, kind=Job.Kind.IMPORT_WORKBOOK, created_by=request.user).first()


def job_errors(job: Job) -> list[str]:
    """The row messages of a refused import (ImportFailed joins them with newlines)."""
    text = job.error.split(": ", 1)[1] if job.error.startswith(("ImportFailed: ", "StagingError: ")) else job.error
    return [line for line in text.splitlines() if line.strip()]
