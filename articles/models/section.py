from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from articles.pagination import listing_page
from home.pages import public
from portal.page_forms import PortalPageForm


class SectionPage(Page):
    """栏目: a section of a site's tree, nestable to any depth."""

    base_form_class = PortalPageForm

    intro = models.TextField(_("栏目简介"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage", "articles.SectionPage"]
    subpage_types = ["articles.SectionPage", "articles.ArticlePage"]

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")

    def route(self, request, path_components):
        # Wagtail routes through a page that is not live to the live pages below it: a 栏目
        # taken offline without its subpages (取消发布's default) still served its articles.
        # Below it is offline for readers, as in every listing (home.pages.public); editors'
        # previews do not come this way.
        if path_components and not self.live:
            raise Http404
        return super().route(request, path_components)

    def articles(self):
        """Live, public articles anywhere below this section: 置顶 first, then newest."""
        from .article import ArticlePage

        return ArticlePage.objects.for_listing().descendant_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = listed = listing_page(self.articles(), request.GET.get("page"))
        if listed.number > 1:  # page 2 is a page of its own, not a copy of page 1
            context["canonical_url"] = f"{self.get_full_url(request) or ''}?page={listed.number}"
        context["subsections"] = public(self.get_children().live().type(SectionPage))
        from articles.feeds import feed_context

        context.update(feed_context(self, request))
        return context
