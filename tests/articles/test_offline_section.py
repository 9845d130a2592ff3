"""A 栏目 taken offline (取消发布 without its subpages, the dialog's default) takes what lies
below it offline for readers, back when the 栏目 is."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from articles.models import ArticlePage, SectionPage
from tests.factories import ArticlePageFactory, SectionPageFactory

pytestmark = pytest.mark.django_db


@dataclass
class Tree:
    host: str
    top: SectionPage  # 典型经验: stays live
    course: SectionPage  # 思政课程, under it: taken offline
    cases: SectionPage  # 课程案例, a live 栏目 under 思政课程
    shown: ArticlePage  # in 典型经验
    hidden: ArticlePage  # in 思政课程
    deeper: ArticlePage  # in 课程案例


def build(site) -> Tree:
    top = SectionPageFactory(parent=site.root_page, title="典型经验", slug="experience")
    course = SectionPageFactory(parent=top, title="思政课程", slug="course")
    cases = SectionPageFactory(parent=course, title="课程案例", slug="cases")
    shown = ArticlePageFactory(parent=top, title="红船精神进课堂", body=[])
    hidden = ArticlePageFactory(parent=course, title="红船精神示范课", body=[])
    deeper = ArticlePageFactory(parent=cases, title="红船精神案例", body=[])
    return Tree(site.hostname, top, course, cases, shown, hidden, deeper)


def status(client, host: str, url: str) -> int:
    return client.get(url, HTTP_HOST=host).status_code


@pytest.mark.parametrize("which", ["national", "institution"])
def test_pages_below_a_section_taken_offline_are_a_404_until_it_is_back(client, portal, which):
    tree = build(getattr(portal, which))
    below = (tree.course, tree.cases, tree.hidden, tree.deeper)
    tree.course.unpublish()  # Wagtail's 取消发布, "include subpages" not ticked
    assert ArticlePage.objects.get(pk=tree.hidden.pk).live  # Wagtail left them live
    for page in below:
        assert status(client, tree.host, page.url) == 404, page.title
    comment = client.post(tree.hidden.url, {"content": "好文"}, HTTP_HOST=tree.host)
    assert comment.status_code == 404
    assert status(client, tree.host, tree.shown.url) == status(client, tree.host, "/") == 200

    tree.course.save_revision().publish()  # back online: nothing else to do
    for page in below:
        assert status(client, tree.host, page.url) == 200, page.title


def test_an_editor_still_previews_an_article_below_a_section_taken_offline(admin_client, portal):
    course = SectionPageFactory(parent=portal.national_section, title="思政课程", slug="course")
    article = ArticlePageFactory(parent=course, title="思政课程示范课")
    course.unpublish()
    assert admin_client.get(article.url, HTTP_HOST="national.test").status_code == 404
    preview = admin_client.get(
        reverse("wagtailadmin_pages:view_draft", args=[article.pk]), HTTP_HOST="national.test"
    )
    assert preview.status_code == 200 and "思政课程示范课" in preview.content.decode()
