"""403/404/500 pages in Chinese, in the site's layout, with the reason the view gave (they were Django's bare
English "Not Found" and "403 Forbidden", which hid "仅财政局审核人可以访问。"); and the favicon."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from config.errors import server_error

pytestmark = pytest.mark.django_db


def test_unknown_address_is_a_chinese_404_in_the_layout(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<h1 id="error-title">页面不存在</h1>' in page and 'class="site-header"' in page
    assert "您访问的页面不存在" in page and "/no-such-page/" in page
    assert "Not Found" not in page


def test_404_shows_the_views_chinese_reason(client, accountant, other_filing):
    client.force_login(accountant)
    response = client.get(reverse("disclosures:filing_detail", args=[other_filing.pk]))
    assert response.status_code == 404 and "未找到该填报，或无权查看。" in response.content.decode()


def test_404_hides_djangos_english_message(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("disclosures:bureau_filing", args=[999999]))
    page = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in page
    assert "matches the given query" not in page


def test_403_shows_the_reason(client, accountant):
    client.force_login(accountant)
    response = client.get(reverse("disclosures:bureau_dashboard"))
    page = response.content.decode()
    assert response.status_code == 403
    assert '<h1 id="error-title">无权访问</h1>' in page and "仅财政局审核人可以访问。" in page
    assert "403 Forbidden" not in page and 'class="site-header"' in page


def test_403_of_the_new_filing_page_tells_the_reviewer_where_to_go(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("disclosures:filing_new"))
    assert response.status_code == 403 and "财政局请在“公开进度”页面创建未创建的填报" in response.content.decode()


def test_csrf_failure_is_explained_in_chinese(accountant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    response = client.post(reverse("logout"))
    assert response.status_code == 403 and "页面已过期，请重新提交" in response.content.decode()


def test_500_page_renders_without_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and "系统出错" in page and 'class="site-header"' in page


def test_favicon_is_linked_and_served(client):
    page = client.get(reverse("disclosures:home")).content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in page and 'href="/static/favicon.svg" type="image/svg+xml"' in page
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.ico"
    icon = Path(settings.BASE_DIR / "static" / "favicon.ico").read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file
