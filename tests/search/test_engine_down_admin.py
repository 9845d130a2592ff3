"""An unreachable or hanging OpenSearch: editors' searches are answered from the database
backend, publishing and reader searches wait a bounded time, missed updates are recorded.

No engine is needed: a port nothing listens on (refused), or a local socket that accepts
connections and never answers (hanging). The timeouts are the project's own
(settings.PORTAL_SEARCH_ENGINE_OPTIONS); the time bounds are generous, the point is that
they hold, not how fast things are.
"""

import copy
import json
import logging
import socket
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from search.backends import opensearch as opensearch_backend
from search.models import PendingIndexUpdate
from tests.factories import ArticlePageFactory, PublishingAccountFactory

pytestmark = pytest.mark.django_db
DATABASE = {"BACKEND": "search.backends.database", "AUTO_UPDATE": True}
FALLBACK_NOTICE = "搜索引擎暂时不可用"
# Seconds a publish or a search may take on a hanging engine: the project's timeouts need
# 2-3 s (plus the work itself), modelsearch's defaults 10 s or more.
BOUND = 8


def forget_failures():
    opensearch_backend._unreachable_until.clear()


def engine_at(settings, url: str) -> dict:
    """The portal's OpenSearch backend with production's timeouts and retries, at url,
    with the database backend beside it (as portal.settings.base configures them)."""
    return {
        "default": {
            "BACKEND": "search.backends.opensearch",
            "URLS": [url],
            "INDEX_PREFIX": "portal_down_",
            "AUTO_UPDATE": True,
            **copy.deepcopy(settings.PORTAL_SEARCH_ENGINE_OPTIONS),
        },
        "database": DATABASE,
    }


@pytest.fixture
def content(settings, portal):
    """An article, an image, a document and a 育人号, indexed while everything was up."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": DATABASE}
    article = ArticlePageFactory(parent=portal.national_section, title="红船精神进校园", body=[])
    image = Image.objects.create(title="红船纪念馆照片", file=get_test_image_file())
    # The listing's thumbnail, made beforehand: generating a rendition in a test leaves a
    # SpooledTemporaryFile to the garbage collector (a ResourceWarning, an error here).
    image.renditions.create(
        filter_spec="max-165x165",
        focal_point_key="",
        file=get_test_image_file(filename="thumbnail.png"),
        width=image.width,
        height=image.height,
    )
    Document.objects.create(title="红船精神学习材料", file=ContentFile(b"text", name="study.txt"))
    PublishingAccountFactory(name="红船育人号")
    return article


@pytest.fixture
def editor(client):
    client.force_login(get_user_model().objects.create_superuser(username="ed", password="x"))
    return client


ADMIN_SEARCHES = [
    # (what, url, what the results must show)
    ("page search", "/admin/pages/search/?q=红船", "红船精神进校园"),
    ("page chooser", reverse("wagtailadmin_choose_page_search") + "?q=红船", "红船精神进校园"),
    ("images", "/admin/images/?q=红船", "红船纪念馆照片"),
    ("documents", "/admin/documents/?q=红船", "红船精神学习材料"),
    ("snippets", "/admin/snippets/articles/publishingaccount/?q=红船", "红船育人号"),
]


def shown(response) -> str:
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):  # a chooser's modal step
        text = json.loads(text)["html"]
    return text


def test_admin_searches_answer_from_the_database_when_the_engine_is_refused(
    editor, settings, content, caplog
):
    settings.WAGTAILSEARCH_BACKENDS = engine_at(settings, "http://127.0.0.1:9")  # discard port
    caplog.set_level(logging.WARNING, logger="search.backends.opensearch")
    for what, url, expected in ADMIN_SEARCHES:
        forget_failures()  # each view asks the engine first, finds it down, falls back
        response = editor.get(url)
        assert response.status_code == 200, what
        assert expected in shown(response), what
    assert "search engine unreachable" in caplog.text
    # Once the engine has failed, searches go straight to the database for a while.
    caplog.clear()
    response = editor.get("/admin/pages/search/?q=红船")
    assert response.status_code == 200 and "红船精神进校园" in shown(response)
    assert "search engine unreachable" not in caplog.text


def test_the_engine_is_asked_again_once_it_answers(editor, settings, content, monkeypatch):
    """A replay that gets through ends the wait: searches go back to the engine at once."""
    settings.WAGTAILSEARCH_BACKENDS = engine_at(settings, "http://127.0.0.1:9")
    assert editor.get("/admin/pages/search/?q=红船").status_code == 200
    backend = opensearch_backend.ChineseOpenSearchBackend(
        copy.deepcopy(settings.WAGTAILSEARCH_BACKENDS["default"])
    )
    assert backend.engine_marked_down()
    # The engine's answers, simulated: its index is there and takes the document.
    monkeypatch.setattr(opensearch_backend.OpenSearch3SearchBackend, "add", lambda self, obj: None)
    monkeypatch.setattr(backend, "prepare_index", lambda model: None)
    backend.add(content, _replaying=True)
    assert not backend.engine_marked_down()


class HangingEngine:
    """Accepts connections and never answers: an engine stuck in a pause, a dead proxy."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.server.settimeout(0.1)
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections.append(conn)  # held open, never read from or answered

    def requests_so_far(self) -> int:
        time.sleep(0.3)  # let the accept loop catch up
        return len(self.connections)

    def close(self):
        self._stop.set()
        self._thread.join()
        for conn in self.connections:
            conn.close()
        self.server.close()


@pytest.fixture
def hanging_engine():
    engine = HangingEngine()
    yield engine
    engine.close()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_hanging_engine_holds_up_publishing_and_searches_a_bounded_time(
    client, editor, settings, content, hanging_engine
):
    options = settings.PORTAL_SEARCH_ENGINE_OPTIONS
    assert options["INDEX_TIMEOUT"] <= 3 and options["SEARCH_TIMEOUT"] <= 5
    assert options["OPTIONS"]["retry_on_timeout"] is False
    settings.WAGTAILSEARCH_BACKENDS = engine_at(settings, hanging_engine.url)
    article = content

    # Publishing: one index request waits out INDEX_TIMEOUT, the rest of the publish goes
    # straight to the outbox (modelsearch's defaults waited 10 s per request: 20-30 s).
    article.title = "红船精神进校园（修订）"
    _, took = timed(lambda: article.save_revision().publish())
    assert took < BOUND, f"publishing waited {took:.1f} s on a hanging engine"
    assert PendingIndexUpdate.objects.filter(object_pk=str(article.pk), action="update").exists()
    assert hanging_engine.requests_so_far() == 1  # no retry of a timeout, no second wait

    # A reader's search: one SEARCH_TIMEOUT, then the database answers, with the notice.
    forget_failures()
    response, took = timed(
        lambda: client.get("/search/api/", {"q": "红船"}, HTTP_HOST="national.test")
    )
    assert took < BOUND, f"a reader's search waited {took:.1f} s on a hanging engine"
    body = json.loads(response.content)
    assert response.status_code == 200
    assert [r["title"] for r in body["results"]] == ["红船精神进校园（修订）"]
    assert FALLBACK_NOTICE in body["notice"]
    assert hanging_engine.requests_so_far() == 2  # both tiers and counts: one request

    # An editor's search: the same single wait.
    forget_failures()
    response, took = timed(lambda: editor.get("/admin/pages/search/?q=红船"))
    assert took < BOUND, f"the admin's page search waited {took:.1f} s on a hanging engine"
    assert response.status_code == 200 and "红船精神进校园" in shown(response)
    assert hanging_engine.requests_so_far() == 3

    # While the engine is known to be down, neither publishing nor searching asks it.
    article.save_revision().publish()
    response = client.get("/search/", {"q": "红船"}, HTTP_HOST="national.test")
    assert FALLBACK_NOTICE in response.content.decode()
    assert hanging_engine.requests_so_far() == 3


def test_publishing_on_a_refused_engine_logs_one_line_not_tracebacks(settings, portal, caplog):
    settings.WAGTAILSEARCH_BACKENDS = engine_at(settings, "http://127.0.0.1:9")
    with caplog.at_level(logging.WARNING):
        article = ArticlePageFactory(parent=portal.national_section, title="引擎停机时发布")
    assert PendingIndexUpdate.objects.filter(object_pk=str(article.pk)).exists()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings, "the outage is still logged"
    # Before: opensearch-py's and modelsearch's full tracebacks for every save.
    assert [r.name for r in warnings if r.exc_info] == []
    assert not [r for r in warnings if r.name.startswith("modelsearch")]
