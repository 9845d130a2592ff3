"""Scheduling hooks (a revision given a go-live time, a page published with an expiry) and
the feeds' (refreshed after a publication; dropped when an article may have left the public)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction, Revision
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    workflow_rejected,
)

from . import scheduling
from .models import ArticlePage, DeletedImport, SectionPage


@receiver(post_save, sender=Revision)
def queue_scheduled_revision(sender, instance, **kwargs):
    scheduling.on_revision_saved(instance)


@receiver(page_published)
def queue_expiry_of_published_page(sender, instance, **kwargs):
    scheduling.on_page_published(instance)


@receiver(page_published)
@receiver(page_unpublished)
def refresh_feeds(sender, instance, **kwargs):
    """Feeds that may show (or no longer show) this article, or the articles of this 栏目,
    are recomputed by a worker, once for a burst of publications (see
    articles.feeds.request_refresh)."""
    if isinstance(instance, ArticlePage | SectionPage):
        from . import feeds

        transaction.on_commit(feeds.request_refresh)


def _drop_cached_feeds():
    from . import feeds

    transaction.on_commit(feeds.withdrawn)


@receiver(page_unpublished)
def unpublished_leaves_the_feeds(sender, instance, **kwargs):
    """A withdrawn article leaves every cached feed now, not at the next refresh; so do the
    articles of a 栏目 taken offline (home.pages.public), though they stay live."""
    if isinstance(instance, ArticlePage | SectionPage):
        _drop_cached_feeds()


@receiver(page_published)
def section_back_online(sender, instance, **kwargs):
    """A 栏目 published (back online after 取消发布, say): the articles below it are in every
    cached feed and the suggestions at once, not after the refresh (相关阅读 after 15
    minutes). A new 栏目 has nothing below it yet."""
    if isinstance(instance, SectionPage) and instance.numchild:
        _drop_cached_feeds()


@receiver(post_delete, sender=ArticlePage)
def deleted_leaves_the_feeds(sender, instance, **kwargs):
    if instance.live:  # a draft was in none
        _drop_cached_feeds()


@receiver(post_page_move)
def moved_pages_may_have_gone_private(sender, instance, **kwargs):
    """A live article or 栏目 moved (under a private 栏目, to another site): feeds anew."""
    if instance.live:
        from . import feeds

        _drop_cached_feeds()
        transaction.on_commit(feeds.request_refresh)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def restriction_changed(sender, instance, **kwargs):
    """Pages made private (or public again): feeds are dropped now and recomputed."""
    from . import feeds

    _drop_cached_feeds()
    transaction.on_commit(feeds.request_refresh)


@receiver(workflow_rejected)
def cancel_schedule_when_rejected(sender, instance, **kwargs):
    from .workflow import cancel_schedule_on_rejection

    cancel_schedule_on_rejection(instance)


@receiver(post_delete, sender=ArticlePage)
def remember_deleted_import(sender, instance, **kwargs):
    """An imported article deleted (alone, or with its 栏目): the next import of its id skips
    it instead of publishing it again (articles.importer)."""
    if instance.external_id:
        DeletedImport.objects.update_or_create(
            external_id=instance.external_id, defaults={"title": instance.title[:255]}
        )
