"""A university's editors work on their own site's 育人号 and comments, not every site's."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from articles.models import ArticlePage, Comment, PublishingAccount
from tests.factories import ArticlePageFactory, PublishingAccountFactory, edit_as, site_editor

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
    for view in ("edit", "usage", "history"):
        url = f"/admin/snippets/articles/comment/{view}/{{}}/"
        assert client.get(url.format(ours.pk)).status_code == 200, view
        assert client.get(url.format(theirs.pk)).status_code in (302, 403), view
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
    for view in ("usage", "history"):
        url = f"/admin/snippets/articles/publishingaccount/{view}/{{}}/"
        assert client.get(url.format(ours.pk)).status_code == 200, view
        assert client.get(url.format(theirs.pk)).status_code in (302, 403), view
    form = client.get(f"/admin/snippets/articles/publishingaccount/edit/{ours.pk}/")
    options = form.context["form"].fields["site"].queryset
    assert list(options) == [portal.institution]  # 所属站点: their own site only
    added = client.post(
        "/admin/snippets/articles/publishingaccount/add/",
        {"name": "新号", "slug": "new-one", "site": portal.national.pk, "recommend_boost": 0},
    )
    assert added.status_code == 200  # refused: not one of their sites
    assert not PublishingAccount.objects.filter(slug="new-one").exists()


def test_slots_of_other_sites_are_not_theirs(client, portal):
    from articles.models import FeaturedSlot

    models = ["add_featuredslot", "change_featuredslot", "delete_featuredslot"]
    client.force_login(site_editor(portal.institution, ("add_page", "change_page"), models))
    national = FeaturedSlot.objects.create(
        page=portal.national.root_page,
        article=ArticlePageFactory(parent=portal.national_section, title="全国站头条"),
    )
    ours = FeaturedSlot.objects.create(
        page=portal.institution.root_page,
        article=ArticlePageFactory(parent=portal.institution_section, title="本校头条"),
    )
    listing = client.get("/admin/snippets/articles/featuredslot/").content.decode()
    assert "本校头条" in listing and "全国站头条" not in listing
    assert client.get(f"/admin/snippets/articles/featuredslot/edit/{ours.pk}/").status_code == 200
    response = client.post(f"/admin/snippets/articles/featuredslot/delete/{national.pk}/")
    assert response.status_code in (302, 403)
    assert FeaturedSlot.objects.filter(pk=national.pk).exists()


def test_the_portals_own_groups_see_every_site_and_what_has_none(client, portal):
    """编辑 and 审核员 hold their page permissions at the tree root, above every site."""
    from django.contrib.auth.models import Group

    editor = get_user_model().objects.create_user(username="portal-editor", password="x")
    editor.groups.add(Group.objects.get(name="编辑"))
    editor.groups.get().permissions.add(Permission.objects.get(codename="change_publishingaccount"))
    client.force_login(editor)
    PublishingAccountFactory(name="无站点育人号", site=None)
    PublishingAccountFactory(name="院校育人号", site=portal.institution)
    listing = client.get("/admin/snippets/articles/publishingaccount/").content.decode()
    assert "无站点育人号" in listing and "院校育人号" in listing


def test_an_articles_account_is_chosen_among_the_editors_own_sites(client, portal):
    """An editor choosing an article's 育人号 needs no permission on accounts themselves."""
    client.force_login(site_editor(portal.institution, ("add_page", "change_page")))
    PublishingAccountFactory(name="本校育人号", site=portal.institution)
    PublishingAccountFactory(name="别校育人号", site=portal.national)
    for view in ("", "results/"):
        response = client.get(f"/admin/snippets/choose/articles/publishingaccount/{view}")
        assert response.status_code == 200
        text = response.content.decode()
        if text.startswith("{"):  # the modal: JSON holding its HTML
            text = json.loads(text)["html"]
        assert "本校育人号" in text and "别校育人号" not in text, view


def test_a_slot_is_set_only_on_the_editors_own_sites_pages(client, portal):
    from articles.models import FeaturedSlot

    models = ["add_featuredslot", "change_featuredslot"]
    client.force_login(site_editor(portal.institution, ("add_page", "change_page"), models))
    national = ArticlePageFactory(parent=portal.national_section, title="全国站文章")
    ours = ArticlePageFactory(parent=portal.institution_section, title="本校文章")
    form = {"position": "headline", "sort_order": 0}
    refused = client.post(
        "/admin/snippets/articles/featuredslot/add/",
        {**form, "page": portal.national.root_page.pk, "article": national.pk},
    )
    assert refused.status_code == 200  # the form again, with the reason
    assert "只能在你负责的站点的首页或栏目页设推荐位" in refused.content.decode()
    assert not FeaturedSlot.objects.exists()
    added = client.post(
        "/admin/snippets/articles/featuredslot/add/",
        {**form, "page": portal.institution.root_page.pk, "article": ours.pk},
    )
    assert added.status_code == 302
    assert FeaturedSlot.objects.get().page_id == portal.institution.root_page.pk


def test_an_articles_account_cannot_be_another_sites_by_a_crafted_form(client, portal):
    from tests.articles.test_page_rules import article_form_data

    client.force_login(site_editor(portal.institution, ("add_page", "change_page")))
    ours = PublishingAccountFactory(name="本校育人号", site=portal.institution)
    theirs = PublishingAccountFactory(name="别校育人号", site=portal.national)
    article = ArticlePageFactory(parent=portal.institution_section, title="本校文章")
    url = f"/admin/pages/{article.pk}/edit/"
    form = article_form_data("本校文章", article.slug)
    refused = client.post(url, {**form, "account": theirs.pk})
    assert "只能选择你负责的站点的育人号" in refused.content.decode()
    article.refresh_from_db()
    assert article.get_latest_revision_as_object().account_id is None
    kept = client.post(url, {**form, "account": ours.pk})
    assert kept.status_code == 302
    article.refresh_from_db()
    assert article.get_latest_revision_as_object().account_id == ours.pk


def test_a_copy_has_no_reviewer_until_its_own_review(portal):
    article = ArticlePageFactory(parent=portal.national_section, title="审过的文章")
    article.reviewer = "张终"
    article.save_revision().publish()
    copy = article.copy(to=portal.institution_section, update_attrs={"slug": "copied"})
    assert copy.specific.reviewer == ""


def test_the_slot_and_account_lists_say_where_and_when(admin_client, portal):
    from datetime import UTC, datetime

    from articles.models import FeaturedSlot

    PublishingAccountFactory(
        name="本校育人号", institution="嘉兴职业技术学院", site=portal.institution
    )
    FeaturedSlot.objects.create(
        page=portal.institution.root_page,
        article=ArticlePageFactory(parent=portal.institution_section, title="本校头条"),
        starts_at=datetime(2022, 2, 24, 1, 17, 32, tzinfo=UTC),
    )
    slots = admin_client.get("/admin/snippets/articles/featuredslot/").content.decode()
    assert portal.institution.root_page.title in slots and "2022-02-24 09:17:32" in slots
    accounts = admin_client.get("/admin/snippets/articles/publishingaccount/").content.decode()
    assert "嘉兴职业技术学院" in accounts and str(portal.institution) in accounts


def test_site_settings_permission_reaches_only_the_editors_own_sites(client, portal):
    """Wagtail grants a model permission on 站点设置 for every site: a university's group given
    it rewrote the national site's name and switched off its comment pre-moderation."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupSitePermission

    from home.models import PortalSiteSettings

    user = site_editor(
        portal.institution, ("add_page", "change_page"), ["change_portalsitesettings"]
    )
    client.force_login(user)
    national = PortalSiteSettings.for_site(portal.national)
    ours = PortalSiteSettings.for_site(portal.institution)
    url = "/admin/settings/home/portalsitesettings/{}/"
    assert client.get(url.format(portal.institution.pk)).status_code == 200
    assert client.get(url.format(portal.national.pk)).status_code in (302, 403)
    client.post(url.format(portal.national.pk), {"site_name": "被改名的全国站"})
    national.refresh_from_db()
    assert national.site_name == portal.national.site_name
    # The menu's 站点设置 opens the editor's own site.
    landing = client.get("/admin/settings/home/portalsitesettings/", follow=True)
    assert landing.redirect_chain[-1][0].endswith(url.format(portal.institution.pk))
    # A permission given for one site (the group's 站点权限) works as in Wagtail.
    GroupSitePermission.objects.create(
        group=Group.objects.get(user=user),
        site=portal.national,
        permission=Permission.objects.get(codename="change_portalsitesettings"),
    )
    assert client.get(url.format(portal.national.pk)).status_code == 200
    assert ours.site_name  # untouched by the above
    # Someone with the permission and no site of their own is not offered the menu item.
    from django.contrib.auth import get_user_model

    from home.models import PortalSiteSettings as Model

    nobody = get_user_model().objects.create_user(username="no-site", password="x")
    nobody.user_permissions.add(Permission.objects.get(codename="change_portalsitesettings"))
    assert not Model.get_permission_policy().user_has_permission(nobody, "change")
    assert Model.get_permission_policy().user_has_permission(user, "change")


def test_the_page_chooser_shows_other_sites_published_pages_only(client, portal):
    """The chooser (browse and search) showed a university's editor the national site's
    drafts and pages in review, embargoed titles included."""
    from wagtail.models import PageViewRestriction

    ArticlePageFactory(parent=portal.national_section, title="全国站公开文章")
    draft = ArticlePageFactory(parent=portal.national_section, title="全国站禁发草稿")
    draft.unpublish()
    private = ArticlePageFactory(parent=portal.national_section, title="全国站内部文章")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    ours = ArticlePageFactory(parent=portal.institution_section, title="本校草稿")
    ours.unpublish()
    # A live page whose next title is embargoed: the chooser shows the draft title.
    retitled = ArticlePageFactory(parent=portal.national_section, title="全国站旧标题")
    edit_as(None, retitled, title="全国站禁发新标题")
    client.force_login(site_editor(portal.institution, ("add_page", "change_page")))

    def shown(url, **params) -> str:
        response = client.get(url, params)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("application/json"):
            return json.loads(response.content)["html"]  # browsing answers JSON
        return response.content.decode()

    browse = shown(f"/admin/choose-page/{portal.national_section.pk}/")
    assert "全国站公开文章" in browse
    assert "禁发草稿" not in browse and "内部文章" not in browse and "禁发新标题" not in browse
    for q in ["全国站", "草稿", "禁发"]:
        found = shown("/admin/choose-page/search/", q=q)
        assert "全国站" not in found, q  # searching covers the editor's own sites
    found = shown("/admin/choose-page/search/", q="本校草稿")
    assert "本校草稿" in found
    # Nor is another site's draft or private page opened by its id, its title shown.
    for page in [draft, private, retitled]:
        response = client.get(f"/admin/choose-page/{page.pk}/")
        assert response.status_code == 404, page.title
        assert "禁发" not in response.content.decode() and "内部" not in response.content.decode()
    assert client.get(f"/admin/choose-page/{ours.pk}/").status_code == 200
    assert client.get(f"/admin/choose-page/{portal.national.root_page.pk}/").status_code == 200


@pytest.mark.parametrize(
    "listing", ["articles/comment", "articles/publishingaccount", "articles/featuredslot"]
)
def test_the_snippet_lists_take_as_many_queries_for_many_rows_as_for_one(
    admin_client, portal, listing
):
    """The 评论审核, 育人号 and 推荐位 lists read each row's article, page or site on its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import FeaturedSlot

    def add_rows(n: int) -> None:
        for i in range(n):
            site = portal.national if i % 2 else portal.institution
            section = portal.national_section if i % 2 else portal.institution_section
            article = ArticlePageFactory(parent=section)
            Comment.objects.create(article=article, content="评论", status=Comment.PENDING)
            PublishingAccountFactory(site=site)
            FeaturedSlot.objects.create(page=section, article=article)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(f"/admin/snippets/{listing}/").status_code == 200
        return len(captured)

    add_rows(1)
    queries()  # the first request fills caches
    one = queries()
    add_rows(5)
    assert queries() == one


def test_the_site_history_report_shows_only_the_editors_own_sites_entries(client, portal):
    """站点历史 listed every site's 育人号, comment, 推荐位 and 站点设置 changes, with who made
    them, to any editor holding the model's permission."""
    from wagtail.log_actions import log

    from home.models import PortalSiteSettings

    models = ["change_comment", "change_publishingaccount", "change_featuredslot",
              "change_portalsitesettings"]  # fmt: skip
    ours_editor = site_editor(portal.institution, ("add_page", "change_page"), models)
    theirs_editor = get_user_model().objects.create_user(username="national-chief", password="x")
    ours = PublishingAccountFactory(name="本校育人号", site=portal.institution)
    log(ours, "wagtail.edit", user=ours_editor)
    log(comment_on(portal.institution_section, "本校读者的评论"), "wagtail.edit", user=ours_editor)
    theirs = [
        PublishingAccountFactory(name="别校育人号", site=portal.national),
        comment_on(portal.national_section, "全国站读者的评论"),
        PortalSiteSettings.for_site(portal.national),
    ]
    for instance in theirs:
        log(instance, "wagtail.edit", user=theirs_editor)
    client.force_login(ours_editor)
    report = client.get("/admin/reports/site-history/").content.decode()
    assert "本校育人号" in report and "本校读者的评论" in report
    assert "别校育人号" not in report and "全国站读者的评论" not in report
    assert "national-chief" not in report  # nor among the 用户 filter's choices
    settings_url = "/admin/settings/home/portalsitesettings/{}/"
    assert settings_url.format(portal.national.pk) not in report
    # Their own site's 站点设置 is theirs to see; the portal's superusers see everything.
    log(PortalSiteSettings.for_site(portal.institution), "wagtail.edit", user=ours_editor)
    report = client.get("/admin/reports/site-history/").content.decode()
    assert settings_url.format(portal.institution.pk) in report
    chief = get_user_model().objects.create_superuser("chief", password="x")
    client.force_login(chief)
    report = client.get("/admin/reports/site-history/").content.decode()
    assert "别校育人号" in report and "全国站读者的评论" in report and "national-chief" in report
    assert settings_url.format(portal.national.pk) in report


def test_the_page_types_report_counts_only_the_editors_own_pages(client, portal):
    """页面类型使用情况 counted every site's pages and named another site's latest draft (its
    title) as the last edited 文章 to a university's editor."""
    from wagtail.models import Page

    ours_editor = site_editor(portal.institution, ("add_page", "change_page"))
    ArticlePageFactory(parent=portal.institution_section, title="本校的文章")
    secret = ArticlePageFactory(parent=portal.national_section, title="全国站未发布草稿")
    secret.unpublish()
    secret.save_revision()  # the latest edit of any 文章
    client.force_login(ours_editor)
    ours = Page.objects.descendant_of(portal.institution.root_page, inclusive=True)
    for url in ("/admin/reports/page-types-usage/", "/admin/reports/page-types-usage/results/"):
        report = client.get(url).content.decode()
        assert "全国站未发布草稿" not in report and "本校的文章" in report, url
        row = re.search(r"文章.*?</tr>", report, re.S).group()
        assert f">{ours.type(ArticlePage).count()}<" in re.sub(r"\s+", "", row), url
    client.force_login(get_user_model().objects.create_superuser("chief", password="x"))
    assert "全国站未发布草稿" in client.get("/admin/reports/page-types-usage/").content.decode()


def test_existing_history_moves_to_its_sites_on_upgrade(portal):
    """The upgrade's data migration: entries written before SiteLogEntry take their site."""
    import importlib

    from django.apps import apps
    from wagtail.models import ModelLogEntry

    from home.models import PortalSiteSettings, SiteLogEntry

    migration = importlib.import_module("home.migrations.0005_site_log_entries")
    account = PublishingAccountFactory(name="别校育人号", site=portal.national)
    comment = comment_on(portal.institution_section, "本校读者的评论")
    settings = PortalSiteSettings.for_site(portal.national)
    orphan = PublishingAccountFactory(name="无站点育人号", site=None)
    for instance in (account, comment, settings, orphan):
        ModelLogEntry.objects.log_action(instance, "wagtail.edit")  # as Wagtail wrote them
    SiteLogEntry.objects.all().delete()
    migration.move_entries(apps, None)
    assert not ModelLogEntry.objects.exists()
    moved = {(e.label, e.site_id) for e in SiteLogEntry.objects.all()}
    assert moved == {
        ("别校育人号", portal.national.pk),
        ("本校读者的评论", portal.institution.pk),
        (str(settings), portal.national.pk),
        ("无站点育人号", None),
    }
    migration.move_entries_back(apps, None)
    assert ModelLogEntry.objects.count() == 4 and not SiteLogEntry.objects.exists()


def test_other_sites_unpublished_titles_and_held_comments_are_not_shown_by_id(client, portal):
    """Wagtail's bulk-action confirmations list every id given, those the user may not act
    on by title ("您没有删除这些页面的权限" and then another site's draft); the workflow preview
    named a page in its message. A university's editor is told nothing of another site's."""
    from wagtail.models import Task

    models = ["change_comment", "delete_comment"]
    client.force_login(site_editor(portal.institution, ("add_page", "change_page", "publish_page",
                                                        "delete_page"), models))  # fmt: skip
    ours = ArticlePageFactory(parent=portal.institution_section, title="本校文章")
    draft = ArticlePageFactory(parent=portal.national_section, title="全国站未发布草稿")
    draft.unpublish()
    held = comment_on(portal.national_section, "全国站待审评论")
    mine = comment_on(portal.institution_section, "本校待审评论")
    task = Task.objects.first()
    urls = [
        *(f"/admin/bulk/wagtailcore/page/{a}/?id={draft.pk}&id={ours.pk}"
          for a in ("delete", "publish", "unpublish", "move")),
        *(f"/admin/bulk/articles/comment/{a}/?id={held.pk}&id={mine.pk}"
          for a in ("approve", "reject", "delete")),
        f"/admin/bulk/wagtailcore/page/delete/?id={draft.pk}",
        f"/admin/bulk/wagtailcore/page/delete/?id=all&childOf={portal.national_section.pk}",
        # 全选: every object of the model, or every page below the tree root, listed by title.
        "/admin/bulk/articles/comment/approve/?id=all",
        "/admin/bulk/articles/comment/delete/?id=all&childOf=999",
        "/admin/bulk/wagtailcore/page/delete/?id=all",
        "/admin/bulk/wagtailcore/page/publish/?id=all",
        "/admin/bulk/wagtailcore/page/delete/?id=all&childOf=1&q=%E5%85%A8%E5%9B%BD%E7%AB%99",
        f"/admin/pages/workflow/preview/{draft.pk}/{task.pk if task else 1}/",
    ]  # fmt: skip
    for url in urls:
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert "全国站未发布草稿" not in html and "全国站待审评论" not in html, url
        if f"id={ours.pk}" in url:
            assert "本校文章" in html, url  # their own still listed
        if f"id={mine.pk}" in url:
            assert "本校待审评论" in html, url
    # 全选 below a page of their own site still works.
    url = f"/admin/bulk/wagtailcore/page/delete/?id=all&childOf={portal.institution_section.pk}"
    assert "本校文章" in client.get(url).content.decode()


def test_report_filters_name_only_people_of_the_editors_own_sites(client, portal):
    """站点历史's 用户 and 工作流's 请求人 filters listed everyone who ever edited a page or
    submitted one for review, on any site (Wagtail 8 builds those lists from every entry)."""
    from wagtail.models import Workflow

    from articles.workflow import ensure_review_workflow

    ensure_review_workflow([portal.national.root_page, portal.institution.root_page])
    ours_editor = site_editor(portal.institution, ("add_page", "change_page", "publish_page"),
                              username="school-writer")  # fmt: skip
    theirs_editor = site_editor(portal.national, ("add_page", "change_page", "publish_page"),
                                username="national-writer")  # fmt: skip
    workflow = Workflow.objects.get(active=True, workflow_pages__page=portal.national.root_page)
    for editor, section in ((ours_editor, portal.institution_section),
                            (theirs_editor, portal.national_section)):  # fmt: skip
        article = ArticlePageFactory(parent=section)
        article.save_revision(user=editor, log_action=True)
        workflow.start(article, editor)
    client.force_login(ours_editor)
    for url in ("/admin/reports/site-history/", "/admin/reports/workflow/"):
        html = client.get(url).content.decode()
        assert "school-writer" in html, url
        assert "national-writer" not in html, url
    client.force_login(get_user_model().objects.create_superuser("chief", password="x"))
    for url in ("/admin/reports/site-history/", "/admin/reports/workflow/"):
        html = client.get(url).content.decode()
        assert "school-writer" in html and "national-writer" in html, url


@pytest.mark.parametrize("path", ["site-history/", "site-history/results/", "workflow/",
                                  "workflow/results/", "site-history/?export=csv"])  # fmt: skip
def test_the_reports_routed_before_wagtails_need_admin_access(client, portal, path):
    """Outside Wagtail's admin URLs, Wagtail's require_admin_access was not applied: not
    logged in was a 500 (AnonymousUser), a user without admin access read 站点历史 (CSV too)."""
    url = f"/admin/reports/{path}"
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    client.force_login(get_user_model().objects.create_user("reader", password="x"))
    assert client.get(url).status_code in (302, 403), url
    client.force_login(get_user_model().objects.create_superuser("chief", password="x"))
    response = client.get(url)
    assert response.status_code == 200 and "max-age=0" in response["Cache-Control"], url


def _chooser(client, model: str, view: str) -> tuple[int, str]:
    response = client.get(f"/admin/snippets/choose/{model}/{view}")
    text = response.content.decode()
    if text.startswith("{"):  # the modal: JSON holding its HTML (or the chosen object)
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return response.status_code, text


def _others(portal):
    """One object of each snippet a university's editor has no business seeing, marked ZZQ."""
    from articles.models import FeaturedSlot, SensitiveWord
    from search.models import DictionaryWord

    article = ArticlePageFactory(parent=portal.national_section, title="全国站文章")
    draft = ArticlePageFactory(parent=portal.national_section, title="未发布标题ZZQ", live=False)
    return {
        "articles/comment": Comment.objects.create(
            article=article, content="全国站待审评论ZZQ", status=Comment.REJECTED
        ),
        "articles/featuredslot": FeaturedSlot.objects.create(
            page=portal.national.root_page, article=draft
        ),
        "articles/sensitiveword": SensitiveWord.objects.create(word="禁词ZZQ"),
        "search/dictionaryword": DictionaryWord.objects.create(word="词典词ZZQ"),
    }


def test_snippet_choosers_show_nothing_the_user_may_not_see(client, portal):
    """Wagtail's snippet chooser listed, searched and returned every object to anyone with
    admin access: another site's held comments, a 推荐位 naming an unpublished title, the
    敏感词 list."""
    client.force_login(site_editor(portal.institution, ("add_page", "change_page")))
    for model, obj in _others(portal).items():
        for view in ("", "results/", "?q=ZZQ", "results/?q=ZZQ"):
            status, text = _chooser(client, model, view)
            assert status == 200 and "ZZQ" not in text, (model, view)
        status, text = _chooser(client, model, f"chosen-multiple/?id={obj.pk}&id=abc")
        assert "ZZQ" not in text, model
        assert _chooser(client, model, f"chosen/{obj.pk}/")[0] == 404, model
        assert _chooser(client, model, "chosen/abc/")[0] == 404, model


def test_snippet_choosers_offer_what_the_user_may_see(client, portal):
    user = site_editor(portal.institution, ("add_page", "change_page"), ["change_comment"])
    client.force_login(user)
    ours = comment_on(portal.institution_section, "本校评论ZZQ")
    theirs = comment_on(portal.national_section, "全国站评论ZZQ")
    status, text = _chooser(client, "articles/comment", "?q=ZZQ")
    assert "本校评论ZZQ" in text and "全国站评论ZZQ" not in text
    assert "本校评论ZZQ" in _chooser(client, "articles/comment", f"chosen/{ours.pk}/")[1]
    assert _chooser(client, "articles/comment", f"chosen/{theirs.pk}/")[0] == 404
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    for model in _others(portal):
        assert "ZZQ" in _chooser(client, model, "?q=ZZQ")[1], model


def test_every_snippet_chooser_is_guarded():
    from wagtail.snippets.models import get_snippet_models

    from portal.admin_guards import PermittedObjects

    for model in get_snippet_models():
        chooser = model.snippet_viewset.chooser_viewset
        for view in ("choose", "choose_results", "chosen", "chosen_multiple"):
            view_class = getattr(chooser, f"{view}_view_class")
            assert issubclass(view_class, PermittedObjects), (model, view)


def test_a_university_editor_searches_the_account_chooser(client, portal):
    """Searching the 育人号 chooser (an indexed model, filtered to the editor's sites) was a
    500 for a university's editor: the site filter is not a search filter field."""
    client.force_login(site_editor(portal.institution, ("add_page", "change_page")))
    PublishingAccountFactory(name="本校育人号", site=portal.institution)
    PublishingAccountFactory(name="别校育人号", site=portal.national)
    for view in ("?q=育人号", "results/?q=育人号"):
        status, text = _chooser(client, "articles/publishingaccount", view)
        assert status == 200, view
        assert "本校育人号" in text and "别校育人号" not in text, view


def test_snippets_and_site_settings_lose_invisible_characters(admin_client, portal):
    """A 育人号's name and a site's 标语 are shown to readers: BEL, ESC, DEL or a right-to-left
    override typed into them was stored and served raw (pages already dropped them)."""
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    from home.models import PortalSiteSettings

    added = admin_client.post(
        "/admin/snippets/articles/publishingaccount/add/",
        {"name": "思政\x07育人\u202e号", "slug": "ctrl", "institution": "某\x1b学院",
         "site": portal.national.pk, "recommend_boost": 0},
    )  # fmt: skip
    assert added.status_code == 302
    account = PublishingAccount.objects.get(slug="ctrl")
    assert (account.name, account.institution) == ("思政育人号", "某学院")
    url = f"/admin/settings/home/portalsitesettings/{portal.national.pk}/"
    data = nested_form_data(
        {"site_name": "全国\x7f站", "slogan": "立德\x08树人", "footer_text": "页脚",
         "footer_links": streamfield([]), "icp_number": "", "police_number": "",
         "comments_premoderated": "on", "mourning_starts_at": "", "mourning_ends_at": ""}
    )  # fmt: skip
    assert admin_client.post(url, data).status_code == 302
    saved = PortalSiteSettings.for_site(portal.national)
    saved.refresh_from_db()
    assert (saved.site_name, saved.slogan) == ("全国站", "立德树人")
    home = admin_client.get("/", HTTP_HOST=portal.national.hostname).content.decode()
    assert "立德树人" in home and "\x08" not in home


def test_an_account_address_differing_only_in_case_is_refused(admin_client, portal):
    """/yurenhao/JXVTC/ and /yurenhao/jxvtc/ were two accounts."""
    PublishingAccountFactory(name="嘉兴职院", slug="jxvtc", site=portal.institution)
    response = admin_client.post(
        "/admin/snippets/articles/publishingaccount/add/",
        {"name": "另一个号", "slug": "JXVTC", "site": portal.national.pk, "recommend_boost": 0},
    )
    assert response.status_code == 200
    assert "只差大小写" in response.content.decode() and "嘉兴职院" in response.content.decode()
    assert PublishingAccount.objects.count() == 1
    # The same address is not "only a case apart": it is taken.
    response = admin_client.post(
        "/admin/snippets/articles/publishingaccount/add/",
        {"name": "另一个号", "slug": "jxvtc", "site": portal.national.pk, "recommend_boost": 0},
    )
    page = response.content.decode()
    assert "网址标识“jxvtc”已被育人号「嘉兴职院」使用" in page and "只差大小写" not in page
    assert PublishingAccount.objects.count() == 1
