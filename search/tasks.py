from celery import shared_task
from modelsearch.backends import get_search_backend

from .outbox import replay_missed
from .querylog import prune_query_log as prune
from .reindex import reindex_objects_containing, run_pending_reindexes


@shared_task(name="search.tasks.reindex_for_dictionary_change")
def reindex_for_dictionary_change(words: list[str]) -> int:
    """Re-index what an editor's dictionary change affects; return how many objects."""
    return reindex_objects_containing(words)


@shared_task(name="search.tasks.replay_missed_index_updates")
def replay_missed_index_updates() -> int:
    """Send the engine the index updates it missed while unreachable, and run the dictionary
    re-indexes that could not be queued while Redis was down; return how many objects."""
    return replay_missed(get_search_backend("default")) + run_pending_reindexes()


@shared_task(name="search.tasks.prune_query_log")
def prune_query_log() -> int:
    """Forget search counts older than WAGTAILSEARCH_HITS_MAX_AGE days; return how many rows."""
    return prune()
