"""Reads of background jobs, limited to what the user may see."""

from django.db.models import Q
from django.http import Http404

from disclosures.access import filings_visible_to, is_reviewer
from disclosures.models import Job


def jobs_visible_to(user):
    """Jobs the user started, jobs on filings the user may see, and every job for a reviewer."""
    if not user or not user.is_authenticated:
        return Job.objects.none()
    if is_reviewer(user):
        return Job.objects.all()
    return Job.objects.filter(Q(created_by=user) | Q(filing__in=filings_visible_to(user)))


def job_get_for_user(*, user, pk: int) -> Job:
    """The job if the user may see it; 404 otherwise, so other departments' jobs are not disclosed."""
    job = jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404("未找到该任务，或无权查看。")
    return job
