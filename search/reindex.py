"""Re-indexing after the editors' dictionary changes how text is segmented."""

from __future__ import annotations

from modelsearch.backends import get_search_backends

from articles.models import ArticlePage

from .text import invalidate_segmenter, normalize

CHUNK = 500


def reindex_articles_containing(words: list[str]) -> int:
    """Scan live articles for the words (rare, so a scan is fine) and re-index the matches."""
    wanted = [normalize(w) for w in words if normalize(w)]
    if not wanted:
        return 0
    invalidate_segmenter()  # this worker must segment with the new dictionary
    backends = list(get_search_backends(with_auto_update=True))
    matched = 0
    batch: list[ArticlePage] = []
    for page in ArticlePage.objects.live().order_by("pk").iterator(chunk_size=CHUNK):
        text = normalize(" ".join([page.title, page.summary, page.body_text()]))
        if any(word in text for word in wanted):
            batch.append(page)
        if len(batch) >= CHUNK:
            matched += _index(backends, batch)
            batch = []
    if batch:
        matched += _index(backends, batch)
    return matched


def _index(backends, pages: list[ArticlePage]) -> int:
    for backend in backends:
        backend.add_bulk(ArticlePage, pages)
    return len(pages)
