"""The demo content `load_demo` builds: two sites, their 栏目 trees, 育人号 and sample articles.

The sample articles are the project's own writing, imported through the same path as
`import_articles`, so loading the demo twice updates instead of duplicating.
"""

from __future__ import annotations

import json
import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.crypto import get_random_string
from wagtail.models import Site

from home.models import HomePage, PortalSiteSettings
from home.services import ensure_site, remove_wagtail_welcome_page
from home.sites import sites_changed

from .importer import ArticleImporter, LineError, parse_line
from .models import PublishingAccount, SectionPage
from .workflow import ensure_review_workflow

NATIONAL = {
    "hostname": "localhost",
    "slug": "portal",
    "site_name": "全国高校思想政治工作网",
    "is_default": True,
    "slogan": "立德树人 铸魂育人",
    "footer_text": "主办：全国高校思想政治工作网（演示站点）\n联系电话：010-00000000  电子邮箱：demo@example.com",
    "icp_number": "京ICP备00000000号-1（演示）",
    "police_number": "京公网安备00000000000000号（演示）",
    "footer_links": [
        ("link", {"title": "中华人民共和国教育部", "url": "http://www.moe.gov.cn/"}),
        ("link", {"title": "中国大学生在线", "url": "https://dxs.moe.gov.cn/"}),
    ],
}
INSTITUTION = {
    "hostname": "jxvtc.localhost",
    "slug": "jxvtc",
    "site_name": "嘉兴职业技术学院",
    "is_default": False,
    "slogan": "红船铸魂 双元强能",
    "footer_text": "嘉兴职业技术学院党委宣传部（演示站点）\n地址：浙江省嘉兴市（演示）",
    "icp_number": "浙ICP备00000000号（演示）",
    "police_number": "",
    "footer_links": [("link", {"title": "全国高校思想政治工作网", "url": "http://localhost/"})],
}

# The institution's footer link to the portal as the demo writes it, at whatever port.
DEMO_ADDRESS = re.compile(r"http://localhost(:[0-9]+)?/")

NATIONAL_SECTIONS = ["要闻", "典型经验/党建统战/喜迎党代会", "典型经验/思政课程", "理论研究"]
INSTITUTION_SECTIONS = ["学校要闻", "党建工作"]

ACCOUNTS = [
    {"name": "嘉兴职业技术学院", "slug": "jxvtc", "institution": "嘉兴职业技术学院",
     "site": "jxvtc.localhost", "intro": "嘉兴职业技术学院党委宣传部的育人号（演示）。"},
    {"name": "思政网编辑部", "slug": "editorial", "institution": "全国高校思想政治工作网",
     "site": "localhost", "intro": "门户编辑部发布的综合报道（演示）。"},
]  # fmt: skip

SAMPLE_ARTICLES = [
    {
        "id": "demo-001", "site": "localhost", "section": "要闻",
        "title": "多所高校开展“开学第一课”主题活动",
        "source": "思政网编辑部", "authors": ["本网记者"], "editor": "李明",
        "published_at": "2026-09-01T08:30:00", "account": "思政网编辑部",
        "keywords": ["开学第一课", "三全育人"],
        "summary": "新学期伊始，多所高校以“开学第一课”为起点，引导新生扣好人生第一粒扣子。",
        "body": "<p>新学期伊始，多所高校以“开学第一课”为起点，组织校领导、优秀校友和青年教师走上讲台，"
                "与新生一起回顾学校历史，讲述奋斗故事。</p><h2>把思政课讲到学生心里</h2>"
                "<p>各校注重把理论讲透、把故事讲活，结合专业特点设计课堂互动，让新生在参与中理解使命担当。</p>"
                "<h2>形成全员育人合力</h2><p>辅导员、专业教师和管理服务人员协同参与，推动“三全育人”落到实处。</p>",
    },
    {
        "id": "demo-002", "site": "localhost", "section": "典型经验/党建统战/喜迎党代会",
        "title": "以高质量党建引领学校高质量发展",
        "source": "嘉兴职业技术学院", "authors": ["演示作者甲", "演示作者乙"], "editor": "王编辑",
        "published_at": "2026-08-20T10:00:00", "account": "嘉兴职业技术学院",
        "keywords": ["党建引领", "红船精神"],
        "body": "<p>学校党委坚持把党的政治建设摆在首位，推动党建工作与事业发展深度融合。</p>"
                "<h2>建强基层组织</h2><p>把支部建在专业群上，实施教师党支部书记“双带头人”培育工程。</p>"
                "<h2>服务师生成长</h2><p>党员教师结对帮扶学生，在实践中锤炼本领、增长才干。</p>",
    },
    {
        "id": "demo-003", "site": "localhost", "section": "典型经验/思政课程",
        "title": "思政课堂搬进红色教育基地",
        "source": "思政网编辑部", "authors": ["本网记者"], "editor": "李明",
        "published_at": "2026-07-15T15:20:00",
        "body": "学生们来到红色教育基地，在讲解员的带领下重温历史。\n\n"
                "“在现场听故事，比在书本上读更让人难忘。”一名学生说。\n\n"
                "任课教师表示，将继续探索实践教学，让思政课更有温度。",
    },
    {
        "id": "demo-004", "site": "localhost", "section": "理论研究",
        "title": "新时代高校思想政治工作的三个着力点",
        "source": "思政网编辑部", "authors": ["评论员"], "editor": "张华",
        "published_at": "2026-06-30T09:00:00",
        "body": "<p>做好新时代高校思想政治工作，要在坚定理想信念、厚植家国情怀、提升综合素质上持续用力。</p>"
                "<blockquote>立德树人是教育的根本任务。</blockquote>"
                "<table><tr><th>着力点</th><th>主要举措</th></tr><tr><td>理想信念</td><td>理论学习</td></tr>"
                "<tr><td>家国情怀</td><td>实践育人</td></tr></table>",
    },
    {
        "id": "demo-101", "site": "jxvtc.localhost", "section": "学校要闻",
        "title": "学校举行新生开学典礼",
        "source": "党委宣传部", "authors": ["宣传部"], "editor": "陈老师",
        "published_at": "2026-09-05T09:30:00", "account": "嘉兴职业技术学院",
        "body": "<p>9月5日上午，学校隆重举行新生开学典礼，全体校领导和新生代表参加。</p>",
    },
    {
        "id": "demo-102", "site": "jxvtc.localhost", "section": "党建工作",
        "title": "学校召开党建工作推进会",
        "source": "组织部", "authors": ["组织部"], "editor": "陈老师",
        "published_at": "2026-09-10T14:00:00", "account": "嘉兴职业技术学院",
        "body": "<p>会议总结了上半年党建工作，部署了下一阶段重点任务。</p>",
    },
]  # fmt: skip


def _build_tree(site, sections: list[str], importer: ArticleImporter) -> None:
    home = importer.home_for(site)
    for path in sections:
        importer.section_for(home, path.split("/"))
    for top in home.get_children().type(SectionPage).specific():
        if not top.show_in_menus:
            top.show_in_menus = True
            top.save_revision().publish()
    importer.account_directory(home)


def _served_on(port: int) -> None:
    """The demo sites' records say the port the portal is served on, so the addresses it
    writes out (RSS, sitemap, canonical and share links) open: http://localhost:8000/…, not
    http://localhost/…. A record left at another port by an earlier run moves."""
    for hostname in (NATIONAL["hostname"], INSTITUTION["hostname"]):
        if not Site.objects.filter(hostname=hostname, port=port).exists():
            Site.objects.filter(hostname=hostname).update(port=port)
            sites_changed()  # update() sends no signal


def _address(port: int) -> str:
    return "http://localhost/" if port == 80 else f"http://localhost:{port}/"


def _built() -> bool:
    """Whether both demo sites are portal sites already (a 首页 at their root)."""
    sites = Site.objects.filter(hostname__in=[NATIONAL["hostname"], INSTITUTION["hostname"]])
    return sites.count() == 2 and all(s.root_page.specific_class is HomePage for s in sites)


def _point_footer_at(port: int) -> None:
    """The institution's footer link to the portal, as the demo made it, follows the port."""
    site = Site.objects.get(hostname=INSTITUTION["hostname"])
    site_settings = PortalSiteSettings.for_site(site)
    links = site_settings.footer_links.raw_data
    changed = False
    for link in links:
        url = link.get("value", {}).get("url", "")
        if DEMO_ADDRESS.fullmatch(url) and url != _address(port):
            link["value"]["url"], changed = _address(port), True
    if changed:
        site_settings.footer_links = links
        site_settings.save()


@transaction.atomic
def load_demo(port: int = 80) -> dict[str, int] | None:
    """Build the demo sites and content, served on `port`; None when they are built already.

    Built once: scripts/run.sh runs this on every start, and what editors changed since (站点设置,
    栏目, 育人号, the sample articles) stays as they left it. Each start undid it, and a
    renamed demo 育人号 stopped the portal from starting (its slug taken by the account
    update_or_create looked for by name)."""
    _served_on(port)
    if _built():
        _point_footer_at(port)
        return None
    national = ensure_site(port=port, **NATIONAL)
    footer_links = [("link", {**INSTITUTION["footer_links"][0][1], "url": _address(port)})]
    institution = ensure_site(port=port, **{**INSTITUTION, "footer_links": footer_links})
    remove_wagtail_welcome_page()
    importer = ArticleImporter()
    _build_tree(national, NATIONAL_SECTIONS, importer)
    _build_tree(institution, INSTITUTION_SECTIONS, importer)
    sites = {"localhost": national, "jxvtc.localhost": institution}
    for spec in ACCOUNTS:
        PublishingAccount.objects.get_or_create(
            slug=spec["slug"], defaults={**spec, "site": sites[spec["site"]]}
        )
    ensure_review_workflow([national.root_page, institution.root_page], keep_others=True)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
    for data in SAMPLE_ARTICLES:
        try:
            with transaction.atomic():
                line = parse_line(json.dumps(data, ensure_ascii=False))
                status, _ = importer.import_record(line)
        except LineError:  # an editor's draft or review of it: theirs is kept
            status = "kept"
        counts[status] += 1
    return counts


def ensure_admin(username: str = "admin", password: str | None = None) -> tuple[str, str | None]:
    """Create the demo superuser if missing; return the password only when it was set now."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return username, None
    password = password or get_random_string(12)
    User.objects.create_superuser(username=username, email="admin@example.com", password=password)
    return username, password
