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


class PageEditorTestCase(WagtailPageTestCase):
    """A superuser in the page editor of a site with one 栏目."""

    @classmethod
    def setUpTestData(cls):
        site = ensure_site(hostname="bad.test", slug="bad", site_name="坏输入站", is_default=True)
        cls.home = site.root_page.specific
        cls.section = SectionPageFactory(parent=cls.home, slug="news")

    def setUp(self):
        self.login()

    @staticmethod
    def add_url(parent, model) -> str:
        return f"/admin/pages/add/{model._meta.app_label}/{model._meta.model_name}/{parent.pk}/"

    def _add(self, parent, model, data):
        return self.client.post(self.add_url(parent, model), data)


class PageEditorBadInputTests(PageEditorTestCase):
    """Values the editor can type that the database or the URLconf cannot take."""

    def test_a_year_0001_schedule_is_a_message_not_a_broken_section(self):
        for field in ("go_live_at", "expire_at"):
            data = {**article_form_data("定时有误", f"typo-{field}"), field: "0001-01-01 00:00"}
            response = self._add(self.section, ArticlePage, data)
            self.assertEqual(response.status_code, 200)  # the form again, with the message
            self.assertContains(response, "时间须在 1900 年至 2099 年之间")
            self.assertFalse(Page.objects.filter(slug=f"typo-{field}").exists())
        data = {
            **article_form_data("发布时间有误", "typo-display"),
            "display_time": "0001-01-01 00:00",
        }
        self.assertContains(
            self._add(self.section, ArticlePage, data), "时间须在 1900 年至 2099 年之间"
        )
        self.assertFalse(Page.objects.filter(slug="typo-display").exists())
        self.assertPageIsRenderable(self.section)

    def test_invisible_characters_are_dropped_from_what_the_editor_typed(self):
        """BEL, ESC, DEL and a right-to-left override typed into a title, 来源 or 责任编辑
        were stored and served raw on the published page."""
        data = {
            **article_form_data("标题\x07含\x1b控制\u202e字符", "ctrl-chars"),
            "source": "党委\x7f宣传部",
            "editor": "王\x08编辑",
            "action-publish": "action-publish",
        }
        self.assertEqual(self._add(self.section, ArticlePage, data).status_code, 302)
        article = ArticlePage.objects.get(slug="ctrl-chars")
        self.assertEqual(
            (article.title, article.source, article.editor),
            ("标题含控制字符", "党委宣传部", "王编辑"),
        )
        html = self.client.get(article.url, HTTP_HOST="bad.test").content.decode()
        self.assertFalse(any(ch in html for ch in "\x07\x1b\x7f\x08\u202e"))

    def test_a_title_of_zero_width_spaces_is_refused(self):
        """U+200B alone passed as a title: an empty <h1>, a link of no text in the lists. So
        did the Hangul filler and the blank Braille pattern, letters drawn as nothing."""
        for slug, title in [("zwsp", "\u200b\u200b\u2060"), ("fill", "\u3164\u3164"),
                            ("braille", "\u2800 \uffa0")]:  # fmt: skip
            data = {**article_form_data(title, slug), "action-publish": "1"}
            response = self._add(self.section, ArticlePage, data)
            self.assertContains(response, "标题不能只有空格或看不见的字符")
            self.assertFalse(ArticlePage.objects.filter(slug=slug).exists())

    def test_hand_built_references_and_values_are_no_500(self):
        """The editor's own widgets never send these, a hand-built POST did: a link to page
        `abc` (stored in the draft, whose edit page was then a 500 for good), a 段落 that is
        not Draftail's JSON, and chooser ids `abc` for a body image and the 育人号."""
        import json

        def paragraph_linking(entity: dict) -> str:
            block = {"key": "k1", "type": "unstyled", "depth": 0, "text": "链接文字",
                     "inlineStyleRanges": [], "data": {},
                     "entityRanges": [{"offset": 0, "length": 4, "key": 0}]}  # fmt: skip
            link = {"type": "LINK", "mutability": "MUTABLE", "data": entity}
            return json.dumps({"blocks": [block], "entityMap": {"0": link}})

        sent = {
            "bad-link": paragraph_linking({"id": "abc", "url": "/x/"}),
            "huge-link": paragraph_linking({"id": "9" * 20, "url": "/x/"}),
            "not-json": "不是 JSON 的段落\n第二行<b>",
        }
        for slug, value in sent.items():
            data = {**article_form_data("手工提交", slug), "body-1-value": value}
            self.assertEqual(self._add(self.section, ArticlePage, data).status_code, 302, slug)
        stored = {
            slug: ArticlePage.objects.get(slug=slug).get_latest_revision_as_object().body[1]
            for slug in sent
        }
        self.assertIn("<a>链接文字</a>", stored["bad-link"].render_as_block())
        self.assertNotIn("abc", stored["bad-link"].value.source)  # the text kept, not the id
        self.assertNotIn("9" * 20, stored["huge-link"].value.source)
        self.assertEqual(
            stored["not-json"].value.source, "<p>不是 JSON 的段落</p><p>第二行&lt;b&gt;</p>"
        )
        # A draft that already holds such a link (saved before this check) opens again.
        article = ArticlePage.objects.get(slug="bad-link")
        revision = article.get_latest_revision()
        body = json.loads(revision.content["body"])
        body[1]["value"] = '<p><a linktype="page" id="abc">旧链接</a></p>'
        revision.content["body"] = json.dumps(body)
        revision.save()
        edit = self.client.get(f"/admin/pages/{article.pk}/edit/")
        self.assertEqual(edit.status_code, 200)
        # Chooser ids no object can have: no object, as for a deleted one.
        image = {"body-1-type": "image", "body-1-value-image": "abc",
                 "body-1-value-caption": "图注", "body-1-value-alt_text": "图"}  # fmt: skip
        data = {**article_form_data("手工图片", "bad-image"), **image}
        del data["body-1-value"]
        published = self._add(self.section, ArticlePage, {**data, "action-publish": "1"})
        self.assertEqual(published.status_code, 200)  # the form again: 图片 is required
        self.assertFalse(ArticlePage.objects.filter(slug="bad-image").exists())
        data = {**article_form_data("手工育人号", "bad-account"), "account": "abc"}
        refused = self._add(self.section, ArticlePage, data)
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "选择一个有效的选项")
        self.assertFalse(ArticlePage.objects.filter(slug="bad-account").exists())

    def test_an_article_over_the_size_or_field_limits_is_told_which(self):
        """Both got only 请求的格式或大小不正确 (Django's 400 page has no reason)."""
        big = {**article_form_data("太长", "too-long"), "summary": "长" * 1_000_000}  # 3 MB
        response = self._add(self.section, ArticlePage, big)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "超过 2.5 MB 的上限（例如正文过长）", status_code=400)
        many = {**article_form_data("太多", "too-many")}
        many.update({f"x-{n}": "1" for n in range(10_001)})
        response = self._add(self.section, ArticlePage, many)
        self.assertContains(response, "超过 10000 个的上限", status_code=400)
        self.assertFalse(Page.objects.filter(slug__in=["too-long", "too-many"]).exists())

    def test_a_top_level_section_cannot_take_a_path_the_site_serves_itself(self):
        for slug in ("search", "admin", "api", "feeds"):
            data = nested_form_data({"title": "保留地址", "slug": slug, "intro": ""})
            response = self._add(self.home, SectionPage, data)
            self.assertContains(response, "是网站的保留地址", msg_prefix=slug)
            self.assertFalse(SectionPage.objects.filter(slug=slug).exists())
        # Deeper down the same slug is an ordinary address (/news/search/).
        data = nested_form_data({"title": "栏目内的搜索专题", "slug": "search", "intro": ""})
        self.assertEqual(self._add(self.section, SectionPage, data).status_code, 302)
        self.assertTrue(SectionPage.objects.filter(slug="search").exists())

    def test_a_copy_or_a_move_to_the_top_of_a_site_cannot_take_such_a_path_either(self):
        inner = SectionPageFactory(parent=self.section, slug="admin", title="栏目内的后台专题")
        copy = self.client.post(
            f"/admin/pages/{self.section.pk}/copy/",
            {"new_title": "要闻副本", "new_slug": "search", "new_parent_page": self.home.pk},
            follow=True,
        )
        self.assertContains(copy, "是网站的保留地址")
        self.assertFalse(SectionPage.objects.filter(slug="search").exists())
        move = self.client.post(
            f"/admin/pages/{inner.pk}/move/{self.home.pk}/confirm/", follow=True
        )
        self.assertContains(move, "是网站的保留地址")
        inner.refresh_from_db()
        self.assertEqual(inner.get_parent().pk, self.section.pk)
        bulk = f"/admin/bulk/wagtailcore/page/move/?id={inner.pk}"
        moved = self.client.post(bulk, {"chooser": self.home.pk}, follow=True)
        self.assertContains(moved, "是网站的保留地址")
        inner.refresh_from_db()
        self.assertEqual(inner.get_parent().pk, self.section.pk)
        # The same copy under another slug goes ahead.
        copied = self.client.post(
            f"/admin/pages/{self.section.pk}/copy/",
            {"new_title": "要闻副本", "new_slug": "news-copy", "new_parent_page": self.home.pk},
        )
        self.assertEqual(copied.status_code, 302)
        self.assertTrue(SectionPage.objects.filter(slug="news-copy").exists())


class PreviewBeforeTheFirstSaveTests(PageEditorTestCase):
    """预览 of a page not saved yet (an article's comments, a 栏目's or home page's 推荐位
    were read by its primary key: a server error in the preview pane)."""

    def _preview(self, parent, model, data):
        url = self.add_url(parent, model) + "preview/"
        answer = self.client.post(url, data).json()
        self.assertEqual(answer, {"is_valid": True, "is_available": True})
        return self.client.get(url, {"mode": ""})

    def test_a_new_article_section_and_home_page_preview(self):
        response = self._preview(self.section, ArticlePage, article_form_data("未存文章", ""))
        self.assertContains(response, "未存文章")
        self.assertContains(response, "正文第一段。")
        data = nested_form_data({"title": "未存栏目", "slug": "", "intro": ""})
        self.assertContains(self._preview(self.home, SectionPage, data), "未存栏目")
        data = nested_form_data({"title": "未存首页", "slug": "", "site_name": ""})
        self.assertEqual(self._preview(Page.objects.get(depth=1), HomePage, data).status_code, 200)
        self.assertFalse(Page.objects.filter(title__startswith="未存").exists())
