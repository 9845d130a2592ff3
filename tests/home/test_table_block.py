"""The 表格 block, from the editor's form to what readers see."""

import importlib
import json

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.exceptions import ValidationError
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from articles.models import ArticlePage
from tests.factories import ArticlePageFactory

ROWS = [["项目", "数量"], ["全国性活动", "26"]]


def _table(**fields) -> dict:
    """A table as Wagtail's table editor posts it."""
    return {"data": ROWS, "cell": [], "mergeCells": [], "table_caption": "", **fields}


def _add_url(section) -> str:
    return f"/admin/pages/add/articles/articlepage/{section.pk}/"


def _body_definition(admin_client, section) -> dict:
    """The body's blocks as the page editor builds its form from them."""
    page = BeautifulSoup(admin_client.get(_add_url(section)).content, "html.parser")
    return json.loads(page.select_one("#body")["data-w-block-data-value"])


def _save(admin_client, section, title: str, table: dict, publish: bool = True):
    """The editor's 发布 (or 保存草稿) of a new article holding one 表格."""
    data = {
        "title": title,
        "slug": "table-article",
        "kicker": "",
        "subtitle": "",
        "source": "",
        "editor": "",
        "summary": "",
        "tags": "",
        "authors": inline_formset([]),
        "body": streamfield([("table", {"table": json.dumps(table)})]),
    }
    if publish:
        data["action-publish"] = "action-publish"
    return admin_client.post(_add_url(section), nested_form_data(data))


def _reader_figure(client, page) -> BeautifulSoup:
    response = client.get(page.get_url(), HTTP_HOST="national.test")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("figure.body-table")


def test_the_editor_offers_one_table_caption(admin_client, portal):
    """The block had its own 表格标题 above the table editor's, which has one too."""
    definition = json.dumps(_body_definition(admin_client, portal.national_section))
    assert definition.count(json.dumps("表格标题")) == 1  # the table editor's "Table caption"


def test_readers_see_the_caption_once_as_the_tables_caption(admin_client, client, portal):
    caption = "2021年主要成绩"
    table = _table(table_caption=caption, table_header_choice="row")
    response = _save(admin_client, portal.national_section, "表格文章", table)
    assert response.status_code == 302

    page = ArticlePage.objects.get(title="表格文章")
    figure = _reader_figure(client, page)
    assert figure.select_one("table > caption").get_text(strip=True) == caption
    assert figure.get_text().count(caption) == 1  # no <figcaption> besides
    assert figure.select_one("[role=region]")["aria-label"] == caption
    assert caption in page.body_text()  # searched for


def test_a_caption_is_at_most_200_characters():
    from home.blocks import PortalTableBlock

    block = PortalTableBlock()
    long = _table(table_caption="表" * 201, table_header_choice="row")
    with pytest.raises(ValidationError, match="表格标题不能超过 200 字（现有 201 字）"):
        block.clean(block.to_python(long))
    assert block.clean(block.to_python(long | {"table_caption": "表" * 200}))


@pytest.mark.parametrize(
    ("block_caption", "table_caption", "shown"),
    [
        ("主要成绩", "", "主要成绩"),
        ("主要成绩", "主要成绩", "主要成绩"),
        ("主要成绩", "2021年", "主要成绩 2021年"),  # readers saw both
        ("", "2021年", "2021年"),
    ],
    ids=["block-caption", "both-the-same", "both-different", "table-caption"],
)
def test_captions_written_before_move_into_the_table(
    client, portal, block_caption, table_caption, shown
):
    """Migration articles.0011, on articles and their revisions written with two captions."""
    page = ArticlePageFactory(parent=portal.national_section, body=[])
    table = _table(table_caption=table_caption, table_header_choice="row")
    before = [{"id": "t", "type": "table", "value": {"caption": block_caption, "table": table}}]
    ArticlePage.objects.filter(pk=page.pk).update(body=before)
    revision = page.save_revision()
    Revision.objects.filter(pk=revision.pk).update(
        content={**revision.content, "body": json.dumps(before)}
    )

    migration = importlib.import_module("articles.migrations.0011_one_table_caption")
    migration.Migration.operations[-1].migrate_stream_data_forward(apps, None)

    page.refresh_from_db()
    revision.refresh_from_db()
    for stored in (page.body.raw_data, json.loads(revision.content["body"])):
        assert stored[0]["value"] == {"table": {**table, "table_caption": shown}}
    assert _reader_figure(client, page).get_text().count(shown) == 1


def test_a_new_table_has_a_header_row(admin_client, portal):
    """表头 was left at 选择表头选项, which publishing refused."""
    defaults = _body_definition(admin_client, portal.national_section)["_args"][2]
    assert (defaults["table"]["table"] or {}).get("table_header_choice") == "row"


def test_publishing_a_table_without_a_header_choice_says_what_to_choose(admin_client, portal):
    table = _table(table_header_choice="")
    response = _save(admin_client, portal.national_section, "无表头选择", table)

    assert response.status_code == 200  # the editor again, with the message on the table
    page = BeautifulSoup(response.content, "html.parser")
    errors = json.loads(page.select_one("#body")["data-w-block-arguments-value"])[1]
    assert errors["blockErrors"]["0"]["blockErrors"]["table"]["messages"] == [
        "请在“表头”中选择哪些单元格显示为表头；不需要表头时请选择“无表头”。"
    ]
    assert "Validation error in TableBlock" not in response.content.decode()
    assert not ArticlePage.objects.filter(title="无表头选择").exists()
    # A draft may be unfinished: it is saved, as Wagtail saves drafts.
    response = _save(admin_client, portal.national_section, "无表头选择", table, publish=False)
    assert response.status_code == 302
    assert not ArticlePage.objects.get(title="无表头选择").live
