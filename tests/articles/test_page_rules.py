"""Editors can only build trees that make sense, and every page type renders and edits."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from articles.models import AccountIndexPage, ArticlePage, SectionPage
from home.models import HomePage
from home.services import ensure_site
from tests.factories import (
    AccountIndexPageFactory,
    ArticlePageFactory,
    PublishingAccountFactory,
    SectionPageFactory,
)


class PageTreeRulesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        site = ensure_site(hostname="rules.test", slug="rules", site_name="规则站", is_default=True)
        cls.home = site.root_page.specific
        cls.section = SectionPageFactory(parent=cls.home)
        cls.subsection = SectionPageFactory(parent=cls.section)
        cls.account = PublishingAccountFactory()
        cls.article = ArticlePageFactory(
            parent=cls.subsection, account=cls.account, authors=["作者甲", "作者乙"]
        )
        cls.accounts = AccountIndexPageFactory(parent=cls.home)

    def setUp(self):
        self.login()

    def test_parent_and_subpage_types(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {SectionPage, AccountIndexPage})
        self.assertAllowedParentPageTypes(SectionPage, {HomePage, SectionPage})
        self.assertAllowedSubpageTypes(SectionPage, {SectionPage, ArticlePage})
        self.assertAllowedParentPageTypes(ArticlePage, {SectionPage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertAllowedParentPageTypes(AccountIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(AccountIndexPage, set())

    def test_where_each_type_can_be_created(self):
        self.assertCanCreateAt(HomePage, SectionPage)
        self.assertCanCreateAt(SectionPage, SectionPage)  # nestable to any depth
        self.assertCanCreateAt(SectionPage, ArticlePage)
        self.assertCanNotCreateAt(HomePage, ArticlePage)
        self.assertCanNotCreateAt(ArticlePage, ArticlePage)
        self.assertCanNotCreateAt(SectionPage, HomePage)
        self.assertCanNotCreateAt(SectionPage, AccountIndexPage)
        self.assertCanNotCreateAt(AccountIndexPage, ArticlePage)
        # one 育人号目录 per site: this home already has one
        self.assertFalse(AccountIndexPage.can_create_at(self.home))

    def test_every_page_type_renders(self):
        for page in (self.home, self.section, self.subsection, self.article, self.accounts):
            with self.subTest(page=page):
                self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(self.accounts, route_path=f"/{self.account.slug}/")

    def test_every_page_type_is_editable(self):
        for page in (self.home, self.section, self.accounts):
            with self.subTest(page=page):
                self.assertPageIsEditable(page)
        # StreamField forms are built by JavaScript, so the article's POST data is spelled out.
        self.assertPageIsEditable(
            self.article, post_data=article_form_data(self.article.title, self.article.slug)
        )

    def test_editor_can_create_an_article_in_a_section(self):
        self.assertCanCreate(
            self.section, ArticlePage, article_form_data("编辑新建的文章", "editor-article")
        )
        created = ArticlePage.objects.get(slug="editor-article")
        self.assertEqual(created.author_names, ["作者丙", "作者丁"])
        self.assertEqual(created.body[0].block_type, "heading")
        self.assertEqual(created.get_parent().pk, self.section.pk)


def article_form_data(title: str, slug: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "kicker": "",
            "subtitle": "",
            "source": "党委宣传部",
            "editor": "王编辑",
            "summary": "",
            "authors": inline_formset([{"name": "作者丙"}, {"name": "作者丁"}]),
            "body": streamfield(
                [
                    ("heading", {"text": "第一部分", "level": "h2"}),
                    ("paragraph", rich_text("<p>正文第一段。</p>")),
                ]
            ),
            "tags": "",
        }
    )
