"""django-axes: five failed logins lock the username from that address, even for the right password."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "login"


def attempt(client, username: str, password: str):
    return client.post(reverse(LOGIN), {"username": username, "password": password})


def test_login_page_is_chinese(client):
    response = client.get(reverse(LOGIN))

    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_right_password_logs_in(client, accountant):
    response = attempt(client, "accountant", "pw-Accountant-1")

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(accountant.pk)


def test_five_failures_lock_the_account(client, accountant, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = attempt(client, "accountant", "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()

    fifth = attempt(client, "accountant", "wrong-password")
    assert fifth.status_code == 429
    assert "登录已暂时锁定" in fifth.content.decode()

    locked = attempt(client, "accountant", "pw-Accountant-1")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, accountant):
    for _ in range(4):
        attempt(client, "accountant", "wrong-password")

    assert attempt(client, "accountant", "pw-Accountant-1").status_code == 302


def test_lock_is_per_username(client, accountant, reviewer):
    for _ in range(5):
        attempt(client, "accountant", "wrong-password")

    assert attempt(client, "reviewer", "pw-Reviewer-1").status_code == 302
