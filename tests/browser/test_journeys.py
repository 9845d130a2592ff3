"""The reader's journey in real headless Chromium: find an article by a Chinese word, comment,
and see it once an editor approves it (the whole chain, from the editor's draft on, is in
test_editor_journey.py)."""

import pytest
from django.contrib.auth import get_user_model
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from articles.models import Comment


def wait(browser, seconds=40):  # generous: CI machines have two busy cores
    return WebDriverWait(browser, seconds)


def click(browser, element) -> None:
    """Scroll it into view first: a click on something below the fold hits the footer."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def log_in(browser, base, username, password):
    browser.get(f"{base}/admin/login/")
    if not browser.find_elements(By.NAME, "username"):
        return  # signed in already
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    click(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    # Wait until the login has gone through: the login page's own URL contains /admin/ too,
    # and navigating away while the form is still posting loses the session (a flaky failure
    # seen in CI at the next admin page).
    wait(browser).until(lambda b: "/admin/" in b.current_url and "/login/" not in b.current_url)


# The live server and the worker read committed data; serialized rollback restores the page
# tree Wagtail's migrations made after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        username="editor", password="pw-editor", last_name="王", first_name="编辑"
    )


def test_reader_finds_comments_and_sees_it_after_approval(browser, live_site, portal, admin_user):
    from tests.factories import ArticlePageFactory

    ArticlePageFactory(parent=portal.national_section, title="弘扬红船精神 培育时代新人")
    reader_comments_and_editor_approves(browser, live_site, "弘扬红船精神 培育时代新人")


def reader_comments_and_editor_approves(browser, live_site, title) -> None:
    """The reader's journey (search in Chinese, comment) and the editor's approval."""
    if not get_user_model().objects.filter(username="editor").exists():
        get_user_model().objects.create_superuser(username="editor", password="pw-editor")
    # The reader searches in Chinese from the box on every page.
    browser.get(live_site + "/")
    box = browser.find_element(By.ID, "site-search")
    box.send_keys("红船精神")
    box.submit()
    # The home page may list the same title: wait for the results page itself, or the link
    # found is the home page's and goes stale as the results load (seen in a CI run).
    wait(browser).until(ec.url_contains("/search/"))
    link = wait(browser).until(
        ec.element_to_be_clickable(
            (By.XPATH, f"//*[contains(@class, 'search-results')]//a[normalize-space()='{title}']")
        )
    )
    click(browser, link)
    wait(browser).until(ec.presence_of_element_located((By.ID, "comments")))
    assert browser.find_element(By.CSS_SELECTOR, ".comment-count").text == "已有 0 条评论"
    browser.find_element(By.NAME, "nickname").send_keys("读者小李")
    browser.find_element(By.NAME, "content").send_keys("红船精神代代相传，受教了！")
    click(browser, browser.find_element(By.CSS_SELECTOR, ".comment-form button[type=submit]"))
    message = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".messages")))
    assert "审核通过后显示" in message.text
    article_url = browser.current_url.split("#")[0]

    # An editor approves it in the admin's moderation queue (bulk action).
    log_in(browser, live_site, "editor", "pw-editor")
    browser.get(f"{live_site}/admin/snippets/articles/comment/?status=pending")
    comment = Comment.objects.get()
    checkbox = wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, f"input[data-object-id='{comment.pk}']"))
    )
    browser.execute_script("arguments[0].click()", checkbox)
    approve = wait(browser).until(
        ec.element_to_be_clickable(
            (By.XPATH, "//*[self::a or self::button][normalize-space()='通过']")
        )
    )
    browser.execute_script("arguments[0].click()", approve)  # the fixed bulk-actions footer
    confirm = wait(browser).until(
        ec.element_to_be_clickable(
            (
                By.XPATH,
                "//form//*[(self::button and normalize-space()='确定')"
                " or (self::input and @value='确定')]",
            )
        )
    )
    click(browser, confirm)
    wait(browser).until(lambda b: Comment.objects.get().status == Comment.APPROVED)

    browser.get(article_url)
    assert browser.find_element(By.CSS_SELECTOR, ".comment-count").text == "已有 1 条评论"
    assert "受教了" in browser.find_element(By.CSS_SELECTOR, ".comment-list").text


def test_pinyin_initials_offer_the_word_and_search_it(browser, live_site, portal):
    """djyl lists 党建引领 under the box (a <datalist> hid it: browsers show only options
    containing what was typed); the arrow keys and Enter search it."""
    from search.suggest import index_cache
    from tests.factories import ArticlePageFactory

    ArticlePageFactory(parent=portal.national_section, title="党建引领高质量发展")
    index_cache.clear()
    browser.get(live_site + "/")
    box = browser.find_element(By.ID, "site-search")
    box.send_keys("djyl")
    option = wait(browser).until(
        ec.visibility_of_element_located(
            (By.XPATH, "//ul[@id='search-suggestions']/li[normalize-space()='党建引领']")
        )
    )
    assert box.get_attribute("aria-expanded") == "true"
    options = browser.find_elements(By.CSS_SELECTOR, "#search-suggestions [role=option]")
    # Screen readers hear how many there are; Esc closes the list and ↓ brings it back.
    status = browser.find_element(By.ID, "search-suggestions-status").get_attribute("textContent")
    assert f"有 {len(options)} 条搜索建议" in status
    box.send_keys(Keys.ESCAPE)
    assert box.get_attribute("aria-expanded") == "false" and not option.is_displayed()
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-expanded") == "true" and option.is_displayed()
    assert box.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    box.send_keys(Keys.ARROW_UP)  # from the first to the last: the ↓ below land as before
    box.send_keys(Keys.ARROW_DOWN * (options.index(option) + 1))
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    assert option.get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ENTER)
    wait(browser).until(ec.url_contains("/search/"))
    assert browser.find_element(By.ID, "site-search").get_attribute("value") == "党建引领"
    results = browser.find_element(By.CSS_SELECTOR, ".search-results").text
    assert "党建引领高质量发展" in results
