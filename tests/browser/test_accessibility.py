"""Reader pages meet WCAG 2.1 AA (the basis of GB/T 37668) with landmarks and heading order,
checked by axe-core in Chromium."""

import itertools

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from articles.models import Comment
from search.suggest import index_cache
from tests.factories import ArticlePageFactory, PublishingAccountFactory

# WCAG 2.1 A/AA rules (contrast, names, keyboard focus …) plus axe's best practices, which
# hold the landmark and heading-order rules the issue names.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(browser, axe_script, url=None) -> list[str]:
    """axe's violations on url, or on the page as it is now (url None)."""
    if url is not None:
        browser.get(url)
    browser.execute_script(axe_script)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — '"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))"
        ".catch(e => done(['axe failed: ' + e]));",
        RULE_TAGS,
    )
    return result


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_pages_have_no_wcag_21_aa_violations(
    browser, axe_script, live_site, portal, shared_dir, settings
):
    call_command("import_articles", str(shared_dir / "seed" / "seed-article.jsonl"))
    account = PublishingAccountFactory(slug="jx", name="嘉职育人号")
    article = ArticlePageFactory(
        parent=portal.national_section, title="无障碍检查文章", account=account
    )
    Comment.objects.create(article=article, content="写得好", status=Comment.APPROVED)
    settings.PORTAL_SECTION_PAGE_SIZE = 1  # a 栏目 of several pages: its page links
    for n in range(3):
        ArticlePageFactory(parent=portal.national_section, title=f"分页文章{n}")
    browser.set_page_load_timeout(60)
    browser.script_timeout = 60
    browser.set_script_timeout(60)
    pages = {
        "首页": "/",
        "栏目": portal.national_section.url_path.removeprefix(portal.national.root_page.url_path),
        "栏目第2页": portal.national_section.url_path.removeprefix(
            portal.national.root_page.url_path
        )
        + "?page=2",
        "文章": article.url_path.removeprefix(portal.national.root_page.url_path),
        "搜索": "/search/?q=党建",
        "无结果": "/search/?q=量子纠缠",
        "育人号": "/yurenhao/jx/",
    }
    problems = {}
    for name, path in pages.items():
        found = axe_violations(browser, axe_script, live_site + "/" + path.lstrip("/"))
        if found:
            problems[name] = found
    # The search box's suggestions, open, one of them active (ARIA combobox and listbox).
    index_cache.clear()
    browser.get(live_site + "/")
    box = browser.find_element(By.ID, "site-search")
    box.send_keys("djyl")
    WebDriverWait(browser, 40).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#search-suggestions [role=option]")
    )
    box.send_keys(Keys.ARROW_DOWN)
    found = axe_violations(browser, axe_script)
    if found:
        problems["搜索建议"] = found
    assert problems == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_phones_never_scroll_sideways_and_body_tables_are_reachable(
    browser, axe_script, live_site, portal
):
    """A pasted address or a long Latin word widened the page (no overflow-wrap anywhere), the
    home page's 栏目 grid needed 320 px plus margins, and a scrolling table was out of reach
    of the keyboard; the 育人号 directory's links were told apart by colour alone."""
    url = "https://mp.weixin.qq.com/s?__biz=MzA3NDM0ODQwMw==&mid=2649812345&idx=1&sn=8f3c2d1e"
    table = {
        "data": [[f"第{c}列" for c in range(9)], [f"数据{c}" * 3 for c in range(9)]],
        "table_caption": "九列的表格",
    }
    article = ArticlePageFactory(
        parent=portal.national_section,
        title="Supercalifragilisticexpialidocious" * 2,
        source="中共嘉兴职业技术学院委员会宣传部与学生工作部（处）联合供稿",
        account=PublishingAccountFactory(slug="jx", name="嘉职育人号", institution="嘉兴职院"),
        body=[("paragraph", f"<p>原文 {url}</p>"),
              ("table", {"table": table})],
    )  # fmt: skip
    Comment.objects.create(article=article, content=f"好文！原文 {url}", status=Comment.APPROVED)
    path = article.url_path.removeprefix(portal.national.root_page.url_path)
    browser.set_script_timeout(60)
    problems = {}
    for width in (320, 375):
        browser.set_window_size(width, 800)
        inner = browser.execute_script("return window.innerWidth")
        for name, page in {"首页": "/", "文章": "/" + path.lstrip("/")}.items():
            browser.get(live_site + page)
            wide = browser.execute_script("return document.documentElement.scrollWidth")
            if wide > inner:
                problems[f"{name} {width}px"] = f"{wide} px wide in a {inner} px window"
    found = axe_violations(browser, axe_script, live_site + "/" + path.lstrip("/"))
    found += axe_violations(browser, axe_script, live_site + "/yurenhao/")
    if found:
        problems["axe"] = found
    assert problems == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_header_menu_and_footer_span_the_window_on_every_page(browser, live_site, portal):
    """The article page's <body class="article"> took the article's 52rem width from the
    `.article` rule, so its header, red menu and footer were squeezed to the middle."""
    article = ArticlePageFactory(parent=portal.national_section, title="宽度检查文章")
    root = portal.national.root_page.url_path
    pages = {
        "首页": "/",
        "栏目": portal.national_section.url_path.replace(root, "/", 1),
        "文章": article.url_path.replace(root, "/", 1),
    }
    browser.set_window_size(1280, 900)
    problems = {}
    for name, path in pages.items():
        browser.get(live_site + path)
        window, header, menu, footer = browser.execute_script(
            "const w = e => document.querySelector(e).getBoundingClientRect().width;"
            "return [document.documentElement.clientWidth,"
            " w('.site-header'), w('.main-nav'), w('.site-footer')];"
        )
        if min(header, menu, footer) < window:
            problems[name] = f"header {header}, menu {menu}, footer {footer} in {window} px"
    assert problems == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hot_search_ranks_never_run_into_the_word_before(browser, axe_script, live_site, portal):
    """On a 320 px screen the list's markers sat in the 1.25rem gap between items: 10. ran
    into the word before it. Each rank is now a box beside its own words."""
    from django.core.cache import cache

    from search.querylog import query_log

    words = ["党建", "思政课", "红船精神", "立德树人", "三全育人",
             "劳动教育", "乡村振兴", "职业教育", "青年学生", "志愿服务", "校园文化"]  # fmt: skip
    for n, word in enumerate(words):
        ArticlePageFactory(parent=portal.national_section, title=f"{word}的报道")
        for _ in range(len(words) - n):
            query_log.record(word, portal.national)
    query_log.flush()
    cache.clear()  # the 热搜 list cached before these searches
    browser.set_window_size(320, 800)
    browser.get(live_site + "/search/?q=" + words[0])
    boxes = browser.execute_script(
        "return [...document.querySelectorAll('.hot-searches li')].map(li => {"
        " const r = li.querySelector('.hot-rank'), a = li.querySelector('a');"
        " const box = e => { const b = e.getBoundingClientRect();"
        "  return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; };"
        " return {rank: r && r.textContent, r: r && box(r), a: box(a)}; });"
    )
    assert [b["rank"] for b in boxes] == [str(n) for n in range(1, 11)]
    for before, after in itertools.pairwise(boxes):
        same_line = (
            after["r"]["top"] < before["a"]["bottom"] and before["a"]["top"] < after["r"]["bottom"]
        )
        if same_line:
            assert after["r"]["left"] >= before["a"]["right"] + 8, (before, after)
        assert after["r"]["right"] <= after["a"]["left"], after  # the rank before its words
    assert axe_violations(browser, axe_script) == []  # the ranks' colours included
