"""The admin index names the app in Chinese, as the bureau's staff read it.

(evaluations registers no admin pages yet, so only its AppConfig carries 绩效管理.)
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_app_label_is_chinese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert 'class="section" title="在应用程序 部门预决算公开 中的模型">部门预决算公开</a>' in page
    assert ">Disclosures<" not in page
