"""Status of a background job, or of several together, as JSON, polled by templates/jobs/_progress.html
and templates/jobs/_jobs_progress.html (static/js/job-progress.js reads both alike)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from jobs.selectors import job_get_for_user, job_ids_parsed, jobs_progress_of


@login_required
@require_GET
def job_status(request, pk: int):
    job = job_get_for_user(user=request.user, pk=pk)
    return JsonResponse(
        {
            "id": job.pk,
            "kind": job.kind,
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "message": job.message,
            "error": job.error,
            "result": job.result,
            "finished": job.status in (job.Status.DONE, job.Status.FAILED),
        },
        json_dumps_params={"ensure_ascii": False},
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_GET
def jobs_progress(request):
    """Several jobs as one: `?ids=1,2,3` (those the user may see; selectors.jobs_progress_of)."""
    summary = jobs_progress_of(user=request.user, ids=job_ids_parsed(request.GET.get("ids", "")))
    return JsonResponse(
        {
            "status": summary.status,
            "status_display": summary.status_display,
            "progress": summary.progress,
            "message": summary.message,
            "error": "",
            "finished": summary.finished,
            "count": summary.count,
        },
        json_dumps_params={"ensure_ascii": False},
        headers={"Cache-Control": "no-store"},
    )
