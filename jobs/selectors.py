"""Reads of background jobs, limited to what the user may see.

A user sees the jobs they started. The apps that attach jobs to their own objects widen that with a
visibility rule registered at ready() (disclosures: the jobs of the filings the user may see, every job
for a reviewer), so this app imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from jobs.models import Job

#: Rules `rule(user) -> Q` over Job; a job is visible if the user started it or any rule matches it.
VISIBILITY_RULES: list[Callable[[Any], Q]] = []


def visibility_register(rule: Callable[[Any], Q]) -> Callable[[Any], Q]:
    """Add a rule saying which other jobs a user may see (idempotent, usable as a decorator)."""
    if rule not in VISIBILITY_RULES:
        VISIBILITY_RULES.append(rule)
    return rule


def jobs_visible_to(user) -> QuerySet[Job]:
    """Jobs the user started, and those the registered rules let them see."""
    if not user or not user.is_authenticated:
        return Job.objects.none()
    condition = Q(created_by=user)
    for rule in VISIBILITY_RULES:
        condition |= rule(user)
    return Job.objects.filter(condition)


def job_get_for_user(*, user, pk: int) -> Job:
    """The job if the user may see it; 404 otherwise, so other departments' jobs are not disclosed."""
    job = jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404("未找到该任务，或无权查看。")
    return job


#: Jobs one combined bar may follow (a county-wide generation queues two jobs per filing).
MAX_JOBS_PER_BAR = 1000


@dataclass(frozen=True)
class JobsProgress:
    """Several jobs seen as one: what the combined bar shows, on the page and in each poll."""

    status: str
    progress: int
    message: str
    finished: bool
    count: int

    @property
    def status_display(self) -> str:
        return str(Job.Status(self.status).label)


def jobs_progress_of(*, user, ids: Iterable[int]) -> JobsProgress:
    """The jobs among `ids` the user may see, as one (at most MAX_JOBS_PER_BAR). Progress is their mean (a
    finished job counts 100); done when all are done, failed when all have ended and one failed."""
    wanted = list(ids)[:MAX_JOBS_PER_BAR]
    jobs = list(jobs_visible_to(user).filter(pk__in=wanted).values_list("status", "progress"))
    ended = [status for status, _ in jobs if status in (Job.Status.DONE, Job.Status.FAILED)]
    failed = sum(1 for status in ended if status == Job.Status.FAILED)
    finished = len(ended) == len(jobs)
    progress = round(sum(100 if status in (Job.Status.DONE, Job.Status.FAILED) else value for status, value in jobs) / len(jobs)) if jobs else 100
    status = (Job.Status.FAILED if failed else Job.Status.DONE) if finished else Job.Status.RUNNING
    message = f"已完成 {len(ended) - failed}/{len(jobs)} 项" + (f"，失败 {failed} 项" if failed else "")
    return JobsProgress(status=status, progress=progress, message=message, finished=finished, count=len(jobs))


def job_ids_parsed(text: str) -> list[int]:
    """Job pks from a comma-separated string (`?ids=1,2,3`, the bar's markup); anything else is ignored."""
    return [int(part) for part in text.split(",") if part.strip().isdigit()]
