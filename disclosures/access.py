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


def is_filer(user, filing: Filing) -> bool:
    """The user files for the filing's department (its accountant)."""
    department = user_department(user)
    return department is not None and department.pk == filing.department_id


def can_edit_filing(user, filing: Filing | None) -> bool:
    """May this user change this filing's data now: lines, projects, 三公, text, reasons, targets, self-evaluations.

    The one rule every entry page, the admin, the services and evaluations ask: only while the filing is
    草稿 or 已退回, and only its department's accountant or a superuser (系统管理员). Submitted, approved
    and published filings are read-only for everyone, superusers included (a correction is a new version);
    reviewers never edit a department's figures. The write services re-check the status under a row lock
    (disclosures.services.locking.filing_write), since the answer here may be stale by the time of the write.
    """
    return filing is not None and filing.is_editable and may_write_for(user, filing)


def may_write_for(user, filing: Filing) -> bool:
    """The "who" half of can_edit_filing, for services that re-read the status under the row lock themselves."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser) or is_filer(user, filing)


def get_filing_for_user(user, pk: int, *, write: bool = False) -> Filing:
    """The filing if the user may see it (and, with write=True, edit it now: can_edit_filing); 404 otherwise."""
    try:
        filing = filings_visible_to(user).select_related("department", "fiscal_year").get(pk=pk)
    except (Filing.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该填报，或无权查看。") from None
    if write and not can_edit_filing(user, filing):
        raise PermissionDenied("该填报当前不可修改。")
    return filing


def jobs_visibility(user) -> Q:
    """Which background jobs a user may see besides their own: every job for a reviewer, else the jobs
    of the filings they may see (registered with jobs.selectors at ready())."""
    if is_reviewer(user):
        return Q(pk__isnull=False)
    return Q(filing__in=filings_visible_to(user))
