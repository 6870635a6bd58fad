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


@pytest.mark.parametrize("accept_language", ["en-US,en;q=0.9", "de", ""])
def test_pages_are_in_chinese_whatever_language_the_browser_asks_for(admin_client, accept_language):
    """The bureau's admin came out in English (Home, Change, Add, Log out) for a browser set to English: the
    locale middleware negotiated the language from Accept-Language. The product's UI is Chinese only."""
    page = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert '<html lang="zh-hans"' in page and "注销" in page
    assert "Log out" not in page and "Welcome" not in page
    change = admin_client.get(reverse("admin:auth_group_add"), HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert "首页" in change and ">Home<" not in change
