"""Feeds: 育人号推荐, 热门文章, 相关阅读, 推荐位, the JSON API and refreshing on a worker."""

import json
import time
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import PageViewRestriction

from articles import feeds
from articles.models import ArticleViewCount, FeaturedSlot
from articles.views_counter import view_counter
from tests.factories import ArticlePageFactory, PublishingAccountFactory, SectionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_feeds():
    cache.clear()
    view_counter.discard_pending()
    yield
    view_counter.discard_pending()


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def views(article, n, days_ago=0):
    ArticleViewCount.objects.create(
        article=article, day=timezone.localdate() - timedelta(days=days_ago), views=n
    )


def test_recommended_accounts_one_slot_each_ranked_by_engagement_freshness_and_boost(portal):
    section = portal.national_section
    busy, fresh, boosted, quiet = (PublishingAccountFactory(name=n) for n in "甲乙丙丁")
    old = ArticlePageFactory(parent=section, account=busy, display_time=ago(days=5))
    latest_busy = ArticlePageFactory(parent=section, account=busy, display_time=ago(days=4))
    views(old, 5000)
    ArticlePageFactory(parent=section, account=fresh, display_time=ago(hours=1))
    ArticlePageFactory(parent=section, account=boosted, display_time=ago(days=10))
    boosted.recommend_boost = 50
    boosted.save()
    ArticlePageFactory(parent=section, account=quiet, display_time=ago(days=20))

    result = feeds.compute_recommended(portal.national)
    names = [item["account"]["name"] for item in result]
    assert names == ["丙", "甲", "乙", "丁"]  # boost 50; log(5000)≈8.5+fresh; 10 × fresh
    assert len(set(names)) == len(names)  # one slot per account
    busy_item = result[1]
    assert busy_item["article"]["id"] == latest_busy.pk  # the account's latest article


def test_recommended_shows_only_live_public_articles_of_this_site(portal):
    account = PublishingAccountFactory(name="育人号甲")
    draft = ArticlePageFactory(parent=portal.national_section, account=account, live=False)
    private = ArticlePageFactory(parent=portal.national_section, account=account)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    ArticlePageFactory(parent=portal.institution_section, account=account, title="院校文章")
    assert feeds.compute_recommended(portal.national) == []
    ids = [i["article"]["id"] for i in feeds.compute_recommended(portal.institution)]
    assert draft.pk not in ids and private.pk not in ids and len(ids) == 1


def test_quiet_accounts_latest_articles_take_as_many_queries_for_many_as_for_one(portal):
    """Accounts with nothing this month fill the remaining slots with their latest article:
    two queries an account, of every site (808 queries, 0.66 s for 400 accounts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def quiet_account(name: str, days: int) -> ArticlePageFactory:
        account = PublishingAccountFactory(name=name)
        ArticlePageFactory(
            parent=portal.national_section, account=account, display_time=ago(days=days + 1)
        )
        return ArticlePageFactory(
            parent=portal.national_section, account=account, display_time=ago(days=days)
        )

    def queries() -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as captured:
            result = feeds.compute_recommended(portal.national)
        return [(item["account"]["name"], item["article"]["id"]) for item in result], len(captured)

    first = quiet_account("静一", 40)
    PublishingAccountFactory(name="别站号", site=portal.institution)  # nothing on this site
    queries()  # the first call fills caches (site roots)
    one, count = queries()
    assert one == [("静一", first.pk)]
    latest = {name: quiet_account(name, days).pk for name, days in [("静二", 50), ("静三", 45)]}
    for n in range(5):
        PublishingAccountFactory(name=f"空号{n}")
    many, more = queries()
    assert many == [("静一", first.pk), ("静三", latest["静三"]), ("静二", latest["静二"])]
    assert more == count


def test_hot_articles_by_time_decayed_views(portal):
    section = portal.national_section
    yesterday_hit = ArticlePageFactory(parent=section, title="昨日热点")
    steady = ArticlePageFactory(parent=section, title="持续关注")
    old_hit = ArticlePageFactory(parent=section, title="旧闻")
    views(yesterday_hit, 100, days_ago=1)
    views(steady, 60, days_ago=0)
    views(old_hit, 300, days_ago=12)  # 300 × 0.5^4 ≈ 19
    assert [i["title"] for i in feeds.compute_hot(portal.national)] == [
        "昨日热点",
        "持续关注",
        "旧闻",
    ]


def test_page_views_are_counted_in_batches_not_per_request(client, portal):
    article = ArticlePageFactory(parent=portal.national_section)
    for reader in ["10.0.0.1", "10.0.0.2", "10.0.0.3"]:
        response = client.get(article.url, HTTP_HOST="national.test", REMOTE_ADDR=reader)
        assert response.status_code == 200
    assert not ArticleViewCount.objects.exists()  # nothing written per view
    view_counter.flush()
    assert ArticleViewCount.objects.get(article=article, day=date.today()).views == 3


def test_a_readers_repeated_views_count_once_a_day(client, portal):
    """One client reloading an article (520 HEADs in 19 s) put it at the top of every page's
    热门文章: each request counted."""
    article = ArticlePageFactory(parent=portal.national_section)
    other = ArticlePageFactory(parent=portal.national_section)
    for _ in range(5):
        client.get(article.url, HTTP_HOST="national.test", REMOTE_ADDR="10.0.0.9")
        client.head(article.url, HTTP_HOST="national.test", REMOTE_ADDR="10.0.0.8")
    client.get(other.url, HTTP_HOST="national.test", REMOTE_ADDR="10.0.0.9")
    client.get(article.url, HTTP_HOST="national.test", REMOTE_ADDR="10.0.0.7")
    view_counter.flush()
    counts = dict(ArticleViewCount.objects.values_list("article_id", "views"))
    assert counts == {article.pk: 2, other.pk: 1}


def test_related_articles_share_words_and_stay_on_the_site(portal):
    section = portal.national_section
    article = ArticlePageFactory(parent=section, title="红船精神进校园", body=[])
    ArticlePageFactory(parent=section, title="弘扬红船精神", body=[])
    ArticlePageFactory(parent=section, title="校园运动会", body=[])
    ArticlePageFactory(parent=portal.institution_section, title="红船精神研讨", body=[])
    titles = [i["title"] for i in feeds.compute_related(article, portal.national)]
    assert titles[0] == "弘扬红船精神"
    assert "红船精神研讨" not in titles and "红船精神进校园" not in titles


def test_a_withdrawn_article_leaves_the_cached_feeds_at_once(
    portal, django_capture_on_commit_callbacks
):
    """相关阅读 is cached for 15 minutes: an article unpublished (撤稿), deleted, made private
    or moved under a private 栏目 is gone from it at once, with no worker."""
    section = portal.national_section
    reading = ArticlePageFactory(parent=section, title="红船精神进校园", body=[])
    withdrawn = ArticlePageFactory(parent=section, title="弘扬红船精神", body=[])
    deleted = ArticlePageFactory(parent=section, title="红船精神宣讲", body=[])
    mover = ArticlePageFactory(parent=section, title="红船精神宣讲团", body=[])
    closed = SectionPageFactory(parent=portal.national.root_page, slug="closed")
    private = ArticlePageFactory(parent=closed, title="红船精神研讨会", body=[])

    def related():
        return {item["title"] for item in feeds.related(reading, portal.national)}

    assert related() == {withdrawn.title, deleted.title, mover.title, private.title}  # cached
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn.unpublish()
    assert related() == {deleted.title, mover.title, private.title}
    with django_capture_on_commit_callbacks(execute=True):
        deleted.delete()
    assert related() == {mover.title, private.title}
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=closed, restriction_type="login")
    assert related() == {mover.title}
    with django_capture_on_commit_callbacks(execute=True):
        mover.move(closed, pos="last-child")  # into the private 栏目
    assert related() == set()


def test_a_generation_never_comes_back_after_its_key_is_evicted(portal):
    """The file cache drops entries at random when full: a counter restarted from nothing
    would bring back lists cached under its earlier values."""
    seen = [feeds.generation()]
    for _ in range(3):
        feeds.withdrawn()
        seen.append(feeds.generation())
        cache.delete(feeds.GENERATION_KEY)  # evicted
        seen.append(feeds.generation())
    assert len(set(seen)) == len(seen)


def test_editor_slots_override_the_featured_flag_and_respect_their_window(client, portal):
    section = portal.national_section
    flagged = ArticlePageFactory(parent=section, title="系统推荐", is_featured=True)
    picked = ArticlePageFactory(parent=section, title="编辑头条")
    FeaturedSlot.objects.create(page=section, article=picked, position="headline")
    FeaturedSlot.objects.create(
        page=section, article=flagged, position="carousel", ends_at=ago(minutes=1)
    )
    blocks = feeds.section_blocks_for_home(portal.national.root_page, per_section=6)
    block = next(b for b in blocks if b.section.pk == section.pk)
    assert block.featured.pk == picked.pk
    assert feeds.slots_for(section)["carousel"] == []  # its window has ended
    page = BeautifulSoup(client.get(section.url, HTTP_HOST="national.test").content, "html.parser")
    assert page.select_one(".slot-headline a").get_text() == "编辑头条"
    # The same article picked twice for one position (a double click, overlapping windows)
    # is shown once.
    FeaturedSlot.objects.create(page=section, article=picked, position="headline", sort_order=5)
    assert [a.pk for a in feeds.slots_for(section)["headline"]] == [picked.pk]


def test_slots_show_only_public_articles_of_the_pages_own_site(client, portal):
    from django.core.exceptions import ValidationError

    school_section = portal.institution_section
    national_article = ArticlePageFactory(parent=portal.national_section, title="全国站文章")
    slot = FeaturedSlot(page=school_section, article=national_article, position="headline")
    with pytest.raises(ValidationError, match="只能推荐本站的文章"):
        slot.full_clean()
    slot.save()  # made before the check, or by a script: still not shown on the other site
    private = SectionPageFactory(parent=portal.national.root_page, slug="internal")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    inside = ArticlePageFactory(parent=private, title="内部文章")  # public itself, not its 栏目
    FeaturedSlot.objects.create(page=portal.national.root_page, article=inside, position="carousel")
    assert feeds.slots_for(school_section)["headline"] == []
    assert feeds.slots_for(portal.national.root_page)["carousel"] == []
    blocks = feeds.section_blocks_for_home(portal.institution.root_page, per_section=6)
    assert all(b.featured is None or b.featured.pk != national_article.pk for b in blocks)
    home = client.get("/", HTTP_HOST="school.test").content.decode()
    assert "全国站文章" not in home
    api = client.get(f"/api/feeds/slots/{portal.national.root_page.pk}/", HTTP_HOST="national.test")
    assert "内部文章" not in api.content.decode()
    FeaturedSlot.objects.create(page=school_section, article=ArticlePageFactory(
        parent=school_section, title="本校头条"), position="headline")  # fmt: skip
    assert [a.title for a in feeds.slots_for(school_section)["headline"]] == ["本校头条"]


def test_home_lists_each_sections_own_articles_pinned_first_then_newest(portal):
    home = portal.national.root_page
    news = portal.national_section
    theory = SectionPageFactory(parent=home, title="理论", slug="theory")
    deep = SectionPageFactory(parent=SectionPageFactory(parent=theory, slug="t1"), slug="t2")
    for days, title in [(1, "要闻1"), (3, "要闻3"), (2, "要闻2"), (4, "要闻4")]:
        ArticlePageFactory(parent=news, title=title, display_time=ago(days=days))
    ArticlePageFactory(parent=news, title="置顶旧文", is_pinned=True, display_time=ago(days=9))
    ArticlePageFactory(parent=news, title="推荐旧文", is_featured=True, display_time=ago(days=8))
    ArticlePageFactory(parent=deep, title="理论新文", display_time=ago(days=5))
    ArticlePageFactory(parent=theory, title="理论旧文", display_time=ago(days=6))
    ArticlePageFactory(parent=portal.institution_section, title="院校文章")

    blocks = feeds.section_blocks_for_home(home, per_section=3)
    assert [b.section.title for b in blocks] == ["要闻", "理论"]
    assert blocks[0].featured.title == "推荐旧文"
    assert [a.title for a in blocks[0].latest] == ["置顶旧文", "要闻1", "要闻2"]
    assert blocks[1].featured is None
    assert [a.title for a in blocks[1].latest] == ["理论新文", "理论旧文"]


def test_home_lists_only_the_sections_shown_in_the_menu(client, portal):
    """An import creates its 栏目 off the menu (a corpus may bring dozens); the home page left
    them in, a block for each, where the menu did not."""
    home = portal.national.root_page
    hidden = SectionPageFactory(parent=home, title="导入栏目", slug="imported", show_in_menus=False)
    ArticlePageFactory(parent=hidden, title="导入的文章")
    ArticlePageFactory(parent=portal.national_section, title="要闻文章")

    blocks = feeds.section_blocks_for_home(home, per_section=6)
    assert [b.section.title for b in blocks] == [portal.national_section.title]
    page = client.get("/", HTTP_HOST="national.test").content.decode()
    assert "要闻文章" in page and "导入栏目" not in page and "导入的文章" not in page


def test_home_section_lists_take_as_many_queries_for_many_sections_as_for_one(portal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    home = portal.national.root_page
    ArticlePageFactory(parent=portal.national_section, is_featured=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            feeds.section_blocks_for_home(home, per_section=6)
        return len(captured)

    one = queries()
    for n in range(5):
        section = SectionPageFactory(parent=home, slug=f"s{n}")
        ArticlePageFactory(parent=section, is_featured=True)
        ArticlePageFactory(parent=section)
    assert len(feeds.section_blocks_for_home(home, per_section=6)) == 6
    assert queries() == one


def test_feed_api_json(client, portal):
    account = PublishingAccountFactory(slug="jx", name="嘉职育人号")
    article = ArticlePageFactory(parent=portal.national_section, account=account, title="新文章")
    body = json.loads(client.get("/api/feeds/accounts/jx/", HTTP_HOST="national.test").content)
    assert body["account"]["name"] == "嘉职育人号"
    assert [a["id"] for a in body["articles"]] == [article.pk]
    rec = json.loads(client.get("/api/feeds/recommended/", HTTP_HOST="national.test").content)
    assert rec["results"][0]["article"]["title"] == "新文章"
    missing = client.get("/api/feeds/accounts/nope/", HTTP_HOST="national.test")
    assert missing.status_code == 404 and "育人号不存在" in missing.content.decode()
    other_site = client.get(f"/api/feeds/related/{article.pk}/", HTTP_HOST="school.test")
    assert other_site.status_code == 404


def test_account_feed_api_shows_the_requests_site_as_the_account_page_does(client, portal):
    school = PublishingAccountFactory(slug="school", name="院校号", site=portal.institution)
    at_school = ArticlePageFactory(parent=portal.institution_section, account=school, title="校内")
    on_national = ArticlePageFactory(parent=portal.national_section, account=school, title="全国")

    def feed(host):
        response = client.get("/api/feeds/accounts/school/", HTTP_HOST=host)
        page = client.get("/yurenhao/school/", HTTP_HOST=host)
        assert response.status_code == page.status_code
        return json.loads(response.content)

    assert [a["id"] for a in feed("school.test")["articles"]] == [at_school.pk]
    national = feed("national.test")["articles"]
    assert [a["id"] for a in national] == [on_national.pk]
    assert national[0]["url"] == on_national.get_url(current_site=portal.national)  # relative
    # An account of another site with nothing on this one: a 404, as its page is.
    quiet = PublishingAccountFactory(slug="quiet", name="安静号", site=portal.institution)
    assert client.get("/api/feeds/accounts/quiet/", HTTP_HOST="national.test").status_code == 404
    assert client.get("/yurenhao/quiet/", HTTP_HOST="national.test").status_code == 404
    body = json.loads(client.get("/api/feeds/accounts/quiet/", HTTP_HOST="school.test").content)
    assert body["account"]["name"] == quiet.name and body["articles"] == []
    feeds.refresh_all()  # the periodic refresh keeps the sites apart too
    assert [a["id"] for a in feed("school.test")["articles"]] == [at_school.pk]
    assert [a["id"] for a in feed("national.test")["articles"]] == [on_national.pk]


def test_article_page_shows_the_recommend_block(client, portal):
    account = PublishingAccountFactory(name="嘉职育人号")
    ArticlePageFactory(parent=portal.national_section, account=account, title="育人号文章")
    article = ArticlePageFactory(parent=portal.national_section, title="正在阅读")
    page = BeautifulSoup(client.get(article.url, HTTP_HOST="national.test").content, "html.parser")
    block = page.select_one(".recommend")
    assert "育人号推荐" in block.get_text()
    assert "嘉职育人号" in block.get_text() and "育人号文章" in block.get_text()


def test_publishing_refreshes_the_account_feed_on_a_real_worker(portal, celery_worker_on_redis):
    account = PublishingAccountFactory(slug="fresh", name="新育人号")
    ArticlePageFactory(parent=portal.national_section, account=account, title="第一篇")
    national = portal.national
    assert [a["title"] for a in feeds.account_feed("fresh", national)["articles"]] == ["第一篇"]
    second = ArticlePageFactory(parent=portal.national_section, account=account, title="第二篇")
    second.save_revision().publish()  # the page_published hook sends the refresh task
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if [a["title"] for a in feeds.account_feed("fresh", national)["articles"]][:1] == [
            "第二篇"
        ]:
            break
        time.sleep(0.1)
    assert [a["title"] for a in feeds.account_feed("fresh", national)["articles"]] == [
        "第二篇",
        "第一篇",
    ]


def test_accounts_quiet_for_a_month_still_show_their_latest_article_last(portal):
    section = portal.national_section
    quiet, active = PublishingAccountFactory(name="沉寂"), PublishingAccountFactory(name="活跃")
    ArticlePageFactory(parent=section, account=quiet, display_time=ago(days=120), title="旧作")
    ArticlePageFactory(parent=section, account=quiet, display_time=ago(days=90), title="近作")
    ArticlePageFactory(parent=section, account=active, display_time=ago(days=2))
    result = feeds.compute_recommended(portal.national)
    assert [i["account"]["name"] for i in result] == ["活跃", "沉寂"]
    assert result[1]["article"]["title"] == "近作"


def test_views_of_an_article_deleted_before_the_flush_are_dropped(portal):
    gone = ArticlePageFactory(parent=portal.national_section)
    kept = ArticlePageFactory(parent=portal.national_section)
    view_counter.add(gone.pk)
    view_counter.add(kept.pk)
    gone.delete()
    view_counter.flush()
    assert list(ArticleViewCount.objects.values_list("article_id", "views")) == [(kept.pk, 1)]
