"""Editors and operators meet no English in the Wagtail admin.

Wagtail 8.0's own zh_Hans catalogues lack a few hundred strings; locale/zh_Hans/LC_MESSAGES/
(django.po, djangojs.po) fills the gaps. The first tests show the filled-in messages where an
editor meets them; the last ones guard the catalogues, so that a Wagtail upgrade which adds
strings fails here with the new entries, ready to paste into the .po.
"""

import ast
import gettext
import json
import re
import warnings
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
import wagtail
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils.translation import trans_real
from django.utils.translation.template import templatize
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.test.utils.form_data import nested_form_data

from articles.models import SectionPage

LANGUAGE = "zh-hans"
WAGTAIL_DIR = Path(wagtail.__file__).parent
PORTAL_LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"


# --- What editors see ---------------------------------------------------------------------


def _add_section(admin_client, parent, **fields):
    url = reverse("wagtailadmin_pages:add", args=("articles", "sectionpage", parent.pk))
    return admin_client.post(url, nested_form_data({"title": "", "intro": "", **fields}))


def test_a_page_with_validation_errors_is_refused_in_chinese(admin_client, portal):
    response = _add_section(admin_client, portal.national_section, slug="no-title")

    assert response.status_code == 200  # the editor again, with the message
    html = response.content.decode()
    assert "页面未能创建，因为存在验证错误。" in html
    assert "转到第一个错误" in html  # the button beside it
    assert "The page could not be created" not in html
    assert not SectionPage.objects.filter(slug="no-title").exists()


def test_a_slug_taken_under_the_parent_is_explained_in_chinese(admin_client, portal):
    # The national home already has the 栏目 "要闻" at /news/.
    response = _add_section(admin_client, portal.national.root_page, title="要闻二", slug="news")

    html = response.content.decode()
    assert "缩略名“news”已被父页面下的其他页面使用。" in html
    assert "is already in use" not in html
    assert SectionPage.objects.filter(slug="news").count() == 1


def _promotion(**pick) -> dict:
    return {
        "query_string": "思政课",
        "editors_picks-TOTAL_FORMS": 1,
        "editors_picks-INITIAL_FORMS": 0,
        "editors_picks-MAX_NUM_FORMS": 1000,
        "editors_picks-0-DELETE": "",
        "editors_picks-0-ORDER": 0,
        "editors_picks-0-description": "思政课专题",
        **{f"editors_picks-0-{field}": value for field, value in pick.items()},
    }


LINK = {"external_link_url": "https://www.moe.gov.cn/", "external_link_text": "教育部"}


@pytest.mark.parametrize(
    ("with_page", "link", "chinese", "english"),
    [
        (False, {}, "必须推荐一个页面或一个外部链接。", "You must recommend a page"),
        (
            False,
            {"external_link_url": LINK["external_link_url"]},
            "填写了外部链接网址时，必须同时填写外部链接文本。",
            "You must enter an external link text",
        ),
        (True, LINK, "请只选择一个页面，或只填写一个外部链接。", "Please only select a page"),
    ],
    ids=["neither-page-nor-link", "link-without-text", "page-and-link"],
)
def test_a_search_promotion_without_exactly_one_target_is_refused_in_chinese(
    admin_client, portal, with_page, link, chinese, english
):
    page = {"page": portal.national_section.pk} if with_page else {}
    response = admin_client.post(reverse("wagtailsearchpromotions:add"), _promotion(**page, **link))

    assert response.status_code == 200
    html = response.content.decode()
    assert chinese in html  # on the recommendation's panel
    assert english not in html
    assert not SearchPromotion.objects.exists()


def test_a_search_promotion_without_search_terms_is_refused_in_chinese(admin_client, portal):
    data = _promotion(page=portal.national_section.pk) | {"query_string": ""}
    response = admin_client.post(reverse("wagtailsearchpromotions:add"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "推荐未能创建，因为存在错误。" in html
    assert "Recommendations have not been created" not in html
    assert not Query.objects.exists()


def test_a_search_promotions_link_text_is_labelled_in_chinese(admin_client, portal):
    """It was labelled "External link text": Wagtail's field has no translatable name."""
    from bs4 import BeautifulSoup

    query = Query.get("思政课")
    SearchPromotion.objects.create(query=query, **LINK)
    edit = admin_client.get(reverse("wagtailsearchpromotions:edit", args=[query.pk]))
    labels = [
        label.get_text(strip=True) for label in BeautifulSoup(edit.content, "html.parser")("label")
    ]
    assert "外部链接文本" in labels
    # Nor in the form a new recommendation gets (a template in the page).
    for response in (edit, admin_client.get(reverse("wagtailsearchpromotions:add"))):
        assert "External link text" not in response.content.decode()


def test_an_article_without_an_import_id_shows_none_in_chinese(admin_client, portal):
    """外部编号 is read-only; an article written in the admin showed the Python value None."""
    from bs4 import BeautifulSoup

    from tests.factories import ArticlePageFactory

    written = ArticlePageFactory(parent=portal.national_section)
    imported = ArticlePageFactory(parent=portal.national_section, external_id="dev-0001")
    for article, shown in [(written, "无（非导入文章）"), (imported, "dev-0001")]:
        page = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
        outputs = BeautifulSoup(page.content, "html.parser").select(".w-field__textoutput")
        assert shown in [output.get_text(strip=True) for output in outputs]
        assert "None" not in [output.get_text(strip=True) for output in outputs]


def test_the_search_terms_report_is_in_chinese(admin_client):
    Query.get("思政课").add_hit()

    response = admin_client.get(reverse("wagtailsearchpromotions:search_terms"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>搜索词 - 门户管理后台</title>" in html
    assert "查询次数" in html  # the "Views" column
    assert "Search terms" not in html


def test_the_admin_javascript_catalogue_is_supplemented_too(admin_client):
    response = admin_client.get(reverse("wagtailadmin_javascript_catalog"))

    assert response.status_code == 200
    # The catalogue is JSON inside JavaScript, non-ASCII escaped.
    assert json.dumps("更改已自动保存。") in response.content.decode()


# --- The catalogues: nothing the portal's admin shows is left in English -------------------

MsgKey = tuple[str | None, str, str | None]  # (msgctxt, msgid, msgid_plural)

# Wagtail apps the portal does not install (app -> its folder in the wagtail package): their
# strings never reach an editor, so the scan skips them; installing one fails the guard below
# until its strings are translated (drop it from here, run the scan, translate).
UNUSED_WAGTAIL_APPS = {
    "wagtail.locales": "locales",  # WAGTAIL_I18N_ENABLED = False: one language, no locales
    "wagtail.contrib.simple_translation": "contrib/simple_translation",
    "wagtail.contrib.typed_table_block": "contrib/typed_table_block",  # 表格 uses table_block
    "wagtail.contrib.styleguide": "contrib/styleguide",  # a developer's page
    "wagtail.contrib.frontend_cache": "contrib/frontend_cache",
    "wagtail.api.v2": "api/v2",  # the portal's feeds are its own views
    "wagtail.api.v3": "api/v3",
}
# Wagtail's own test apps and suites, and the `wagtail start` project template: never served.
NEVER_SERVED = {"test", "tests", "project_template"}

# Msgids left in English on purpose: (msgctxt, msgid, msgid_plural) -> why. Empty today: every
# string the portal's admin can show is translated. An entry here must still be untranslated
# and still used by Wagtail (the guard fails on a stale one).
ALLOWED_UNTRANSLATED: dict[MsgKey, str] = {}

# makemessages' keywords: gettext/_ family, ngettext:1,2, pgettext:1c,2, npgettext:1c,2,3.
_SINGULAR = {"gettext", "gettext_lazy", "gettext_noop", "_"}
_PLURAL = {"ngettext", "ngettext_lazy"}
_CONTEXT = {"pgettext", "pgettext_lazy"}
_CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}
_ARGUMENTS = {
    **dict.fromkeys(_SINGULAR, 1),
    **dict.fromkeys(_PLURAL | _CONTEXT, 2),
    **dict.fromkeys(_CONTEXT_PLURAL, 3),
}


def _msgkey(function: str, strings: list[str]) -> MsgKey | None:
    if len(strings) < _ARGUMENTS[function] or not strings[0]:
        return None
    if function in _SINGULAR:
        return (None, strings[0], None)
    if function in _PLURAL:
        return (None, strings[0], strings[1])
    if function in _CONTEXT:
        return (strings[0], strings[1], None)
    return (strings[0], strings[1], strings[2])


def _python_msgids(path: Path):
    with warnings.catch_warnings():  # e.g. invalid escape sequences in Wagtail's source
        warnings.simplefilter("ignore")
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if function not in _ARGUMENTS:
            continue
        strings = []
        for argument in node.args:  # the literal arguments makemessages extracts
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                break
            strings.append(argument.value)
        if key := _msgkey(function, strings):
            yield key


_LITERAL = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_TEMPLATIZED_CALL = re.compile(
    rf"\b(_|gettext|ngettext|pgettext|npgettext)\(\s*({_LITERAL}(?:\s*,\s*{_LITERAL})*)"
)


def _template_msgids(path: Path):
    # Django's own makemessages step: templatize() turns {% translate %} and
    # {% blocktranslate %} (plurals, context, trimmed) into gettext calls with exact msgids.
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for call in _TEMPLATIZED_CALL.finditer(code):
        strings = [ast.literal_eval(s) for s in re.findall(_LITERAL, call.group(2))]
        if key := _msgkey(call.group(1), strings):
            yield key


@cache
def wagtail_msgids() -> dict[MsgKey, frozenset[str]]:
    """Every msgid the installed Wagtail can show this portal's editors -> where it is used."""
    skipped = {WAGTAIL_DIR / folder for folder in UNUSED_WAGTAIL_APPS.values()}
    found = defaultdict(set)
    for path in WAGTAIL_DIR.rglob("*"):
        parts = path.relative_to(WAGTAIL_DIR).parts
        if NEVER_SERVED & set(parts) or skipped & set(path.parents):
            continue
        if path.suffix == ".py":
            keys = _python_msgids(path)
        elif path.suffix in {".html", ".txt"} and "templates" in parts:
            keys = _template_msgids(path)
        else:
            continue
        for key in keys:
            found[key].add(f"wagtail/{'/'.join(parts)}")
    return {key: frozenset(sources) for key, sources in found.items()}


def _translated(catalog, key: MsgKey) -> bool:
    """In the merged catalogue (Wagtail's + ours), whatever the msgstr (e.g. 'URL')."""
    context, msgid, plural = key
    if context is not None:
        msgid = f"{context}\x04{msgid}"
    return (msgid, 0) in catalog if plural is not None else msgid in catalog


def _po_entry(key: MsgKey, sources) -> str:
    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    context, msgid, plural = key
    lines = [f"#: {source}" for source in sorted(sources)[:3]]
    if re.search(r"%(\(\w+\))?[sd]", msgid + (plural or "")):
        lines.append("#, python-format")
    elif re.search(r"\{\w+\}", msgid):
        lines.append("#, python-brace-format")
    if context is not None:
        lines.append(f"msgctxt {quoted(context)}")
    lines.append(f"msgid {quoted(msgid)}")
    if plural is None:
        lines.append('msgstr ""')
    else:
        lines += [f"msgid_plural {quoted(plural)}", 'msgstr[0] ""']
    return "\n".join(lines)


def _untranslated_report(untranslated: dict[MsgKey, frozenset[str]], po_file: str) -> str:
    entries = "\n\n".join(
        _po_entry(key, untranslated[key]) for key in sorted(untranslated, key=str)
    )
    return (
        f"{len(untranslated)} Wagtail admin string(s) have no zh-hans translation. Add these to "
        f"locale/zh_Hans/LC_MESSAGES/{po_file}, translate them and run "
        f"`msgfmt --check -o {po_file.replace('.po', '.mo')} {po_file}` there "
        f"(or allow-list them in {Path(__file__).name}, with the reason):\n\n{entries}\n"
    )


def _read_po(path: Path) -> dict[MsgKey, str]:
    """msgids of a .po file -> msgstr (msgstr[0] for plurals); the header left out."""
    entries, entry, field = {}, {}, None

    def close():
        if entry.get("msgid"):
            key = (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))
            entries[key] = entry.get("msgstr", entry.get("msgstr[0]", ""))

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:  # entries are separated by blank lines
            close()
            entry, field = {}, None
        elif line.startswith("msg"):
            field, _, literal = line.partition(" ")
            entry[field] = ast.literal_eval(literal)
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
    return entries


def test_the_scan_skips_only_wagtail_apps_the_portal_does_not_install():
    installed = [name for name in UNUSED_WAGTAIL_APPS if apps.is_installed(name)]
    assert not installed, f"installed now, so scan and translate them: {installed}"
    for folder in UNUSED_WAGTAIL_APPS.values():
        assert (WAGTAIL_DIR / folder).is_dir(), f"wagtail/{folder} is gone: update the list"


def test_no_wagtail_admin_string_is_left_untranslated():
    msgids = wagtail_msgids()
    # Sanity: the scan finds what it should (Wagtail 8.0: ~1,700 msgids), plural and
    # blocktranslate msgids included.
    assert len(msgids) > 1000
    assert (None, "The page could not be created due to validation errors.", None) in msgids
    assert (None, "Moved up 1 place.", "Moved up %(counter)s places.") in msgids

    catalog = trans_real.translation(LANGUAGE)._catalog
    untranslated = {
        key: sources
        for key, sources in msgids.items()
        if not _translated(catalog, key) and key not in ALLOWED_UNTRANSLATED
    }
    assert not untranslated, _untranslated_report(untranslated, "django.po")

    stale = [key for key in ALLOWED_UNTRANSLATED if key not in msgids or _translated(catalog, key)]
    assert not stale, f"allow-listed but translated or no longer used, remove: {stale}"


def test_no_wagtail_admin_javascript_string_is_left_untranslated():
    # The bundled JavaScript ships compiled; Wagtail's source catalogue lists its msgids.
    source = WAGTAIL_DIR / "admin" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"
    msgids = _read_po(source)
    assert len(msgids) > 50

    # What /admin/jsi18n/ serves: wagtail.admin's djangojs catalogue plus LOCALE_PATHS.
    catalog = trans_real.DjangoTranslation(
        LANGUAGE, domain="djangojs", localedirs=[str(WAGTAIL_DIR / "admin" / "locale")]
    )._catalog
    untranslated = {
        key: frozenset({"wagtail/admin/locale/en/LC_MESSAGES/djangojs.po"})
        for key in msgids
        if not _translated(catalog, key) and key not in ALLOWED_UNTRANSLATED
    }
    assert not untranslated, _untranslated_report(untranslated, "djangojs.po")


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_committed_catalogue_is_compiled_from_its_po_and_keeps_placeholders(domain):
    po = _read_po(PORTAL_LOCALE_DIR / f"{domain}.po")
    with (PORTAL_LOCALE_DIR / f"{domain}.mo").open("rb") as mo_file:
        mo = gettext.GNUTranslations(mo_file)
    assert mo.info()["content-type"] == "text/plain; charset=UTF-8"
    assert mo.info()["plural-forms"] == "nplurals=1; plural=0;"

    compiled = {}
    for key, msgstr in po.items():
        context, msgid, plural = key
        lookup = msgid if context is None else f"{context}\x04{msgid}"
        compiled[key] = mo._catalog.get((lookup, 0) if plural is not None else lookup)
        # zh has one form, used for every count: it carries the plural's placeholders.
        expected = set(_PLACEHOLDER.findall(msgid)) | set(_PLACEHOLDER.findall(plural or ""))
        assert set(_PLACEHOLDER.findall(msgstr)) == expected, msgid
        assert msgstr, f"untranslated entry in {domain}.po: {msgid!r}"
    stale = [key[1] for key, msgstr in po.items() if compiled[key] != msgstr]
    assert not stale, f"{domain}.mo is older than {domain}.po: run msgfmt (see its header)"
    assert len(mo._catalog) == len(po) + 1  # + the header


def test_wagtails_default_groups_and_workflow_are_named_in_chinese(admin_client, portal):
    # Created by Wagtail's migrations as data (Editors, Moderators, "Moderators approval"),
    # which no translation catalogue reaches; renamed by articles' migration 0006.
    groups = admin_client.get(reverse("wagtailusers_groups:index")).content.decode()
    assert "编辑" in groups and "审核员" in groups
    assert "Editors" not in groups and "Moderators" not in groups
    workflows = admin_client.get(reverse("wagtailadmin_workflows:index"), {"show_disabled": "true"})
    assert "Moderators approval" not in workflows.content.decode()
    tasks = admin_client.get(
        reverse("wagtailadmin_workflows:task_index"), {"show_disabled": "true"}
    )
    assert "审核员审批" in tasks.content.decode()


def test_the_revision_comparison_shows_times_as_everywhere_else(admin_client, portal):
    """历史 → 比较 showed a time not set as "None" and a set one as 2026-12-02 23:05:49+08:00."""
    from datetime import UTC, datetime

    from tests.factories import ArticlePageFactory

    page = ArticlePageFactory(parent=portal.national_section, title="比较时间", display_time=None)
    first = page.save_revision()
    first.publish()
    page.display_time = datetime(2022, 2, 24, 1, 17, 32, tzinfo=UTC)
    second = page.save_revision()
    second.publish()
    url = f"/admin/pages/{page.pk}/revisions/compare/{first.pk}...{second.pk}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    from bs4 import BeautifulSoup

    page_html = BeautifulSoup(response.content, "html.parser")
    changes = page_html.select_one("table.listing").get_text()
    assert "2022-02-24 09:17:32" in changes
    assert "None" not in changes and "+08:00" not in changes
    # The header's buttons are a landmark screen readers name: it was "Actions" (hard-coded).
    assert page_html.select_one("#w-slim-header-buttons")["aria-label"] == "动作"


def test_what_no_user_published_is_named_the_systems(admin_client, django_user_model, portal):
    """Imported and demo articles are published without a user: 报告 → 较早的页面 named their
    最后发布者 None, as did an old version of them (创建人： None)."""
    from bs4 import BeautifulSoup

    from tests.factories import ArticlePageFactory

    imported = ArticlePageFactory(parent=portal.national_section, title="导入的文章")
    first = imported.save_revision()
    first.publish()
    imported.save_revision()
    editor = django_user_model.objects.create_superuser("wang", first_name="编辑", last_name="王")
    written = ArticlePageFactory(parent=portal.national_section, title="编辑的文章")
    written.save_revision(user=editor).publish(user=editor)

    report = BeautifulSoup(admin_client.get("/admin/reports/aging-pages/").content, "html.parser")
    published_by = {
        row.select("td")[0].get_text(strip=True): row.select("td")[3].get_text(strip=True)
        for row in report.select("table.listing tbody tr")
    }
    assert published_by["导入的文章"] == "系统"
    assert published_by["编辑的文章"] == editor.get_username()  # as Wagtail's report names users
    old = admin_client.get(f"/admin/pages/{imported.pk}/revisions/{first.pk}/revert/")
    warning = BeautifulSoup(old.content, "html.parser").select_one(".messages").get_text(" ")
    assert "系统" in warning and "None" not in warning


def test_the_tree_root_is_named_in_chinese(admin_client, portal):
    """Wagtail names the page above every site's 首页 "Root" (superusers' breadcrumbs, the
    page chooser); migration home.0006 renames it."""
    from wagtail.models import Page

    root = Page.objects.get(depth=1)
    assert root.title == "全部站点"
    page = admin_client.get(f"/admin/pages/{root.pk}/").content.decode()
    assert "全部站点" in page and ">Root<" not in page


def test_the_sites_listing_is_headed_in_chinese(admin_client, portal):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(admin_client.get("/admin/sites/").content, "html.parser")
    headers = [th.get_text(" ", strip=True) for th in page.select("table thead th")]
    for label in ("端口号", "站点名称", "根页面"):
        assert any(label in h for h in headers), headers
    assert not any(word in " ".join(headers) for word in ("Port", "Site name", "Root page"))


def test_people_are_named_family_name_first(admin_client, django_user_model):
    """Wagtail names people by get_full_name(): 运维 赵 before, as Django writes names."""
    zhao = django_user_model.objects.create_user("zhao", first_name="运维", last_name="赵")
    smith = django_user_model.objects.create_user("smith", first_name="Ann", last_name="Smith")
    assert (zhao.get_full_name(), smith.get_full_name()) == ("赵运维", "Ann Smith")
    listing = admin_client.get("/admin/users/").content.decode()
    assert "赵运维" in listing and "运维 赵" not in listing


def test_the_page_search_counts_pages_not_none(admin_client, portal):
    from tests.factories import ArticlePageFactory

    for n in range(2):
        ArticlePageFactory(parent=portal.national_section, title=f"计数文章{n}")
    text = admin_client.get("/admin/pages/search/", {"q": "计数文章"}).content.decode()
    assert "个页面" in text and "None" not in text.split("</header>")[-1]


def test_admin_pages_load_nothing_from_gravatar(admin_client, admin_user, portal):
    """www.gravatar.com is often unreachable from Chinese networks; every admin page loaded the
    user's avatar from it."""
    admin_user.email = "editor@example.edu.cn"
    admin_user.save()
    for path in ["/admin/", "/admin/account/", "/admin/users/"]:
        response = admin_client.get(path)
        assert response.status_code == 200
        assert "gravatar.com" not in response.content.decode(), path


def test_moving_a_section_with_its_articles_is_confirmed_without_a_typo(admin_client, portal):
    """Wagtail's zh_Hans catalogue says 此页面极其子页面 (极其: "extremely") for 及其."""
    from tests.factories import ArticlePageFactory, SectionPageFactory

    ArticlePageFactory(parent=portal.national_section)
    other = SectionPageFactory(parent=portal.national.root_page, title="理论研究")
    url = f"/admin/pages/{portal.national_section.pk}/move/{other.pk}/confirm/"
    page = admin_client.get(url).content.decode()
    assert "确认将此页面及其子页面移到'理论研究'？" in page and "极其" not in page
