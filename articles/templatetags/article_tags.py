from django import template
from wagtail.models import Site

from articles.models import AccountIndexPage, PublishingAccount

register = template.Library()


@register.simple_tag(takes_context=True)
def account_url(context, account: PublishingAccount) -> str:
    """The account's page on the request's site, or '' when the site has no 育人号目录."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return ""
    # One lookup per request, however many accounts the page links to.
    if not hasattr(request, "_portal_account_index"):
        request._portal_account_index = AccountIndexPage.of_site(site)
    index = request._portal_account_index
    return index.url_for_account(account, request) if index else ""
