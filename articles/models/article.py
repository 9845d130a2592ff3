import html
import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager, Site
from wagtail.search import index

from articles.site_scope import ArticleForm
from home.blocks import BodyStreamBlock
from home.pages import PublicPageQuerySet
from portal.validators import plausible_time

# Rich text here is Wagtail's own sanitised HTML: dropping tags is enough to get its text.
TAG = re.compile(r"<[^>]+>")


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


# Reading order: 置顶 first, then by 发布时间, newest first.
LISTING_ORDER = (
    models.F("is_pinned").desc(),
    models.F("display_time").desc(nulls_last=True),
    models.F("pk").desc(),
)


class ArticleQuerySet(PublicPageQuerySet):
    def for_listing(self):
        """What readers may see, in reading order."""
        return self.live().public().select_related("account").order_by(*LISTING_ORDER)


class ArticleManager(PageManager.from_queryset(ArticleQuerySet)):
    pass


class ImportIdPanel(FieldPanel):
    """外部编号, read-only: an article written in the admin has none, shown as such (Wagtail
    prints the Python value None)."""

    def format_value_for_display(self, value):
        return value or _("无（非导入文章）")


class ArticlePage(Page):
    base_form_class = ArticleForm  # 育人号: one of the editor's sites' accounts
    kicker = models.CharField(_("引题"), max_length=200, blank=True)
    subtitle = models.CharField(_("副题"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=120, blank=True)
    editor = models.CharField(
        _("责任编辑"),
        max_length=60,
        blank=True,
        help_text=_("多人时用空格分隔；留空则由终审通过时的审核人担任"),
    )
    comments_open = models.BooleanField(
        _("开放评论"), default=True, help_text=_("关闭后读者不能再发表评论，已有评论照常显示")
    )
    reviewer = models.CharField(
        _("审核人"), max_length=60, blank=True, help_text=_("三审终审通过时自动记录")
    )
    display_time = models.DateTimeField(
        _("发布时间"),
        null=True,
        blank=True,
        validators=[plausible_time],
        help_text=_("显示给读者的发布时间；留空则取首次发布的时间"),
    )
    summary = models.TextField(_("摘要"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(verbose_name=_("关键词"), through=ArticlePageTag, blank=True)
    account = models.ForeignKey(
        "articles.PublishingAccount",
        verbose_name=_("育人号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    is_pinned = models.BooleanField(_("置顶"), default=False, help_text=_("在栏目列表中排在最前"))
    is_featured = models.BooleanField(
        _("推荐"), default=False, help_text=_("在首页栏目区块中突出显示")
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("正文"), blank=True)
    external_id = models.CharField(
        _("外部编号"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("导入文件中的 id；重复导入据此更新而不重复创建"),
    )
    import_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = ArticleManager()

    content_panels = [
        FieldPanel("kicker"),
        *Page.content_panels,
        FieldPanel("subtitle"),
        MultiFieldPanel(
            [
                FieldPanel("source"),
                InlinePanel("authors", label=_("作者"), heading=_("作者")),
                FieldPanel("editor"),
                FieldPanel("reviewer", read_only=True),
                FieldPanel("display_time"),
                FieldPanel("account"),
            ],
            heading=_("署名与来源"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("tags"), FieldPanel("is_pinned"), FieldPanel("is_featured")],
            heading=_("关键词与推荐"),
        ),
    ]
    settings_panels = [
        *Page.settings_panels,
        FieldPanel("comments_open"),
        ImportIdPanel("external_id", read_only=True),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body_text"),
        index.SearchField("source"),
        index.RelatedFields("authors", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("display_time"),
        index.FilterField("account"),
    ]

    parent_page_types = ["articles.SectionPage"]
    subpage_types = []
    # A copy is a new article, not the imported one: it must not steal the import id.
    # Nor has anyone reviewed it: 审核人 is recorded again when its own review ends.
    exclude_fields_in_copy = ["external_id", "import_digest", "reviewer"]

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        indexes = [models.Index(fields=["-is_pinned", "-display_time"], name="article_listing_idx")]

    def save(self, *args, **kwargs):
        # 发布时间 defaults to the first publish time, fixed once so listings can sort on it.
        if self.display_time is None and self.first_published_at is not None:
            self.display_time = self.first_published_at
        super().save(*args, **kwargs)

    @property
    def published_time(self):
        return self.display_time or self.first_published_at

    def body_text(self) -> str:
        """The body as plain text (headings, paragraphs, quotes, captions, table cells)."""
        parts: list[str] = []
        for block in self.body.raw_data:
            value = block.get("value")
            if block.get("type") == "paragraph":
                parts.append(html.unescape(TAG.sub(" ", value or "")))
            elif block.get("type") == "heading":
                parts.append(value.get("text", ""))
            elif block.get("type") == "quote":
                parts.append(value.get("text", ""))
            elif block.get("type") in ("image", "video"):
                parts.append(value.get("caption", ""))
            elif block.get("type") == "table":
                table = value.get("table") or {}
                parts.append(table.get("table_caption") or "")
                rows = table.get("data") or []
                parts.extend(" ".join(cell or "" for cell in row) for row in rows)
        return "\n".join(part.strip() for part in parts if part and part.strip())

    def image_alt_texts(self) -> list[str]:
        """The body images' 替代文字: in the HTML, read aloud instead of the image."""
        return [
            alt
            for block in self.body.raw_data
            if block.get("type") == "image" and (alt := (block.get("value") or {}).get("alt_text"))
        ]

    @property
    def author_names(self) -> list[str]:
        return [author.name for author in self.authors.all()]

    def breadcrumb(self):
        """Ancestors below the tree root: the site's 首页, then each 栏目."""
        return self.get_ancestors().filter(depth__gt=1).specific()

    def neighbours(self) -> tuple["ArticlePage | None", "ArticlePage | None"]:
        """上一篇 (published just before it) and 下一篇 (just after) in its 栏目, among what
        readers may see; None at either end, and for a page never published (a preview)."""
        if self.display_time is None or not self.path:
            return None, None
        # Siblings as a range of the tree's path index: Wagtail's sibling_of (a LIKE SQLite
        # cannot use an index for) let SQLite walk every newer article of the portal by
        # publication time (6.6 ms on the dev corpus; 0.6 ms by path).
        parent, first, last = self.path[: -self.steplen], self.alphabet[0], self.alphabet[-1]
        siblings = (
            ArticlePage.objects.filter(
                depth=self.depth,
                path__range=(parent + first * self.steplen, parent + last * self.steplen),
            )
            .exclude(pk=self.pk)
            .live()
            .public()
            .only("title", "url_path", "path", "depth", "locale_id", "display_time")
        )
        at = self.display_time
        earlier = siblings.filter(
            models.Q(display_time__lt=at) | models.Q(display_time=at, pk__lt=self.pk)
        ).order_by("-display_time", "-pk")
        later = siblings.filter(
            models.Q(display_time__gt=at) | models.Q(display_time=at, pk__gt=self.pk)
        ).order_by("display_time", "pk")
        return earlier.first(), later.first()

    def get_context(self, request, *args, **kwargs):
        from articles import feeds
        from articles.comments import approved_comments
        from articles.forms import CommentForm
        from articles.pagination import listing_page

        context = super().get_context(request, *args, **kwargs)
        context["breadcrumb"] = list(self.breadcrumb())
        # ?cpage=0 or below is the first page (the newest comments), as ?page= is on listings.
        comments = listing_page(
            approved_comments(self), request.GET.get("cpage"), settings.PORTAL_COMMENTS_PAGE_SIZE
        )
        context["comment_count"] = comments.paginator.count  # the count the pages are made from
        context["comments"] = comments
        context.setdefault("comment_form", CommentForm())
        context["previous_article"], context["next_article"] = self.neighbours()
        site = Site.find_for_request(request)
        if site is not None:
            context["recommended"] = feeds.recommended(site)
            context["related"] = feeds.related(self, site)
            context["hot"] = feeds.hot(site)
        return context

    def serve(self, request, *args, **kwargs):
        from articles.views_counter import record_view
        from portal.client_ip import client_key

        if request.method == "POST":
            return self.serve_comment_post(request)
        if request.method == "GET":  # counted in memory, written in batches
            record_view(self.pk, reader=client_key(request))
        return super().serve(request, *args, **kwargs)

    def serve_comment_post(self, request):
        """我要评论: take the comment, or show the page again with the reason and the text."""
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse
        from django_ratelimit.core import get_usage

        from articles.comments import CommentRefused, post_comment
        from articles.forms import CommentForm
        from portal.client_ip import client_ip

        def posts_counted(count: bool) -> tuple[int, int]:
            """(posts from this address in the window, the limit); count=True adds this one.
            Only posts taken (or the honeypot's) count: a reader refused for an empty or
            too long text, correcting it, was told they posted too often."""
            usage = get_usage(
                request, group="comments", key="ip", rate=settings.PORTAL_COMMENT_RATE,
                increment=count,
            )  # fmt: skip
            return (usage or {}).get("count", 0), (usage or {}).get("limit", 1)

        form = CommentForm(request.POST)
        status = 200
        posted_so_far, limit = posts_counted(False)
        if posted_so_far >= limit:
            form.add_error(None, _("评论过于频繁，请稍后再试。"))
            status = 429
        elif form.is_valid():
            if form.cleaned_data["website"]:  # the honeypot: quietly drop it
                posts_counted(True)
                messages.success(request, _("评论已提交，审核通过后显示。"))
                return redirect(self.get_url(request) + "#comments")
            try:
                posted = post_comment(
                    self,
                    form.cleaned_data["content"],
                    form.cleaned_data["nickname"],
                    ip=client_ip(request),
                    site=Site.find_for_request(request),
                )
            except CommentRefused as refused:
                form.add_error(None, str(refused))
                # Shown again as the form read it (control characters dropped), not raw.
                form.data = form.data.copy()
                for name in ("content", "nickname"):
                    form.data[name] = form.cleaned_data.get(name, "")
                # The field the reason is about, for screen readers: invalid, described by it.
                field = "nickname" if str(refused).startswith("昵称") else "content"
                form.fields[field].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": "comment-errors"}
                )
            else:
                posts_counted(True)
                messages.success(
                    request,
                    _("评论已发表。") if posted.visible else _("评论已提交，审核通过后显示。"),
                )
                return redirect(self.get_url(request) + "#comments")
        context = self.get_context(request)
        context["comment_form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=status)


class DeletedImport(models.Model):
    """An imported article an editor deleted (its import id): importing the id again does not
    bring it back (a deletion may be a takedown), unless asked to (import_articles
    --restore-deleted)."""

    external_id = models.CharField(_("外部编号"), max_length=200, unique=True)
    title = models.CharField(_("标题"), max_length=255)
    deleted_at = models.DateTimeField(_("删除时间"), auto_now=True)

    class Meta:
        verbose_name = _("已删除的导入文章")
        verbose_name_plural = _("已删除的导入文章")

    def __str__(self):
        return f"{self.external_id}《{self.title}》"


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="authors")
    name = models.CharField(_("作者"), max_length=60)

    panels = [FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("作者")
        verbose_name_plural = _("作者")

    def __str__(self):
        return self.name
