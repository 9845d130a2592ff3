"""三审: three review stages; the last approval publishes (or schedules) and names the 审核人."""

from datetime import timedelta
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision, WorkflowState

from articles.models import ArticlePage
from articles.workflow import STAGES, ensure_review_workflow
from tests.factories import ArticlePageFactory, edit_as, site_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(portal):
    ensure_review_workflow([portal.national.root_page, portal.institution.root_page])
    User = get_user_model()
    people = {}
    for (stage, group_name), (last, first) in zip(
        STAGES, [("张", "初审"), ("李", "复审"), ("王", "终审")], strict=True
    ):
        user = User.objects.create_user(
            username=f"reviewer-{stage}", password="x", last_name=last, first_name=first
        )
        user.groups.add(Group.objects.get(name=group_name))
        people[stage] = user
    people["author"] = User.objects.create_superuser(username="author", password="x")
    return people


def submit(article, author) -> WorkflowState:
    article.save_revision(user=author)
    workflow = article.get_workflow()
    assert workflow is not None and workflow.name == "文章三审"
    return workflow.start(article, author)


def act(state: WorkflowState, user, action: str, comment: str = "") -> WorkflowState:
    state.refresh_from_db()
    task_state = state.current_task_state
    task_state.task.on_action(task_state.specific, user, action, comment=comment)
    state.refresh_from_db()
    return state


def test_load_demo_builds_the_three_stage_workflow(reviewers, portal):
    workflow = ArticlePageFactory(parent=portal.national_section).get_workflow()
    tasks = [t.specific for t in workflow.tasks.order_by("workflow_tasks__sort_order")]
    assert [t.name for t in tasks] == ["初审", "复审", "终审"]
    assert [[g.name for g in t.groups.all()] for t in tasks] == [
        ["初审编辑"],
        ["复审编辑"],
        ["终审编辑"],
    ]
    ensure_review_workflow([portal.national.root_page])  # idempotent
    assert workflow.tasks.count() == 3


def test_a_site_added_later_is_reviewed_in_three_stages_too(reviewers):
    from home.services import ensure_site
    from tests.factories import SectionPageFactory

    later = ensure_site(hostname="later.test", slug="later", site_name="后建院校")
    article = ArticlePageFactory(parent=SectionPageFactory(parent=later.root_page))
    assert article.get_workflow().name == "文章三审"  # not Wagtail's "Moderators approval"


def test_three_approvals_publish_and_record_the_reviewer(client, reviewers, portal):
    article = ArticlePageFactory(parent=portal.national_section, live=False, editor="")
    state = submit(article, reviewers["author"])
    for stage in ("初审", "复审"):
        state = act(state, reviewers[stage], "approve")
        assert not ArticlePage.objects.get(pk=article.pk).live
    state = act(state, reviewers["终审"], "approve")
    assert state.status == WorkflowState.STATUS_APPROVED
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live
    assert article.reviewer == "王终审" and article.editor == "王终审"  # editor was empty
    page = BeautifulSoup(client.get(article.url, HTTP_HOST="national.test").content, "html.parser")
    assert page.select_one(".meta-reviewer").get_text() == "审核人:王终审"


def test_the_editor_named_by_editors_is_kept(reviewers, portal):
    article = ArticlePageFactory(parent=portal.national_section, live=False, editor="王涛立")
    state = submit(article, reviewers["author"])
    for stage in ("初审", "复审", "终审"):
        state = act(state, reviewers[stage], "approve")
    article = ArticlePage.objects.get(pk=article.pk)
    assert (article.editor, article.reviewer) == ("王涛立", "王终审")


def test_approving_a_revision_with_a_go_live_time_schedules_it(reviewers, portal):
    article = ArticlePageFactory(parent=portal.national_section, live=False)
    article.go_live_at = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    state = submit(article, reviewers["author"])
    for stage in ("初审", "复审", "终审"):
        state = act(state, reviewers[stage], "approve")
    assert not ArticlePage.objects.get(pk=article.pk).live
    scheduled = Revision.page_revisions.get(
        object_id=str(article.pk), approved_go_live_at__isnull=False
    )
    assert scheduled.approved_go_live_at == article.go_live_at


def test_rejection_returns_it_with_the_comment_and_leaves_nothing_scheduled(reviewers, portal):
    article = ArticlePageFactory(parent=portal.national_section, live=False)
    article.go_live_at = timezone.now() + timedelta(hours=2)
    state = submit(article, reviewers["author"])
    for stage in ("初审", "复审", "终审"):
        state = act(state, reviewers[stage], "approve")
    assert Revision.objects.filter(approved_go_live_at__isnull=False).exists()  # scheduled

    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "修改后的标题"
    state = submit(article, reviewers["author"])
    state = act(state, reviewers["初审"], "reject", comment="标题不准确，请修改")
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "标题不准确，请修改"
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()
    assert ArticlePage.objects.get(pk=article.pk).go_live_at is None


def _publish_button(client, url: str) -> bool:
    page = BeautifulSoup(client.get(url).content, "html.parser")
    return page.find(attrs={"name": "action-publish"}) is not None


@pytest.mark.parametrize("who", ["终审", "审核员"])
def test_publishing_past_the_review_becomes_a_submission(client, reviewers, portal, who):
    """终审编辑 (and Wagtail's 审核员) hold publish permission, which Wagtail lets publish past a
    workflow: their 发布 is taken as 提交审核, the changes kept as a draft, nothing live."""
    from tests.articles.test_page_rules import article_form_data

    if who == "审核员":
        user = get_user_model().objects.create_user(username="moderator", password="x")
        user.groups.add(Group.objects.get(name="审核员"))
    else:
        user = reviewers[who]
    client.force_login(user)
    section = portal.national_section
    add_url = f"/admin/pages/add/articles/articlepage/{section.pk}/"
    assert not _publish_button(client, add_url)
    data = {**article_form_data("未经三审的稿件", "unreviewed"), "action-publish": "1"}
    assert client.post(add_url, data).status_code == 302
    article = ArticlePage.objects.get(slug="unreviewed")
    assert not article.live
    assert article.workflow_states.get().status == WorkflowState.STATUS_IN_PROGRESS

    published = ArticlePageFactory(parent=section, title="已发布的文章")
    edit_url = f"/admin/pages/{published.pk}/edit/"
    assert not _publish_button(client, edit_url)
    data = {**article_form_data("改过的标题", published.slug), "action-publish": "1"}
    assert client.post(edit_url, data).status_code == 302
    published.refresh_from_db()
    assert published.title == "已发布的文章"  # the live version is unchanged
    assert published.get_latest_revision().content["title"] == "改过的标题"  # kept as a draft
    assert published.workflow_states.get().status == WorkflowState.STATUS_IN_PROGRESS

    response = client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={article.pk}", {}, follow=True
    )
    assert "须提交审核" in response.content.decode()
    assert not ArticlePage.objects.get(pk=article.pk).live


def test_operators_still_publish_directly(client, reviewers, portal):
    from tests.articles.test_page_rules import article_form_data

    client.force_login(reviewers["author"])  # a superuser
    add_url = f"/admin/pages/add/articles/articlepage/{portal.national_section.pk}/"
    assert _publish_button(client, add_url)
    data = {**article_form_data("运维直接发布", "direct"), "action-publish": "1"}
    assert client.post(add_url, data).status_code == 302
    assert ArticlePage.objects.get(slug="direct").live


def test_a_direct_publish_makes_the_publisher_the_reviewer(client, reviewers, portal):
    """An approved article edited and published again by an operator showed the earlier
    reviewer as 审核人 of text they never saw."""
    from tests.articles.test_page_rules import article_form_data

    article = ArticlePageFactory(parent=portal.national_section, live=False)
    state = submit(article, reviewers["author"])
    for stage in ("初审", "复审", "终审"):
        state = act(state, reviewers[stage], "approve")
    article.refresh_from_db()
    assert article.live and article.reviewer == "王终审"
    operator = reviewers["author"]
    operator.last_name, operator.first_name = "赵", "运维"
    operator.save()
    client.force_login(operator)
    data = {**article_form_data("运维改过的标题", article.slug), "action-publish": "1"}
    assert client.post(f"/admin/pages/{article.pk}/edit/", data).status_code == 302
    article.refresh_from_db()
    assert article.title == "运维改过的标题" and article.reviewer == "赵运维"
    # The same through the explorer's bulk 发布 of a draft.
    edit_as(operator, article, title="批量发布的标题")
    bulk = f"/admin/bulk/wagtailcore/page/publish/?id={article.pk}"
    operator.last_name, operator.first_name = "钱", "运维"
    operator.save()
    assert client.post(bulk, {}).status_code == 302
    article.refresh_from_db()
    assert article.title == "批量发布的标题" and article.reviewer == "钱运维"
    # With 含子页面, the drafts below a 栏目 published with it too.
    draft_below = ArticlePageFactory(parent=portal.national_section, live=False)
    draft_below.save_revision(user=operator)
    bulk = f"/admin/bulk/wagtailcore/page/publish/?id={portal.national_section.pk}"
    assert client.post(bulk, {"include_descendants": "on"}).status_code == 302
    draft_below.refresh_from_db()
    assert draft_below.live and draft_below.reviewer == "钱运维"


def test_publishing_an_article_already_in_review_keeps_the_change_as_a_draft(
    client, reviewers, portal
):
    """The 发布 of a 终审编辑 on an article already in review saves a draft and says so (it
    said 已改为提交审核, though the review under way simply goes on)."""
    from tests.articles.test_page_rules import article_form_data

    article = ArticlePageFactory(parent=portal.national_section, live=False)
    state = submit(article, reviewers["author"])
    for stage in ("初审", "复审"):  # at 终审, the stage whose reviewers may edit it now
        state = act(state, reviewers[stage], "approve")
    client.force_login(reviewers["终审"])
    edit_url = f"/admin/pages/{article.pk}/edit/"
    data = {**article_form_data("审核中改的标题", article.slug), "action-publish": "1"}
    response = client.post(edit_url, data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any("正在审核中，修改已保存为草稿" in m for m in shown), shown
    assert not any("已改为提交审核" in m for m in shown)
    article.refresh_from_db()
    assert not article.live
    assert article.get_latest_revision().content["title"] == "审核中改的标题"
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_copies_and_aliases_do_not_go_live_past_the_review(client, reviewers, portal):
    """An alias is live from the start, wherever it is put (another 栏目, another site)."""
    published = ArticlePageFactory(parent=portal.national_section, title="已审发布的文章")
    client.force_login(reviewers["终审"])
    copy_url = f"/admin/pages/{published.pk}/copy/"
    target = portal.institution_section
    for slug, extra in [
        ("as-alias", {"alias": "on"}),
        ("published-copy", {"publish_copies": "on"}),
    ]:
        form = {"new_title": published.title, "new_slug": slug, "new_parent_page": target.pk}
        response = client.post(copy_url, {**form, **extra}, follow=True)
        assert "副本保存为草稿" in response.content.decode()
        copy = ArticlePage.objects.get(slug=slug)
        assert not copy.live and copy.alias_of_id is None
        assert client.get(f"/school-news/{slug}/", HTTP_HOST="school.test").status_code == 404


def test_an_imported_article_is_copied_not_aliased(client, reviewers, portal):
    imported = ArticlePageFactory(parent=portal.national_section, external_id="ext-9")
    client.force_login(reviewers["author"])  # a superuser
    form = {
        "new_title": imported.title,
        "new_slug": "alias-9",
        "new_parent_page": imported.get_parent().pk,
    }
    response = client.post(
        f"/admin/pages/{imported.pk}/copy/", {**form, "alias": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "导入的文章不能建立别名" in response.content.decode()
    assert not ArticlePage.objects.filter(slug="alias-9").exists()
    section = imported.get_parent()  # a 栏目 with its articles, one of them imported
    form_section = {"new_title": "栏目别名", "new_slug": "section-alias", "copy_subpages": "on",
                    "new_parent_page": portal.national.root_page.pk, "alias": "on"}  # fmt: skip
    response = client.post(f"/admin/pages/{section.pk}/copy/", form_section, follow=True)
    assert response.status_code == 200 and "导入的文章不能建立别名" in response.content.decode()
    response = client.post(f"/admin/pages/{imported.pk}/copy/", form)  # a plain copy works
    assert response.status_code == 302
    assert ArticlePage.objects.get(slug="alias-9").external_id is None


def test_setup_review_gives_a_production_database_three_stages(portal, capsys):
    """Only load_demo set 三审 up: a production database (migrate, then an import) was
    reviewed by Wagtail's one-stage default."""
    from wagtail.models import GroupPagePermission, Page

    article = ArticlePageFactory(parent=portal.institution_section, live=False)
    assert (article.get_workflow() is None) or article.get_workflow().name != "文章三审"
    call_command("setup_review")
    call_command("setup_review")  # again: nothing doubles
    assert "三审已就绪" in capsys.readouterr().out
    workflow = article.get_workflow()
    assert workflow.name == "文章三审"
    assert [t.name for t in workflow.tasks] == ["初审", "复审", "终审"]
    assert Page.get_first_root_node().get_workflow() == workflow  # sites added later too
    for site in (portal.national, portal.institution):
        assert (
            GroupPagePermission.objects.filter(
                group__name="终审编辑", page=site.root_page, permission__codename="publish_page"
            ).count()
            == 1
        )


def test_setup_review_keeps_a_workflow_a_site_chose(portal):
    """The compose file runs setup_review on every start: a university's own review must
    survive it, while Wagtail's stock one-stage workflow is replaced."""
    from wagtail.models import Task, Workflow, WorkflowPage, WorkflowTask

    own = Workflow.objects.create(name="学院两审")
    WorkflowTask.objects.create(workflow=own, task=Task.objects.create(name="学院初审"))
    WorkflowPage.objects.update_or_create(page=portal.institution.root_page,
                                          defaults={"workflow": own})  # fmt: skip
    call_command("setup_review")
    article = ArticlePageFactory(parent=portal.institution_section, live=False)
    assert article.get_workflow() == own
    national = ArticlePageFactory(parent=portal.national_section, live=False)
    assert national.get_workflow().name == "文章三审"
    # The shared review groups get no say on the site with its own review, however often
    # setup_review runs (it gave their permissions back after an operator took them away).
    from wagtail.models import GroupPagePermission, Site

    shared = GroupPagePermission.objects.filter(group__name__in=[name for _, name in STAGES])
    assert not shared.filter(page=portal.institution.root_page).exists()
    assert shared.filter(page=portal.national.root_page).exists()
    out = StringIO()
    call_command("setup_review", stdout=out)
    assert not shared.filter(page=portal.institution.root_page).exists()
    said = out.getvalue()
    assert (
        f"用于 {Site.objects.count() - 1} 个站点" in said
        and "另有 1 个站点保留自己的工作流" in said
    )


def test_a_step_another_reviewer_has_taken_is_said_so_not_no_permission(client, reviewers, portal):
    """Two 初审编辑 had the page open; the second to click 批准 got Wagtail's 403 没有权限."""
    from django.contrib.messages import get_messages

    article = ArticlePageFactory(parent=portal.national_section, live=False)
    state = submit(article, reviewers["author"])
    first_step = state.current_task_state
    second = get_user_model().objects.create_user(
        username="reviewer-初审-2", password="x", last_name="赵", first_name="二审"
    )
    second.groups.add(Group.objects.get(name="初审编辑"))
    state = act(state, reviewers["初审"], "approve")
    client.force_login(second)
    for url, headers in [
        (f"/admin/pages/workflow/action/{article.pk}/approve/{first_step.pk}/", {}),
        (f"/admin/pages/workflow/collect_action_data/{article.pk}/approve/{first_step.pk}/",
         {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}),
    ]:  # fmt: skip
        response = client.post(url, {"comment": "同意"}, **headers)
        edit = f"/admin/pages/{article.pk}/edit/"
        if headers:
            assert response.json() == {"step": "success", "redirect": edit}
        else:
            assert response.status_code == 302 and response["Location"] == edit
        told = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("已由张初审于 " in m and " 处理（已批准）" in m for m in told), told
    state.refresh_from_db()
    assert state.current_task_state.task.name == "复审"  # nothing was approved twice
    assert state.current_task_state.status == "in_progress"
    # A step still waiting is Wagtail's as before: the second 初审编辑 may not act on 复审.
    current = state.current_task_state
    response = client.post(f"/admin/pages/workflow/action/{article.pk}/approve/{current.pk}/")
    assert response.status_code in (302, 403) and "/edit/" not in response.get("Location", "")
    current.refresh_from_db()
    assert current.status == "in_progress"
    # Another site's editor learns nothing of the page or who reviewed it: the admin's 404.
    client.force_login(site_editor(portal.institution, ("add_page", "change_page")))
    url = f"/admin/pages/workflow/action/{article.pk}/approve/{first_step.pk}/"
    response = client.post(url)
    assert response.status_code == 404 and "张初审" not in response.content.decode()
