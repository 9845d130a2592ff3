"""The beat sweep publishes revisions whose go-live time has passed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ArticlePage
from articles.tasks import publish_scheduled_pages
from tests.factories import ArticlePageFactory


def schedule_then_make_due(section) -> ArticlePage:
    article = ArticlePageFactory(parent=section, live=False, title="定时文章")
    article.go_live_at = timezone.now() + timedelta(hours=1)
    revision = article.save_revision()
    revision.publish()  # a future go-live time schedules instead of publishing
    article.refresh_from_db()
    assert not article.live and article.has_unpublished_changes
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    # Move the schedule into the past, as if the hour had gone by.
    due = timezone.now() - timedelta(seconds=1)
    revision.approved_go_live_at = due
    revision.content["go_live_at"] = due.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    return article


@pytest.mark.django_db
def test_sweep_publishes_due_revisions(portal):
    article = schedule_then_make_due(portal.national_section)
    publish_scheduled_pages()
    article.refresh_from_db()
    assert article.live
    assert article.revisions.filter(approved_go_live_at__isnull=False).count() == 0


def test_sweep_runs_on_a_real_worker_over_redis(portal, celery_worker_on_redis):
    article = schedule_then_make_due(portal.national_section)
    result = publish_scheduled_pages.delay()
    result.get(timeout=60)
    article.refresh_from_db()
    assert article.live
