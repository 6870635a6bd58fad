"""消息: the user's in-app messages, newest first; opening one marks it read and follows its link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from disclosures.models import Notification
from disclosures.services.notifications import notifications_mark_read

PAGE_SIZE = 50


@require_GET
@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user).select_related("filing"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "disclosures/notifications.html", {"page": page})


@require_GET
@login_required
def notification_open(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("disclosures:notifications")


@require_POST
@login_required
def notifications_read(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, f"已将{count}条消息标为已读。" if count else "没有未读消息。")
    return redirect("disclosures:notifications")
