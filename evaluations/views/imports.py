"""Upload of a project's (or department's) targets: template, preview with errors, all-or-nothing apply."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from disclosures.imports.limits import SizeLimitUploadHandler, max_upload_mb, upload_size_error

from evaluations import imports, services
from evaluations.forms import UploadForm

from .common import owner_for_user

SESSION_KEY = "evaluations-targets-import"


@login_required
def template(request):
    response = HttpResponse(imports.template_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E7%BB%A9%E6%95%88%E7%9B%AE%E6%A0%87%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@csrf_exempt
@login_required
def targets_import(request, kind: str, pk: int):
    """The size limit must be installed before the body is read, hence csrf_exempt outside and
    csrf_protect inside (as the filing upload does)."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _targets_import(request, kind, pk)


@csrf_protect
def _targets_import(request, kind: str, pk: int):
    """GET: the upload form. POST with a file: the preview. POST with confirm: apply the previewed rows."""
    owner = owner_for_user(user=request.user, kind=kind, pk=pk, write=True)
    key = f"{SESSION_KEY}-{kind}-{pk}"
    preview = None
    form = UploadForm()
    if request.method == "POST" and "confirm" in request.POST:
        rows = request.session.get(key)
        if not rows:
            messages.error(request, "预览已过期，请重新上传。")
            return redirect("evaluations:targets_import", kind=kind, pk=pk)
        try:
            created = services.targets_replace(owner=owner, user=request.user, rows=imports.rows_from_session(rows))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return redirect("evaluations:targets_import", kind=kind, pk=pk)
        del request.session[key]
        messages.success(request, f"已导入 {len(created)} 个绩效指标。")
        return redirect("evaluations:targets", kind=kind, pk=pk)
    status, form_error = 200, ""
    if request.method == "POST" and getattr(request, "upload_too_large", False):
        status, form_error = 413, upload_size_error()
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
                handle.flush()
                preview = imports.preview(handle.name)
            if preview.ok:
                request.session[key] = preview.serialisable()
            else:
                request.session.pop(key, None)
        else:
            status = 400
    return render(
        request,
        "evaluations/import.html",
        {
            "owner": owner,
            "kind": kind,
            "form": form,
            "preview": preview,
            "columns": imports.COLUMNS,
            "form_error": form_error,
            "max_mb": max_upload_mb(),
            "max_indicators": settings.EVALUATION_MAX_INDICATORS,
        },
        status=status,
    )
