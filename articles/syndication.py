"""RSS 2.0 and Atom feeds of a 栏目 and of a 育人号 (django.contrib.syndication)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.timezone import localtime
from wagtail.models import Site

from home.models import PortalSiteSettings
from home.pages import public
from home.text import excerpt

from .models import ArticlePage, PublishingAccount, SectionPage

FEED_SIZE = 20


@dataclass
class Source:
    """What a feed is of, with the request's site (Feed instances are shared by threads)."""

    obj: SectionPage | PublishingAccount
    site: Site
    request: object


# Characters XML 1.0 cannot carry (Django's feed writer raises on them: a 500). Text pasted
# from Word brings \x0b (a manual line break) into titles and summaries.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(value):
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


class _XmlSafe:
    """A feed generator that drops those characters from every text it is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class SafeRssFeed(_XmlSafe, Rss201rev2Feed):
    pass


class SafeAtomFeed(_XmlSafe, Atom1Feed):
    pass


def _site(request) -> Site:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    return site


class _ArticleFeed(Feed):
    feed_type = SafeRssFeed
    language = "zh-cn"  # RSS's language codes (RFC 1766), not Django's zh-hans

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        # RSS <description> and Atom <summary type="html"> are HTML: the 摘要 is plain text,
        # so its < and & are escaped, not left for a feed reader to run as markup.
        return escape(excerpt(item.summary or item.body_text(), 200))

    def item_link(self, item: ArticlePage) -> str:
        return item.get_full_url()

    def item_pubdate(self, item: ArticlePage):
        # In Beijing time (+0800), as the pages and the JSON API give it, not UTC.
        return localtime(item.published_time) if item.published_time else None

    def item_updateddate(self, item: ArticlePage):
        # Atom requires <updated> on every entry: the last publication (a correction counts).
        when = item.last_published_at or item.published_time
        return localtime(when) if when else None

    def item_author_name(self, item: ArticlePage) -> str | None:
        # None, not "": an empty <author><name/></author> is invalid Atom.
        return " ".join(item.author_names) or item.source or None

    def feed_url(self, obj: Source) -> str:
        # The self link at the site's own address, as the entries' and the sitemap's are,
        # not the host the request came by (127.0.0.1, an alias): one feed, one address.
        return obj.site.root_url + obj.request.path

    @staticmethod
    def _site_articles(source: Source):
        return ArticlePage.objects.live().public().descendant_of(source.site.root_page)


class SectionFeed(_ArticleFeed):
    def get_object(self, request, section_id: int) -> Source:
        site = _site(request)
        section = public(SectionPage.objects.live()).filter(pk=section_id).first()
        if section is None or not section.path.startswith(site.root_page.path):
            raise Http404("栏目不存在")
        return Source(section, site, request)

    def title(self, obj: Source) -> str:
        return f"{obj.obj.title} - {PortalSiteSettings.for_site(obj.site)}"  # 站点设置's name

    def link(self, obj: Source) -> str:
        return obj.obj.get_full_url(obj.request)

    def description(self, obj: Source) -> str:
        return obj.obj.intro or f"{obj.obj.title}栏目最新文章"

    def items(self, obj: Source):
        return (
            self._site_articles(obj).descendant_of(obj.obj).prefetch_related("authors")
            .order_by("-display_time")[:FEED_SIZE]
        )  # fmt: skip


class AccountFeed(_ArticleFeed):
    def get_object(self, request, slug: str) -> Source:
        site = _site(request)
        account = PublishingAccount.objects.filter(slug=slug).first()
        if account is None:
            raise Http404("育人号不存在")
        source = Source(account, site, request)
        if not account.is_shown_on(site, self._site_articles(source)):  # as its page is not
            raise Http404("育人号不存在")
        return source

    def title(self, obj: Source) -> str:
        return f"{obj.obj.name}（育人号）"

    def link(self, obj: Source) -> str:
        # The account's own page on this site (the feed's Atom id too): every account's feed
        # had the home page's, one id for all of them.
        from .models import AccountIndexPage

        directory = AccountIndexPage.of_site(obj.site)
        if directory is None:
            return obj.site.root_url + "/"
        page = directory.reverse_subpage("account_detail", kwargs={"slug": obj.obj.slug})
        return directory.get_full_url(obj.request) + page

    def description(self, obj: Source) -> str:
        return obj.obj.intro or f"{obj.obj.name}发布的文章"

    def items(self, obj: Source):
        return (
            self._site_articles(obj).filter(account=obj.obj).prefetch_related("authors")
            .order_by("-display_time")[:FEED_SIZE]
        )  # fmt: skip


class SectionAtomFeed(SectionFeed):
    feed_type = SafeAtomFeed
    subtitle = SectionFeed.description


class AccountAtomFeed(AccountFeed):
    feed_type = SafeAtomFeed
    subtitle = AccountFeed.description
