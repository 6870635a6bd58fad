"""The admin index names both apps in Chinese, as the bureau's staff read it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_app_labels_are_chinese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "部门预决算公开" in page and "绩效管理" in page
    assert ">Disclosures<" not in page and ">Evaluations<" not in page
