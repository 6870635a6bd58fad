"""The admin never changes a locked filing, superusers included, and never writes a field its form did not
change (issue #11: a filing save while the reviewer approved put 已审核 back to 已退回; a superuser
changed 43 amounts of a published filing)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosures.admin import FilingAdmin
from disclosures.models import ExpenseLine, Filing
from tests.disclosures.admin_helpers import form_data

pytestmark = pytest.mark.django_db


def change_url(filing):
    return reverse("admin:disclosures_filing_change", args=[filing.pk])


@pytest.fixture
def approve_after_load(monkeypatch, filing):
    """The reviewer approves right after the admin read the filing for a POST (the window between the
    admin's read and its save): the POST's object still says 已退回 while the database says 已审核.
    (One connection cannot interleave inside the admin's transaction; the two-connection races are in
    test_filing_locking.py.)"""
    original_view, original_get = FilingAdmin.changeform_view, FilingAdmin.get_object

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":  # committed by the reviewer, outside the admin's transaction
            Filing.objects.filter(pk=object_id).update(status=Filing.Status.APPROVED, approved_at=timezone.now())
        return original_view(self, request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        obj = original_get(self, request, object_id, from_field)
        if request.method == "POST":
            obj.status = Filing.Status.RETURNED  # as the admin read it, just before the approval
        return obj

    monkeypatch.setattr(FilingAdmin, "changeform_view", changeform_view)
    monkeypatch.setattr(FilingAdmin, "get_object", get_object)


@pytest.mark.parametrize("who", ["accountant", "admin_user"])
def test_filing_save_while_the_reviewer_approves_keeps_the_approval(client, request, filing, expense_line, approve_after_load, who):
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.RETURNED)
    client.force_login(request.getfixturevalue(who))
    data = form_data(client.get(change_url(filing)))
    data["duties"] = "改写的部门职责"
    data["expense_lines-0-budget_amount"] = "9.00"
    response = client.post(change_url(filing), data, follow=True)
    assert "未保存" in response.content.decode()
    stored = Filing.objects.get(pk=filing.pk)
    assert stored.status == Filing.Status.APPROVED
    assert stored.duties != "改写的部门职责"
    assert ExpenseLine.objects.get(pk=expense_line.pk).budget_amount == Decimal("1036.03")


def test_filing_save_writes_only_the_fields_the_form_changed(client, accountant, filing, monkeypatch):
    """Another writer changes 其他说明 just after the admin read the filing; saving 部门职责 leaves it alone."""
    original_view, original_get = FilingAdmin.changeform_view, FilingAdmin.get_object

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            Filing.objects.filter(pk=object_id).update(other_notes="另一位同事刚写的说明")
        return original_view(self, request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        obj = original_get(self, request, object_id, from_field)
        if request.method == "POST":
            obj.other_notes = ""  # as the admin read it, just before the other write
        return obj

    monkeypatch.setattr(FilingAdmin, "changeform_view", changeform_view)
    monkeypatch.setattr(FilingAdmin, "get_object", get_object)
    client.force_login(accountant)
    data = form_data(client.get(change_url(filing)))
    data["duties"] = "改写的部门职责"
    response = client.post(change_url(filing), data)
    assert response.status_code == 302
    stored = Filing.objects.get(pk=filing.pk)
    assert (stored.duties, stored.other_notes, stored.status) == ("改写的部门职责", "另一位同事刚写的说明", Filing.Status.DRAFT)


@pytest.mark.parametrize("status", [Filing.Status.SUBMITTED, Filing.Status.APPROVED, Filing.Status.PUBLISHED])
def test_superuser_cannot_change_a_locked_filing_in_the_admin(client, admin_user, filing, expense_line, status):
    client.force_login(admin_user)
    data = form_data(client.get(change_url(filing)))
    Filing.objects.filter(pk=filing.pk).update(status=status)
    page = client.get(change_url(filing))
    assert not page.context["has_change_permission"]
    data["expense_lines-0-budget_amount"] = "4408200.00"
    assert client.post(change_url(filing), data).status_code == 403
    line_url = reverse("admin:disclosures_expenseline_change", args=[expense_line.pk])
    assert not client.get(line_url).context["has_change_permission"]
    assert client.post(reverse("admin:disclosures_expenseline_delete", args=[expense_line.pk]), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:disclosures_expenseline_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [expense_line.pk], "post": "yes"})
    assert ExpenseLine.objects.get(pk=expense_line.pk).budget_amount == Decimal("1036.03")


def test_status_is_not_a_field_of_the_admin_form(client, admin_user, filing):
    client.force_login(admin_user)
    form = client.get(change_url(filing)).context["adminform"].form
    assert "status" not in form.fields
    assert "data_revision" not in form.fields
