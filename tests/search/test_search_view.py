"""The search page never fails on odd input (Chinese-aware ranking comes with the search issue)."""

import pytest

from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

ODD_QUERIES = ['"', "\\", "(", ":", "AND", "*", "a AND", '"未闭合', "x" * 2000, "😀", "，。！",
               "", "NEAR(", "^", "-", "title:x", "'", "a OR OR b"]  # fmt: skip


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_render_a_normal_page(client, portal, query):
    response = client.get("/search/", {"q": query}, HTTP_HOST="national.test")
    assert response.status_code == 200
    assert "搜索" in response.content.decode()


def test_results_come_only_from_the_requests_site(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="Wagtail national")
    ArticlePageFactory(parent=portal.institution_section, title="Wagtail school")
    html = client.get("/search/", {"q": "wagtail"}, HTTP_HOST="school.test").content.decode()
    assert "Wagtail school" in html
    assert "Wagtail national" not in html
