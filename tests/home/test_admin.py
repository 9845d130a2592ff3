"""Editors work in a Chinese admin, on Beijing time."""

import pytest


@pytest.mark.django_db
def test_admin_login_is_in_simplified_chinese(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html or 'lang="zh-hans"' in html
    assert "登录门户管理后台" in html
    assert "<title>登录 - 门户管理后台</title>" in html


@pytest.mark.django_db
def test_admin_dashboard_renders_for_an_editor(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "门户管理后台" in response.content.decode()
