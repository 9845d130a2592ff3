"""Editors work in a Chinese admin, on Beijing time."""

import re

import pytest
from django.urls import URLResolver, get_resolver


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


# Admin pages the walk below does not open: a deliberate server error, and logging out.
NOT_OPENED = {"wagtailadmin_error_test", "wagtailadmin_logout"}


def _admin_pages(patterns, prefix=""):
    """Paths of the admin's views that take no arguments: listings, reports, forms."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _admin_pages(pattern.url_patterns, route)
        elif (
            route.startswith("admin/")
            and not pattern.pattern.regex.groups
            and pattern.name not in NOT_OPENED
        ):
            yield "/" + route.replace("^", "").replace("$", "")


@pytest.mark.django_db
def test_every_admin_page_names_itself_in_the_browser_tab(admin_client):
    """定时发布's tab read " - 门户管理后台": it set page_title, and Wagtail's title block reads
    header_title. The portal's own views (and Wagtail's) are checked alike."""
    titles = {}
    for path in sorted(set(_admin_pages(get_resolver().url_patterns))):
        response = admin_client.get(path)
        html = response.content.decode()
        if response.status_code == 200 and "<title>" in html:  # not a modal's JSON, a fragment
            titles[path] = re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()
    assert titles["/admin/schedule/"] == "定时发布 - 门户管理后台"
    assert len(titles) > 30  # Wagtail's listings and reports, the portal's
    untitled = [path for path, title in titles.items() if title.startswith("-")]
    assert not untitled


@pytest.mark.django_db
def test_a_truncated_image_upload_is_refused_in_chinese_not_a_500(admin_client):
    """Wagtail reads the size in pixels catching only decompression bombs: Pillow's error
    on a cut-off PNG was a 500 in both upload forms."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    data = io.BytesIO()
    PILImage.new("RGB", (300, 200), "red").save(data, format="PNG")
    cut = data.getvalue()[:40]
    response = admin_client.post(
        "/admin/images/add/",
        {"title": "坏图", "file": SimpleUploadedFile("cut.png", cut, "image/png")},
    )
    assert response.status_code == 200 and "请上传一张有效的图片" in response.content.decode()
    response = admin_client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("cut.png", cut, "image/png")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    answer = response.json()
    assert response.status_code == 200 and answer["success"] is False
    assert "请上传一张有效的图片" in answer["error_message"]
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_a_document_upload_says_only_what_is_wrong_and_keeps_a_name(admin_client, client):
    """An empty file.pdf got 所提交的是空文件 and 文件扩展“”是不被允许 (the model's check of a
    file the form never took); 😀.docx was stored as `.docx`, a hidden file readers downloaded
    under that name."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model

    def add(name: str, content: bytes):
        return admin_client.post(
            "/admin/documents/add/",
            {"title": "附件", "file": SimpleUploadedFile(name, content), "collection": 1},
        )

    page = add("empty.pdf", b"").content.decode()
    assert "所提交的是空文件" in page and "文件扩展" not in page
    answer = admin_client.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("empty.pdf", b"")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    ).json()
    assert answer["success"] is False
    assert "空文件" in answer["error_message"] and "文件扩展" not in answer["error_message"]
    assert "文件扩展“exe”是不被允许" in add("tool.exe", b"MZ").content.decode()  # still said
    assert not get_document_model().objects.exists()
    assert add("😀.docx", b"PK\x03\x04").status_code == 302
    document = get_document_model().objects.get()
    assert document.filename == "附件.docx"
    assert add("通知.docx", b"PK\x03\x04").status_code == 302  # Chinese names stay as they are
    assert get_document_model().objects.filter(file="documents/通知.docx").exists()
    download = client.get(document.url)
    assert download.status_code == 200
    download.close()
    assert "UTF-8''%E9%99%84%E4%BB%B6.docx" in download["Content-Disposition"]  # 附件.docx
