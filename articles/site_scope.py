"""What of the portal-wide snippets an editor works on: those of the sites they edit.

育人号, 评论 and 推荐位 are snippets, which Wagtail permits per model: a university's editor
given 评论审核 moderated every site's comments, and could rewrite another university's 育人号
and move it to their own site. Here an editor's sites are those where a group of theirs holds
page permissions (on the site's home page, above it, or on a page inside it); superusers and
the portal's own groups, with permissions on a page above every site (the tree root), see
everything, what belongs to no site too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from home.pages import public
from home.permissions import sites_of
from portal.page_forms import PortalModelForm, PortalPageForm


class SiteScopedPolicy(ModelPermissionPolicy):
    """The model's permissions, on the instances of the user's sites only."""

    def __init__(self, model, scope):
        super().__init__(model)
        self.scope = scope  # (sites) -> Q of the instances belonging to those sites

    def _in_scope(self, user) -> Q | None:
        sites = sites_of(user)
        return None if sites is None else self.scope(sites)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        scope = self._in_scope(user)
        return instances if scope is None else instances.filter(scope)

    def user_has_permission_for_instance(self, user, action, instance):
        if not super().user_has_permission_for_instance(user, action, instance):
            return False
        scope = self._in_scope(user)
        return scope is None or self.model._default_manager.filter(scope, pk=instance.pk).exists()


def _under(sites, field: str) -> Q:
    """Instances whose page (`field`, a page's path) lies in one of the sites."""
    q = Q(pk__in=[])
    for site in sites:
        q |= Q(**{f"{field}__startswith": site.root_page.path})
    return q


def account_scope(sites) -> Q:
    # An account with no site yet is the portal's: only those who edit every site.
    return Q(site__in=sites)


def comment_scope(sites) -> Q:
    return _under(sites, "article__path")


def slot_scope(sites) -> Q:
    return _under(sites, "page__path")  # the home or 栏目 page it is shown on


def shown_to_other_sites(pages):
    """Pages another site's editors may see in the page chooser: live, public and without
    pending changes (the chooser shows a page's draft title, which may be embargoed)."""
    return public(pages.filter(live=True, has_unpublished_changes=False))


def chooser_pages(pages, user, searching: bool):
    """The page chooser's pages for `user`: their own sites', and other sites' pages shown to
    them when browsing. Searching covers their own sites: its filter must be one the search
    engine holds (the page path), not a list of every other site's page ids."""
    sites = sites_of(user)
    if sites is None:
        return pages
    if searching:
        return pages.filter(_under(sites, "path"))
    return pages.filter(
        _under(sites, "path") | Q(pk__in=shown_to_other_sites(Page.objects.all()).values("pk"))
    )


def may_open_in_chooser(user, page) -> bool:
    """Whether the page chooser may be opened at `page` for `user`: their own sites, the pages
    above them, and other sites' pages the chooser lists to them."""
    sites = sites_of(user)
    if sites is None or not _outside(sites, page):
        return True
    if any(site.root_page.path.startswith(page.path) for site in sites):
        return True  # above one of their sites (the tree root)
    return shown_to_other_sites(Page.objects.filter(pk=page.pk)).exists()


def may_work_on(user, page) -> bool:
    """Whether `page` lies in one of the sites `user` edits (every page for those editing
    every site)."""
    return not _outside(sites_of(user), page)


def visible_ids(user, model, ids: list[int]) -> list[int]:
    """Of `ids`, those of objects `user` works on: pages of their sites; 育人号, 评论 and 推荐位
    of their sites (the model's SiteScopedPolicy); every id of other models."""
    if issubclass(model, Page):
        sites = sites_of(user)
        found = Page.objects.filter(pk__in=ids)
        return list(
            (found if sites is None else found.filter(_under(sites, "path"))).values_list(
                "pk", flat=True
            )
        )
    policy = policy_registry.get_by_type(model)
    if not isinstance(policy, SiteScopedPolicy):
        return ids
    instances = policy.instances_user_has_any_permission_for(user, ["change", "delete", "view"])
    return list(instances.filter(pk__in=ids).values_list("pk", flat=True))


def may_select_all(user, model, parent_id: int | None) -> bool:
    """Whether a bulk action's 全选 (`id=all`) may run for `user`: Wagtail then takes every
    object (every page below `childOf`, or of the whole portal) and lists by title those the
    user may not act on. Those editing some sites only may select all pages below a page of
    their sites, and never all of a site-scoped snippet (they tick the rows instead)."""
    sites = sites_of(user)
    if sites is None:
        return True
    if issubclass(model, Page):
        parent = Page.objects.filter(pk=parent_id).first() if parent_id is not None else None
        return parent is not None and not _outside(sites, parent)
    return not isinstance(policy_registry.get_by_type(model), SiteScopedPolicy)


class AccountForm(PortalModelForm):
    """所属站点 offers the sites the editor edits (and is required of those not editing all)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sites = sites_of(self.for_user) if self.for_user is not None else None
        if sites is not None and "site" in self.fields:
            self.fields["site"].queryset = Site.objects.filter(pk__in=[s.pk for s in sites])
            self.fields["site"].required = True


def _outside(sites, page) -> bool:
    return sites is not None and not any(page.path.startswith(s.root_page.path) for s in sites)


class SlotForm(PortalModelForm):
    """显示在 must be a page of the editor's sites: the chooser lists every site's pages, and
    a slot put on another site's home page left the editor's list and led that site."""

    def clean_page(self):
        page = self.cleaned_data.get("page")
        sites = sites_of(self.for_user) if self.for_user is not None else None
        if page is not None and _outside(sites, page):
            raise ValidationError(_("只能在你负责的站点的首页或栏目页设推荐位。"))
        return page


class ArticleForm(PortalPageForm):
    """育人号 must be one of the editor's sites' accounts, as the chooser offers (a crafted
    form could name any); an account the article already has is kept as it is."""

    def clean_account(self):
        account = self.cleaned_data.get("account")
        sites = sites_of(self.for_user) if self.for_user is not None else None
        if (
            account is not None
            and sites is not None
            and "account" in self.changed_data
            and not account._meta.model.objects.filter(account_scope(sites), pk=account.pk).exists()
        ):
            raise ValidationError(_("只能选择你负责的站点的育人号。"))
        return account
