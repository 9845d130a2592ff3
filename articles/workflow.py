"""三审: the three-stage review every article goes through before it is published.

`ensure_review_workflow()` (run by load_demo) creates the groups 初审 / 复审 / 终审 with the
admin access and page permissions they need, a Wagtail workflow of three group-approval
tasks, and assigns it to every site's home page (so to all their articles) and to the tree
root (so to sites added later).

Approving the last stage runs `publish_approved` (WAGTAIL_FINISH_WORKFLOW_ACTION): the
approver is recorded on the article as 审核人, and as 责任编辑 when editors left that
empty; then the revision is published, or scheduled when it has a go-live time. A
rejection cancels any schedule the article had, so nothing goes live behind the reviewers.
"""

from __future__ import annotations

from django.db import transaction

# wagtail.models imports this module while it loads (WAGTAIL_FINISH_WORKFLOW_ACTION is read
# in a class body), so models are imported inside the functions.

WORKFLOW_NAME = "文章三审"
STAGES = [("初审", "初审编辑"), ("复审", "复审编辑"), ("终审", "终审编辑")]
# What reviewers may do on the pages of the sites: edit what they review; 终审 publishes.
STAGE_PERMISSIONS = {
    "初审编辑": ["add_page", "change_page"],
    "复审编辑": ["add_page", "change_page"],
    "终审编辑": ["add_page", "change_page", "publish_page"],
}


def display_name(user) -> str:
    """A Chinese name reads family name first, without a space: 王 + 涛立 → 王涛立."""
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


# Wagtail's own one-stage workflow (its migration's name, and ours from articles 0006):
# setup_review replaces it; any other workflow on a page is someone's choice.
STOCK_WORKFLOWS = ("审核员审批", "Moderators approval")


@transaction.atomic
def ensure_review_workflow(home_pages, keep_others: bool = False):
    """keep_others: a page that already has a workflow of its own (a university's two-stage
    review, say), other than Wagtail's stock one, keeps it (manage.py setup_review, run on
    every deployment, must not undo an operator's choice)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        GroupApprovalTask,
        GroupPagePermission,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)

    def assign(page) -> bool:
        """Put the page under 三审 unless it keeps its own workflow; whether it is under 三审."""
        current = WorkflowPage.objects.filter(page=page).select_related("workflow").first()
        if (
            keep_others
            and current is not None
            and current.workflow_id != workflow.pk
            and current.workflow.name not in STOCK_WORKFLOWS
        ):
            return False
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
        return True

    # The shared groups review the sites under 三审 only: a site with its own review (its own
    # groups) is not theirs to edit, and setup_review, run on every start, gave it back to them
    # after an operator had taken it away.
    reviewed = [home for home in home_pages if assign(home)]
    # Sites added later (设置 → 站点) are reviewed too: the tree root's workflow, which a page
    # inherits when no nearer one is set, becomes 三审 instead of Wagtail's default
    # "Moderators approval" (English, and one stage).
    assign(Page.get_first_root_node())

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for order, (task_name, group_name) in enumerate(STAGES):
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(access_admin)
        for home in reviewed:
            for codename in STAGE_PERMISSIONS[group_name]:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=home,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=task_name)
        task.groups.set([group])
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    return workflow, reviewed


def must_go_through_review(user, page) -> bool:
    """三审 holds for everyone but the operators: where a page (or the parent of a new one) is
    under an active workflow, a user who is not a superuser publishes it only by the last
    stage's approval. Wagtail lets anyone with publish permission publish past a workflow,
    and 终审编辑 (and Wagtail's 审核员) hold that permission, which they keep for 撤稿
    (unpublishing)."""
    if user.is_superuser:
        return False
    workflow = page.get_workflow()
    return workflow is not None and workflow.active


def publish_approved(workflow_state, user=None) -> None:
    """WAGTAIL_FINISH_WORKFLOW_ACTION: record the final approver, then publish or schedule."""
    from .models import ArticlePage

    page = workflow_state.content_object
    revision = page.get_latest_revision()
    if isinstance(page.specific_deferred, ArticlePage):
        record_reviewer(revision, user)
    revision.publish(user=user)


def record_reviewer(revision, user) -> None:
    """The one approving an article's publication is its 审核人 (and 责任编辑 when editors left
    that empty), written into the revision about to be published: the last stage's approver,
    or an operator publishing directly (articles.wagtail_hooks)."""
    if revision is None:
        return
    name = display_name(user)
    revision.content["reviewer"] = name
    if not (revision.content.get("editor") or "").strip():
        revision.content["editor"] = name
    revision.save(update_fields=["content"])


def cancel_schedule_on_rejection(workflow_state) -> None:
    """A rejected article goes back to its author with nothing left scheduled."""
    from wagtail.models import Page, Revision

    page_id = workflow_state.object_id
    with transaction.atomic():
        Revision.page_revisions.filter(
            object_id=str(page_id), approved_go_live_at__isnull=False
        ).update(approved_go_live_at=None)
        Page.objects.filter(pk=page_id, live=False).update(go_live_at=None)
