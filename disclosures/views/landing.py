"""Where a user lands after logging in: each role on its own page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from disclosures.access import is_reviewer, user_department


def landing_url_name(user) -> str:
    """Accountant → 填报工作台, 系统管理员 (superuser) → 管理后台, reviewer → 公开进度, other staff → 管理后台,
    anyone else → the public site."""
    if user_department(user) is not None:
        return "disclosures:workspace"
    if user.is_superuser:
        return "admin:index"
    if is_reviewer(user):
        return "disclosures:bureau_dashboard"
    if user.is_staff:
        return "admin:index"
    return "disclosures:home"


@require_GET
@login_required
def landing(request):
    return redirect(landing_url_name(request.user))
