"""Reader pages meet WCAG 2.1 AA (the basis of GB/T 37668) with landmarks and heading order,
checked by axe-core in Chromium."""

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
    browser, axe_script, live_site, portal, shared_dir
):
    call_command("import_articles", str(shared_dir / "seed" / "seed-article.jsonl"))
    account = PublishingAccountFactory(slug="jx", name="嘉职育人号")
    article = ArticlePageFactory(
        parent=portal.national_section, title="无障碍检查文章", account=account
    )
    Comment.objects.create(article=article, content="写得好", status=Comment.APPROVED)
    browser.set_page_load_timeout(60)
    browser.script_timeout = 60
    browser.set_script_timeout(60)
    pages = {
        "首页": "/",
        "栏目": portal.national_section.url_path.removeprefix(portal.national.root_page.url_path),
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
