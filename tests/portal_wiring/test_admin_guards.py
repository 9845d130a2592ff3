"""Wagtail's bulk-action URLs with hand-typed ids: the admin's 404, never a 500."""

import pytest
from django.contrib.auth import get_user_model

from articles.models import ArticlePage, SensitiveWord
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "1.5", "", "-1", str(2**31), str(2**64)]


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser(username="chief", password="x")
    client.force_login(user)
    return user


def test_stock_bulk_actions_answer_404_to_ids_no_object_can_have(client, editor, portal):
    word = SensitiveWord.objects.create(word="坏词")
    article = ArticlePageFactory(parent=portal.national_section, title="批量操作")
    for url, real in [
        ("/admin/bulk/articles/sensitiveword/delete/", word.pk),
        ("/admin/bulk/wagtailcore/page/delete/", article.pk),
        ("/admin/bulk/wagtailcore/page/unpublish/", article.pk),
    ]:
        for bad in BAD_IDS:
            response = client.get(url, {"id": bad})
            assert response.status_code == 404, (url, bad)
            assert "wagtailadmin" in response.templates[0].name  # the admin's own 404 page
        assert client.get(url, {"id": [real, "abc"]}).status_code == 404
        assert client.get(url, {"id": real}).status_code == 200  # real ids still work
    # "Select all" names the listing's parent page; a missing or malformed one is a 404 too.
    pages = "/admin/bulk/wagtailcore/page/delete/"
    for parent in ["abc", str(2**64), "999999"]:
        assert client.get(pages, {"id": "all", "childOf": parent}).status_code == 404, parent
    assert (
        client.get(pages, {"id": "all", "childOf": portal.national_section.pk}).status_code == 200
    )

    client.post("/admin/bulk/articles/sensitiveword/delete/?id=abc")
    assert SensitiveWord.objects.filter(pk=word.pk).exists()
    client.post(f"/admin/bulk/articles/sensitiveword/delete/?id={word.pk}")
    assert not SensitiveWord.objects.filter(pk=word.pk).exists()
    assert ArticlePage.objects.filter(pk=article.pk).exists()


def test_bulk_actions_still_require_an_admin_login(client, portal):
    response = client.get("/admin/bulk/articles/sensitiveword/delete/", {"id": "abc"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_date_typo_in_the_admin_is_a_message_on_the_field_not_a_500(client, editor, portal):
    from articles.models import FeaturedSlot

    article = ArticlePageFactory(parent=portal.national_section, title="推荐文章")
    form = {
        "page": portal.national_section.pk,
        "position": "headline",
        "article": article.pk,
        "sort_order": 0,
        "starts_at": "0001-01-01 00:00",  # before year 1 in UTC: an overflow when saved
        "ends_at": "",
    }
    url = "/admin/snippets/articles/featuredslot/add/"
    response = client.post(url, form)
    assert response.status_code == 200  # the form again, with the message
    assert "时间须在 1900 年至 2099 年之间" in response.content.decode()
    assert not FeaturedSlot.objects.exists()
    response = client.post(url, {**form, "starts_at": "2026-11-24 09:00"})
    assert response.status_code == 302
    assert FeaturedSlot.objects.get().starts_at.year == 2026
