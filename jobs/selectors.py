"""Reads of background jobs, limited to what the user may see.

A user sees the jobs they started. The apps that attach jobs to their own objects widen that with a
visibility rule registered at ready() (disclosures: the jobs of the filings the user may see, every job
for a reviewer), so this app imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
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
