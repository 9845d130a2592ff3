from celery import shared_task

from .reindex import reindex_articles_containing


@shared_task(name="search.tasks.reindex_for_dictionary_change")
def reindex_for_dictionary_change(words: list[str]) -> int:
    """Re-index the articles an editor's dictionary change affects; return how many."""
    return reindex_articles_containing(words)
