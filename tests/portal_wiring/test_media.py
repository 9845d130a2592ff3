"""The embedded set-up serves uploads itself, with DEBUG off too, but never document files."""

import importlib

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import clear_url_caches, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_served(settings, tmp_path):
    from tests.portal_wiring import media_urls

    settings.PORTAL_SERVE_MEDIA = True
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    importlib.reload(media_urls)
    settings.ROOT_URLCONF = "tests.portal_wiring.media_urls"
    clear_url_caches()
    yield tmp_path
    clear_url_caches()


def test_uploads_are_served_without_debug_but_document_files_are_not(client, media_served):
    """The demo runs without DEBUG (Chinese error pages, not Django's English ones): Django's
    static() serves nothing then, and imported images were 404s."""
    (media_served / "original_images").mkdir()
    (media_served / "original_images" / "photo.png").write_bytes(b"png")
    response = client.get("/media/original_images/photo.png")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"png"
    response.close()
    (media_served / "documents").mkdir()
    (media_served / "documents" / "secret.pdf").write_bytes(b"pdf")
    for path in ["documents/secret.pdf", "/documents/secret.pdf", "x/../documents/secret.pdf"]:
        request = RequestFactory().get("/media/" + path)
        with pytest.raises(Http404):  # the portal's 404 page
            resolve("/media/" + path).func(request, **resolve("/media/" + path).kwargs)
