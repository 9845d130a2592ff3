from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index

from articles.pagination import listing_page
from articles.site_scope import AccountForm
from portal.page_forms import PortalPageForm


class PublishingAccountQuerySet(models.QuerySet):
    def of_site(self, site, site_articles):
        """The accounts a site lists (/yurenhao/): those publishing among `site_articles` (the
        site's live, public articles) and the site's own, even before their first article."""
        return self.filter(models.Q(articles__in=site_articles) | models.Q(site=site)).distinct()


class PublishingAccount(index.Indexed, models.Model):  # a snippet: articles/wagtail_hooks.py
    """育人号: an institution's publishing account; an article belongs to at most one."""

    base_form_class = AccountForm  # 所属站点: the editor's own sites

    name = models.CharField(_("名称"), max_length=100, unique=True)
    slug = models.SlugField(
        _("网址标识"),
        max_length=100,
        unique=True,
        allow_unicode=True,
        help_text=_("育人号页面的网址，例如 jxvtc"),
    )
    institution = models.CharField(_("所属单位"), max_length=100, blank=True)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("所属站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publishing_accounts",
        help_text=_("育人号所属院校的站点"),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("标志"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = models.TextField(_("简介"), blank=True)
    recommend_boost = models.FloatField(
        _("推荐加权"),
        default=0,
        help_text=_("编辑加权：数值越大，在“育人号推荐”中越靠前（0 为不加权，可为负数）"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PublishingAccountQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("institution"),
        FieldPanel("site"),
        FieldPanel("logo"),
        FieldPanel("intro"),
        FieldPanel("recommend_boost"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        # The 育人号 chooser searches a university editor's own sites' accounts only.
        index.FilterField("site"),
    ]

    class Meta:
        verbose_name = _("育人号")
        verbose_name_plural = _("育人号")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        # Two accounts at /yurenhao/JXVTC/ and /yurenhao/jxvtc/ read as one address; the
        # database's unique slug tells them apart.
        same = (
            PublishingAccount.objects.exclude(pk=self.pk).filter(slug__iexact=self.slug).first()
            if self.slug
            else None
        )
        if same is not None:
            message = (
                _("网址标识“%(slug)s”已被育人号「%(name)s」使用，请换一个。")
                if same.slug == self.slug
                else _("网址标识与育人号「%(name)s」的“%(slug)s”只差大小写，请换一个。")
            )
            raise ValidationError({"slug": message % {"name": same.name, "slug": same.slug}})

    @property
    def owning_site_id(self) -> int | None:  # its history: home.models.SiteLogEntry
        return self.site_id

    def is_shown_on(self, site, site_articles) -> bool:
        """Whether its page, feed and RSS exist on a site (else a 404 there): the site's own
        account, or one publishing among `site_articles`."""
        return self.site_id == getattr(site, "pk", None) or (
            site_articles.filter(account=self).exists()
        )


class AccountIndexPage(RoutablePageMixin, Page):
    """育人号 directory of a site: /<slug>/ lists accounts, /<slug>/<account>/ one account."""

    base_form_class = PortalPageForm

    intro = models.TextField(_("简介"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("育人号目录")
        verbose_name_plural = _("育人号目录")

    @classmethod
    def of_site(cls, site) -> "AccountIndexPage | None":
        """The site's live 育人号 directory (one per site), or None."""
        return cls.objects.live().child_of(site.root_page).first()

    def site_articles(self):
        from .article import ArticlePage

        home = self.get_parent()
        return ArticlePage.objects.for_listing().descendant_of(home)

    @path("")
    def account_list(self, request):
        # Accounts that publish on this site, and this site's own accounts even before
        # their first article.
        site = self.get_site()
        accounts = PublishingAccount.objects.of_site(site, self.site_articles()).order_by("name")
        return self.render(request, context_overrides={"accounts": accounts})

    @path("<str:slug>/")
    def account_detail(self, request, slug):
        account = get_object_or_404(PublishingAccount, slug=slug)
        if not account.is_shown_on(self.get_site(), self.site_articles()):
            raise Http404
        articles = self.site_articles().filter(account=account)
        listed = listing_page(articles, request.GET.get("page"))
        canonical = (self.get_full_url(request) or "") + self.reverse_subpage(
            "account_detail", kwargs={"slug": account.slug}
        )
        if listed.number > 1:
            canonical += f"?page={listed.number}"
        return self.render(
            request,
            context_overrides={
                "account": account,
                "articles": listed,
                # Its own address and name in canonical and share metadata, not the directory's
                # (and page 2 its own, not a copy of page 1).
                "canonical_url": canonical,
                "share_title": account.name,
            },
            template="articles/account_page.html",
        )

    def url_for_account(self, account: PublishingAccount, request=None) -> str:
        base = self.get_url(request) or ""
        return base + self.reverse_subpage("account_detail", kwargs={"slug": account.slug})
