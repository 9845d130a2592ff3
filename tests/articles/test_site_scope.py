"""A university's editors work on their own site's 育人号 and comments, not every site's."""

import pytest

from articles.models import Comment, PublishingAccount
from tests.factories import ArticlePageFactory, PublishingAccountFactory, site_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_editor(client, portal):
    models = ["change_comment", "add_publishingaccount", "change_publishingaccount",
              "delete_publishingaccount"]  # fmt: skip
    user = site_editor(portal.institution, ("add_page", "change_page"), models)
    client.force_login(user)
    return user


def comment_on(section, text):
    article = ArticlePageFactory(parent=section)
    return Comment.objects.create(article=article, content=text, status=Comment.PENDING)


def test_comments_of_other_sites_are_not_theirs_to_moderate(client, portal, school_editor):
    ours = comment_on(portal.institution_section, "本校读者的评论")
    theirs = comment_on(portal.national_section, "全国站读者的评论")
    listing = client.get("/admin/snippets/articles/comment/").content.decode()
    assert "本校读者的评论" in listing and "全国站读者的评论" not in listing
    assert client.get(f"/admin/snippets/articles/comment/edit/{ours.pk}/").status_code == 200
    response = client.get(f"/admin/snippets/articles/comment/edit/{theirs.pk}/")
    assert response.status_code in (302, 403)
    edit = client.post(
        f"/admin/snippets/articles/comment/edit/{theirs.pk}/", {"status": "approved"}
    )
    assert edit.status_code in (302, 403)
    bulk = f"/admin/bulk/articles/comment/approve/?id={theirs.pk}&id={ours.pk}"
    client.post(bulk, {})
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses[theirs.pk] == Comment.PENDING  # untouched
    theirs.refresh_from_db()
    assert theirs.status == Comment.PENDING


def test_accounts_of_other_sites_are_not_theirs_to_edit(client, portal, school_editor):
    ours = PublishingAccountFactory(name="本校育人号", site=portal.institution)
    theirs = PublishingAccountFactory(name="别校育人号", site=portal.national)
    listing = client.get("/admin/snippets/articles/publishingaccount/").content.decode()
    assert "本校育人号" in listing and "别校育人号" not in listing
    data = {
        "name": "改名",
        "slug": theirs.slug,
        "site": portal.institution.pk,
        "recommend_boost": 0,
    }
    response = client.post(f"/admin/snippets/articles/publishingaccount/edit/{theirs.pk}/", data)
    assert response.status_code in (302, 403)
    theirs.refresh_from_db()
    assert theirs.name == "别校育人号" and theirs.site_id == portal.national.pk
    form = client.get(f"/admin/snippets/articles/publishingaccount/edit/{ours.pk}/")
    options = form.context["form"].fields["site"].queryset
    assert list(options) == [portal.institution]  # 所属站点: their own site only
    added = client.post(
        "/admin/snippets/articles/publishingaccount/add/",
        {"name": "新号", "slug": "new-one", "site": portal.national.pk, "recommend_boost": 0},
    )
    assert added.status_code == 200  # refused: not one of their sites
    assert not PublishingAccount.objects.filter(slug="new-one").exists()
