"""Import articles from JSON Lines files (the format is documented in the README).

Each line is validated and imported in its own transaction, so a bad line is reported with
its number and reason while every other line is still imported. Re-importing a line with the
same `id` updates that article; an unchanged line is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import http.client
import io
import ipaddress
import json
import logging
import re
import socket
import time
import urllib.parse
import urllib.request
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import willow
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.models import Page, ReferenceIndex, Site
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.utils.file import hash_filelike

from home.models import HomePage
from home.services import ensure_site, remove_wagtail_welcome_page
from home.text import shows_anything
from portal.validators import CONTROL_CHARACTERS, MAX_UTC_OFFSET, plausible_time
from search.indexing import index_in_bulk, saves_not_indexed

from .body_import import body_to_blocks
from .models import (
    AccountIndexPage,
    ArticleAuthor,
    ArticlePage,
    ArticlePageTag,
    DeletedImport,
    PublishingAccount,
    SectionPage,
)
from .scheduling import same_moment

DEFAULT_SECTION = "综合"
DEFAULT_SITE_NAME = "高校思政门户"
# Lines commit in batches of at most COMMIT_EVERY lines or COMMIT_SECONDS of work, whichever
# comes first. On SQLite a batch holds the database's one write lock until it commits, so every
# editor's save and reader's comment meanwhile waits for it (and fails after SQLite's 5 s busy
# timeout): with lines that download images a 100-line batch took minutes. The time bound keeps
# the wait to about a second and the progress report (made as each batch commits) current.
COMMIT_EVERY = 100
COMMIT_SECONDS = 1.0
# Part of every line's digest: raised when the same line is stored differently, so that
# re-importing a file re-checks what an earlier version stored. 2: values are no longer cut to
# their fields' lengths (such a line is now refused), control characters no longer stored.
IMPORT_FORMAT_VERSION = "2"
# Since December 2026 entities are decoded in 来源, 作者, 责任编辑, 摘要 and 关键词 too. Only
# the lines holding one there are stored differently, so only their digests change (the next
# import re-saves those articles). A new format version would have made every line changed
# once: the first import after upgrading replaced editors' published corrections throughout.
DECODED_FIELDS = ("summary", "source", "authors", "editor", "keywords")
NAME_SEPARATORS = re.compile(r"[\s,，、;；]+")
STRING_FIELDS = ("id", "title", "body", "summary", "source", "editor", "published_at",
                 "section", "site", "account")  # fmt: skip
LIST_FIELDS = ("authors", "keywords")
KNOWN_FIELDS = frozenset(STRING_FIELDS + LIST_FIELDS)
TYPE_NAMES = {
    str: "字符串", list: "列表", int: "整数", float: "数字", bool: "布尔值", dict: "对象",
    type(None): "null（空值）",  # was named NoneType
}  # fmt: skip

# Lengths the models store, read from their fields so a migration cannot leave them behind. A
# longer value is refused with its limit: cutting it would lose data without a word.
ID_MAX = ArticlePage._meta.get_field("external_id").max_length
TITLE_MAX = Page._meta.get_field("title").max_length  # article and 栏目 titles alike
LENGTH_LIMITS = {  # record attribute: (label, limit)
    "source": ("来源（source）", ArticlePage._meta.get_field("source").max_length),
    "editor": ("责任编辑（editor）", ArticlePage._meta.get_field("editor").max_length),
    "account": ("育人号（account）", PublishingAccount._meta.get_field("name").max_length),
}
ITEM_LENGTH_LIMITS = {  # list field: (label, limit of each item)
    "authors": ("作者（authors）", ArticleAuthor._meta.get_field("name").max_length),
    "keywords": (
        "关键词（keywords）",
        ArticlePageTag.tag_model()._meta.get_field("name").max_length,
    ),
}

# Keywords an article may carry. Wagtail's tag field (modelcluster) adds them one by one, each
# compared with those already added: 30,000 keywords never finished importing, and an editor
# cannot work with a tag field of hundreds. Real articles carry a handful.
MAX_KEYWORDS = 100

# Characters that are not stored: C0 controls other than tab, LF and CR, DEL, lone surrogates
# (half of a character; UTF-8 cannot even encode them) and U+FFFE/U+FFFF. XML 1.0 forbids all
# of them but DEL, so one in an article breaks the RSS/Atom feeds; PostgreSQL refuses NUL.
# They are dropped with a warning rather than refusing the line: they carry nothing a reader
# sees (NUL padding, Word's vertical tab and page break), and a whole article should not be
# held back for an invisible character. Only the id is refused: dropping characters there
# could turn it into another article's id and overwrite that article.
FORBIDDEN_CHARACTERS = re.compile(f"[{CONTROL_CHARACTERS}\ud800-\udfff\ufffe\uffff]")


class LineError(ValueError):
    """A line that cannot be imported; the message is shown to the operator as is."""


@dataclass
class ArticleRecord:
    external_id: str
    title: str
    body: str = ""
    summary: str = ""
    source: str = ""
    authors: list[str] = field(default_factory=list)
    editor: str = ""
    published_at: datetime | None = None
    section_path: list[str] = field(default_factory=list)
    site_hostname: str = ""
    keywords: list[str] = field(default_factory=list)
    account: str = ""
    digest: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class LineOutcome:
    lineno: int
    status: str  # created | updated | unchanged | skipped | failed
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    outcomes: list[LineOutcome] = field(default_factory=list)
    # The first error an imported line's search-index update met (its class name), if any.
    index_error: str = ""

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> list[LineOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def _type_name(value) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)


def _code_points(text: str) -> str:
    """Forbidden characters shown as U+XXXX, so a message never carries one itself."""
    return FORBIDDEN_CHARACTERS.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def _without_forbidden(value, found: list[str]):
    """`value` (text, or lists and dicts of text) without forbidden characters; the characters
    removed are added to `found`."""
    if isinstance(value, str):
        found.extend(FORBIDDEN_CHARACTERS.findall(value))
        return FORBIDDEN_CHARACTERS.sub("", value)
    if isinstance(value, dict):
        return {key: _without_forbidden(item, found) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_forbidden(item, found) for item in value]
    return value


def _code_list(characters: list[str]) -> str:
    return "、".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in characters))


def _drop_forbidden(data: dict, warnings: list[str]) -> dict:
    """The known fields without forbidden characters, with a warning per field that had any."""
    cleaned = dict(data)
    for key in sorted(KNOWN_FIELDS & set(data)):
        found: list[str] = []
        cleaned[key] = _without_forbidden(data[key], found)
        if not found:
            continue
        if key == "id":
            raise LineError(f"id 含控制字符或无效字符（{_code_list(found)}），请先修正导出的数据")
        warnings.append(
            f"字段 {key} 中的 {len(found)} 个控制字符或无效字符（{_code_list(found)}）已删除"
        )
    return cleaned


def _check_length(text: str, label: str, limit: int) -> None:
    if len(text) > limit:
        raise LineError(f"{label}过长：{len(text)} 个字符（最多 {limit} 个）")


def _split_names(value: str | list, key: str) -> list[str]:
    if isinstance(value, str):
        return [part for part in NAME_SEPARATORS.split(value) if part]
    names = []
    for item in value:
        if not isinstance(item, str):
            raise LineError(f"字段 {key} 的每一项应为字符串，实际含有{_type_name(item)}")
        if item.strip():
            names.append(item.strip())
    return names


def parse_published_at(value: str) -> datetime:
    """ISO 8601; a time without offset is Beijing time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise LineError(
            f"published_at 无法解析：{value!r}（应为 ISO 8601，例如 2022-02-24T09:17:32+08:00）"
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    elif abs(moment.utcoffset()) > MAX_UTC_OFFSET:
        raise LineError(f"published_at 的时区偏移超出 ±14:00：{value!r}")
    try:
        plausible_time(moment)
    except ValidationError as exc:
        raise LineError(f"发布{exc.messages[0]}：published_at 为 {value!r}") from None
    # Stored in UTC: the database never sees the offset the file happened to use.
    return moment.astimezone(UTC)


# What the json module's messages mean, for the people who fix the export.
JSON_ERRORS = {
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting value": "缺少值（或有多余的逗号）",
    "Extra data": "对象后面还有多余内容（一行只能有一个 JSON 对象）",
    "Unterminated string starting at": "字符串缺少结束的引号",
    "Expecting property name enclosed in double quotes": "键名须用英文双引号括起",
    "Invalid control character at": "字符串中有未转义的控制字符（如换行）",
    "Invalid \\escape": "无效的反斜杠转义",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
}


def _text(value: str | None, lines: bool = False) -> str:
    """A plain-text field as readers see it: entities an export left in it decoded (人民网
    &middot; 教育频道, 张&nbsp;三) and runs of spaces made one (line breaks kept with `lines`)."""
    text = html.unescape(value or "")
    if lines:
        return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())
    return " ".join(text.split())


def _titles_below(home: Page, page: Page) -> list[str]:
    """The titles from below `home` down to `page` (its 栏目 path); [] when not under it."""
    if not page.path.startswith(home.path):
        return []
    above = page.get_ancestors(inclusive=True).filter(depth__gt=home.depth)
    return list(above.values_list("title", flat=True))


def _holds_entities(value: str | list | None) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and html.unescape(v) != v for v in values)


def _unescaped(value: str | list | None) -> str | list:
    """A names field given as one string, its entities decoded before it is split at its
    separators: 古丽&middot;艾力 is one name (the ; of &middot; split it), and &#65307; (；)
    is a separator like the character."""
    return html.unescape(value) if isinstance(value, str) else (value or [])


def _texts(values: list[str]) -> list[str]:
    return [text for text in map(_text, values) if text]


def parse_line(raw: str) -> ArticleRecord:
    """Validate one line of the import file; raise LineError with the reason."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        reason = JSON_ERRORS.get(exc.msg, "语法错误")
        raise LineError(f"不是有效的 JSON：{reason}（第 {exc.colno} 列）") from None
    except RecursionError:
        raise LineError("JSON 嵌套层数过多") from None
    if not isinstance(data, dict):
        raise LineError(f"每行应为一个 JSON 对象，实际是{_type_name(data)}")

    warnings = []
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        warnings.append(f"未知字段已忽略：{_code_points(', '.join(unknown))}")

    for key in STRING_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise LineError(f"字段 {key} 应为字符串，实际是{_type_name(value)}")
    for key in LIST_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, list | str):
            raise LineError(f"字段 {key} 应为字符串列表，实际是{_type_name(value)}")
    data = _drop_forbidden(data, warnings)

    external_id = (data.get("id") or "").strip()
    if not external_id:
        raise LineError("缺少必填字段 id")
    _check_length(external_id, "id ", ID_MAX)
    # A title is text, but exports of web pages leave entities in it (&nbsp;, &#8226;, &middot;
    # in the dev corpus): decoded, so readers see • and search finds the words beside it.
    title = " ".join(html.unescape(data.get("title") or "").split())
    if not shows_anything(title):  # (zero-width spaces alone look like no title)
        raise LineError("缺少必填字段 title（标题）" if not title else "标题只有看不见的字符")
    _check_length(title, "标题", TITLE_MAX)

    published_at = None
    if (data.get("published_at") or "").strip():
        published_at = parse_published_at(data["published_at"])

    section = data.get("section") or DEFAULT_SECTION
    section_path = [part.strip() for part in section.split("/") if part.strip()]
    for part in section_path:
        _check_length(part, f"栏目名称“{part[:20]}…”", TITLE_MAX)

    record = ArticleRecord(
        external_id=external_id,
        title=title,
        body=data.get("body") or "",
        summary=_text(data.get("summary"), lines=True),
        source=_text(data.get("source")),
        authors=_texts(_split_names(_unescaped(data.get("authors")), "authors")),
        editor=_text(data.get("editor")),
        published_at=published_at,
        section_path=section_path or [DEFAULT_SECTION],
        site_hostname=(data.get("site") or "").strip().lower(),
        keywords=_texts(_split_names(_unescaped(data.get("keywords")), "keywords")),
        account=(data.get("account") or "").strip(),
        warnings=warnings,
    )
    for attribute, (label, limit) in LENGTH_LIMITS.items():
        _check_length(getattr(record, attribute), label, limit)
    if (count := len(set(record.keywords))) > MAX_KEYWORDS:
        raise LineError(f"关键词过多：{count} 个（最多 {MAX_KEYWORDS} 个）")
    for attribute, (label, limit) in ITEM_LENGTH_LIMITS.items():
        for item in getattr(record, attribute):
            _check_length(item, f"{label}中的“{item[:20]}…”", limit)
    canonical = json.dumps(
        {k: data.get(k) for k in sorted(KNOWN_FIELDS)}, ensure_ascii=False, sort_keys=True
    )
    version = IMPORT_FORMAT_VERSION
    if any(_holds_entities(data.get(key)) for key in DECODED_FIELDS):
        version += "+entities"
    record.digest = hashlib.sha256(f"{version}\n{canonical}".encode()).hexdigest()
    return record


def _check_fetchable(url: str) -> None:
    """Refuse a web address that is not http(s) or leads inside (loopback, private, link-local
    …), unless IMPORT_PRIVATE_URLS allows the intranet."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise OSError(f"不支持的地址：{url[:100]}")
    if settings.PORTAL_IMPORT_PRIVATE_URLS:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parsed.hostname, None)}
    except (socket.gaierror, UnicodeError):
        raise OSError(f"无法解析主机名 {parsed.hostname}") from None
    for address in addresses:
        _check_address(parsed.hostname, address)


# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64): 64:ff9b::7f00:1 is
# 127.0.0.1 through a NAT64 gateway, and Python counts the prefix as global.
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _is_public(address: str) -> bool:
    """A global address, and so is any IPv4 address it carries (IPv4-mapped, 6to4, Teredo,
    NAT64): those reach the IPv4 address behind them on networks that route them."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if not ip.is_global:
        return False
    if ip.version == 6:
        carried = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if any(ip in network for network in NAT64):
            carried.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return all(v4 is None or v4.is_global for v4 in carried)
    return True


def _check_address(hostname: str, address: str) -> None:
    if not settings.PORTAL_IMPORT_PRIVATE_URLS and not _is_public(address):
        raise OSError(
            f"不从内部地址下载图片：{hostname}（{address}；如确需，请设置 IMPORT_PRIVATE_URLS）"
        )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is followed only to where a first request could go."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_fetchable(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _CheckedPeer:
    """The address actually connected to is checked too: a name that resolved to a public
    address for the check and to 127.0.0.1 for the connection (DNS rebinding) gets nothing."""

    def connect(self):
        super().connect()
        try:
            _check_address(self.host, self.sock.getpeername()[0])
        except OSError:
            self.close()
            raise


class _CheckedHTTPConnection(_CheckedPeer, http.client.HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedPeer, http.client.HTTPSConnection):
    pass


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


def _download(url: str, limit: int, seconds: float = 60.0) -> bytes:
    """At most `limit` + 1 bytes of a public web address, within `seconds` in all (a server
    sending a byte now and then would otherwise hold the import for hours)."""
    _check_fetchable(url)
    opener = urllib.request.build_opener(
        _CheckedRedirects, _CheckedHTTPHandler, _CheckedHTTPSHandler
    )
    deadline = time.monotonic() + seconds
    chunks, size = [], 0
    with opener.open(url, timeout=10) as response:
        while size <= limit:
            if time.monotonic() > deadline:
                raise OSError(f"下载超过 {seconds:.0f} 秒仍未完成")
            chunk = response.read1(min(64 * 1024, limit + 1 - size))  # what has come
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks)


class ArticleImporter:
    """Writes validated records into the page tree of their site."""

    def __init__(self, base_dir: Path | None = None, restore_deleted: bool = False):
        self.base_dir = base_dir
        self.restore_deleted = restore_deleted  # import ids whose articles editors deleted
        self._sites: dict[str, Site] = {}
        self.imported_ids: list[int] = []  # pages written since import_file last indexed them
        self._directories: set[int] = set()  # homes whose 育人号 directory is known to exist

    # --- places ---------------------------------------------------------------------------
    def site_for(self, hostname: str) -> Site:
        if hostname not in self._sites:
            if hostname:
                site = Site.objects.filter(hostname=hostname).order_by("-is_default_site").first()
                if site is None:
                    raise LineError(f"未知站点：{hostname}（请先在后台“站点”中创建）")
            else:
                site = Site.objects.filter(is_default_site=True).first()
                if site is None:
                    raise LineError("没有默认站点：请先运行 load_demo 或在后台创建站点")
            self._sites[hostname] = site
        return self._sites[hostname]

    def home_for(self, site: Site) -> HomePage:
        home = site.root_page.specific
        if not isinstance(home, HomePage) and _is_wagtail_welcome_page(site.root_page):
            # A database just migrated: the site shows Wagtail's placeholder page. It becomes a
            # portal site with a 首页 of its own, so an import needs no other setup first.
            site = ensure_site(
                hostname=site.hostname,
                port=site.port,
                site_name=site.site_name or DEFAULT_SITE_NAME,
                slug=slugify(site.hostname) or "portal",
                is_default=site.is_default_site,
            )
            remove_wagtail_welcome_page()
            self._sites = {key: site if s.pk == site.pk else s for key, s in self._sites.items()}
            home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise LineError(
                f"站点 {site.hostname} 的根页面不是首页（HomePage），无法建立栏目："
                "请在后台“设置 → 站点”中把根页面设为一个首页，或运行 manage.py load_demo"
            )
        return home

    def section_for(
        self, home: HomePage, path: list[str], warnings: list[str] | None = None
    ) -> SectionPage:
        # treebeard spells a page's place as steplen characters per level in a path column of
        # fixed width; the article itself takes the level below its 栏目.
        max_levels = Page._meta.get_field("path").max_length // Page.steplen - home.depth - 1
        if len(path) > max_levels:
            raise LineError(f"栏目层级过多：{len(path)} 级（最多 {max_levels} 级）")
        parent: Page = home
        for title in path:
            section = (
                SectionPage.objects.child_of(parent).filter(title=title).order_by("path").first()
            )
            if section is None and (section := self._moved_section(home, title)) is not None:
                if warnings is not None:
                    warnings.append(
                        f"栏目《{title}》已被编辑移到《{section.get_parent().title}》下："
                        "本行的文章放在那里"
                    )
            if section is None:
                section = SectionPage(title=title, slug=self._free_slug(parent, title, "section"))
                parent.add_child(instance=section)
                section.save_revision().publish()
            parent = section
        return parent

    @staticmethod
    def _moved_section(home: HomePage, title: str) -> SectionPage | None:
        """The 栏目 of the site titled `title` that a person moved, when it is the only one:
        the line's path (甲栏目/丙栏目) leads nowhere since an editor moved 丙栏目 (under
        理论研究). Before, the import made the path again and moved the articles back into
        it. None when there is none or several."""
        from django.db.models import Exists, OuterRef
        from wagtail.models import PageLogEntry

        moved = PageLogEntry.objects.filter(
            page_id=OuterRef("pk"), action="wagtail.move", user_id__isnull=False
        )
        found = list(
            SectionPage.objects.descendant_of(home).filter(title=title).filter(Exists(moved))[:2]
        )
        return found[0] if len(found) == 1 else None

    def account_directory(self, home: HomePage) -> None:
        """The site's 育人号 directory (/yurenhao/): its accounts' pages live under it."""
        if home.pk in self._directories:
            return
        if AccountIndexPage.objects.child_of(home).exists():
            # Known from now on (not when made here: a failing line takes it back with it).
            self._directories.add(home.pk)
        else:
            index = AccountIndexPage(title="育人号", slug="yurenhao", show_in_menus=True)
            index.slug = ArticleImporter._free_slug(home, index.slug, "yurenhao", index)
            home.add_child(instance=index)
            index.save_revision().publish()

    def account_for(self, name: str, site: Site) -> PublishingAccount | None:
        if not name:
            return None
        account = PublishingAccount.objects.filter(name=name).first()
        if account is None:
            slug = slugify(name, allow_unicode=True)[:90] or "account"
            base, n = slug, 1
            while PublishingAccount.objects.filter(slug__iexact=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            account = PublishingAccount.objects.create(
                name=name, slug=slug, institution=name, site=site
            )
        return account

    @staticmethod
    def _free_slug(parent: Page, text: str, fallback: str, page: Page | None = None) -> str:
        from wagtail.models import Site

        from portal.page_forms import reserved_slugs

        base = slugify(text, allow_unicode=True)[:200] or fallback
        slug, n = base, 1
        # At the top of a site, search/admin/api … are served before the page tree.
        top = Site.objects.filter(root_page_id=parent.pk).exists()
        while not Page._slug_is_available(slug, parent, page) or (top and slug in reserved_slugs()):
            n += 1
            slug = f"{base}-{n}"
        return slug

    @staticmethod
    def _moved_by_editor(page: ArticlePage) -> str | None:
        """Who moved the article last, if a person did (imports move it as no one)."""
        from wagtail.models import PageLogEntry

        move = (
            PageLogEntry.objects.filter(page=page, action="wagtail.move")
            .select_related("user")
            .order_by("-timestamp", "-pk")
            .first()
        )
        if move is None or move.user_id is None:
            return None
        # The entry keeps the id of an account deleted since (no constraint): still a person.
        return move.user.get_username() if move.user else f"用户 {move.user_id}"

    @staticmethod
    def _check_editors_work(page: ArticlePage) -> None:
        """An article an editor is working on is left alone: the line would replace their
        draft (and cancel its review) with the import, published without review."""
        if page.workflow_in_progress:
            raise LineError(
                f"文章《{page.title}》正在审核中（三审）：本行未导入，审核结束或撤回后再导入"
            )
        # (A go-live an import set, for a line dated ahead, is the next line's to change.)
        if page.scheduled_revision is not None and not _scheduled_by_import(page):
            raise LineError(
                f"文章《{page.title}》有已安排定时发布的修改：本行未导入，"
                "请在定时发布后或取消定时后再导入"
            )
        # An editor's draft: a revision of theirs saved after the last publication (a
        # withdrawn article's has_unpublished_changes is set whether or not anyone edited it).
        latest = page.latest_revision
        if (
            latest is not None
            and latest.user_id is not None
            and (page.last_published_at is None or latest.created_at > page.last_published_at)
        ):
            raise LineError(
                f"文章《{page.title}》有 {latest.user.get_username()} 在发布后保存的修改（草稿）："
                "本行未导入，以免覆盖这些修改；编辑处理这份草稿后再导入"
            )

    # --- images ---------------------------------------------------------------------------
    def resolve_image(self, src: str, title: str):
        try:
            name, opened = self._open_image_source(src)
        except OSError as exc:
            return None, _download_reason(exc)
        Image = get_image_model()
        with opened as fh:
            data = fh.read()
        file_hash = hash_filelike(io.BytesIO(data))
        existing = Image.objects.filter(file_hash=file_hash).first()
        if existing is None:
            try:
                upload = checked_image(name, data)
            except ValidationError as exc:
                return None, "；".join(exc.messages)
            existing = Image(title=(title or name)[:255], file=upload, file_hash=file_hash)
            existing.save()
        return existing, ""

    def _open_image_source(self, src: str):
        """An image's bytes, from where an import file may take them: files under the import
        file's directory (or IMPORT_FILE_ROOTS), public web addresses (internal ones only with
        IMPORT_PRIVATE_URLS). Import files come from institutions' exports: an <img> must not
        read the server's own files, probe the intranet, or hang the import on /dev/zero."""
        parsed = urllib.parse.urlparse(src)
        if not parsed.scheme and parsed.netloc:  # //host/a.png, as pages give it: a web address
            src = f"https:{src}"
            parsed = urllib.parse.urlparse(src)
        if parsed.scheme in ("http", "https"):
            data = _download(src, WAGTAIL_IMAGE_LIMIT)
            if len(data) > WAGTAIL_IMAGE_LIMIT:
                raise OSError(f"图片超过 {WAGTAIL_IMAGE_LIMIT // 2**20} MB")
            name = Path(parsed.path).name or "image"
            return name, io.BytesIO(data)
        if parsed.scheme == "file":
            path = Path(urllib.parse.unquote(parsed.path))
        elif parsed.scheme == "":
            path = Path(urllib.parse.unquote(src))
            if not path.is_absolute():
                if self.base_dir is None:
                    raise OSError("相对路径需要导入文件所在目录")
                path = self.base_dir / path
        else:
            raise OSError(f"不支持的地址类型 {parsed.scheme}")
        path = path.resolve()
        roots = [Path(root).resolve() for root in settings.PORTAL_IMPORT_FILE_ROOTS]
        if self.base_dir is not None:
            roots.append(self.base_dir.resolve())
        if not any(path.is_relative_to(root) for root in roots):
            raise OSError("图片不在导入文件所在目录之下（其他目录须列入 IMPORT_FILE_ROOTS）")
        if not path.is_file():
            raise OSError("不是普通文件" if path.exists() else "文件不存在")
        if path.stat().st_size > WAGTAIL_IMAGE_LIMIT:
            raise OSError(f"图片超过 {WAGTAIL_IMAGE_LIMIT // 2**20} MB")
        return path.name, path.open("rb")

    # --- articles -------------------------------------------------------------------------
    def import_record(self, record: ArticleRecord) -> tuple[str, list[str]]:
        warnings = list(record.warnings)
        existing = ArticlePage.objects.filter(external_id=record.external_id).first()
        if existing is not None and existing.import_digest == record.digest:
            return "unchanged", warnings
        if existing is None:
            deleted = DeletedImport.objects.filter(external_id=record.external_id).first()
            if deleted is not None:
                if not self.restore_deleted:
                    when = timezone.localtime(deleted.deleted_at).strftime("%Y-%m-%d %H:%M:%S")
                    warnings.append(
                        f"文章《{deleted.title}》已于 {when} 被删除：本行跳过，没有重新发布；"
                        "确需恢复，请加 --restore-deleted 再导入"
                    )
                    return "skipped", warnings
                deleted.delete()  # restored

        site = self.site_for(record.site_hostname)
        # Who moved the article last, if a person did: where they put it stands (another 栏目,
        # or another site), whatever the line says.
        moved_by = self._moved_by_editor(existing) if existing is not None else None
        if (
            existing is not None
            and moved_by is None
            and not existing.path.startswith(site.root_page.path)
        ):
            # Ids are the portal's, not a site's: institutions numbering their own exports
            # (1, 2, …) would otherwise take over, move and overwrite each other's articles.
            owner = existing.get_site()
            raise LineError(
                f"id {record.external_id} 已被站点 {owner.hostname if owner else '（无站点）'} "
                f"的文章《{existing.title}》使用：各站点的 id 须互不相同，"
                "请给本站的文章另起 id（例如加上站点前缀）"
            )
        if existing is not None:
            self._check_editors_work(existing)
        # Never published: a line dated ahead left it waiting for its time (or its schedule
        # was cancelled), or its 栏目 was offline. Not withdrawn: the line publishes it.
        unpublished = existing is not None and existing.last_published_at is None
        home = self.home_for(site)
        current = existing.get_parent().specific if existing is not None else None
        if moved_by is not None:
            section = current
            if _titles_below(home, current) != record.section_path:
                warnings.append(
                    f"文章《{existing.title}》已由 {moved_by} 移到《{current.title}》："
                    f"保留编辑的位置，没有按本行放回《{'/'.join(record.section_path)}》"
                )
        else:
            section = self.section_for(home, record.section_path, warnings)
        # A 栏目 editors took offline (or one above it) gets no live article from a line: a
        # new one waits there as a draft; one live elsewhere stays where it is, the line's
        # text as its draft. Before, both went live below the offline 栏目.
        offline = next(
            (p for p in section.get_ancestors(inclusive=True).specific() if not p.live), None
        )
        if offline is not None and current is not None and current.pk != section.pk:
            warnings.append(
                f"栏目《{offline.title}》已下线：文章《{existing.title}》留在《{current.title}》，"
                "没有移入"
            )
            section = current
        account = self.account_for(record.account, site)
        if account is not None:
            self.account_directory(home)
        try:
            conversion = body_to_blocks(record.body, self.resolve_image)
        except RecursionError:
            raise LineError(
                "正文 HTML 嵌套层数过多，无法转换（请去掉层层套叠的 <div> 等标签）"
            ) from None
        # Character references in the HTML (&#11;) bring forbidden characters back.
        found: list[str] = []
        conversion.blocks = _without_forbidden(conversion.blocks, found)
        if found:
            warnings.append(
                f"正文 HTML 中以字符引用写出的 {len(found)} 个控制字符（{_code_list(found)}）已删除"
            )
        check_editor_can_save(record, conversion.blocks)
        warnings.extend(conversion.warnings)

        if existing is None:
            page = ArticlePage(
                external_id=record.external_id,
                title=record.title,
                slug=self._free_slug(section, record.external_id, "article"),
            )
            status = "created"
        else:
            page = existing
            if current.pk != section.pk:
                if not Page._slug_is_available(page.slug, section, page):
                    # Another article of the new 栏目 has its slug (news-7 for news 7 and
                    # news-7): a free one, as for a new article (the move failed, every time).
                    slug = self._free_slug(section, record.external_id, "article", page)
                    warnings.append(
                        f"文章《{page.title}》的网址名 {page.slug} 在《{section.title}》中已被"
                        f"占用：移入后改为 {slug}"
                    )
                    page.slug = slug
                    Page.objects.filter(pk=page.pk).update(slug=slug)
                page.move(section, pos="last-child")
                page.refresh_from_db()
            status = "updated"

        page.title = record.title
        page.source = record.source
        page.editor = record.editor
        page.summary = record.summary
        page.display_time = record.published_at
        page.account = account
        page.body = conversion.blocks
        page.import_digest = record.digest
        page.authors = [ArticleAuthor(name=name) for name in record.authors]
        page.tags.set(record.keywords)
        # A line dated ahead goes live at its time (定时发布), as an editor schedules one:
        # live at once, it headed every list until that day with a time still to come.
        ahead = record.published_at is not None and record.published_at > timezone.now()
        page.go_live_at = record.published_at if ahead and offline is None else None
        if existing is None or unpublished:
            # Wagtail sets it when the article goes live (its time, when scheduled): an
            # earlier line's date, moved or lifted since, is not kept.
            page.first_published_at = None if ahead else record.published_at
        # One reference-index update per article instead of one per save (three saves).
        with disable_reference_index_auto_update():
            if offline is not None:
                # An earlier line's schedule (the only kind _check_editors_work let through),
                # live article or not: it would publish that line's text under the offline 栏目.
                if existing is not None and existing.scheduled_revision is not None:
                    existing.revisions.update(approved_go_live_at=None)
                    ArticlePage.objects.filter(pk=page.pk).update(go_live_at=None)
                if existing is None:
                    page.live = False
                    section.add_child(instance=page)
                page.save_revision()  # a live one stays as readers have it
                ArticlePage.objects.filter(pk=page.pk).update(import_digest=record.digest)
                warnings.append(
                    f"栏目《{offline.title}》已下线：文章《{record.title}》已存为草稿，没有发布；"
                    "栏目重新上线后，请编辑在后台发布"
                )
            elif existing is None:
                page.live = not ahead  # never live, nor indexed as such, before its time
                section.add_child(instance=page)
                page.save_revision().publish()
            elif not existing.live and not unpublished:
                # Withdrawn (撤稿) by an editor: the new text waits as a draft, offline.
                page.save_revision()
                ArticlePage.objects.filter(pk=page.pk).update(import_digest=record.digest)
                warnings.append(
                    f"文章《{existing.title}》已撤稿（未发布）：本行的内容已存为草稿，"
                    "没有重新发布；要重新上线请编辑在后台发布"
                )
            else:
                edited_by = existing.live_revision.user if existing.live_revision else None
                page.save_revision().publish()
                if ahead:  # scheduled: Wagtail saved none of the live page's own fields
                    ArticlePage.objects.filter(pk=page.pk).update(import_digest=record.digest)
                if edited_by is not None:
                    warnings.append(
                        f"文章《{existing.title}》在上次导入后由 {edited_by.get_username()} "
                        "修改并发布过：本行的内容"
                        + ("将在定时发布时替换" if ahead else "已替换")
                        + "这些修改（旧版本留在修订历史中）"
                    )
        if ahead and offline is None and (existing is None or existing.live or unpublished):
            when = timezone.localtime(record.published_at).strftime("%Y-%m-%d %H:%M:%S")
            warnings.append(
                f"文章《{record.title}》的发布时间 {when} 尚未到：已定时于该时刻发布"
                + ("，现在读者看到的仍是上一版" if existing is not None and existing.live else "")
                + "；如日期有误，请改正后重新导入，或在后台「定时发布」中取消"
            )
        ReferenceIndex.create_or_update_for_object(page)
        self.imported_ids.append(page.pk)  # indexed with the rest of its batch
        return status, warnings


def _scheduled_by_import(page: ArticlePage) -> bool:
    """Whether the article's schedule is the one an import line dated ahead set: a revision
    no one saved, going live at its own 发布时间. An editor's (re)schedule in 定时发布 keeps
    the revision's user (none) but moves its time away from the 发布时间."""
    scheduled = page.scheduled_revision
    if scheduled is None or scheduled.user_id is not None:
        return False
    shown = parse_datetime(scheduled.content.get("display_time") or "")
    return shown is not None and same_moment(shown, scheduled.approved_go_live_at)


def checked_image(name: str, data: bytes) -> SimpleUploadedFile:
    """An imported image as the admin's upload form would take it, or ValidationError.

    Wagtail's upload checks (format among WAGTAILIMAGES_EXTENSIONS, size, pixel count) run
    on what the file is, not what it is called: the name gets the detected format's extension.
    An import took any file Willow could read under its own name, so an SVG with a script, or
    a PNG named .html, was served from /media/ on the portal's origin and ran there; a small
    PNG of 156 Mpx took 941 MB to render. Addresses often have no extension (mmbiz …/640).
    """
    try:
        kind = willow.Image.open(io.BytesIO(data)).format_name
    except Exception as exc:  # Willow/Pillow raise many kinds for broken files
        raise ValidationError("不是可识别的图片（文件损坏或不是图片格式）") from exc
    stem = Path(name).stem.strip(". ") or "image"
    upload = SimpleUploadedFile(f"{stem}.{IMAGE_EXTENSIONS.get(kind, kind)}", data)
    WagtailImageField().clean(upload)
    upload.seek(0)
    return upload


# Willow's format names that differ from the usual file extension.
IMAGE_EXTENSIONS = {"jpeg": "jpg"}


def _download_reason(exc: OSError) -> str:
    """Why an image could not be read, in Chinese (urllib's own words are English)."""
    import socket
    import ssl
    import urllib.error

    if isinstance(exc, urllib.error.HTTPError):
        return f"图片下载失败：服务器回答 HTTP {exc.code}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return "图片下载失败：连接被拒绝"
    if isinstance(reason, ssl.SSLError):
        return "图片下载失败：HTTPS 连接出错（证书或协议）"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "图片下载失败：连接超时"
    if isinstance(reason, socket.gaierror):
        return "图片下载失败：无法解析主机名"
    text = str(exc)
    if re.search(r"[\u4e00-\u9fff]", text):  # our own reasons are Chinese already
        return text
    return f"图片读取失败（{exc.__class__.__name__}）"


# Imports read images up to Wagtail's upload limit, and no further.
WAGTAIL_IMAGE_LIMIT = getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)


# --- what the editor can save again ------------------------------------------------------------
# Saving an article in the Wagtail editor posts the whole page form, and Django answers a request
# with more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields or DATA_UPLOAD_MAX_MEMORY_SIZE bytes of
# field data with the 400 page. The importer writes to the database directly, so such an article
# would import, and then no editor could ever save it: the line is refused instead.
#
# The estimate follows the form the editor posts, block by block. Each body block sends its
# type, order, id and deleted flag plus one field per value field of its block (小标题: text and
# level; 图片: image, caption and alt text; 表格: the table JSON and two inputs of the table
# widget). Rich text goes as the Draftail JSON the editor works on, which is longer than the
# HTML (about 100 bytes more per paragraph), so it is computed with the editor's own converter.
# The article form has no file input, so the browser sends it URL-encoded and Django compares
# the whole body with DATA_UPLOAD_MAX_MEMORY_SIZE: each Chinese character takes 9 bytes there
# (%E4%B8%AD), so about 250,000 characters of Chinese text fill the 2.5 MB, whatever their
# UTF-8 size (a multipart form would count less, so this errs on the safe side).
#
# Checked in Chromium (Wagtail 8.0.1) on imported articles: the body of 36 mixed blocks came to
# 209 fields, as estimated, and the rest of the form (title, slug, SEO, settings, the author and
# comment formsets …) to 28 fields and about 1 KB besides the line's own text and authors;
# bodies estimated at 8,989 fields and 2.0 MB saved, while 12,201 fields or 6.5 MB (2.3 MB of
# UTF-8) got the 400 page; each estimate was within 1 % of what the browser sent. The reserves
# below round the rest of the form up generously, and EDITOR_SLACK keeps a tenth of each limit
# free for what an editor adds (blocks, comments) before saving.
EDITOR_FORM_FIELDS = 100
EDITOR_FORM_BYTES = 8 * 1024
EDITOR_FIELDS_PER_AUTHOR = 4  # id, ORDER, DELETE, name
EDITOR_SLACK = 0.9
TABLE_EXTRA_FIELDS = 2  # the widget's table-header-choice and handsontable-col-caption
TABLE_EXTRA_BYTES = 300  # those two, and the keys the widget adds to the table JSON


def _posted_bytes(name: str, value: str) -> int:
    """Bytes of `name=value&` in the URL-encoded form body (see above)."""
    return (
        len(urllib.parse.quote_plus(name, safe="*"))
        + len(urllib.parse.quote_plus(value, safe="*"))
        + 2
    )


def _compact_json(text: str) -> str:
    """JSON as a browser's JSON.stringify sends it: no spaces, other scripts as they are."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        return text


def _block_value_post(block: blocks.Block, value, prefix: str) -> tuple[int, int]:
    """(fields, bytes) the editor posts for one block value."""
    if isinstance(block, blocks.BaseStructBlock):
        fields = size = 0
        for name, child in block.child_blocks.items():
            child_fields, child_size = _block_value_post(
                child, (value or {}).get(name), f"{prefix}-{name}"
            )
            fields, size = fields + child_fields, size + child_size
        return fields, size
    if isinstance(block, blocks.RichTextBlock):
        posted = _compact_json(block.field.widget.format_value(value or ""))
    elif isinstance(block, TableBlock):
        # The table widget adds its own header-choice and caption inputs, and keys to the JSON.
        posted = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return 1 + TABLE_EXTRA_FIELDS, _posted_bytes(prefix, posted) + TABLE_EXTRA_BYTES
    elif isinstance(value, dict | list):
        posted = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:  # browsers send a textarea's line breaks as CR LF
        posted = "" if value is None else str(value).replace("\n", "\r\n")
    return 1, _posted_bytes(prefix, posted)


def editor_post_size(record: ArticleRecord, stream_data: list[dict]) -> dict[str, list[int]]:
    """[fields, bytes] saving the imported article in the editor would post (see above), by
    the part of the line they come from: 正文, 作者, 关键词, and the rest of the form."""
    body_block = ArticlePage._meta.get_field("body").stream_block
    texts = [record.title, record.summary, record.source, record.editor, record.account]
    parts = {
        "其他字段": [EDITOR_FORM_FIELDS + 1, EDITOR_FORM_BYTES],
        "作者": [
            EDITOR_FIELDS_PER_AUTHOR * len(record.authors),
            sum(_posted_bytes("x" * 20, author) for author in record.authors),
        ],
        "关键词": [0, sum(_posted_bytes("", f'"{keyword}",') for keyword in record.keywords)],
        "正文": [0, _posted_bytes("body-count", str(len(stream_data)))],
    }
    parts["其他字段"][1] += sum(_posted_bytes("x" * 20, text) for text in texts)
    body = parts["正文"]
    for index, item in enumerate(stream_data):
        prefix = f"body-{index}"
        meta = {"type": item["type"], "deleted": "", "order": str(index), "id": item["id"]}
        for name, value in meta.items():
            body[0] += 1
            body[1] += _posted_bytes(f"{prefix}-{name}", value)
        block = body_block.child_blocks[item["type"]]
        block_fields, block_size = _block_value_post(block, item["value"], f"{prefix}-value")
        body[0] += block_fields
        body[1] += block_size
    return parts


def check_editor_can_save(record: ArticleRecord, stream_data: list[dict]) -> None:
    parts = editor_post_size(record, stream_data)
    fields = sum(f for f, _ in parts.values())
    size = sum(b for _, b in parts.values())
    cause = {
        "正文": f"正文块过多（{len(stream_data)} 个块）",
        "作者": f"作者过多（{len(record.authors)} 位）",
    }
    max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if max_fields is not None and fields > max_fields * EDITOR_SLACK:
        most = max(("正文", "作者"), key=lambda part: parts[part][0])
        raise LineError(
            f"{cause[most]}：在编辑器中保存时约需提交 {fields} 个表单字段"
            f"（正文 {parts['正文'][0]} 个，作者 {parts['作者'][0]} 个），"
            f"超过上限 {max_fields} 个（DATA_UPLOAD_MAX_NUMBER_FIELDS，另留一成余量），"
            "导入后将无法在编辑器中保存；"
            + ("请拆分为几篇文章" if most == "正文" else "请只列出主要作者")
        )
    max_bytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if max_bytes is not None and size > max_bytes * EDITOR_SLACK:
        shares = "，".join(f"{part} {b / 2**20:.1f} MB" for part, (_, b) in parts.items())
        most = max(parts, key=lambda part: parts[part][1])
        what, advice = {
            "正文": ("正文过大", "请拆分为几篇文章"),
            "作者": ("作者信息过长", "请只列出主要作者"),
            "关键词": ("关键词过长", "请精简关键词"),
            "其他字段": ("标题、摘要等字段过长", "请精简标题、摘要等字段"),
        }[most]
        raise LineError(
            f"{what}：在编辑器中保存时约需提交 {size / 2**20:.1f} MB（{shares}；"
            "表单按 URL 编码提交，每个汉字占 9 字节），"
            f"超过上限 {max_bytes / 2**20:.1f} MB（DATA_UPLOAD_MAX_MEMORY_SIZE，另留一成余量），"
            f"导入后将无法在编辑器中保存；{advice}"
        )


BOM = "\ufeff".encode()


class FileRefused(Exception):
    """A file no line of which can be read (UTF-16, say): one message for it, not one per line."""


def check_encoding(path: Path) -> None:
    """Windows Notepad's "Unicode" is UTF-16: its lines, split at the LF byte and decoded one
    by one, failed each with a misleading "GBK" or "not UTF-8" message, or as junk JSON. A
    file whose start reads as UTF-16 JSON (with its byte-order mark or without) is refused."""
    with path.open("rb") as fh:
        start = fh.read(4096)
    for encoding in ("utf-16-le", "utf-16-be"):
        text = start.decode(encoding, errors="replace").removeprefix("\ufeff").lstrip()
        if text.startswith("{"):
            raise FileRefused(
                "文件是 UTF-16 编码（Windows 记事本所说的“Unicode”），未导入任何行："
                "请将文件另存为 UTF-8 编码后再导入"
            )


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The file's non-blank lines, numbered as an editor shows them. A line ends at LF, CRLF
    or a CR alone (old Mac files: read as one line, they failed whole as bad JSON). JSON
    never holds a raw CR, nor does UTF-8 or GBK inside a character, so a CR ends a line."""
    lineno = 0
    with path.open("rb") as fh:
        for physical in fh:
            for line in physical.removesuffix(b"\n").removesuffix(b"\r").split(b"\r"):
                lineno += 1
                if line.removeprefix(BOM).strip():
                    yield lineno, line


def decode_line(raw: bytes) -> str:
    try:
        # A byte-order mark opens the file, or a later line where files were concatenated
        # (cat a.jsonl b.jsonl): either way it is not part of the JSON.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        chinese = re.search(r"[\u4e00-\u9fff]", raw.decode("gb18030"))
    except UnicodeDecodeError:
        chinese = None
    if chinese:  # Excel and Windows Notepad in China save GBK by default
        raise LineError(
            "不是 UTF-8 编码的文本：看来是 GBK（GB18030）编码，请将文件另存为 UTF-8 编码后再导入"
        )
    raise LineError("不是 UTF-8 编码的文本")


# While the search engine is unreachable, every save of a page logs the failed index update with
# its traceback (modelsearch), and the OpenSearch client logs every retry of the request with
# one more: dozens of tracebacks per article, for updates search.outbox records and replays
# once the engine answers. An import takes them off the log and reports them in one line.
INDEX_LOGGER = "modelsearch.index"
ENGINE_CLIENT_LOGGER = "opensearch"
# The portal's OpenSearch backend records a missed update and logs the outage once (with the
# error's class name) instead of raising: search.backends.opensearch.mark_engine_down.
BACKEND_LOGGER = "search.backends.opensearch"


class _IndexFailureCollector(logging.Filter):
    def __init__(self):
        super().__init__()
        self.errors: list[str] = []  # class names, since the last line began

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == ENGINE_CLIENT_LOGGER:
            return record.levelno > logging.WARNING
        if record.name == BACKEND_LOGGER:
            if record.levelno >= logging.WARNING and record.args:
                self.errors.append(str(record.args[0]))
            return False  # reported once per file by the command
        if not record.exc_info or record.exc_info[1] is None:
            return True
        self.errors.append(record.exc_info[1].__class__.__name__)
        return False


@contextlib.contextmanager
def _index_failures_collected() -> Iterator[_IndexFailureCollector]:
    collector = _IndexFailureCollector()
    loggers = [
        logging.getLogger(name) for name in (INDEX_LOGGER, ENGINE_CLIENT_LOGGER, BACKEND_LOGGER)
    ]
    for logger in loggers:
        logger.addFilter(collector)
    try:
        yield collector
    finally:
        for logger in loggers:
            logger.removeFilter(collector)


def import_file(
    path: Path,
    progress: Callable[[int, int, LineOutcome], None] | None = None,
    restore_deleted: bool = False,
) -> ImportReport:
    """Import every line of a JSON Lines file; never stops at a bad line. Articles editors
    deleted are skipped unless `restore_deleted`. FileRefused: no line of it can be read."""
    path = Path(path)
    check_encoding(path)
    report = ImportReport()
    try:
        return _import_file(path, report, progress, restore_deleted)
    except KeyboardInterrupt:
        raise ImportInterrupted(report) from None


def _import_file(path, report, progress, restore_deleted) -> ImportReport:
    total = sum(1 for _ in iter_lines(path))
    importer = ArticleImporter(base_dir=path.resolve().parent, restore_deleted=restore_deleted)
    seen: dict[str, int] = {}
    lines = enumerate(iter_lines(path), start=1)
    more = True
    with _index_failures_collected() as collector:
        while more:
            # Lines commit in batches (one fsync per batch, see COMMIT_EVERY); each line still
            # has its own savepoint, so a failing line rolls back alone.
            # The batch's articles are indexed together once its lines are in, not on each of
            # their saves (search.indexing): 3 index writes an article became one per batch.
            done_outcomes = []
            with transaction.atomic(), saves_not_indexed(ArticlePage):
                importer.imported_ids = []
                started = time.monotonic()
                for done, (lineno, raw) in lines:
                    done_outcomes.append((done, _import_line(importer, lineno, raw, seen)))
                    if (
                        len(done_outcomes) >= COMMIT_EVERY
                        or time.monotonic() - started >= COMMIT_SECONDS
                    ):
                        break
                else:
                    more = False
                _index_batch(importer.imported_ids)
            if collector.errors:
                report.index_error = report.index_error or collector.errors[0]
                collector.errors.clear()
            # Into the report as the batch commits, so that an interrupted import's report
            # holds exactly the lines committed, whatever the progress report had printed.
            report.outcomes.extend(outcome for _, outcome in done_outcomes)
            for done, outcome in done_outcomes:
                if progress:
                    progress(done, total, outcome)
    return report


class ImportInterrupted(Exception):
    """Ctrl-C (or SIGINT) during an import: the batch under way was rolled back; `report` holds
    the lines committed before it."""

    def __init__(self, report: ImportReport):
        super().__init__("import interrupted")
        self.report = report


def _is_wagtail_welcome_page(page: Page) -> bool:
    """The plain Page Wagtail's first migration puts under the root, still empty."""
    return page.depth == 2 and page.specific_class is Page and page.numchild == 0


def _index_batch(page_ids: list[int]) -> None:
    """One bulk index write for a batch's articles. Should a database backend refuse it, each
    article is tried alone, so one article cannot cost the others their entries; what still
    fails is logged (the import's warning names it) and `update_index` can add it later."""
    pages = ArticlePage.objects.filter(pk__in=page_ids)
    try:
        with transaction.atomic():
            index_in_bulk(ArticlePage, pages)
    except Exception:
        for page in pages:
            try:
                with transaction.atomic():
                    index_in_bulk(ArticlePage, [page])
            except Exception:
                logging.getLogger(INDEX_LOGGER).exception("未能为文章 %s 建立搜索索引", page.pk)


def _import_line(importer: ArticleImporter, lineno: int, raw: bytes, seen: dict) -> LineOutcome:
    try:
        record = parse_line(decode_line(raw))
        if record.external_id in seen:
            raise LineError(f"id {record.external_id} 与第 {seen[record.external_id]} 行重复")
        with transaction.atomic():
            status, warnings = importer.import_record(record)
        # Only an imported id is taken: after a failed line, a later line may still bring it.
        seen[record.external_id] = lineno
        return LineOutcome(lineno, status, warnings=warnings)
    except LineError as exc:
        return LineOutcome(lineno, "failed", str(exc))
    except Exception as exc:  # a database or Wagtail error must not stop the other lines
        return LineOutcome(lineno, "failed", f"导入出错：{exc.__class__.__name__}: {exc}")
