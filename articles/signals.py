"""Scheduling hooks: a revision given a go-live time, a page published with an expiry."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Revision
from wagtail.signals import page_published

from . import scheduling


@receiver(post_save, sender=Revision)
def queue_scheduled_revision(sender, instance, **kwargs):
    scheduling.on_revision_saved(instance)


@receiver(page_published)
def queue_expiry_of_published_page(sender, instance, **kwargs):
    scheduling.on_page_published(instance)
