"""Import articles from JSON Lines files (the format is documented in the README).

Each line is validated and imported in its own transaction, so a bad line is reported with
its number and reason while every other line is still imported. Re-importing a line with the
same `id` updates that article; an unchanged line is skipped.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
import urllib.parse
import urllib.request
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex, Site
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.utils.file import hash_filelike

from home.models import HomePage

from .body_import import body_to_blocks
from .models import ArticleAuthor, ArticlePage, PublishingAccount, SectionPage

DEFAULT_SECTION = "综合"
COMMIT_EVERY = 100
IMPORT_FORMAT_VERSION = "1"
NAME_SEPARATORS = re.compile(r"[\s,，、;；]+")
STRING_FIELDS = ("id", "title", "body", "summary", "source", "editor", "published_at",
                 "section", "site", "account")  # fmt: skip
LIST_FIELDS = ("authors", "keywords")
KNOWN_FIELDS = frozenset(STRING_FIELDS + LIST_FIELDS)
TYPE_NAMES = {str: "字符串", list: "列表", int: "整数", float: "数字", bool: "布尔值", dict: "对象"}


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
    status: str  # created | updated | unchanged | failed
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    outcomes: list[LineOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> list[LineOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def _type_name(value) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)


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
    return moment


def parse_line(raw: str) -> ArticleRecord:
    """Validate one line of the import file; raise LineError with the reason."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError(f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）") from None
    if not isinstance(data, dict):
        raise LineError(f"每行应为一个 JSON 对象，实际是{_type_name(data)}")

    warnings = []
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        warnings.append(f"未知字段已忽略：{', '.join(unknown)}")

    for key in STRING_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise LineError(f"字段 {key} 应为字符串，实际是{_type_name(value)}")
    for key in LIST_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, list | str):
            raise LineError(f"字段 {key} 应为字符串列表，实际是{_type_name(value)}")

    external_id = (data.get("id") or "").strip()
    if not external_id:
        raise LineError("缺少必填字段 id")
    if len(external_id) > 200:
        raise LineError("id 过长（最多 200 个字符）")
    title = " ".join((data.get("title") or "").split())
    if not title:
        raise LineError("缺少必填字段 title（标题）")
    if len(title) > 255:
        raise LineError(f"标题过长：{len(title)} 个字符（最多 255 个）")

    published_at = None
    if (data.get("published_at") or "").strip():
        published_at = parse_published_at(data["published_at"])

    section = data.get("section") or DEFAULT_SECTION
    section_path = [part.strip() for part in section.split("/") if part.strip()]
    if any(len(part) > 255 for part in section_path):
        raise LineError("栏目名称过长（最多 255 个字符）")

    record = ArticleRecord(
        external_id=external_id,
        title=title,
        body=data.get("body") or "",
        summary=(data.get("summary") or "").strip(),
        source=(data.get("source") or "").strip()[:120],
        authors=_split_names(data.get("authors") or [], "authors"),
        editor=(data.get("editor") or "").strip()[:60],
        published_at=published_at,
        section_path=section_path or [DEFAULT_SECTION],
        site_hostname=(data.get("site") or "").strip().lower(),
        keywords=_split_names(data.get("keywords") or [], "keywords"),
        account=(data.get("account") or "").strip()[:100],
        warnings=warnings,
    )
    canonical = json.dumps(
        {k: data.get(k) for k in sorted(KNOWN_FIELDS)}, ensure_ascii=False, sort_keys=True
    )
    record.digest = hashlib.sha256(f"{IMPORT_FORMAT_VERSION}\n{canonical}".encode()).hexdigest()
    return record


class ArticleImporter:
    """Writes validated records into the page tree of their site."""

    def __init__(self, base_dir: Path | None = None):
        self.base_dir = base_dir
        self._sites: dict[str, Site] = {}

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
        if not isinstance(home, HomePage):
            raise LineError(f"站点 {site.hostname} 的根页面不是首页（HomePage），无法建立栏目")
        return home

    def section_for(self, home: HomePage, path: list[str]) -> SectionPage:
        parent: Page = home
        for title in path:
            section = (
                SectionPage.objects.child_of(parent).filter(title=title).order_by("path").first()
            )
            if section is None:
                section = SectionPage(title=title, slug=self._free_slug(parent, title, "section"))
                parent.add_child(instance=section)
                section.save_revision().publish()
            parent = section
        return parent

    def account_for(self, name: str, site: Site) -> PublishingAccount | None:
        if not name:
            return None
        account = PublishingAccount.objects.filter(name=name).first()
        if account is None:
            slug = slugify(name, allow_unicode=True)[:90] or "account"
            base, n = slug, 1
            while PublishingAccount.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            account = PublishingAccount.objects.create(
                name=name, slug=slug, institution=name, site=site
            )
        return account

    @staticmethod
    def _free_slug(parent: Page, text: str, fallback: str, page: Page | None = None) -> str:
        base = slugify(text, allow_unicode=True)[:200] or fallback
        slug, n = base, 1
        while not Page._slug_is_available(slug, parent, page):
            n += 1
            slug = f"{base}-{n}"
        return slug

    # --- images ---------------------------------------------------------------------------
    def resolve_image(self, src: str, title: str):
        try:
            name, opened = self._open_image_source(src)
        except OSError as exc:
            return None, str(exc) or exc.__class__.__name__
        Image = get_image_model()
        with opened as fh:
            file_hash = hash_filelike(fh)
            existing = Image.objects.filter(file_hash=file_hash).first()
            if existing is None:
                fh.seek(0)
                try:
                    existing = Image(
                        title=(title or name)[:255],
                        file=ImageFile(fh, name=name),
                        file_hash=file_hash,
                    )
                    existing.save()
                except Exception as exc:  # Willow/Pillow raise many kinds for broken files
                    return None, f"不是可识别的图片：{exc.__class__.__name__}"
        return existing, ""

    def _open_image_source(self, src: str):
        parsed = urllib.parse.urlparse(src)
        if parsed.scheme in ("http", "https"):
            response = urllib.request.urlopen(src, timeout=10)  # noqa: S310 (scheme checked)
            data = response.read(WAGTAIL_IMAGE_LIMIT)
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
        return path.name, path.open("rb")

    # --- articles -------------------------------------------------------------------------
    def import_record(self, record: ArticleRecord) -> tuple[str, list[str]]:
        warnings = list(record.warnings)
        existing = ArticlePage.objects.filter(external_id=record.external_id).first()
        if existing is not None and existing.import_digest == record.digest:
            return "unchanged", warnings

        site = self.site_for(record.site_hostname)
        section = self.section_for(self.home_for(site), record.section_path)
        account = self.account_for(record.account, site)
        conversion = body_to_blocks(record.body, self.resolve_image)
        warnings.extend(conversion.warnings)

        if existing is None:
            page = ArticlePage(
                external_id=record.external_id,
                title=record.title,
                slug=self._free_slug(section, record.external_id, "article"),
                first_published_at=record.published_at,
            )
            status = "created"
        else:
            page = existing
            if page.get_parent().pk != section.pk:
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
        page.authors = [ArticleAuthor(name=name[:60]) for name in record.authors]
        page.tags.set([kw[:100] for kw in record.keywords])
        # One reference-index update per article instead of one per save (three saves).
        with disable_reference_index_auto_update():
            if existing is None:
                section.add_child(instance=page)
            page.save_revision().publish()
        ReferenceIndex.create_or_update_for_object(page)
        return status, warnings


# Imports read images up to Wagtail's upload limit, and no further.
WAGTAIL_IMAGE_LIMIT = getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                yield lineno, line


def decode_line(raw: bytes, lineno: int) -> str:
    try:
        return raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError:
        raise LineError("不是 UTF-8 编码的文本") from None


def import_file(
    path: Path, progress: Callable[[int, int, LineOutcome], None] | None = None
) -> ImportReport:
    """Import every line of a JSON Lines file; never stops at a bad line."""
    path = Path(path)
    total = sum(1 for _ in iter_lines(path))
    importer = ArticleImporter(base_dir=path.resolve().parent)
    report = ImportReport()
    seen: dict[str, int] = {}
    lines = enumerate(iter_lines(path), start=1)
    while batch := list(itertools.islice(lines, COMMIT_EVERY)):
        # Lines commit in batches (one fsync per batch); each line still has its own
        # savepoint, so a failing line rolls back alone.
        with transaction.atomic():
            for done, (lineno, raw) in batch:
                outcome = _import_line(importer, lineno, raw, seen)
                report.outcomes.append(outcome)
                if progress:
                    progress(done, total, outcome)
    return report


def _import_line(importer: ArticleImporter, lineno: int, raw: bytes, seen: dict) -> LineOutcome:
    try:
        record = parse_line(decode_line(raw, lineno))
        if record.external_id in seen:
            raise LineError(f"id {record.external_id} 与第 {seen[record.external_id]} 行重复")
        seen[record.external_id] = lineno
        with transaction.atomic():
            status, warnings = importer.import_record(record)
        return LineOutcome(lineno, status, warnings=warnings)
    except LineError as exc:
        return LineOutcome(lineno, "failed", str(exc))
    except Exception as exc:  # a database or Wagtail error must not stop the other lines
        return LineOutcome(lineno, "failed", f"导入出错：{exc.__class__.__name__}: {exc}")
