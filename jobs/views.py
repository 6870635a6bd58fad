"""Status of a background job, or of several together, as JSON, polled by templates/jobs/_progress.html
and templates/jobs/_jobs_progress.html (static/js/job-progress.js reads both alike)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from jobs.models import Job
from jobs.selectors import job_get_for_user, jobs_visible_to

#: Jobs one combined bar may follow (a county-wide generation queues two jobs per filing).
MAX_JOBS_PER_BAR = 1000


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
    """Several jobs as one: `?ids=1,2,3` (those the user may see). Progress is their mean (a finished job
    counts 100); done when all are done, failed when all have ended and one failed."""
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip().isdigit()][:MAX_JOBS_PER_BAR]
    jobs = list(jobs_visible_to(request.user).filter(pk__in=ids).values_list("status", "progress"))
    ended = [status for status, _ in jobs if status in (Job.Status.DONE, Job.Status.FAILED)]
    failed = sum(1 for status in ended if status == Job.Status.FAILED)
    finished = len(ended) == len(jobs)
    progress = round(sum(100 if status in (Job.Status.DONE, Job.Status.FAILED) else value for status, value in jobs) / len(jobs)) if jobs else 100
    status = (Job.Status.FAILED if failed else Job.Status.DONE) if finished else Job.Status.RUNNING
    return JsonResponse(
        {
            "status": status,
            "status_display": Job.Status(status).label,
            "progress": progress,
            "message": f"已完成 {len(ended) - failed}/{len(jobs)} 项" + (f"，失败 {failed} 项" if failed else ""),
            "error": "",
            "finished": finished,
            "count": len(jobs),
        },
        json_dumps_params={"ensure_ascii": False},
        headers={"Cache-Control": "no-store"},
    )
