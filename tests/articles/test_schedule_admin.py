"""The operators' 定时发布 view: every upcoming publication and expiry, reschedule, cancel."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.utils import timezone
from wagtail.models import Revision

from tests.articles.test_scheduling import schedule
from tests.factories import ArticlePageFactory, site_editor

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_superuser(
        username="op", password="x", last_name="赵", first_name="运维"
    )
    client.force_login(user)
    return user


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_lists_publications_and_expiries_across_sites_in_beijing_time(client, operator, portal):
    at = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    article, revision = schedule(portal.national_section, at, title="定时要闻")
    live = ArticlePageFactory(parent=portal.institution_section, title="限时通知")
    live.expire_at = at + timedelta(hours=1)
    live.save_revision(user=operator).publish(user=operator)

    page = BeautifulSoup(client.get("/admin/schedule/").content, "html.parser")
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")[:5]]
        for tr in page.select("tbody tr")
    ]

    def shown(t):
        return t.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")

    assert rows == [
        [shown(at), "定时发布", "定时要闻", portal.national.site_name, "—"],
        [
            shown(at + timedelta(hours=1)),
            "定时下线",
            "限时通知",
            portal.institution.site_name,
            "赵运维",
        ],
    ]


def test_an_editor_in_another_time_zone_still_sees_and_sets_beijing_time(client, operator, portal):
    """Saving the 定时发布 form unchanged moved a publication 8 hours for an editor whose
    profile said UTC: the form showed UTC and was read as Beijing time."""
    from django.conf import settings

    at = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    article, revision = schedule(portal.national_section, at)
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(operator)
    profile.current_time_zone = "UTC"  # chosen before the zones were pinned
    profile.save()
    assert settings.WAGTAIL_USER_TIME_ZONES == ["Asia/Shanghai"]  # no choice offered now
    page = BeautifulSoup(client.get("/admin/schedule/").content, "html.parser")
    beijing = at.astimezone(SHANGHAI)
    assert page.select_one("tbody td time").get_text() == beijing.strftime("%Y-%m-%d %H:%M:%S")
    value = page.select_one("input[name=when]")["value"]
    assert value == beijing.strftime("%Y-%m-%dT%H:%M:%S")
    client.post(f"/admin/schedule/publish/{revision.pk}/", {"when": value})  # 改期, unchanged
    revision.refresh_from_db()
    assert revision.approved_go_live_at == at


def test_a_time_zone_chosen_before_is_cleared_by_the_migration():
    import importlib

    from django.apps import apps
    from django.contrib.auth import get_user_model
    from wagtail.users.models import UserProfile

    user = get_user_model().objects.create_user(username="utc-editor", password="x")
    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = "UTC"
    profile.save()
    migration = importlib.import_module("articles.migrations.0008_beijing_time_for_every_editor")
    migration.clear_time_zones(apps, None)
    profile.refresh_from_db()
    assert profile.current_time_zone == ""


def test_the_browser_tab_names_the_view(client, operator):
    """It was " - 门户管理后台": Wagtail's title block reads header_title, not page_title."""
    html = client.get("/admin/schedule/").content.decode()
    assert "<title>定时发布 - 门户管理后台</title>" in html


def test_reschedule_and_cancel(client, operator, portal):
    article, revision = schedule(portal.national_section, timezone.now() + timedelta(hours=3))
    url = f"/admin/schedule/publish/{revision.pk}/"
    new = (timezone.now() + timedelta(days=1)).astimezone(SHANGHAI).replace(microsecond=0)
    response = client.post(url, {"when": new.strftime("%Y-%m-%dT%H:%M:%S")})
    assert response.status_code == 302
    assert "将于" in messages_of(response)[0]
    revision.refresh_from_db()
    assert revision.approved_go_live_at == new
    response = client.post(url, {"cancel": "1"})
    assert "已取消" in messages_of(response)[-1]
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()


@pytest.mark.parametrize(
    "when, message",
    [
        ("2020-01-01T08:00", "发布时间必须晚于当前时间"),
        ("明天早上", "时间格式不正确"),
        ("", "时间格式不正确"),
        ("9999-12-31T23:59:59-12:00", "不能晚于十年之后"),  # was a 500 (date out of range)
        ("0001-01-01T00:00:00+14:00", "时间超出范围"),  # before year 1 in UTC
        ("2027-06-01T08:00:00+23:00", "时区偏移超出 ±14:00"),  # a typo, as the importer says
    ],
)
def test_bad_times_are_refused_with_a_clear_message(client, operator, portal, when, message):
    article, revision = schedule(portal.national_section, timezone.now() + timedelta(hours=3))
    before = revision.approved_go_live_at
    response = client.post(f"/admin/schedule/publish/{revision.pk}/", {"when": when})
    assert response.status_code == 302
    assert message in messages_of(response)[0]
    revision.refresh_from_db()
    assert revision.approved_go_live_at == before  # nothing changed


def test_ten_years_ahead_is_ten_calendar_years(client, operator, portal):
    """10 × 366 days let a week past ten years through, though the message says 十年."""
    article, revision = schedule(portal.national_section, timezone.now() + timedelta(hours=3))
    now = timezone.localtime().replace(microsecond=0)
    ten_years = now.replace(year=now.year + 10, day=min(now.day, 28))
    url = f"/admin/schedule/publish/{revision.pk}/"
    late = (ten_years + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")
    assert "不能晚于十年之后" in messages_of(client.post(url, {"when": late}))[0]
    inside = (ten_years - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")
    assert "将于" in messages_of(client.post(url, {"when": inside}))[-1]


def test_a_time_with_any_utc_offset_is_stored(client, operator, portal):
    article, revision = schedule(portal.national_section, timezone.now() + timedelta(hours=3))
    later = (timezone.now() + timedelta(days=2)).astimezone(UTC).replace(microsecond=0)
    # -12:00, the furthest west a real place is (-23:59 was a 500 on PostgreSQL; now refused).
    typed = (later - timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%S-12:00")
    response = client.post(f"/admin/schedule/publish/{revision.pk}/", {"when": typed})
    assert response.status_code == 302 and "将于" in messages_of(response)[0]
    revision.refresh_from_db()
    assert revision.approved_go_live_at == later


def test_expiry_before_go_live_is_refused(client, operator, portal):
    now = timezone.now()
    article, revision = schedule(
        portal.national_section, now + timedelta(hours=3), expire_at=now + timedelta(hours=5)
    )
    later = (now + timedelta(hours=6)).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.post(f"/admin/schedule/publish/{revision.pk}/", {"when": later})
    assert "下线时间必须晚于发布时间" in messages_of(response)[0]


def test_reviewers_without_publish_rights_cannot_change_schedules(client, portal):
    from django.contrib.auth.models import Group

    from articles.workflow import ensure_review_workflow

    ensure_review_workflow([portal.national.root_page])
    user = get_user_model().objects.create_user(username="first", password="x")
    user.groups.add(Group.objects.get(name="初审编辑"))
    client.force_login(user)
    article, revision = schedule(portal.national_section, timezone.now() + timedelta(hours=3))
    page = client.get("/admin/schedule/").content.decode()
    assert "无权限" in page
    response = client.post(f"/admin/schedule/publish/{revision.pk}/", {"cancel": "1"})
    assert "没有发布" in messages_of(response)[0]
    assert Revision.objects.filter(approved_go_live_at__isnull=False).exists()


def test_another_sites_editor_does_not_see_its_embargoed_titles(client, portal):
    pages = ("add_page", "change_page", "publish_page")
    client.force_login(site_editor(portal.institution, pages))
    at = timezone.now() + timedelta(hours=3)
    _, revision = schedule(portal.national_section, at, title="全国站未公开的定时稿")
    schedule(portal.institution_section, at, title="本校的定时稿")
    page = client.get("/admin/schedule/").content.decode()
    assert "本校的定时稿" in page
    assert "全国站未公开的定时稿" not in page
    # Nor by trying ids on the change endpoint.
    response = client.post(f"/admin/schedule/publish/{revision.pk}/", {"cancel": "1"}, follow=True)
    text = response.content.decode()
    assert "没有发布该页面的权限" in text and "全国站未公开的定时稿" not in text


def test_cancelling_an_expiry_that_is_not_set_says_so(client, operator, portal):
    article = ArticlePageFactory(parent=portal.national_section, title="普通文章")
    response = client.post(f"/admin/schedule/expire/{article.pk}/", {"cancel": "1"})
    assert "没有定时下线，无需取消" in messages_of(response)[0]


def test_an_editor_sees_their_own_items_however_many_other_sites_have(
    client, operator, portal, monkeypatch
):
    """The portal's list was cut (at 500) before each row was checked against the editor's
    permissions: a university's items sorting after 500 others' were never shown to them."""
    from articles import admin_views

    monkeypatch.setattr(admin_views, "SCHEDULE_PAGE_SIZE", 2)
    soon = timezone.now() + timedelta(hours=1)
    for n in range(3):
        schedule(portal.national_section, soon + timedelta(minutes=n), title=f"全国定时稿{n}")
    schedule(portal.institution_section, soon + timedelta(hours=5), title="本校的定时稿")

    def titles(response):
        page = BeautifulSoup(response.content, "html.parser")
        return [tr.select("td")[2].get_text(strip=True) for tr in page.select("tbody tr")]

    first = client.get("/admin/schedule/")
    assert titles(first) == ["全国定时稿0", "全国定时稿1"]
    assert "共 4 项，第 1 / 2 页" in first.content.decode()
    assert titles(client.get("/admin/schedule/?p=2")) == ["全国定时稿2", "本校的定时稿"]
    assert titles(client.get("/admin/schedule/?p=99")) == ["全国定时稿2", "本校的定时稿"]
    assert titles(client.get("/admin/schedule/?p=x")) == ["全国定时稿0", "全国定时稿1"]
    pages = ("add_page", "change_page", "publish_page")
    client.force_login(site_editor(portal.institution, pages))
    assert titles(client.get("/admin/schedule/")) == ["本校的定时稿"]


def test_the_schedule_takes_as_many_queries_for_many_rows_as_for_one(client, operator, portal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    soon = timezone.now() + timedelta(hours=1)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/schedule/").status_code == 200
        return len(captured)

    schedule(portal.national_section, soon, title="一篇")
    live = ArticlePageFactory(parent=portal.institution_section, expire_at=soon)
    live.save_revision(user=operator).publish(user=operator)
    queries()  # the first request fills caches (site roots)
    one = queries()
    for n in range(5):
        schedule(portal.institution_section, soon + timedelta(minutes=n), title=f"又一篇{n}")
        live = ArticlePageFactory(parent=portal.national_section, expire_at=soon)
        live.save_revision(user=operator).publish(user=operator)
    assert queries() == one


def test_items_past_their_time_are_marked_overdue(client, operator, portal):
    """A stopped worker left scheduled items undone, listed as if nothing were wrong."""
    soon = timezone.now() + timedelta(hours=1)
    _, stuck = schedule(portal.national_section, soon, title="逾期的定时稿")
    schedule(portal.national_section, soon, title="按时的定时稿")
    Revision.objects.filter(pk=stuck.pk).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=5)
    )
    page = BeautifulSoup(client.get("/admin/schedule/").content, "html.parser")
    marked = {
        tr.select("td")[2].get_text(strip=True): bool(tr.select_one(".overdue"))
        for tr in page.select("tbody tr")
    }
    assert marked == {"逾期的定时稿": True, "按时的定时稿": False}
    assert "有 1 项已过执行时间仍未执行" in page.select_one("[role=alert]").get_text()


def test_says_why_a_scheduled_publication_failed(client, operator, portal):
    from articles.models import SectionPage
    from articles.tasks import publish_scheduled_pages
    from tests.articles.test_scheduling import slug_taken_meanwhile

    section = SectionPage(title="要闻", slug="要闻")  # its address is percent-encoded
    portal.national.root_page.add_child(instance=section)
    article, revision = slug_taken_meanwhile(section)
    publish_scheduled_pages()
    page = BeautifulSoup(client.get("/admin/schedule/").content, "html.parser")
    row = next(tr for tr in page.select("tbody tr") if "改名文章" in tr.get_text())
    assert "发布失败" in row.get_text() and "new-slug" in row.get_text()
    assert "%E" not in row.get_text()  # the parent's address as readers see it
    alert = page.select_one("[role=alert]").get_text()
    assert "1 项执行失败" in alert and "Celery" not in alert  # not the worker: the page


def test_a_failure_is_not_shown_once_the_item_is_rescheduled(client, operator, portal):
    from articles import scheduling
    from articles.tasks import publish_scheduled_pages
    from tests.articles.test_scheduling import slug_taken_meanwhile

    article, revision = slug_taken_meanwhile(portal.national_section)
    publish_scheduled_pages()
    scheduling.reschedule_publish(revision.pk, timezone.now() + timedelta(days=2))
    page = BeautifulSoup(client.get("/admin/schedule/").content, "html.parser")
    assert "发布失败" not in page.get_text() and "执行失败" not in page.get_text()
