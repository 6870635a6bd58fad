"""Notifications (消息): an in-app message per recipient, and an email to those with an address.

Who hears of what:
- reviewers (permission disclosures.review_filing) when a department submits;
- the department's accountants when the bureau returns, approves or publishes their filing;
- both when an approved filing is not published within the 20 days (overdue_reminders_send, run daily).

The message rows are written in the transaction of the change they report (a refused or rolled-back
transition leaves none); the emails are sent after that transaction commits. An email that fails is
logged and kept unsent (emailed_at empty); the daily reminder run tries it again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from disclosures.models import Filing, Notification
from disclosures.selectors.bureau import publication_deadline

logger = logging.getLogger(__name__)
Kind = Notification.Kind
#: Unsent emails older than this are left alone by the retry (the message is still in the app).
EMAIL_RETRY_DAYS = 7


def reviewers() -> QuerySet:
    """Active users who review filings (the permission given directly or through a group)."""
    permission = Permission.objects.filter(content_type__app_label="disclosures", codename="review_filing")
    return get_user_model().objects.filter(Q(user_permissions__in=permission) | Q(groups__permissions__in=permission), is_active=True).distinct()


def accountants(*, filing: Filing) -> QuerySet:
    """The active accountants of the filing's department."""
    return get_user_model().objects.filter(membership__department_id=filing.department_id, is_active=True)


def notify(
    *, recipients: Iterable, filing: Filing | None, kind: str, title: str, body: str = "", link: str = "", key: str = ""
) -> list[Notification]:
    """Write one message per recipient (once per recipient and non-empty key) and send the emails on commit.

    All in the caller's transaction (or one of their own), without a savepoint of their own: only a keyed
    message can meet the unique key, and only it is written in a savepoint, so that the key written
    meanwhile by another run skips that recipient."""
    created = []
    with transaction.atomic(savepoint=False):
        for user in recipients:
            message = Notification(recipient=user, filing=filing, kind=kind, title=title[:200], body=body, link=link[:200], key=key)
            if not key:
                message.save()
                created.append(message)
                continue
            if Notification.objects.filter(recipient=user, key=key).exists():
                continue
            try:
                with transaction.atomic():
                    message.save()
            except IntegrityError:  # the same reminder written meanwhile by another run
                continue
            created.append(message)
        ids = [n.pk for n in created]
        if ids:
            transaction.on_commit(lambda: emails_send(ids=ids))
    return created


def emails_send(*, ids: Sequence[int]) -> int:
    """Email the given messages to recipients with an address; returns how many were sent."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=ids, emailed_at=None).select_related("recipient"):
        address = notification.recipient.email
        if not address:
            continue
        link = f"\n\n查看：{settings.SITE_URL.rstrip('/')}{notification.link}" if notification.link else ""
        try:
            send_mail(
                subject=f"【部门预决算公开】{notification.title}",
                message=f"{notification.body}{link}".strip(),
                from_email=None,
                recipient_list=[address],
            )
        except Exception:  # SMTP down or refusing: the message stays in the app, the email is retried later
            logger.warning("email of notification %s to %s failed", notification.pk, address, exc_info=True)
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def _filing_link(filing: Filing, *, bureau: bool = False) -> str:
    return reverse("disclosures:bureau_filing" if bureau else "disclosures:filing_detail", args=[filing.pk])


def filing_submitted(*, filing: Filing) -> None:
    notify(
        recipients=reviewers(),
        filing=filing,
        kind=Kind.SUBMITTED,
        title=f"{filing}已提交，待审核",
        body=f"{filing.department.name}已提交{filing}，请审核。",
        link=_filing_link(filing, bureau=True),
    )


def filing_returned(*, filing: Filing, comments: Sequence[tuple[str, str]]) -> None:
    lines = "\n".join(f"· {target}：{text}" if target else f"· {text}" for target, text in comments)
    notify(
        recipients=accountants(filing=filing),
        filing=filing,
        kind=Kind.RETURNED,
        title=f"{filing}已被退回",
        body=f"财政局退回了{filing}，审核意见：\n{lines}\n请修改后重新提交。",
        link=_filing_link(filing),
    )


def filing_approved(*, filing: Filing) -> None:
    notify(
        recipients=accountants(filing=filing),
        filing=filing,
        kind=Kind.APPROVED,
        title=f"{filing}已审核通过",
        body=f"财政局已审核通过{filing}，数据已冻结。请确认说明中的变动原因已填写，财政局将在批复后20日内公开。",
        link=_filing_link(filing),
    )


def filing_published(*, filing: Filing) -> None:
    filings_published(filings=[filing])


def filings_published(*, filings: Sequence[Filing]) -> list[Notification]:
    """Tell each filing's accountants that it was published: their users read in one query for all the
    filings' departments, the messages written in one INSERT (no key: nothing to skip), emailed on commit."""
    department_ids = sorted({filing.department_id for filing in filings})
    members: dict[int, list] = {}
    users = (
        get_user_model()
        .objects.filter(membership__department_id__in=department_ids, is_active=True)
        .annotate(member_of=F("membership__department_id"))
    )
    for user in users.order_by("member_of", "pk"):
        members.setdefault(user.member_of, []).append(user)
    messages = [
        Notification(
            recipient=user,
            filing=filing,
            kind=Kind.PUBLISHED,
            title=f"{filing}已公开"[:200],
            body=f"财政局已公开{filing}；公开文件生成后即在公开网站上显示。",
            link=reverse("disclosures:public_filing", args=[filing.pk])[:200],
        )
        for filing in filings
        for user in members.get(filing.department_id, [])
    ]
    if not messages:
        return []
    Notification.objects.bulk_create(messages)
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: emails_send(ids=ids))
    return messages


def overdue_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the accountants and the reviewers of every approved filing not published within 20 days of
    its approval, once per filing and approval (running it again sends nothing new); then retry the emails
    that failed in the last EMAIL_RETRY_DAYS. Returns the number of messages written."""
    written = 0
    bureau = list(reviewers())
    for filing in Filing.objects.filter(status=Filing.Status.APPROVED, approved_at__isnull=False).select_related("department", "fiscal_year"):
        days, state, _left = publication_deadline(filing=filing, today=today)
        if state != "overdue":
            continue
        key = f"overdue:{filing.pk}:{filing.approved_at:%Y%m%d%H%M%S}"
        text = f"{filing}已于{timezone.localtime(filing.approved_at):%Y年%m月%d日}批复，已过{days}天仍未公开（应在批复后20日内公开）。"
        written += len(
            notify(
                recipients=accountants(filing=filing),
                filing=filing,
                kind=Kind.OVERDUE,
                title=f"{filing}公开已超期",
                body=text + "如说明中还有未填写的变动原因，请尽快补充。",
                link=_filing_link(filing),
                key=key,
            )
        )
        written += len(
            notify(
                recipients=bureau,
                filing=filing,
                kind=Kind.OVERDUE,
                title=f"{filing}公开已超期",
                body=text,
                link=_filing_link(filing, bureau=True),
                key=key,
            )
        )
    since = timezone.now() - datetime.timedelta(days=EMAIL_RETRY_DAYS)
    unsent = Notification.objects.filter(emailed_at=None, created_at__gte=since).exclude(recipient__email="").values_list("pk", flat=True)
    emails_send(ids=list(unsent))
    return written


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all of them, or the given ones); never another user's."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
