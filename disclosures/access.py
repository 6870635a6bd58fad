"""Who may see and change what. Views, admin and APIs call these instead of filtering by hand.

A department accountant (a user with a DepartmentMembership) sees only their department; a reviewer
(permission disclosures.review_filing) and superusers see every department. Objects of another
department answer 404, so their existence is not disclosed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Department, Filing


def is_reviewer(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_perm("disclosures.review_filing")))


def can_publish(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_perm("disclosures.publish_filing")))


def user_department(user) -> Department | None:
    """The department the user files for, or None (reviewers, anonymous)."""
    if not user or not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.department if membership else None


def departments_visible_to(user) -> QuerySet[Department]:
    if is_reviewer(user):
        return Department.objects.all()
    department = user_department(user)
    if department is None:
        return Department.objects.none()
    return Department.objects.filter(pk=department.pk)


def filings_visible_to(user) -> QuerySet[Filing]:
    if is_reviewer(user):
        return Filing.objects.all()
    department = user_department(user)
    if department is None:
        return Filing.objects.none()
    return Filing.objects.filter(department=department)


def get_filing_for_user(user, pk: int, *, write: bool = False) -> Filing:
    """The filing if the user may see it (and, with write=True, edit it now); 404 otherwise.

    A department user may write only while the filing is a draft or returned; a reviewer never edits a
    department's figures through the entry pages.
    """
    try:
        filing = filings_visible_to(user).select_related("department", "fiscal_year").get(pk=pk)
    except (Filing.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该填报，或无权查看。") from None
    if write:
        if user_department(user) != filing.department or not filing.is_editable:
            raise PermissionDenied("该填报当前不可修改。")
    return filing


def jobs_visibility(user) -> Q:
    """Which background jobs a user may see besides their own: every job for a reviewer, else the jobs
    of the filings they may see (registered with jobs.selectors at ready())."""
    if is_reviewer(user):
        return Q(pk__isnull=False)
    return Q(filing__in=filings_visible_to(user))
