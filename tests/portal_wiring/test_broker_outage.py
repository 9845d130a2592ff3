"""Sending tasks while Redis (the broker) is down: the fallbacks take over at once, and the
outage is logged once, not once per task."""

import logging

import pytest

from articles import feeds
from search.models import DictionaryWord
from search.services import SearchParams, search_articles
from tests.factories import ArticlePageFactory


def test_after_one_failed_send_the_process_leaves_the_broker_alone(broker_down, caplog):
    """Each publication asks for a feed refresh. With Redis down each ask waited out kombu's
    retries (0.64 s) and logged a warning: an import of 10,000 lines, hours and 10,000 lines
    of log."""
    caplog.set_level(logging.DEBUG)
    feeds.request_refresh()
    tried = len(broker_down)
    assert tried >= 1  # the first ask reached the (dead) broker
    for _ in range(20):
        feeds.request_refresh()
    assert len(broker_down) == tried  # the next 20 did not try again
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in warnings] == ["portal.broker"]
    assert "broker unreachable" in warnings[0].getMessage()


@pytest.mark.django_db
def test_a_word_added_while_the_broker_is_down_is_reindexed_by_the_replay(
    portal, broker_down, django_capture_on_commit_callbacks
):
    """The re-index task could not be sent: the save ended in an exception (the editor's 500)
    and the word found nothing until someone re-indexed by hand. It is kept now, and the
    beat's replay (every minute, once Redis answers) runs it."""
    from search.models import PendingDictionaryReindex
    from search.tasks import replay_missed_index_updates

    ArticlePageFactory(parent=portal.national_section, title="培育红船工匠的新路径", body=[])
    with django_capture_on_commit_callbacks(execute=True):
        DictionaryWord.objects.create(word="红船工匠")
    assert broker_down  # it was tried
    assert [p.words for p in PendingDictionaryReindex.objects.all()] == [["红船工匠"]]

    def exact_titles():
        outcome = search_articles(SearchParams(q="红船工匠", size=10), portal.national)
        return [hit.page.title for hit in outcome.hits[: outcome.exact_total]]

    assert exact_titles() == []  # the index still holds 红船 / 工匠
    assert replay_missed_index_updates() == 1
    assert exact_titles() == ["培育红船工匠的新路径"]
    assert not PendingDictionaryReindex.objects.exists()
