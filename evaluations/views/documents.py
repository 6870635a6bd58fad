"""Downloads of the published forms as xlsx or PDF.

The xlsx is written in the request. A PDF renders as a job (evaluations.tasks.render_form_pdf): the
link's page offers 生成 PDF (POST), then follows the job's progress bar and gives the download once it is
done; the file is served from here only, to the user who started the job and may still read the object.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jobs.models import Job
from evaluations import selectors
from evaluations.documents import FORMS, build, grid_workbook
from evaluations.tasks import render_form_pdf_enqueue

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _xlsx(grid) -> HttpResponse:
    response = HttpResponse(grid_workbook([grid]), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(grid.filename)}.xlsx"
    return response


def _pdf(request, *, form: str, params: dict, title: str, enqueue):
    """GET: the job page (or the file with ?job=<pk>&download=1); POST: start a PDF job."""
    if request.method == "POST":
        job = enqueue()
        return redirect(f"{request.path}?job={job.pk}")
    job = None
    job_id = request.GET.get("job", "")
    if job_id.isdigit():
        job = Job.objects.filter(pk=int(job_id), kind=Job.Kind.EVALUATION_PDF, created_by=request.user).first()
        if job is None or job.params != params:
            raise Http404("没有这个生成任务。")
    if job is not None and job.status == Job.Status.DONE and "download" in request.GET:
        try:
            handle = default_storage.open(job.result["path"], "rb")
        except (FileNotFoundError, KeyError):
            raise Http404("文件不存在，请重新生成。") from None
        return FileResponse(handle, as_attachment=True, filename=job.result.get("filename", "绩效表格.pdf"), content_type=CONTENT_TYPES["pdf"])
    return render(request, "evaluations/pdf_job.html", {"job": job, "title": title, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_form(request, pk: int, fmt: str):
    """项目绩效目标表 of a project (seed 001 layout)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    if fmt == "xlsx":
        return _xlsx(build("targets", project=project))
    return _pdf(
        request,
        form="targets",
        params={"form": "targets", "project": project.pk},
        title=f"{project.name} 项目绩效目标表",
        enqueue=lambda: render_form_pdf_enqueue(form="targets", project=project, user=request.user),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation_form(request, pk: int, form: str, fmt: str):
    """项目支出绩效自评表 / 项目绩效目标完成情况表 of a project, or 部门整体支出绩效自评表."""
    if fmt not in CONTENT_TYPES or form not in FORMS or form == "targets":
        raise Http404
    evaluation = selectors.evaluation_get_for_user(user=request.user, pk=pk)
    if (form == "department") != (evaluation.department_target_id is not None):
        raise Http404
    if fmt == "xlsx":
        return _xlsx(build(form, evaluation=evaluation))
    titles = {"self-evaluation": "项目支出绩效自评表", "completion": "项目绩效目标完成情况表", "department": "部门整体支出绩效自评表"}
    return _pdf(
        request,
        form=form,
        params={"form": form, "evaluation": evaluation.pk},
        title=f"{evaluation} {titles.get(form, '')}",
        enqueue=lambda: render_form_pdf_enqueue(form=form, evaluation=evaluation, user=request.user),
    )
