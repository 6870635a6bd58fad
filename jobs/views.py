"""Status of a background job as JSON, polled by templates/jobs/_progress.html."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from jobs.selectors import job_get_for_user


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
