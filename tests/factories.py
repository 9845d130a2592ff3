"""Page-tree factories shared by every test package."""

import factory
import wagtail_factories
from django.utils import timezone

from articles.models import (
    AccountIndexPage,
    ArticleAuthor,
    ArticlePage,
    PublishingAccount,
    SectionPage,
)
from home.models import HomePage


class HomePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"站点首页{n}")
    slug = factory.Sequence(lambda n: f"home-{n}")

    class Meta:
        model = HomePage


class SectionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    show_in_menus = True

    class Meta:
        model = SectionPage


class PublishingAccountFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"育人号{n}")
    slug = factory.Sequence(lambda n: f"account-{n}")
    institution = factory.SelfAttribute("name")

    class Meta:
        model = PublishingAccount


class ArticlePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"测试文章{n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    source = "测试来源"
    editor = "测试编辑"
    display_time = factory.LazyFunction(timezone.now)
    body = factory.LazyFunction(lambda: [{"type": "paragraph", "value": "<p>正文内容。</p>"}])

    class Meta:
        model = ArticlePage
        skip_postgeneration_save = True

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if extracted:
            obj.authors = [ArticleAuthor(name=name) for name in extracted]
            if create:
                obj.save()


class AccountIndexPageFactory(wagtail_factories.PageFactory):
    title = "育人号"
    slug = "yurenhao"

    class Meta:
        model = AccountIndexPage


def site_editor(site, page_permissions, model_permissions=(), username="school-editor"):
    """A user whose group holds page permissions on one site only (a university's editor)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group = Group.objects.create(name=f"{username} 组")
    codenames = ["access_admin", *model_permissions]
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    for codename in page_permissions:
        GroupPagePermission.objects.create(
            group=group, page=site.root_page, permission=Permission.objects.get(codename=codename)
        )
    user = get_user_model().objects.create_user(username=username, password="x")
    user.groups.add(group)
    return user


def edit_as(user, page, **fields):
    """What saving a page in the editor leaves: a draft revision by `user` of the page's
    latest version with `fields` changed. Returns the revision (publish it to go live)."""
    draft = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(draft, name, value)
    return draft.save_revision(user=user)
