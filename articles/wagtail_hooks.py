from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .comments import moderate
from .models import Comment


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


class CommentViewSet(SnippetViewSet):
    """评论审核: the moderation queue across articles, newest first, filterable by status."""

    model = Comment
    icon = "comment"
    menu_label = "评论审核"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["content", "article", "nickname", "status", "flagged_words", "created_at"]
    list_filter = ["status", "needs_review"]
    list_per_page = 50
    ordering = ["-created_at"]
    panels = [
        FieldPanel("status"),
        FieldPanel("content", read_only=True),
        FieldPanel("nickname", read_only=True),
        FieldPanel("flagged_words", read_only=True),
    ]


register_snippet(CommentViewSet)


class _ModerateComments(SnippetBulkAction):
    models = [Comment]
    template_name = "articles/admin/confirm_bulk_moderate.html"
    status = ""

    def check_perm(self, comment):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", comment
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_title": self.display_name}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        user = user or kwargs["self"].request.user
        return moderate([c.pk for c in objects], cls.status, user=user), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"已{self.display_name} {num_parent_objects} 条评论。"


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

    page = (
        page.get_latest_revision_as_object()
        if hasattr(page, "get_latest_revision_as_object")
        else page
    )
    if not isinstance(page, ArticlePage):
        return
    text = "\n".join([page.title, page.summary, page.body_text()])
    found = find_sensitive(text)
    if found:
        messages.warning(
            request, f"敏感词检查：文章含有“{'、'.join(found.words)}”，请在发布前确认。"
        )
