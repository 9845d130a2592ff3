"""An editor writes an article with a heading and an image in Wagtail's editor and schedules it."""

import gc
import time
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Revision

from articles.models import ArticlePage
from tests.browser.test_journeys import log_in, reader_comments_and_editor_approves

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Wagtail's image chooser makes a rendition in the live server thread and leaves a
    # SpooledTemporaryFile for the garbage collector (a library leak, not ours).
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


TITLE = "编辑在后台写的红船精神文章"


def write_and_schedule(browser, live_site, section) -> tuple[ArticlePage, datetime]:
    """The editor's journey, in the admin: title, a 小标题 and a 图片 block, 定时发布 30 s
    ahead of the moment it is typed (the article and that time). A time fixed before the
    journey began could be past by the time it was submitted on a slow machine (the form
    refused it: a 400)."""
    Image.objects.create(title="开学典礼现场", file=get_test_image_file())
    browser.get(f"{live_site}/admin/pages/add/articles/articlepage/{section.pk}/")
    wait = WebDriverWait(browser, 20)
    wait.until(ec.presence_of_element_located((By.ID, "id_title"))).send_keys(
        "编辑在后台写的红船精神文章"
    )

    def insert_block(label, blocks_before):
        # The block menu of the previous insertion lingers while it fades out, and its 图片
        # option (inserting at the top) came first in the page: a flaky ['image', 'heading'].
        # So: wait until no menu is open, then use the add button after the last block.
        wait.until(lambda b: not b.find_elements(By.XPATH, "//*[@role='option']"))

        def add_buttons(b):
            found = b.find_elements(By.CSS_SELECTOR, "button.c-sf-add-button")
            return found if len(found) > blocks_before else False

        buttons = wait.until(add_buttons)
        browser.execute_script("arguments[0].click()", buttons[blocks_before])
        option = wait.until(
            ec.element_to_be_clickable(
                (By.XPATH, f"//*[@role='option'][normalize-space()='{label}']")
            )
        )
        browser.execute_script("arguments[0].click()", option)

    insert_block("小标题", 0)
    heading = wait.until(ec.presence_of_element_located((By.NAME, "body-0-value-text")))
    heading.send_keys("一、坚持党建引领")
    insert_block("图片", 1)
    choose = wait.until(
        ec.presence_of_element_located(
            (
                By.XPATH,
                "//input[@name='body-1-value-image']/ancestor::*[.//button"
                "[@data-chooser-action-choose]][1]//button[@data-chooser-action-choose]",
            )
        )
    )
    browser.execute_script("arguments[0].click()", choose)
    picked = wait.until(
        ec.element_to_be_clickable((By.XPATH, "//a[normalize-space()='开学典礼现场']"))
    )
    browser.execute_script("arguments[0].click()", picked)
    wait.until(lambda b: b.find_element(By.NAME, "body-1-value-image").get_attribute("value"))
    # The chooser's dialog closes after the image is set, then gives the focus back to its
    # button: keys sent before that went to the heading (a flaky 替代文字 error on 发布, 2 runs
    # in 4 on PostgreSQL). So: wait until the dialog is gone.
    wait.until(lambda b: not b.find_elements(By.CSS_SELECTOR, ".modal"))
    alt_text = browser.find_element(By.NAME, "body-1-value-alt_text")
    alt_text.send_keys("开学典礼现场照片")
    assert alt_text.get_attribute("value") == "开学典礼现场照片"
    assert heading.get_attribute("value") == "一、坚持党建引领"
    # 定时发布: the go-live time in Beijing time, then publish (which schedules it).
    go_live = timezone.now() + timedelta(seconds=30)
    local = go_live.astimezone(timezone.get_default_timezone())
    field = browser.find_element(By.NAME, "go_live_at")
    browser.execute_script(
        "arguments[0].value = arguments[1]", field, local.strftime("%Y-%m-%d %H:%M:%S")
    )
    publish = browser.find_element(By.CSS_SELECTOR, "button[name='action-publish']")
    browser.execute_script("arguments[0].click()", publish)
    wait.until(lambda b: ArticlePage.objects.filter(title="编辑在后台写的红船精神文章").exists())
    article = ArticlePage.objects.get(title="编辑在后台写的红船精神文章")
    deadline = time.monotonic() + 20
    while (
        time.monotonic() < deadline
        and not Revision.objects.filter(
            object_id=str(article.pk), approved_go_live_at__isnull=False
        ).exists()
    ):
        time.sleep(0.2)
    revision = Revision.objects.get(object_id=str(article.pk), approved_go_live_at__isnull=False)
    assert revision.approved_go_live_at == go_live.replace(microsecond=0)
    assert not article.live
    body = revision.as_object().body
    assert [b.block_type for b in body] == ["heading", "image"]
    assert body[0].value["text"] == "一、坚持党建引领"
    assert body[1].value["alt_text"] == "开学典礼现场照片"
    return article, go_live


def test_editor_schedules_operator_sees_it_go_live_reader_comments_editor_approves(
    browser, live_site, portal, celery_worker_on_redis
):
    get_user_model().objects.create_superuser(username="editor", password="pw-editor")
    log_in(browser, live_site, "editor", "pw-editor")
    article, go_live = write_and_schedule(browser, live_site, portal.national_section)

    # The operator's 定时发布 view lists it; a real worker puts it live at its time.
    browser.get(f"{live_site}/admin/schedule/")
    assert TITLE in browser.find_element(By.CSS_SELECTOR, "main").text
    deadline = time.monotonic() + 90
    while not ArticlePage.objects.get(pk=article.pk).live and time.monotonic() < deadline:
        time.sleep(0.5)
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live and article.last_published_at >= go_live.replace(microsecond=0)

    # A reader finds it by a Chinese word, comments; the editor approves; it counts.
    reader_comments_and_editor_approves(browser, live_site, TITLE)
    gc.collect()  # collect the leaked temporary file here, under this module's filter
