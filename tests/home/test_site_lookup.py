"""The request's site from the process's table (home.sites): the answer Wagtail gives, no query
per request, and a change of the sites seen at once."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from home import sites

# Committed data: the table is filled only outside a transaction (the tree Wagtail's
# migrations make is restored after each test).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def site_queries(client, host: str, path: str = "/search/suggest/?q=dj") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, HTTP_HOST=host).status_code == 200
    return sum('FROM "wagtailcore_site"' in q["sql"] for q in queries.captured_queries)


def test_the_site_is_read_once_per_hostname_then_taken_from_the_table(client, portal):
    assert site_queries(client, "school.test") >= 1
    assert site_queries(client, "school.test") == 0
    assert site_queries(client, "national.test") >= 1  # another hostname: asked once
    assert site_queries(client, "national.test") == 0
    assert sites.site_for_hostname("school.test", 80) == portal.institution
    assert sites.site_for_hostname("national.test", 80) == portal.national
    # Wagtail's rules: an unknown hostname is served the default site
    assert sites.site_for_hostname("elsewhere.example", 80) == portal.national


def test_a_site_saved_is_seen_by_the_next_request(client, portal):
    assert sites.site_for_hostname("school.test", 80) == portal.institution
    portal.institution.hostname = "college.test"
    portal.institution.save()
    assert sites.site_for_hostname("school.test", 80) == portal.national  # the default now
    assert sites.site_for_hostname("college.test", 80) == portal.institution
    portal.institution.delete()
    assert sites.site_for_hostname("college.test", 80) == portal.national


def test_a_root_page_saved_is_seen_by_the_next_request(client, portal):
    assert sites.site_for_hostname("school.test", 80).root_page.title == "嘉兴职业技术学院"
    home = portal.institution.root_page.specific
    home.title = "嘉兴职业技术学院（新）"
    home.save_revision().publish()
    assert sites.site_for_hostname("school.test", 80).root_page.title == "嘉兴职业技术学院（新）"


def test_another_process_change_is_seen_through_the_shared_generation(client, portal):
    assert sites.site_for_hostname("school.test", 80) == portal.institution
    # A change this process's signals do not see (another process's, or update()):
    Site.objects.filter(pk=portal.institution.pk).update(hostname="college.test")
    assert sites.site_for_hostname("school.test", 80) == portal.institution  # the table's
    cache.set(sites.GENERATION_KEY, "another-process-changed-the-sites")
    assert sites.site_for_hostname("school.test", 80) == portal.national
    assert sites.site_for_hostname("college.test", 80).pk == portal.institution.pk


def test_what_a_rolled_back_transaction_read_is_not_kept(client, portal):
    assert sites.site_for_hostname("new.test", 80) == portal.national
    with pytest.raises(RuntimeError), transaction.atomic():
        added = Site.objects.create(hostname="new.test", root_page=portal.national.root_page)
        assert sites.site_for_hostname("new.test", 80) == added
        raise RuntimeError("rolled back")
    assert sites.site_for_hostname("new.test", 80) == portal.national


def test_without_the_cache_every_request_asks_the_database(client, portal, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    assert site_queries(client, "school.test") >= 1
    assert site_queries(client, "school.test") >= 1
    assert "浙ICP备00000002号" in client.get("/", HTTP_HOST="school.test").content.decode()


def test_a_change_is_announced_to_the_other_processes_once_committed(client, portal):
    sites.site_for_hostname("school.test", 80)
    before = cache.get(sites.GENERATION_KEY)
    assert before
    with transaction.atomic():
        portal.institution.site_name = "嘉兴职院"
        portal.institution.save()
        # not yet: another process would read the sites as they were and keep them
        assert cache.get(sites.GENERATION_KEY) == before
    assert cache.get(sites.GENERATION_KEY) not in (before, None)


def test_deleting_rows_of_other_models_stays_one_statement(portal):
    """A post_delete receiver for every model would make Django load each row a delete()
    removes, to signal it; only pages are watched."""
    from search.models import PendingIndexUpdate

    PendingIndexUpdate.objects.bulk_create(
        PendingIndexUpdate(app_label="articles", model_name="articlepage", object_pk=str(n))
        for n in range(5)
    )
    with CaptureQueriesContext(connection) as queries:
        PendingIndexUpdate.objects.all().delete()
    verbs = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [v for v in verbs if v in ("SELECT", "DELETE")] == ["DELETE"], verbs


def test_each_request_has_the_site_and_root_page_to_itself(client, portal):
    """The table's objects are shared by every request and thread of the process; what one
    request caches or sets on its site or root page (the home page it serves) is its own."""
    site_queries(client, "school.test")  # the table (and Wagtail's cached site roots) filled
    first = sites.site_for_hostname("school.test", 80)
    assert first.root_page.specific.title == "嘉兴职业技术学院"  # cached on this copy
    first.root_page.title = "仅此请求"
    first.site_name = "仅此请求"
    second = sites.site_for_hostname("school.test", 80)
    assert second.root_page is not first.root_page
    assert "specific" not in second.root_page.__dict__
    assert (second.site_name, second.root_page.title) == ("嘉兴职业技术学院", "嘉兴职业技术学院")
    assert site_queries(client, "school.test") == 0  # still from the table
