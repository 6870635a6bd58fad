"""After login each role lands on its page: accountant → 填报工作台, reviewer → 公开进度, 系统管理员 → 管理后台;
a ?next= address still wins. The header links 绩效 for accountants and reviewers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, username, password, next_url=""):
    data = {"username": username, "password": password}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data, follow=True)


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("maoxian", "disclosures:workspace"), ("shenhe", "disclosures:bureau_dashboard"), ("admin", "admin:index")],
)
def test_each_role_lands_on_its_page(client, demo, who, lands_on):
    response = login(client, who, demo.passwords[who])
    assert response.redirect_chain[-1][0] == reverse(lands_on)
    assert response.status_code == 200


def test_next_still_wins(client, demo):
    response = login(client, "maoxian", demo.passwords["maoxian"], next_url=reverse("evaluations:index"))
    assert response.redirect_chain[-1][0] == reverse("evaluations:index")


@pytest.mark.parametrize(("who", "has_link"), [("maoxian", True), ("shenhe", True)])
def test_header_links_performance(client, demo, who, has_link):
    client.force_login(demo.users[who])
    page = client.get(reverse("disclosures:home")).content.decode()
    assert (f'<a href="{reverse("evaluations:index")}">绩效</a>' in page) is has_link


def test_header_user_name_is_a_menu_apart_from_the_links(client, accountant):
    client.force_login(accountant)
    page = client.get(reverse("disclosures:home")).content.decode()
    assert '<details class="user-menu">' in page and "<summary>accountant</summary>" in page
    assert '<span class="user">' not in page
