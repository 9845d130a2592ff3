from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from home.models import SiteLogEntry
from home.permissions import sites_of
from portal.admin_guards import PermittedChooserViewSet, PermittedObjects, permitted_chooser
from portal.converters import MAX_ID

from . import admin_views
from .comments import moderate
from .models import Comment, FeaturedSlot, PublishingAccount, SensitiveWord
from .site_scope import SiteScopedPolicy, account_scope, chooser_pages, comment_scope, slot_scope
from .workflow import must_go_through_review


@hooks.register("register_admin_urls")
def schedule_urls():
    return [
        path("schedule/", admin_views.schedule_index, name="portal_schedule"),
        path(
            "schedule/<str:kind>/<int:object_id>/",
            admin_views.schedule_change,
            name="portal_schedule_change",
        ),
    ]


@hooks.register("register_admin_menu_item")
def schedule_menu_item():
    return MenuItem("定时发布", reverse("portal_schedule"), icon_name="time", order=250)


class _OnTheUsersSites:
    """A view of one object: only of an object of the sites the user edits."""

    def get_object(self, *args, **kwargs):  # Wagtail's views differ: (queryset=None), ()
        instance = super().get_object(*args, **kwargs)
        policy = policy_registry.get_by_type(self.model)
        if not policy.user_has_any_permission_for_instance(
            self.request.user, ["change", "delete", "view"], instance
        ):
            raise PermissionDenied
        return instance


def _scoped(view_class):
    return type(f"SiteScoped{view_class.__name__}", (_OnTheUsersSites, view_class), {})


class SiteScopedViewSet(SnippetViewSet):
    """Lists, opens and changes only what the user's permission policy covers (the objects of
    the sites they edit); Wagtail's snippet views check the model's permissions only."""

    chooser_viewset_class = PermittedChooserViewSet
    edit_view_class = _scoped(snippet_views.EditView)
    delete_view_class = _scoped(snippet_views.DeleteView)
    copy_view_class = _scoped(snippet_views.CopyView)
    usage_view_class = _scoped(snippet_views.UsageView)
    history_view_class = _scoped(snippet_views.HistoryView)
    inspect_view_class = _scoped(snippet_views.InspectView)

    # What the list's columns read of other tables, in the list's own query (a query a row).
    list_select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return (
            policy_registry.get_by_type(self.model)
            .instances_user_has_any_permission_for(request.user, ["change", "delete", "view"])
            .select_related(*self.list_select_related)
        )


class _CommentEditView(_scoped(snippet_views.EditView)):
    """A status changed on one comment's form is a moderation, as the bulk actions' is:
    who and when are recorded and it leaves the 待复核 list."""

    def save_instance(self):
        comment = super().save_instance()
        if "status" in self.form.changed_data and comment.status in (
            Comment.APPROVED,
            Comment.REJECTED,
        ):
            moderate([comment.pk], comment.status, self.request.user, restamp=True)
            comment.refresh_from_db()
        return comment


class CommentPolicy(SiteScopedPolicy):
    """Comments come from readers: the queue has no 添加 or 复制 (a comment made there had no
    article, a 500)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [a for a in actions if a != "add"]
        if not actions:  # nobody adds (Wagtail's query would still name every superuser)
            from django.contrib.auth import get_user_model

            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


class CommentViewSet(SiteScopedViewSet):
    """评论审核: the moderation queue across articles (of the sites the user edits), newest
    first, filterable by status."""

    model = Comment
    edit_view_class = _CommentEditView
    icon = "comment"
    menu_label = "评论审核"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["content", "article", "nickname", "status", "flagged_words", "created_at"]
    list_select_related = ("article",)
    list_filter = ["status", "needs_review"]
    list_per_page = 50
    ordering = ["-created_at"]
    panels = [
        FieldPanel("status"),
        FieldPanel("content", read_only=True),
        FieldPanel("nickname", read_only=True),
        FieldPanel("flagged_words", read_only=True),
    ]


class _AccountsOfTheUsersSites(PermittedObjects):
    """The 育人号 chooser (an article's 育人号) offers the accounts of the sites the user edits,
    whatever their permissions on accounts themselves (an editor choosing needs none)."""

    def permitted(self, accounts):
        sites = sites_of(self.request.user)
        return accounts if sites is None else accounts.filter(account_scope(sites))


AccountChooserViewSet = permitted_chooser(_AccountsOfTheUsersSites)


class AccountViewSet(SiteScopedViewSet):
    """育人号: those of the sites the user edits."""

    model = PublishingAccount
    icon = "user"
    chooser_viewset_class = AccountChooserViewSet
    list_display = ["name", "institution", "site", "slug"]
    list_select_related = ("site",)
    list_filter = ["site"]


class FeaturedSlotViewSet(SiteScopedViewSet):
    """推荐位: those shown on the sites the user edits."""

    model = FeaturedSlot
    icon = "pick"
    list_display = ["__str__", "page", "position", "sort_order", "starts_at", "ends_at"]
    list_select_related = ("page", "article")
    list_filter = ["position"]


class SensitiveWordViewSet(SnippetViewSet):
    """敏感词: its chooser, as every snippet's, offers the list only to those who may see it."""

    model = SensitiveWord
    chooser_viewset_class = PermittedChooserViewSet


# Before the viewsets: they take the policy registered for their model when registered.
register_permission_policy(Comment, CommentPolicy(Comment, comment_scope))
register_permission_policy(PublishingAccount, SiteScopedPolicy(PublishingAccount, account_scope))
register_permission_policy(FeaturedSlot, SiteScopedPolicy(FeaturedSlot, slot_scope))
register_snippet(CommentViewSet)
register_snippet(AccountViewSet)
register_snippet(FeaturedSlotViewSet)
register_snippet(SensitiveWordViewSet)


@hooks.register("register_log_actions")
def site_scoped_history(actions):
    # Their histories are their sites' (站点历史 shows an editor their own sites' entries).
    for model in (Comment, PublishingAccount, FeaturedSlot):
        actions.register_model(model, SiteLogEntry)


class _ModerateComments(SnippetBulkAction):
    models = [Comment]
    template_name = "articles/admin/confirm_bulk_moderate.html"
    status = ""

    def check_perm(self, comment):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", comment
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The statuses the confirmation shows, sent back with it (see prepare_action).
        shown = ",".join(f"{item['item'].pk}:{item['item'].status}" for item in context["items"])
        return {**context, "action_title": self.display_name, "shown_statuses": shown}

    def prepare_action(self, objects, objects_without_access):
        """A confirmation opened before another moderator decided on one of its comments
        overrode that decision without a word (a rejected comment went public). Refused,
        with the reason, when a comment's status is no longer the one it showed."""
        from django.contrib import messages
        from django.shortcuts import redirect

        shown = dict(
            pair.split(":", 1)
            for pair in self.request.POST.get("shown", "").split(",")
            if ":" in pair
        )
        changed = [c for c in objects if str(c.pk) in shown and shown[str(c.pk)] != c.status]
        if changed:
            messages.error(
                self.request,
                f"有 {len(changed)} 条评论在你确认前已被他人审核，本次未作改动；"
                "请刷新列表后再操作。",
            )
            return redirect(self.next_url)
        return None

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        user = user or kwargs["self"].request.user
        return moderate([c.pk for c in objects], cls.status, user=user), len(objects)

    def get_success_message(self, num_parent_objects, num_child_objects):
        unchanged = num_child_objects - num_parent_objects
        message = f"已{self.display_name} {num_parent_objects} 条评论。"
        if unchanged:
            message += f"另有 {unchanged} 条原已是“{self.display_name}”，未改动。"
        return message


@hooks.register("register_bulk_action")
class ApproveComments(_ModerateComments):
    display_name = "通过"
    action_type = "approve"
    aria_label = "通过所选评论"
    status = Comment.APPROVED
    action_priority = 10


@hooks.register("register_bulk_action")
class RejectComments(_ModerateComments):
    display_name = "不通过"
    action_type = "reject"
    aria_label = "不通过所选评论"
    status = Comment.REJECTED
    action_priority = 20


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_sensitive_words(request, page):
    """敏感词检查 on the draft an editor just saved or published: a warning, never a block."""
    from django.contrib import messages

    from .models import ArticlePage
    from .sensitive import find_sensitive

    published = page.live and not page.has_unpublished_changes  # it went live with this save
    page = (
        page.get_latest_revision_as_object()
        if hasattr(page, "get_latest_revision_as_object")
        else page
    )
    if not isinstance(page, ArticlePage):
        return
    # Everything readers see of it: the headline's 引题 and 副题, the byline, 关键词 and the
    # title shown to search engines and share cards, not only title, summary and body.
    text = "\n".join(
        [
            page.title,
            page.kicker,
            page.subtitle,
            page.seo_title,
            page.source,
            page.editor,
            *page.author_names,
            *page.tags.names(),
            page.summary,
            page.body_text(),
            *page.image_alt_texts(),
        ]
    )
    found = find_sensitive(text)
    if found:
        words = "、".join(found.words)
        messages.warning(
            request,
            f"敏感词检查：已发布的文章含有“{words}”，请立即核查。"
            if published  # "before publishing" said to an editor who just did
            else f"敏感词检查：文章含有“{words}”，请在发布前确认。",
        )


# --- 三审: publishing goes through the review workflow ---------------------------------------

REVIEW_NOTICE = "本站实行三审：文章经初审、复审、终审通过后发布。"


def _publish_becomes_submit(request, page) -> None:
    """A publish that must go through review is taken as 提交审核 instead: the editor's
    changes are saved as a draft and submitted, nothing is lost."""
    if request.method != "POST" or not request.POST.get("action-publish"):
        return
    if not must_go_through_review(request.user, page):
        return
    data = request.POST.copy()
    del data["action-publish"]
    if getattr(page, "workflow_in_progress", False):  # already in review: kept as a draft
        messages.warning(request, REVIEW_NOTICE + "该页面正在审核中，修改已保存为草稿。")
    else:
        data["action-submit"] = "1"
        messages.warning(request, REVIEW_NOTICE + "已改为提交审核。")
    request.POST = data


@hooks.register("before_create_page")
def review_new_pages(request, parent_page, page_class):
    _publish_becomes_submit(request, parent_page)


@hooks.register("before_edit_page")
def review_edited_pages(request, page):
    _publish_becomes_submit(request, page)


@hooks.register("before_publish_page")
def the_publisher_is_the_reviewer(request, page):
    """Published straight from the editor (an operator, or a page under no review): the one
    publishing is its 审核人, as the last stage's approver is after 三审. The revision kept
    the previous reviewer's name, shown under text they never saw."""
    from .models import ArticlePage
    from .workflow import record_reviewer

    if isinstance(page, ArticlePage):
        record_reviewer(page.get_latest_revision(), request.user)
    return None


@hooks.register("construct_page_action_menu")
def no_publish_button_past_review(menu_items, request, context):
    page = context.get("parent_page") if context.get("view") == "create" else context.get("page")
    if page is not None and must_go_through_review(request.user, page):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("before_copy_page")
def copies_are_not_published_past_review(request, page):
    """A published copy, and an alias (live from the start, wherever it is put: another 栏目,
    another site), would put an article live past the review: the copy becomes a draft."""
    if request.method != "POST":
        return None

    from .models import ArticlePage

    live_at_once = [key for key in ("publish_copies", "alias") if request.POST.get(key)]
    target = Page.objects.filter(pk=_id(request.POST.get("new_parent_page"))).first()
    if live_at_once and any(
        must_go_through_review(request.user, p) for p in filter(None, (page, target))
    ):
        data = request.POST.copy()
        for key in live_at_once:
            del data[key]
        request.POST = data
        messages.warning(request, REVIEW_NOTICE + "副本保存为草稿（不建立别名，也不直接发布）。")
        return None
    if request.POST.get("alias"):
        # An alias repeats every field, the import id too, which only one article may hold:
        # the page's, or with its subpages those of the articles below it.
        aliased = ArticlePage.objects.filter(pk=page.pk)
        if request.POST.get("copy_subpages"):
            aliased = ArticlePage.objects.descendant_of(page, inclusive=True)
        if aliased.exclude(external_id=None).exists():
            messages.error(
                request,
                "导入的文章不能建立别名（外部编号只能属于一篇文章）：请复制为新文章。",
            )
            return redirect(reverse("wagtailadmin_pages:copy", args=[page.pk]))
    return None


def _is_site_root(page) -> bool:
    from wagtail.models import Site

    return page is not None and Site.objects.filter(root_page_id=page.pk).exists()


@hooks.register("before_copy_page")
def copies_never_take_a_reserved_path(request, page):
    """At the top of a site, search/admin/api … are served before the page tree, as the page
    editor's form says (portal.page_forms): a copy there under such a slug was unreachable,
    and its menu link led to the search page or the admin login."""
    if request.method != "POST":
        return None

    from portal.page_forms import reserved_slugs

    target = Page.objects.filter(pk=_id(request.POST.get("new_parent_page"))).first()
    slug = (request.POST.get("new_slug") or "").strip()
    if slug in reserved_slugs() and _is_site_root(target):
        messages.error(
            request, f"“{slug}”是网站的保留地址（搜索、后台等），请换一个缩略名（slug）。"
        )
        return redirect(reverse("wagtailadmin_pages:copy", args=[page.pk]))
    return None


@hooks.register("before_bulk_action")
def bulk_moves_never_take_a_reserved_path(request, action_type, objects, action_class_instance):
    """Bulk 移动 to the top of a site, checked as a single move is."""
    if action_type != "move" or request.method != "POST":
        return None
    from portal.page_forms import reserved_slugs

    form = getattr(action_class_instance, "cleaned_form", None)
    destination = form.cleaned_data.get("chooser") if form is not None else None
    clashing = [page for page in objects if page.slug in reserved_slugs()]
    if clashing and _is_site_root(destination):
        messages.error(
            request,
            "以下页面的缩略名（slug）是网站的保留地址（搜索、后台等），未移动到首页下，请先改掉缩略名："
            + "、".join(p.title for p in clashing[:10]),
        )
        back = action_class_instance.next_url
        return redirect(back if back != request.path else reverse("wagtailadmin_explore_root"))
    return None


@hooks.register("before_move_page")
def moves_never_take_a_reserved_path(request, page, destination):
    """The same for a page moved to the top of a site under such a slug."""
    from portal.page_forms import reserved_slugs

    if page.slug in reserved_slugs() and _is_site_root(destination):
        messages.error(
            request,
            f"“{page.slug}”是网站的保留地址（搜索、后台等）："
            "请先改掉这个页面的缩略名（slug），再移动到首页下。",
        )
        return redirect(reverse("wagtailadmin_pages:move", args=[page.pk]))
    return None


def _id(value) -> int | None:
    """A page id from a form value; None for anything no page can have."""
    value = str(value or "")
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


@hooks.register("before_bulk_action")
def no_bulk_publishing_past_review(request, action_type, objects, action_class_instance):
    if action_type != "publish" or request.method != "POST":
        return None
    held = [page for page in objects if must_go_through_review(request.user, page)]
    if not held:
        # An operator's bulk 发布 publishes each article's latest revision: they are its
        # 审核人, as on the editor's 发布 (the_publisher_is_the_reviewer).
        from .models import ArticlePage
        from .workflow import record_reviewer

        articles = list(ArticlePage.objects.filter(pk__in=[p.pk for p in objects]))
        form = getattr(action_class_instance, "cleaned_form", None)
        if form is not None and form.cleaned_data.get("include_descendants"):
            # 含子页面: the drafts below that the user may publish go live too.
            for page in objects:
                for draft in ArticlePage.objects.descendant_of(page).not_live():
                    if draft.permissions_for_user(request.user).can_publish():
                        articles.append(draft)
        for article in articles:
            record_reviewer(article.get_latest_revision(), request.user)
        return None
    messages.error(
        request,
        REVIEW_NOTICE + "以下页面须提交审核，未发布：" + "、".join(p.title for p in held[:10]),
    )
    back = action_class_instance.next_url
    return redirect(back if back != request.path else reverse("wagtailadmin_explore_root"))


@hooks.register("construct_page_chooser_queryset")
def choose_other_sites_published_pages_only(pages, request):
    """A university's editor browses to other sites' live, public pages only; the page
    chooser listed every site's drafts, 审核中 and private titles, embargoed ones too."""
    match = getattr(request, "resolver_match", None)
    searching = match is not None and match.url_name == "wagtailadmin_choose_page_search"
    return chooser_pages(pages, request.user, searching)
