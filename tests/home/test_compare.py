"""历史 → 比较 shows the body's blocks as the editor wrote them, not as Python prints them."""

from bs4 import BeautifulSoup

from tests.factories import ArticlePageFactory

TABLE = {
    "data": [["项目", "数量"], ["全国性活动", "26"]],
    "first_row_is_table_header": True,
    "first_col_is_header": False,
    "table_header_choice": "row",
    "table_caption": "",
}


def _body(level: str, count: str, embed: str = "") -> list[dict]:
    table = {**TABLE, "data": [["项目", "数量"], ["全国性活动", count]], "table_caption": "成绩"}
    return [
        {"id": "heading", "type": "heading", "value": {"text": "红色根脉", "level": level}},
        {"id": "video", "type": "video", "value": {"file": None, "embed": "", "caption": "校园"}},
        {"id": "embed", "type": "video", "value": {"file": None, "embed": embed, "caption": ""}},
        {"id": "table", "type": "table", "value": {"table": table}},
    ]


def _compare(admin_client, page, first, second) -> BeautifulSoup:
    url = f"/admin/pages/{page.pk}/revisions/compare/{first.pk}...{second.pk}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("table.listing tbody")


def _shown(dl) -> dict[str, str]:
    """A block's fields as the comparison lists them: label → text."""
    return {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in dl.find_all("dt", recursive=False)
    }


def test_a_changed_body_shows_labels_nothing_for_empty_fields_and_tables_as_tables(
    admin_client, portal
):
    """级别 showed h2, an empty 外部视频地址 None, a 表格 {'data': [['项目', '数量'], …"""
    video_site = "https://video.example.edu.cn/v/1"  # no embed provider: nothing is fetched
    page = ArticlePageFactory(parent=portal.national_section, body=_body("h2", "26"))
    first = page.save_revision()
    page.body = _body("h3", "27", embed=video_site)
    second = page.save_revision()

    changes = _compare(admin_client, page, first, second)
    heading, video, embed, table = changes.select(".comparison__child-object > dl")

    assert _shown(heading)["级别"] == "二级标题 三级标题"
    assert heading.select_one(".deletion").get_text() == "二级标题"
    assert heading.select_one(".addition").get_text() == "三级标题"
    assert _shown(video) == {"视频文件": "", "外部视频地址": "", "视频说明": "校园"}
    assert embed.select_one("dd .addition").get_text() == video_site
    cells = table.select_one("dd table")
    assert cells.caption.get_text() == "成绩"
    assert [th.get_text() for th in cells.select("tr:first-child th")] == ["项目", "数量"]
    changed = cells.select("tr")[1].select("td")[1]
    assert changed.select_one(".deletion").get_text() == "26"
    assert changed.select_one(".addition").get_text() == "27"
    text = changes.get_text()
    for python in ("None", "h2", "h3", "{'data'", "first_row_is_table_header"):
        assert python not in text


def test_a_new_table_is_shown_whole(admin_client, portal):
    page = ArticlePageFactory(parent=portal.national_section, body=[])
    first = page.save_revision()
    page.body = [{"id": "t", "type": "table", "value": {"table": TABLE}}]
    second = page.save_revision()

    added = _compare(admin_client, page, first, second).select_one(".addition table")
    assert added is not None
    rows = [[cell.name + ":" + cell.get_text() for cell in tr.find_all()] for tr in added("tr")]
    assert rows == [["th:项目", "th:数量"], ["td:全国性活动", "td:26"]]
