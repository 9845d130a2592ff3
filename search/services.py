"""Article search for readers: the page and the API share this."""

from __future__ import annotations

import html
import math
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from articles.models import ArticlePage, PublishingAccount, SectionPage
from home.models import PortalSiteSettings
from home.pages import public, site_root_of
from portal.converters import MAX_ID

from .query_parser import MAX_QUERY_LENGTH, clean_query, loosen, parse_query, positive_text
from .text import get_segmenter, normalize, runs, segment_query

MAX_PAGE_SIZE = 50
# OpenSearch's index.max_result_window: pages past it are refused, on every backend alike.
MAX_RESULT_WINDOW = 10_000
EARLIEST_DATE = date(1900, 1, 1)
DEFAULT_PAGE_SIZE = 10
SNIPPET_LENGTH = 120
MAX_QUERY_RUNS = 20  # distinct groups of words or characters in one query


class SearchInputError(ValueError):
    """A parameter the reader can fix; the message is shown to them as is."""


@dataclass
class SearchParams:
    q: str = ""
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    site: str = ""  # "" this site, "all" the whole portal, or a hostname
    section: int | None = None
    section_name: str = ""  # a 栏目 given by title or path (要闻, 典型经验/党建统战) instead of id
    account: str = ""  # slug, id or name
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"  # or "newest"
    shortened: bool = False  # q was longer than MAX_QUERY_LENGTH: its start is searched


@dataclass
class SearchHit:
    page: ArticlePage
    highlight: str  # a snippet of the text, or the title where the article has no text
    section: Page | None  # the parent page (its id, path and title)
    site: str | None  # the hostname of the article's site
    title: str = ""  # the title, HTML-escaped, the words searched for marked


@dataclass
class SearchOutcome:
    params: SearchParams
    total: int = 0
    took_ms: float = 0.0
    hits: list[SearchHit] = field(default_factory=list)
    num_pages: int = 0
    terms: list[str] = field(default_factory=list)
    exact_total: int = 0  # results matching every word; the rest share only some of them
    notice: str = ""  # why nothing was searched
    warning: str = ""  # searched, but with a caveat (engine down, database fallback)
    within: Page | None = None  # the searched site's root page; None: the whole portal
    section: Page | None = None  # the 栏目 searched within, when one is chosen
    account: PublishingAccount | None = None  # the 育人号 searched within, when one is chosen


# What readers see for each parameter; the API's parameter name follows in brackets.
LABELS = {
    "page": "页码",
    "size": "每页条数",
    "section": "栏目",
    "site": "站点",
    "account": "育人号",
    "from": "起始日期",  # as the search form labels them
    "to": "截止日期",
    "sort": "排序方式",
}


def _label(name: str) -> str:
    return f"{_(LABELS[name])}（{name}）"


def for_readers(message: str) -> str:
    """A parameter error as the search page shows it: without the API's parameter names
    (页码（page）应为整数 → 页码应为整数), which readers never typed."""
    names = "|".join(LABELS)
    return re.sub(f"（(?:{names})）", "", message)


def _int(value: str | None, name: str, default: int, lo: int, hi: int | None = None) -> int:
    if value in (None, ""):
        return default
    try:
        # Digits only: int() also reads "1_0" as 10 and "１０" as 10.
        if not re.fullmatch(r"[+-]?[0-9]+", value.strip()):
            raise ValueError(value)
        # Past 4,300 digits int() refuses to read it (a ValueError: 应为整数); it is a
        # number, out of range (leading zeros aside: 000…01 is 1).
        text = value.strip()
        sign = text[0] if text[0] in "+-" else ""
        digits = text.lstrip("+-").lstrip("0") or "0"
        number = int(sign + (digits if len(digits) <= 30 else "1" + "0" * 30))
    except (TypeError, ValueError, AttributeError):
        raise SearchInputError(_("%(name)s应为整数") % {"name": _label(name)}) from None
    if number < lo or (hi is not None and number > hi):
        raise SearchInputError(
            _("%(name)s超出范围（%(lo)s–%(hi)s）")
            % {"name": _label(name), "lo": lo, "hi": hi or "∞"}
        )
    return number


def _text(value: str | None, name: str) -> str:
    """A name or hostname: no control characters (PostgreSQL refuses NUL in a query)."""
    value = (value or "").strip()
    if any(not ch.isprintable() for ch in value):
        raise SearchInputError(_("%(name)s含有无效字符") % {"name": _label(name)})
    _decodable(value, _label(name))
    return value


def _decodable(value: str, name: str) -> None:
    """Bytes that are not UTF-8 (?q=%ff%fe) reach a view as U+FFFD (Django decodes with
    errors="replace"): searched and echoed back as ��, they were neither what was typed nor
    told apart from it. A clear message instead, as the comment form gives."""
    if "\ufffd" in value:
        raise SearchInputError(
            _("%(name)s含有无法识别的字符（编码有误），请重新输入") % {"name": name}
        )


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        # Only YYYY-MM-DD: a time or anything else after the date was ignored before.
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            raise ValueError(value)
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise SearchInputError(
            _("%(name)s不是有效日期（例如 2022-02-24）") % {"name": _label(name)}
        ) from None
    if day < EARLIEST_DATE:  # 0001-01-01 in Beijing is before year 1 in UTC
        raise SearchInputError(
            _("%(name)s不能早于 %(d)s") % {"name": _label(name), "d": EARLIEST_DATE.isoformat()}
        )
    return day


def parse_params(data) -> SearchParams:
    """Validate request parameters (a QueryDict or dict); raise SearchInputError."""
    sort = (data.get("sort") or "relevance").strip().lower()  # NEWEST too, as site=ALL
    if sort not in ("relevance", "newest"):
        raise SearchInputError(
            _("%(name)s只能是 relevance（相关度）或 newest（最新）") % {"name": _label("sort")}
        )
    typed = clean_query(data.get("q") or "", cap=False)
    _decodable(typed, _("搜索词"))
    q = typed[:MAX_QUERY_LENGTH]
    if len(set(runs(q))) > MAX_QUERY_RUNS:
        # Each group is a clause of the engine's query; SQLite's FTS5 parser and PostgreSQL's
        # query builder overflow somewhere past a hundred.
        raise SearchInputError(
            _("搜索词语太多：最多 %(n)s 组（以空格或标点分隔），请精简后再搜索")
            % {"n": MAX_QUERY_RUNS}
        )
    section = _text(data.get("section"), "section")
    params = SearchParams(
        q=q,
        page=_int(data.get("page"), "page", 1, 1, 10_000),
        size=_int(data.get("size"), "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        site=_text(data.get("site"), "site").lower(),
        # A number is a page id; anything else a 栏目's title or path.
        section=_int(section, "section", 0, 0, MAX_ID) if section.isdigit() else None,
        section_name="" if section.isdigit() else section,
        account=_text(data.get("account"), "account"),
        date_from=_date(data.get("from"), "from"),
        date_to=_date(data.get("to"), "to"),
        sort=sort,
        shortened=len(typed) > len(q),
    )
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise SearchInputError(_("起始日期不能晚于截止日期"))
    return params


def form_params(data) -> SearchParams:
    """A request parse_params refused, as the search form shows it again: the query and
    every other parameter that is valid on its own (a bad 截止日期 keeps 全部站点, 按时间 …)."""
    q = clean_query(data.get("q") or "")
    kept = SearchParams(q="" if "\ufffd" in q else q)  # not UTF-8: nothing worth showing again
    defaults = SearchParams()
    for name in LABELS:
        if not data.get(name):
            continue
        try:
            alone = parse_params({name: data.get(name)})
        except SearchInputError:
            continue
        for attr in defaults.__dataclass_fields__:
            if attr != "q" and getattr(alone, attr) != getattr(defaults, attr):
                setattr(kept, attr, getattr(alone, attr))
    return kept


def _scope_root(params: SearchParams, request_site: Site | None) -> Page | None:
    """The root page of the site searched: this one, a named one, or None for the portal."""
    if params.site == "all":
        return None
    if params.site:
        site = Site.objects.filter(hostname=params.site).select_related("root_page").first()
        if site is None:
            raise SearchInputError(_("未知站点：%(site)s") % {"site": params.site})
        return site.root_page
    return request_site.root_page if request_site is not None else None


def _sections_named(params: SearchParams, outcome: SearchOutcome) -> list[SectionPage]:
    """The 栏目 a title or path names (学校要闻, 典型经验/党建统战/喜迎党代会: what the import
    format and the API's results call a 栏目), in the site searched; when this site has none
    and no site was named, in any site, whose site is then searched (all of them, if several)."""
    path = [part.strip() for part in params.section_name.split("/") if part.strip()]
    if not path:  # "/", " / ": slashes name no 栏目
        raise SearchInputError(_("未知栏目：%(id)s") % {"id": params.section_name})

    def matching(within: Page | None) -> list[SectionPage]:
        candidates = public(SectionPage.objects.live()).filter(title=path[-1]).order_by("path")
        if within is not None:
            candidates = candidates.descendant_of(within)
        candidates = list(candidates[:50])
        if len(path) == 1:
            return candidates
        # Every candidate's parent 栏目, read in one query (their paths are its path's prefixes).
        prefixes = {
            c.path[:end]
            for c in candidates
            for end in range(Page.steplen, len(c.path), Page.steplen)
        }
        titles = dict(SectionPage.objects.filter(path__in=prefixes).values_list("path", "title"))

        def parents(c: SectionPage) -> list[str]:
            ends = range(Page.steplen, len(c.path), Page.steplen)
            return [titles[c.path[:end]] for end in ends if c.path[:end] in titles]

        return [c for c in candidates if parents(c)[-(len(path) - 1) :] == path[:-1]]

    sections = matching(outcome.within)
    if not sections and outcome.within is not None and not params.site:
        sections = matching(None)
        roots = {site.root_page_id for site in filter(None, (s.get_site() for s in sections))}
        outcome.within = Page.objects.get(pk=roots.pop()) if len(roots) == 1 else None
    if not sections:
        raise SearchInputError(_("未知栏目：%(id)s") % {"id": params.section_name})
    if len(sections) == 1:
        params.section = sections[0].pk  # the page's 栏目 menu keeps it chosen
    return sections


def _scope(params: SearchParams, outcome: SearchOutcome):
    articles = ArticlePage.objects.live().public().select_related("account")
    section = None
    if params.section_name:
        sections = _sections_named(params, outcome)
        within = Q()
        for named in sections:
            within |= Q(path__startswith=named.path, depth__gt=named.depth)
        articles = articles.filter(within)
        outcome.section = sections[0]
    if params.section is not None and not params.section_name:  # 0 too: no 栏目 has it
        # A private 栏目 is unknown to readers: its title is not theirs to read.
        section = public(SectionPage.objects.live()).filter(pk=params.section).first()
        if section is None:
            raise SearchInputError(_("未知栏目：%(id)s") % {"id": params.section})
        if outcome.within is not None and not section.is_descendant_of(outcome.within):
            if params.site:  # a site named, and a 栏目 of another: nothing could be found
                raise SearchInputError(
                    _("栏目“%(title)s”不在所选站点中；请把范围改为“全部站点”或它所在的站点")
                    % {"title": section.title}
                )
            # Another site's 栏目 chosen while searching this site (a link, or the whole
            # portal's list): the reader asked for that 栏目, so its site is searched.
            site = section.get_site()
            outcome.within = site.root_page if site else None
    if outcome.within is not None:
        articles = articles.descendant_of(outcome.within)
    if section is not None:
        articles = articles.descendant_of(section)
        outcome.section = section
    if params.account:
        # Typed as a reader or a link may give it: JXVTC or full-width ｊｘｖｔｃ is jxvtc.
        wanted = unicodedata.normalize("NFKC", params.account).strip()
        account = PublishingAccount.objects.filter(slug__iexact=wanted).order_by("pk").first()
        if account is None and re.fullmatch(r"[0-9]{1,10}", wanted):
            account = PublishingAccount.objects.filter(pk=int(wanted)).first()
        if account is None:  # its name, as the API's results and the import format give it
            names = {params.account, wanted}
            account = PublishingAccount.objects.filter(name__in=names).order_by("pk").first()
        if account is None:
            raise SearchInputError(_("未知育人号：%(a)s") % {"a": params.account})
        articles = articles.filter(account=account)
        outcome.account = account
    tz = ZoneInfo(settings.TIME_ZONE)
    if params.date_from:
        articles = articles.filter(
            display_time__gte=datetime.combine(params.date_from, dtime.min, tz)
        )
    if params.date_to:
        articles = articles.filter(
            display_time__lte=datetime.combine(params.date_to, dtime.max, tz)
        )
    return articles


@dataclass
class SectionChoice:
    id: int
    title: str
    level: int  # 0 for a site's top-level 栏目, 1 for its sub-栏目 …

    @property
    def label(self) -> str:
        return "\u3000" * self.level + ("└ " if self.level else "") + self.title


def named_site(params: SearchParams) -> tuple[str, str] | None:
    """(hostname, name) of the site a search names (site=<hostname>), to keep it chosen in
    the search form; None for this site, the whole portal or an unknown hostname."""
    if params.site in ("", "all"):
        return None
    site = Site.objects.filter(hostname=params.site).first()
    return (site.hostname, str(PortalSiteSettings.for_site(site))) if site else None


def section_choices(params: SearchParams, request_site: Site | None) -> list[tuple[str, list]]:
    """The 栏目 a reader can narrow a search to, in the order of the site's tree: those of
    the site searched, or of every site (grouped by site) for the whole portal.
    [(site name, [SectionChoice …]) …]; the site name is "" when only one site is listed.
    """
    try:
        within = _scope_root(params, request_site)
    except SearchInputError:
        within = _scope_root(SearchParams(), request_site)
    if within is not None:
        sites = [(None, within)]
    else:
        sites = [
            (site, site.root_page)
            for site in Site.objects.select_related("root_page").order_by(
                "-is_default_site", "hostname"
            )
        ]
    sections = public(SectionPage.objects.live()).only("id", "title", "path", "depth")
    groups = []
    for site, root in sites:
        choices = [
            SectionChoice(id=section.pk, title=section.title, level=section.depth - root.depth - 1)
            for section in sections.descendant_of(root).order_by("path")
        ]
        if choices:
            groups.append((str(PortalSiteSettings.for_site(site)) if site else "", choices))
    listed = {choice.id for _, choices in groups for choice in choices}
    if params.section is not None and params.section not in listed:
        # The 栏目 searched lies outside the menu (another site's, reached by a link): it
        # stays chosen, so sending the form again keeps the search within it.
        section = public(SectionPage.objects.live()).filter(pk=params.section).only("title").first()
        if section is not None:
            groups.insert(0, ("", [SectionChoice(id=section.pk, title=section.title, level=0)]))
    return groups


def highlight(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> str:
    """An HTML-escaped snippet around the longest term found, every term wrapped in <mark>."""
    text = " ".join(text.split())
    if not text:
        return ""
    ordered = sorted(set(terms), key=len, reverse=True)
    haystack = _comparable(text)
    anchor = next((m.start() for t in ordered if (m := re.search(re.escape(t), haystack, re.I))), 0)
    start = max(0, anchor - length // 4)
    snippet = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return prefix + mark(snippet, ordered) + suffix


def _comparable(text: str) -> str:
    """The text as search compares it (Traditional → Simplified, full-width → half-width,
    case folded), character for character, so a match in it marks the same characters of
    the text. A character that folds into more or fewer (… → ..., Ⅲ → III, ß → ss) stays as
    it is; the runs between such characters are folded all the same (a text holding one
    used to be compared unfolded whole, and 黨建引領…… was not marked for 党建引领)."""
    folded = normalize(text)
    if len(folded) == len(text):
        return folded
    out, run = [], []
    for ch in text:
        if len(unicodedata.normalize("NFKC", ch).casefold()) == 1:
            run.append(ch)
            continue
        out.append(_folded_run("".join(run)))
        out.append(ch)
        run = []
    out.append(_folded_run("".join(run)))
    return "".join(out)


def _folded_run(run: str) -> str:
    folded = normalize(run)
    return folded if len(folded) == len(run) else run


def mark(text: str, terms: list[str]) -> str:
    """The whole text HTML-escaped, every term (longest first) wrapped in <mark>; terms are
    in search's normalised form, so 黨建 and ＡＩ in the text are marked for 党建 and ai."""
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    if not ordered:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in ordered), re.I)
    out, pos = [], 0
    for m in pattern.finditer(_comparable(text)):
        out.append(html.escape(text[pos : m.start()]))
        out.append(f"<mark>{html.escape(text[m.start() : m.end()])}</mark>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


class TieredResults:
    """Exact matches, then the looser second tier: one page of them, and how many there are.

    A backend that learns the number of matches while fetching a page (OpenSearch's
    hits.total, our SQLite ranking) sets `matched` on the results it returned, which saves a
    count round trip per tier; otherwise the tier is counted. The second tier is fetched
    only when the page reaches it. `from_fallback`: the OpenSearch backend answered some of
    it from the database, the engine being unreachable.
    """

    def __init__(self, exact, looser, looser_only_without_exact: bool = False):
        self.exact = exact
        self.looser = looser
        # Sorted by time, the results are the exact matches alone (the looser tier when
        # there are none): one list in time order, not two tiers each in time order.
        self.looser_only_without_exact = looser_only_without_exact
        self.exact_count = 0
        self.looser_count = 0
        self.from_fallback = False

    @property
    def total(self) -> int:
        return self.exact_count + self.looser_count

    def _tier(self, results, start: int, stop: int, window=None) -> tuple[list, int]:
        if start == 0:
            window = window if window is not None else results[0:stop]
            items = list(window)
            matched = getattr(window, "matched", None)
            count = matched if matched is not None else results.count()
        else:
            count = results.count()  # a later page: never ask the engine past the last result
            window = results[start:stop]
            items = list(window) if start < count else []
        self.from_fallback |= any(getattr(r, "from_fallback", False) for r in (results, window))
        return items, count

    def count(self) -> None:
        """Set exact_count and looser_count without fetching a page."""
        self.exact_count = self.exact.count()
        self.from_fallback |= getattr(self.exact, "from_fallback", False)
        if self.looser is not None and not (self.looser_only_without_exact and self.exact_count):
            self.looser_count = self.looser.count()
            self.from_fallback |= getattr(self.looser, "from_fallback", False)

    def page(self, start: int, stop: int) -> list:
        """The results from start to stop; sets exact_count and looser_count."""
        if start == 0 and self.looser is not None and not self.looser_only_without_exact:
            # The first page needs both tiers (the looser one's results or its count): in one
            # round trip where the backend can (OpenSearch: 1.7 requests a search before).
            exact, looser = self.exact[0:stop], self.looser[0:stop]
            fetch_with = getattr(exact, "fetch_with", None)
            if fetch_with is not None and fetch_with(looser, fill=True):
                items, self.exact_count = self._tier(self.exact, 0, stop, exact)
                more, self.looser_count = self._tier(self.looser, 0, stop, looser)
                return items + more[: max(stop - self.exact_count, 0)]
        items, self.exact_count = self._tier(self.exact, start, stop)
        if self.looser is None:
            return items
        if self.looser_only_without_exact:
            if not self.exact_count:
                items, self.looser_count = self._tier(self.looser, start, stop)
            return items
        n = self.exact_count
        if stop > n:
            more, self.looser_count = self._tier(self.looser, max(start - n, 0), stop - n)
            items += more
        else:
            self.looser_count = self.looser.count()
        return items


def _parents(pages: list[ArticlePage]) -> dict[str, Page]:
    parent_paths = {page.path[: -Page.steplen] for page in pages}
    return {p.path: p for p in Page.objects.filter(path__in=parent_paths).only("path", "title")}


def _hostname_of(page: ArticlePage, site_roots) -> str | None:
    """The hostname of the site the page belongs to."""
    root = site_root_of(page, site_roots)
    return urlsplit(root.root_url).hostname if root else None


def _page_of(results: TieredResults, params: SearchParams, outcome: SearchOutcome) -> list:
    start = (params.page - 1) * params.size
    if start >= MAX_RESULT_WINDOW:
        # Past the window no page is fetched (an engine refuses it). Only results beyond it
        # are refused: a page past the last one, however far, is 第 N 页没有结果 as any
        # other (page 1001 of 29 results spoke of the 10,000-result cap).
        results.count()
        if results.total > start:
            raise SearchInputError(
                _("最多只能查看前 %(n)s 条结果，请缩小搜索范围") % {"n": MAX_RESULT_WINDOW}
            )
        pages = []
    else:
        # The page the window cuts (size 30: results 9,991–10,000 of page 334) is shown to
        # its end: it was refused, though offered as the last page.
        pages = results.page(start, min(start + params.size, MAX_RESULT_WINDOW))
    outcome.total = results.total
    outcome.exact_total = results.exact_count
    # No page is offered past the first MAX_RESULT_WINDOW results (it would be refused).
    reachable = min(outcome.total, MAX_RESULT_WINDOW)
    outcome.num_pages = max(1, math.ceil(reachable / params.size))
    return pages


def _run(articles, query, looser, params: SearchParams, **kwargs) -> TieredResults:
    if params.sort == "newest":
        articles = articles.order_by("-display_time")
        kwargs["order_by_relevance"] = False

    def search(q):
        return articles.search(q, **kwargs)

    return TieredResults(
        search(query),
        search(looser) if looser is not None else None,
        looser_only_without_exact=params.sort == "newest",
    )


def search_articles(params: SearchParams, request_site: Site | None) -> SearchOutcome:
    started = time.perf_counter()
    outcome = SearchOutcome(params=params)
    query = parse_query(params.q)
    # Marks only (!!!, *, 。。。, 😀): nothing the index holds, as nothing is left of -, "".
    if query is None or not any(ch.isalnum() for ch in positive_text(query)):
        outcome.notice = (
            _("请输入要搜索的词语。") if not params.q else _("请至少输入一个要查找的词语。")
        )
        return outcome
    wanted = positive_text(query)
    looser = loosen(query)
    # Highlight what was typed where it appears whole, else its words and their parts.
    words = segment_query(wanted)
    segmenter = get_segmenter()
    # The editors' synonyms found too (思政 finds 思想政治); the parts of a word a looser
    # match may hold, but no single character (课 of 思政课 would mark 任课).
    synonyms = [w for group in segmenter.expand(words) for w in group]
    parts = [p for w in words for p in segmenter.parts(w)] if looser is not None else []
    typed = normalize(wanted).split()
    found = [w for w in words + synonyms + parts if len(w) >= 2 or w in typed]
    outcome.terms = [w for w in typed + found if w]
    outcome.within = _scope_root(params, request_site)
    articles = _scope(params, outcome)
    results = _run(articles, query, looser, params)
    pages = _page_of(results, params, outcome)
    warnings = []
    if params.shortened:  # the API's clients and pasted links: the box takes 200 at most
        warnings.append(_("搜索词过长，只按前 %(n)s 个字符搜索。") % {"n": MAX_QUERY_LENGTH})
    # An unreachable engine: the OpenSearch backend answered from the database backend
    # (search.backends.opensearch); readers are told.
    if results.from_fallback:
        warnings.append(_("搜索引擎暂时不可用，以下结果来自备用检索，可能不够完整。"))
    outcome.warning = "".join(warnings)
    parents = _parents(pages)
    site_roots = Site.get_site_root_paths()  # cached by Wagtail: no query
    for page in pages:
        text = " ".join(filter(None, [page.summary, page.body_text()]))
        outcome.hits.append(
            SearchHit(
                page=page,
                # A headline-only article (a news flash, an imported title) has only its
                # title to show the words in.
                highlight=highlight(text or page.title, outcome.terms),
                title=mark(page.title, outcome.terms),
                section=parents.get(page.path[: -Page.steplen]),
                site=_hostname_of(page, site_roots),
            )
        )
    outcome.took_ms = round((time.perf_counter() - started) * 1000, 1)
    return outcome
