"""Scheduling hooks: a revision given a go-live time, a page published with an expiry."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Revision
from wagtail.signals import page_published, page_unpublished, workflow_rejected

from . import scheduling
from .models import ArticlePage


@receiver(post_save, sender=Revision)
def queue_scheduled_revision(sender, instance, **kwargs):
    scheduling.on_revision_saved(instance)


@receiver(page_published)
def queue_expiry_of_published_page(sender, instance, **kwargs):
    scheduling.on_page_published(instance)


@receiver(page_published)
@receiver(page_unpublished)
def refresh_feeds(sender, instance, **kwargs):
    """Feeds that may show (or no longer show) this article are recomputed by a worker,
    once for a burst of publications (see articles.feeds.request_refresh)."""
    if isinstance(instance, ArticlePage):
        from . import feeds

        transaction.on_commit(feeds.request_refresh)


@receiver(workflow_rejected)
def cancel_schedule_when_rejected(sender, instance, **kwargs):
    from .workflow import cancel_schedule_on_rejection

    cancel_schedule_on_rejection(instance)
