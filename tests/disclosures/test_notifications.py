"""消息 and email: reviewers hear of a submission, the department's accountants of a return, an approval and a
publication; overdue filings remind both, once. Emails are sent when the transaction commits."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from disclosures.models import Filing, Notification
from disclosures.services import notifications, workflow
from tests.disclosures.workflow_fixtures import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def addresses(accountant, outsider, reviewer):
    for user, address in ((accountant, "kuaiji@example.cn"), (outsider, "other@example.cn"), (reviewer, "shenhe@example.cn")):
        user.email = address
        user.save()


def titles(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def test_submission_notifies_reviewers_on_commit(clean_filing, accountant, reviewer, outsider, addresses, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.filing_submit(filing=clean_filing, user=accountant)
    assert titles(reviewer) == ["茂县信访局2019年部门决算已提交，待审核"]
    assert titles(accountant) == [] and titles(outsider) == []
    assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["shenhe@example.cn"]]
    assert mail.outbox[0].subject == "【部门预决算公开】茂县信访局2019年部门决算已提交，待审核"
    assert reverse("disclosures:bureau_filing", args=[clean_filing.pk]) in mail.outbox[0].body
    assert Notification.objects.get(recipient=reviewer).emailed_at is not None


def test_a_refused_submission_notifies_no_one(seed_filing, accountant, reviewer):
    with pytest.raises(workflow.ChecksFailed):
        workflow.filing_submit(filing=seed_filing, user=accountant)
    assert not Notification.objects.exists()


def test_return_approval_and_publication_notify_the_accountant(
    submitted_filing, accountant, outsider, reviewer, addresses, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.filing_return(filing=submitted_filing, user=reviewer, comments=[("表7", "请说明公务接待费下降原因")])
    returned = Notification.objects.get(recipient=accountant)
    assert returned.kind == "returned" and "· 表7：请说明公务接待费下降原因" in returned.body
    assert mail.outbox[-1].to == ["kuaiji@example.cn"] and "请说明公务接待费下降原因" in mail.outbox[-1].body
    workflow.filing_submit(filing=submitted_filing, user=accountant)
    workflow.filing_approve(filing=submitted_filing, user=reviewer)
    publish(submitted_filing, reviewer)
    assert titles(accountant) == [
        "茂县信访局2019年部门决算已被退回",
        "茂县信访局2019年部门决算已审核通过",
        "茂县信访局2019年部门决算已公开",
    ]
    assert titles(outsider) == []


def test_overdue_reminder_reaches_both_once(approved_filing, accountant, reviewer, outsider, addresses, django_capture_on_commit_callbacks):
    Filing.objects.filter(pk=approved_filing.pk).update(approved_at=timezone.now() - datetime.timedelta(days=25))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_overdue", stdout=open("/dev/null", "w"))
    assert titles(accountant) == titles(reviewer) == ["茂县信访局2019年部门决算公开已超期"]
    assert "已过25天仍未公开" in Notification.objects.get(recipient=accountant).body
    assert sorted(m.to[0] for m in mail.outbox) == ["kuaiji@example.cn", "shenhe@example.cn"]
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.overdue_reminders_send() == 0
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2
    assert titles(outsider) == []


def test_not_yet_overdue_is_not_reminded(approved_filing):
    Filing.objects.filter(pk=approved_filing.pk).update(approved_at=timezone.now() - datetime.timedelta(days=20))
    Notification.objects.all().delete()
    assert notifications.overdue_reminders_send() == 0


def test_a_failed_email_keeps_the_message_and_is_retried(clean_filing, accountant, reviewer, addresses, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.disclosures.test_notifications.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.filing_submit(filing=clean_filing, user=accountant)
    message = Notification.objects.get(recipient=reviewer)
    assert message.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications.overdue_reminders_send()
    message.refresh_from_db()
    assert message.emailed_at is not None and len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


def test_message_page_unread_count_and_reading(client, reviewer, accountant, submitted_filing):
    client.force_login(reviewer)
    page = client.get(reverse("disclosures:workspace")).content.decode()
    assert '<span class="count" title="未读消息">1</span>' in page
    listing = client.get(reverse("disclosures:notifications")).content.decode()
    assert "茂县信访局2019年部门决算已提交，待审核" in listing and "未读" in listing
    message = Notification.objects.get(recipient=reviewer)
    response = client.get(reverse("disclosures:notification_open", args=[message.pk]))
    assert response["Location"] == reverse("disclosures:bureau_filing", args=[submitted_filing.pk])
    assert Notification.objects.get(pk=message.pk).read_at is not None
    assert 'title="未读消息"' not in client.get(reverse("disclosures:workspace")).content.decode()


def test_another_users_message_is_404(client, accountant, reviewer, submitted_filing):
    message = Notification.objects.get(recipient=reviewer)
    client.force_login(accountant)
    assert client.get(reverse("disclosures:notification_open", args=[message.pk])).status_code == 404
    assert Notification.objects.get(pk=message.pk).read_at is None


def test_mark_all_read(client, reviewer, submitted_filing):
    client.force_login(reviewer)
    response = client.post(reverse("disclosures:notifications_read"), follow=True)
    assert "已将1条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=reviewer, read_at=None).exists()
