from wagtail import hooks

from .models import PortalSiteSettings, SiteLogEntry


@hooks.register("register_log_actions")
def site_settings_history(actions):
    # A site's 站点设置 changes are shown to that site's editors only.
    actions.register_model(PortalSiteSettings, SiteLogEntry)
