"""The admin's 消息 (Notification): read only, for the bureau's administrators. A reviewer sees every message;
a department user given the view permission sees only the messages addressed to them, never another
department's (another's message answers 404, like the rest of the admin)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosures.models import Notification
from tests.factories import FilingFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:disclosures_notification_changelist")


@pytest.fixture
def messages_both(department, other_department, accountant, outsider):
    own = FilingFactory(department=department)
    other = FilingFactory(department=other_department)
    return {
        "own": Notification.objects.create(recipient=accountant, filing=own, kind="returned", title="本部门退回消息", body="请修改"),
        "other": Notification.objects.create(recipient=outsider, filing=other, kind="approved", title="外部门审核消息", read_at=timezone.now()),
    }


def with_view_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="view_notification"))
    return user


def change_url(message):
    return reverse("admin:disclosures_notification_change", args=[message.pk])


def test_superuser_sees_every_message_with_its_columns(admin_client, messages_both):
    response = admin_client.get(CHANGELIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert "本部门退回消息" in page and "外部门审核消息" in page
    for header in ("接收人", "填报", "类型", "标题", "时间", "已读", "邮件发送时间"):
        assert header in page
    assert "测试县信访局2020年部门预算" in page and "accountant" in page


def test_filters_and_search(admin_client, messages_both):
    unread = admin_client.get(CHANGELIST + "?read=no").content.decode()
    assert "本部门退回消息" in unread and "外部门审核消息" not in unread
    approved = admin_client.get(CHANGELIST + "?kind=approved").content.decode()
    assert "外部门审核消息" in approved and "本部门退回消息" not in approved
    searched = admin_client.get(CHANGELIST + "?q=测试县教育局").content.decode()
    assert "外部门审核消息" in searched and "本部门退回消息" not in searched


def test_no_add_no_change_no_delete(admin_client, messages_both):
    message = messages_both["own"]
    assert admin_client.get(reverse("admin:disclosures_notification_add")).status_code == 403
    page = admin_client.get(change_url(message)).content.decode()
    assert "本部门退回消息" in page and 'name="_save"' not in page
    assert admin_client.post(change_url(message), {"title": "改过"}).status_code == 403
    assert admin_client.post(reverse("admin:disclosures_notification_delete", args=[message.pk]), {"post": "yes"}).status_code == 403
    message.refresh_from_db()
    assert message.title == "本部门退回消息"


def test_a_department_user_sees_only_own_messages(client, messages_both, accountant):
    client.force_login(with_view_permission(accountant))
    page = client.get(CHANGELIST).content.decode()
    assert "本部门退回消息" in page and "外部门审核消息" not in page
    assert client.get(change_url(messages_both["other"])).status_code == 404
    assert client.get(change_url(messages_both["own"])).status_code == 200


def test_a_department_user_without_the_permission_sees_none(client, messages_both, accountant):
    client.force_login(accountant)
    assert client.get(CHANGELIST).status_code == 403


def test_a_reviewer_with_the_permission_sees_every_message(client, messages_both, reviewer):
    client.force_login(with_view_permission(reviewer))
    page = client.get(CHANGELIST).content.decode()
    assert "本部门退回消息" in page and "外部门审核消息" in page


def test_the_changelist_reads_the_rows_in_a_fixed_number_of_queries(admin_client, messages_both, accountant):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):  # each about a filing of its own department and year
        Notification.objects.create(recipient=accountant, filing=FilingFactory(), kind="published", title=f"消息{n}")
    assert queries() == few
