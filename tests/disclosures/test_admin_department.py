"""Departments and units in the admin: an accountant sees only their own department; others answer 404."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse


pytestmark = pytest.mark.django_db


@pytest.fixture
def may_view_departments(entry_group):
    entry_group.permissions.add(*Permission.objects.filter(codename__in=["view_department", "view_unit"]))


def test_own_department_only(client, accountant, department, other_department, may_view_departments):
    client.force_login(accountant)
    response = client.get(reverse("admin:disclosures_department_changelist"))
    assert list(response.context["cl"].queryset) == [department]
    assert client.get(reverse("admin:disclosures_department_change", args=[department.pk])).status_code == 200
    assert client.get(reverse("admin:disclosures_department_change", args=[other_department.pk])).status_code == 404
    other_unit = other_department.units.get()
    assert client.get(reverse("admin:disclosures_unit_change", args=[other_unit.pk])).status_code == 404


def test_catalog_is_browsable_but_not_editable(client, accountant, filing):
    client.force_login(accountant)
    response = client.get(reverse("admin:disclosures_catalogitem_changelist"))
    assert response.status_code == 200
    assert client.get(reverse("admin:disclosures_catalogitem_add")).status_code == 403
