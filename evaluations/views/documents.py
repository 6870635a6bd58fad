"""Downloads of the published forms as xlsx or PDF."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from evaluations import selectors
from evaluations.documents import FORMS, build, grid_pdf, grid_workbook

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _respond(grid, fmt: str) -> HttpResponse:
    body = grid_workbook([grid]) if fmt == "xlsx" else grid_pdf([grid])
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(grid.filename)}.{fmt}"
    return response


@login_required
def project_form(request, pk: int, fmt: str):
    """项目绩效目标表 of a project (seed 001 layout)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    return _respond(build("targets", project=project), fmt)


@login_required
def evaluation_form(request, pk: int, form: str, fmt: str):
    """项目支出绩效自评表 / 项目绩效目标完成情况表 of a project, or 部门整体支出绩效自评表."""
    if fmt not in CONTENT_TYPES or form not in FORMS or form == "targets":
        raise Http404
    evaluation = selectors.evaluation_get_for_user(user=request.user, pk=pk)
    if (form == "department") != (evaluation.department_target_id is not None):
        raise Http404
    return _respond(build(form, evaluation=evaluation), fmt)
