"""Password guessing at /admin/login/ is stopped (django-axes), in Chinese, per user and address."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def login(client, password, address="198.51.100.7", username="editor"):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_HOST="national.test",
    )


def test_wrong_passwords_lock_that_user_from_that_address(client, portal, settings):
    get_user_model().objects.create_user(username="editor", password="right-password")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "guess").status_code == 200  # the form again, with its message
    assert login(client, "guess").status_code == 429  # the last guess allowed
    locked = login(client, "right-password")  # even the right one, for now
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录尝试过多" in text and "15 分钟后再试" in text
    assert "_auth_user_id" not in client.session
    # Nor from another address of the same IPv6 subscriber (its /64).
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "guess", address=f"2001:db8:1:2::{n}")
    assert login(client, "right-password", address="2001:db8:1:2::ff").status_code == 429
    # Someone else at another address is not locked out with them.
    assert login(client, "right-password", address="203.0.113.9").status_code == 302


def test_a_successful_login_clears_the_count(client, portal, settings):
    get_user_model().objects.create_user(username="editor", password="right-password")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "guess")
    assert login(client, "right-password").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "guess")
    assert login(client, "right-password").status_code == 302


def test_the_login_form_speaks_chinese(client, portal):
    """The password field was labelled "Password" (Wagtail's field has no label of its own),
    and a wrong password read "用户 用户名 密码不匹配，请重试" (Wagtail's translation)."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/admin/login/").content, "html.parser")
    labels = [label.get_text(" ", strip=True) for label in page.select("label")]
    assert any(label.startswith("密码") for label in labels), labels
    assert not any("Password" in label for label in labels), labels
    text = login(client, "guess").content.decode()
    assert "用户名或密码不正确" in text and "用户 用户名" not in text
