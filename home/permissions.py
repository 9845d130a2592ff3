"""Which sites a user works on, and 站点设置 limited to them.

Wagtail grants a model permission on 站点设置 for every site: a university's group given it
(the 对象权限 table of 设置 → 组) rewrote the national site's name, footer and comment
moderation. Here such a permission reaches the sites the user edits pages of; a permission
given for one site (the group form's 站点设置 权限 panel, GroupSitePermission) works as in
Wagtail.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import GroupPagePermission, Site
from wagtail.permission_policies.sites import SitePermissionPolicy


def sites_of(user) -> list[Site] | None:
    """The sites the user edits; None for all of them (superusers, the portal's own groups:
    then what belongs to no site is theirs too)."""
    if user.is_active and user.is_superuser:
        return None
    paths = set(
        GroupPagePermission.objects.filter(group__user=user).values_list("page__path", flat=True)
    )
    sites = list(Site.objects.select_related("root_page"))
    if any(all(site.root_page.path.startswith(p) for site in sites) for p in paths):
        return None  # a permission above every site (the tree root: 编辑, 审核员)
    return [
        site
        for site in sites
        if any(
            site.root_page.path.startswith(p) or p.startswith(site.root_page.path) for p in paths
        )
    ]


class OwnSitesSettingsPolicy(SitePermissionPolicy):
    """Wagtail's policy for site settings, with a model-wide permission limited to the
    user's own sites (`sites_of`)."""

    def sites_user_has_any_permission_for(self, user, actions):
        sites = super().sites_user_has_any_permission_for(user, actions)
        if user.is_superuser or not self._user_has_global_permission(user, actions):
            return sites
        own = sites_of(user)
        if own is None:  # a permission above every site: the portal's own groups
            return sites
        permission_ids = self._get_permission_objects_for_actions(actions).values("id")
        granted = Q(
            group_permissions__permission_id__in=permission_ids,
            group_permissions__group__in=user.groups.all(),
        )
        return Site.objects.filter(Q(pk__in=[site.pk for site in own]) | granted).distinct()

    def user_has_any_permission(self, user, actions):
        # The menu's 站点设置: only for someone with a site to open (else a 403 behind it).
        return self.sites_user_has_any_permission_for(user, actions).exists()

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not super().user_has_any_permission_for_instance(user, actions, instance):
            return False
        if user.is_superuser or not self._user_has_global_permission(user, actions):
            return True
        site_id = instance.pk if isinstance(instance, Site) else instance.site_id
        return self.sites_user_has_any_permission_for(user, actions).filter(pk=site_id).exists()
