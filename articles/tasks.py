from celery import shared_task
from django.core.management import call_command


@shared_task(name="articles.tasks.publish_scheduled_pages")
def publish_scheduled_pages() -> None:
    """Publish revisions whose go-live time has passed and unpublish expired pages."""
    call_command("publish_scheduled")
