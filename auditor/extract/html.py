"""Pure functions from one HTML page to the signals the audit needs. No network, no checklist.

Written against the layouts in docs/reference/real-site-patterns.md: 博达 VSB, WebPlus (Sudy),
static 信息公开 sites, Drupal; tested on saved pages in tests/fixtures.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from lxml import etree
from w3lib.url import safe_url_string

from auditor.extract import tree
from auditor.extract.blocks import block_kind
from auditor.extract.dates import LABEL, Period, labelled_date, parse_date, title_period
from auditor.extract.tree import El

T = TypeVar("T")
ATTACHMENT_EXT = {
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "wps",
    "et",
    "dps",
    "zip",
    "rar",
    "7z",
    "jpg",
    "jpeg",
    "png",
    "tif",
    "tiff",
    "txt",
    "csv",
    "ofd",
    "mp4",
}
ATTACHMENT_HINTS = (
    "download.jsp",
    "downloadattachurl",
    "/_upload/article/files/",
    "/__local/",
    "downloadfile",
    "/attach/file/",
    "/sites/default/files/",
)
ARTICLE_BODIES = (  # CMS markers of an article body: a page with one is an article, not a list
    ".v_news_content",
    "#vsb_content",
    ".wp_articlecontent",
    "#zoom",
    ".field--name-body",
    ".article-content",
    ".article_content",
)
CONTENT_SELECTORS = (
    *ARTICLE_BODIES,
    "#article",
    ".article",
    ".content-body",
    "#content",
    ".content",
    ".main-content",
    "article",
)
TITLE_SELECTORS = (
    ".arti_title",
    ".title_nei b",
    ".content-title h3",
    ".article-title",
    ".news-title",
    ".titlestyle",
    "#vsb_content h1",
    "h1",
)
CRUMB_LABEL = re.compile(
    r"(您所在的位置|你所在的位置|您现在的位置|你现在的位置|您目前的位置|您当前的位置|您的位置|你的位置|当前所在位置|"
    r"当前的位置|当前位置|所在位置)\s*(是)?\s*[:：]?"
)
CRUMB_SPLIT = re.compile(r"\s*(?:>>|->|=>|>|»|＞|→|›|/)\s*")
CRUMB_SKIP = {
    "首页",
    "本站首页",
    "网站首页",
    "主页",
    "正文",
    "详情",
    "内容",
    "详细内容",
    "正文内容",
    "返回首页",
}
# 学生工作部（处）
SITE_SUFFIX = re.compile(
    r"(网|网站|学院|大学|学校|信息公开|首页|主页|处|中心|办公室|部|馆|平台)([（(][^（()）]{1,6}[)）])?$"
)
TITLE_SEP = re.compile(r"\s*(?:--|——|-|_|\||｜|—)\s*")
PLACEHOLDER = re.compile(
    r"暂无内容|暂无信息|暂无数据|暂无记录|正在建设中|栏目建设中|建设中，敬请期待|内容更新中"
)
META_REFRESH = re.compile(r"^\s*\d*\s*;?\s*url\s*=\s*['\"]?([^'\"]+)", re.I)
JS_LOCATION = re.compile(
    r"(?:window\.|self\.|top\.|document\.)?location(?:\.href)?\s*=\s*['\"]([^'\"]+)['\"]|location\.(?:replace|assign)\(\s*['\"]([^'\"]+)['\"]"
)
JSON_ARRAY = re.compile(r"\[\s*\{.*?\}\s*\]", re.S)
URL_KEYS = ("url", "href", "link", "path", "linkurl", "fileurl")
TITLE_KEYS = ("title", "name", "text", "label", "showtitle")
DATE_KEYS = ("date", "time", "pubdate", "publishtime", "publishdate", "releasetime", "createtime")
# Page furniture, by class or id token: its text and links are the site's, not the page's (header, menus,
# breadcrumb, pager, footer). Used to tell an empty column from one with content. Sidebars (left, side…) are
# not on this list: some sites put their content there; the audit tells a sidebar's links from a column's own
# by what they link to (other columns, pages linked from everywhere).
CHROME_TOKENS = {
    "head",
    "header",
    "top",
    "nav",
    "navi",
    "navbar",
    "menu",
    "submenu",
    "subnav",
    "foot",
    "footer",
    "bottom",
    "copyright",
    "banner",
    "logo",
    "search",
    "crumb",
    "breadcrumb",
    "position",
    "location",
    "dqwz",
    "weizhi",
    "wz",
    "path",
    "possplit",
    "paging",
    "pager",
    "pagination",
    "pages",
    "pb",
    "share",
    "yqlj",
    "friendlink",
    "leftnav",
}
CHROME_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "select", "option", "button", "head"}
MEDIA_TAGS = {
    "img",
    "iframe",
    "embed",
    "object",
    "video",
}  # a scanned 决算 shown as images is content, not an empty page
TOKEN_SPLIT = re.compile(r"[-_\s\d]+")
CJK = re.compile(r"[\u4e00-\u9fff]")
GENERIC_ANCHOR = re.compile(
    r"^(更多|more|详细|详情|查看|点击|下载|下一?页|上一?页|首页|尾页|末页|返回|\d+|>>|»|\.\.\.|"
    r"上一篇|下一篇|上一条|下一条|打印|关闭|收藏|分享)[\s>»]*$",
    re.I,
)
# searched in lower-cased code (a case-insensitive alternation over 20 KB of inline script is the slow part)
SCRIPT_LOADS = re.compile(
    r"ajax|xmlhttprequest|\bfetch\(|\$\.(get|post|getjson)\(|\.load\(|axios|dataproxy|jsonp"
)
SESSION_PARAM = re.compile(
    r";jsessionid=[^?#/]*|(?<=[?&])(jsessionid|phpsessid|sid|sessionid)=[^&#]*&?", re.I
)


@dataclass
class Link:
    url: str
    text: str
    context: str = "body"  # body | script | embed | refresh | image (a picture the article shows)
    is_attachment: bool = False


@dataclass
class ListEntry:
    title: str
    url: str
    date: date | None


@dataclass
class DirectoryRow:
    """One row of a 信息公开目录 table: the school's own claim of where an item lives."""

    label: str
    category: str
    department: str
    number: str
    links: list[Link]


@dataclass
class PageSignals:
    title: str
    html_title: str
    breadcrumb: list[str]
    published: date | None
    published_raw: str
    period: Period | None
    text: str
    text_hash: str
    placeholder: str | None
    links: list[Link] = field(default_factory=list)
    entries: list[ListEntry] = field(default_factory=list)
    directory: list[DirectoryRow] = field(default_factory=list)
    redirect_to: str | None = None
    canonical: str | None = None
    rows: list[ListEntry] = field(default_factory=list)  # undated list rows of a column page
    listing: bool | None = (
        None  # True: a list page (named after its column); False: an article; None: unclear
    )
    content_chars: int = 0  # Chinese characters of its own text (see Content)
    content_links: int = 0
    scripted: bool = False
    blocked: str | None = None  # a WAF challenge or "campus only" page, not the page asked for (blocks.py)
    privacy: list[dict] = field(default_factory=list)  # personal data in it, masked (auditor.privacy)

    @property
    def excerpt(self) -> str:
        return self.text[:400]

    @property
    def attachments(self) -> list[Link]:
        return [link for link in self.links if link.is_attachment]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def clean_url(url: str) -> str:
    """One spelling per URL, so a link, a 目录 target, the request and the stored page agree: Scrapy's own
    (w3lib's safe_url_string: 某某大学2022年部门决算.pdf as %E6%9F%90…, a space as %20 — what a request for it
    and its response carry), fragments and session ids dropped (;jsessionid=…, ?sid=…), scheme and host
    lower-cased, a default port and an empty path ('http://cwc.x.edu.cn' → 'http://cwc.x.edu.cn/') normalised.
    Reports show the readable form (auditor.urls.readable)."""
    url = SESSION_PARAM.sub("", url.strip()).split("#", 1)[0]
    url = url[:-1] if url.endswith(("?", "&")) else url
    parts = urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.netloc:
        return url
    netloc = parts.netloc.lower()
    if netloc.endswith(DEFAULT_PORTS[parts.scheme.lower()]):
        netloc = netloc[: -len(DEFAULT_PORTS[parts.scheme.lower()])]
    rest = url.split(parts.netloc, 1)[1]
    return safe_url_string(f"{parts.scheme.lower()}://{netloc}{rest if rest.startswith('/') else '/' + rest}")


def resolve(base: str, href: str) -> str:
    """A link's URL, resolved against the page and cleaned; the same menu links recur on every page of a
    site, so answers are cached by what they depend on (for '/path' links, only the page's host)."""
    if href.startswith(("http://", "https://")):  # urljoin only compares its scheme with the page's
        return _resolve(base.split(":", 1)[0] + "://h/", href)
    if href.startswith("/") and not href.startswith("//"):
        parts = urlsplit(base)
        return _resolve(f"{parts.scheme}://{parts.netloc}/", href)
    return _resolve(base, href)


@lru_cache(maxsize=16384)
def _resolve(base: str, href: str) -> str:
    return clean_url(urljoin(base, href))


@lru_cache(maxsize=16384)
def is_attachment_url(url: str) -> bool:
    low = url.lower()
    path = urlsplit(low).path
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return ext in ATTACHMENT_EXT or any(h in low for h in ATTACHMENT_HINTS)


def clean_title(raw: str) -> str:
    """Strip site suffixes: '信息公开年度报告-信息公开网' → '信息公开年度报告'."""
    title = squash(raw)
    while True:
        parts = TITLE_SEP.split(title)
        if len(parts) < 2:
            return title
        head, tail = title[: title.rfind(parts[-1])].rstrip(" -_|｜—"), parts[-1]
        if len(tail) <= 24 and SITE_SUFFIX.search(tail) and len(head) >= 2 and not re.search(r"\d{4}", tail):
            title = head
        else:
            return title


Index = tuple[dict[str, El], dict[str, El], dict[str, El]]


def _index(root: El) -> Index:
    """First tag per class, per id and per name, in one pass (instead of one CSS query per selector)."""
    classes: dict[str, El] = {}
    ids: dict[str, El] = {}
    names: dict[str, El] = {}
    for el in tree.elements(root):
        names.setdefault(el.tag, el)
        if el_id := el.get("id"):
            ids.setdefault(el_id, el)
        for c in tree.classes(el):
            classes.setdefault(c, el)
    return classes, ids, names


def _select(index: Index, selector: str) -> El | None:
    """'.cls', '#id' or 'tag', optionally followed by descendant tag names: '.title_nei b'."""
    first, *rest = selector.split()
    classes, ids, names = index
    node = (
        classes.get(first[1:])
        if first[0] == "."
        else ids.get(first[1:])
        if first[0] == "#"
        else names.get(first)
    )
    for part in rest:
        node = next(node.iterdescendants(part), None) if node is not None else None
    return node


def _main_node(index: Index) -> El | None:
    for sel in CONTENT_SELECTORS:
        node = _select(index, sel)
        if node is not None and tree.has_text(node):
            return node
    return None


def _is_chrome(el: El) -> bool:
    """Header, menus, breadcrumb, pager, footer: by tag, or by a class or id token (wp_nav, p_pages, footer…)."""
    if el.tag in CHROME_TAGS:
        return True
    names = [*tree.classes(el), el.get("id") or ""]
    return any(t in CHROME_TOKENS for n in names for t in TOKEN_SPLIT.split(n.lower()) if t)


def _in_chrome(el: El) -> bool:
    return _is_chrome(el) or any(_is_chrome(p) for p in el.iterancestors())


def _title(root: El, index: Index) -> tuple[str, str]:
    title_tag = tree.first(root, "title")
    html_title = squash(tree.text(title_tag)) if title_tag is not None else ""
    for sel in TITLE_SELECTORS:
        node = _select(index, sel)
        if node is not None and sel == "h1" and _in_chrome(node):
            continue  # a logo <h1> in the header is the site's name, not the page's title
        if node is not None:
            text = squash(tree.text(node, " "))
            if 2 <= len(text) <= 150 and not PLACEHOLDER.search(text):
                return text, html_title
    return clean_title(html_title), html_title


CRUMB_CLASSES = ("breadcrumb", "position", "dqwz", "location", "crumb", "wz", "current-position")


def _breadcrumb(root: El) -> tuple[list[str], El | None]:
    node = None
    for string, holder in tree.strings(root):
        if not CRUMB_LABEL.search(string):
            continue
        node = holder
        for _ in range(3):
            if node is None or tree.count(node, "a") >= 1 or re.search(r">|»|＞|→", tree.text(node)):
                break
            node = node.getparent()
        break
    if node is None:
        node = next((el for el in tree.elements(root) if set(tree.classes(el)) & set(CRUMB_CLASSES)), None)
    if node is None:
        return [], None
    text = CRUMB_LABEL.sub(" ", squash(tree.text(node, " ")))
    parts = [p.strip(" :：") for p in CRUMB_SPLIT.split(text)]
    if len(parts) < 2:  # WebPlus separates crumbs with spans, not '>': take the links, then the trailing text
        anchors = list(node.iter("a"))
        parts = [squash(tree.text(a)) for a in anchors]
        tail = tree.strings(node)[-1:] if anchors else []
        if tail and (tail[0][1] is None or tail[0][1].tag != "a"):
            parts.append(squash(tail[0][0]))
    return [p for p in parts if p and p not in CRUMB_SKIP and len(p) <= 40], node


META_DATES = ("pubdate", "publishdate", "article:published_time", "dc.date", "date")
DATE_CLASS = re.compile(r"date|time|update|publish|arti_metas|info", re.I)


def _published(root: El, main: El | None) -> tuple[date | None, str]:
    metas = list(root.iter("meta"))
    for name in META_DATES:
        meta = next((m for m in metas if (m.get("name") or "").lower() == name), None)
        meta = (
            meta
            if meta is not None
            else next((m for m in metas if (m.get("property") or "").lower() == name), None)
        )
        if meta is not None and (d := parse_date(meta.get("content") or "", compact=True)):
            return d, f"<meta {name}>"
    # Labelled dates in the article header (the text before the main content, or the whole page).
    if main is not None:
        before = [
            s
            for s, holder in tree.preceding_strings(main)
            if holder is None or holder.tag not in ("script", "style")
        ]
        head = squash(" ".join(before[-61:]))
    else:
        head = squash(tree.text(root, " "))
    if found := labelled_date(head):
        return found
    for node in tree.elements(root):
        if not DATE_CLASS.search(node.get("class") or ""):
            continue
        if main is not None and any(p is main for p in node.iterancestors()):
            continue
        text = squash(tree.text(node, " "))
        if len(text) <= 60 and (d := parse_date(text, compact=True)):
            return d, text[:40]
    return None, ""


@dataclass
class Content:
    """What the page itself holds, outside the site's furniture: how many Chinese characters of text (not
    counting link texts, dates and the page's own title), the links it offers, and whether a script loads
    more. A column page with none of these is an empty column, placeholder or not."""

    chars: int = 0
    anchors: list[El] = field(default_factory=list)
    media: int = 0
    scripted: bool = False


def _content(root: El, skip: El | None, own: set[str]) -> Content:
    out = Content()
    body = tree.first(root, "body")
    stack = list(reversed(tree.children(body) if body is not None else [root]))
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            text = squash(node)
            if text and text not in own:
                out.chars += len(CJK.findall(text))
            continue
        if not tree.is_tag(node):
            continue  # a comment
        if node.tag == "script" and not out.scripted and not node.get("src"):
            out.scripted = bool(SCRIPT_LOADS.search((node.text or "").lower()))
        if node is skip or _is_chrome(node):
            continue
        if node.tag == "a":
            if node.get("href") and not GENERIC_ANCHOR.match(_anchor_text(node)):
                out.anchors.append(node)
            continue
        if node.tag in MEDIA_TAGS:
            out.media += bool(node.get("src") or node.get("data") or node.get("data-src"))
            continue
        if node.tag not in tree.NOT_TEXT:
            stack.extend(reversed(tree.children(node)))
    return out


def _listing(title: str, html_title: str, crumbs: list[str], index: Index, published_raw: str) -> bool | None:
    """True for a column (list) page, False for an article, None when the page does not say.
    A list page is named after its column: its title is the breadcrumb's last part ('预算公开' under
    当前位置: 首页 >> 财务信息 >> 预算公开). An article has its CMS's article body, or a labelled date of its own
    (发布时间：…); a "latest news" sidebar with dates does not make it a list."""
    # the column's name as the page title, or as one part of <title> (site name before or after it)
    if crumbs and (
        crumbs[-1] in (title, clean_title(html_title))
        or crumbs[-1] in TITLE_SEP.split(html_title)
        or html_title.split(" ")[-1] == crumbs[-1]
    ):
        return True
    if (
        any(_select(index, sel) is not None for sel in (*ARTICLE_BODIES, ".arti_title"))
        or LABEL.match(published_raw or "")
        or (published_raw or "").startswith("<meta")
    ):
        return False
    return None


def _rows(anchors: list[El], base: str, dated: list[ListEntry]) -> list[ListEntry]:
    """Undated list rows of a column page: a content link alone in its <li>/<tr>/<dd> (regulation and finance
    columns often list files and articles without a date). A sidebar menu's links come along; the audit
    drops those that lead to other columns."""
    seen = {e.url for e in dated} | {clean_url(base)}
    out: list[ListEntry] = []
    for a in anchors:
        row = tree.parent_of(a, ("li", "tr", "dd"))
        if row is None or tree.count(row, "a", "href") != 1:
            continue
        url = resolve(base, a.get("href").strip())
        title = _anchor_text(a)
        if len(title) >= 4 and url not in seen and not url.lower().startswith(("javascript", "mailto")):
            seen.add(url)
            out.append(ListEntry(title, url, None))
    return out


def _text(root: El, main: El | None) -> str:
    """The page's own text: its main content, or the body without scripts, nav, header and footer."""
    node = main if main is not None else tree.first(root, "body")
    if node is None:
        node = root
    drop = {"noscript"} if main is not None else {"noscript", "nav", "header", "footer"}
    parts: list[str] = []
    stack = list(reversed(tree.children(node)))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif tree.is_tag(item) and item.tag not in drop and item.tag not in tree.NOT_TEXT:
            stack.extend(reversed(tree.children(item)))
    return squash(" ".join(parts))


def _anchor_text(a: El) -> str:
    return _link_text(tree.text(a, " "), a.get("title"))


def _link_text(content: str, title_attr: str | None) -> str:
    """A link's words: its text, or its title attribute when that says more (a truncated '关于…' row)."""
    text = squash(content)
    title = squash(title_attr or "")
    if title and (not text or len(title) > len(text) or text.endswith(("…", "...", ".."))):
        return title
    return text


def _script_links(root: El, base: str) -> tuple[list[Link], list[ListEntry]]:
    """Links that only exist inside <script> JSON (lists filled by JavaScript)."""
    links: list[Link] = []
    entries: list[ListEntry] = []
    for script in root.iter("script"):
        code = script.text or ""
        kind = (script.get("type") or "").lower()
        if (
            code
            and "<a " in code
            and ("xml" in kind or "template" in kind or "html" in kind or "<![CDATA[" in code)
        ):
            # HTML kept inside a script (大汉 Hanweb's list records: CDATA in <script type="text/xml">)
            fragment = tree.parse(code.replace("<![CDATA[", "").replace("]]>", ""))
            for a in fragment.iter("a"):
                if a.get("href") is not None:
                    url = resolve(base, a.get("href").strip())
                    links.append(Link(url, _anchor_text(a), "script", is_attachment_url(url)))
            entries.extend(_entries(fragment, base))
            continue
        if not code or "{" not in code:
            continue
        for m in JSON_ARRAY.finditer(code):
            try:
                rows = json.loads(m.group(0))
            except ValueError:
                continue
            for row in rows if isinstance(rows, list) else []:
                if not isinstance(row, dict):
                    continue
                low = {str(k).lower(): v for k, v in row.items()}
                target = next((low[k] for k in URL_KEYS if isinstance(low.get(k), str)), None)
                if not target:
                    continue
                title = squash(next((str(low[k]) for k in TITLE_KEYS if low.get(k)), ""))
                when = next((parse_date(str(low[k]), compact=True) for k in DATE_KEYS if low.get(k)), None)
                url = resolve(base, target)
                links.append(Link(url, title, "script", is_attachment_url(url)))
                if title:
                    entries.append(ListEntry(title, url, when))
    return links, entries


DATE_WRAPPERS = ("span", "em", "i", "font", "b")


def _entries(root: El, base: str) -> list[ListEntry]:
    """List items: an <a> inside a <li>/<tr>/<dd> whose remaining text holds a date (VSB line_u*, WebPlus news_list)."""
    out: list[ListEntry] = []
    seen: set[str] = set()
    anchors: dict[El, int] = {}  # per row: menus hold many links, each would count them all again
    chrome: dict[El, bool] = {}
    for a in root.iter("a"):
        if a.get("href") is None:
            continue
        row = tree.parent_of(a, ("li", "tr", "dd", "p"))
        if row is None or _memo(anchors, row, lambda r: tree.count(r, "a")) > 3:
            row = tree.parent_of(a, ("div",))  # a list of <div> rows
            if row is None or _memo(anchors, row, lambda r: tree.count(r, "a")) > 1:
                continue
        if _memo(chrome, row, _in_chrome):
            continue
        rest = squash(tree.text(row, " ").replace(tree.text(a, " "), " ", 1))
        when = parse_date(rest, compact=True)
        title = _anchor_text(a)
        if when is None:  # the date inside the link: <a><span class="date">2024-10-25</span>标题</a>
            dated = next(
                (el for el in a.iterdescendants(*DATE_WRAPPERS) if parse_date(squash(tree.text(el)))), None
            )
            if dated is None:
                continue
            when = parse_date(squash(tree.text(dated)))
            title = squash(a.get("title") or "") or squash(
                tree.text(a, " ").replace(tree.text(dated), " ", 1)
            )
        href = a.get("href").strip()
        if href.lower().startswith(("javascript", "mailto", "#")) or GENERIC_ANCHOR.match(title):
            continue
        url = resolve(base, href)
        if title and url not in seen:
            seen.add(url)
            out.append(ListEntry(title, url, when))
    return out


def _memo(cache: dict[El, T], el: El, compute: Callable[[El], T]) -> T:
    if el not in cache:
        cache[el] = compute(el)
    return cache[el]


def _cell(cells: list[Tag], cols: dict[str, int], name: str, shift: int) -> str:
    """Text of column `name`; `shift` accounts for a category cell spanning rows (absent from later rows)."""
    j = cols.get(name)
    if j is None:
        return ""
    j = j if name == "category" else j - shift
    return squash(cells[j].get_text()) if 0 <= j < len(cells) else ""


def _directory(root: El, html: str, base: str) -> list[DirectoryRow]:
    """Rows of a 信息公开目录 table (序号 | 类别 | 公开事项 | 负责部门 …), each item label → its link(s).
    Read with BeautifulSoup: a handful of pages per site, with spanning cells and links in any cell, where its
    find_all reads best; every other page is passed over by one look at its tables' text."""
    if not any("事项" in tree.text(t) or "公开内容" in tree.text(t) for t in root.iter("table")):
        return []
    rows_out: list[DirectoryRow] = []
    for table in BeautifulSoup(html, "lxml").find_all("table"):
        rows = table.find_all("tr")
        header_idx, cols = None, {}
        for i, tr in enumerate(rows[:3]):
            cells = [squash(c.get_text()) for c in tr.find_all(["th", "td"])]
            if any(("事项" in c or "公开内容" in c) for c in cells):
                header_idx = i
                for j, c in enumerate(cells):
                    if "序号" in c:
                        cols["number"] = j
                    elif "类别" in c or "类目" in c or "分类" in c:
                        cols["category"] = j
                    elif "事项" in c or "公开内容" in c:
                        cols["label"] = j
                    elif "部门" in c or "单位" in c:
                        cols["department"] = j
                break
        if header_idx is None or "label" not in cols:
            continue
        width = len(rows[header_idx].find_all(["th", "td"]))
        category = ""
        for tr in rows[header_idx + 1 :]:
            cells = tr.find_all(["th", "td"])
            if not cells:
                continue
            shift = width - len(cells)  # a category cell spanning rows is absent from the following rows
            if shift <= 0 and "category" in cols:
                category = _cell(cells, cols, "category", 0) or category
            # "（2）" marks a second link
            label = re.sub(r"\s*[（(]\d+[)）]", "", _cell(cells, cols, "label", shift))
            if not label:
                continue
            links = [
                Link(
                    resolve(base, a["href"]),
                    _link_text(a.get_text(" "), a.get("title")) or label,
                    "directory",
                )
                for a in tr.find_all("a", href=True)
                if not a["href"].strip().lower().startswith(("javascript", "#"))
            ]
            rows_out.append(
                DirectoryRow(
                    label,
                    category,
                    _cell(cells, cols, "department", shift),
                    _cell(cells, cols, "number", shift),
                    links,
                )
            )
    return rows_out


def _redirect(root: El, base: str, text: str) -> str | None:
    """Target of a meta-refresh or a JavaScript `location` redirect on a stub page (homepages do this)."""
    meta = next((m for m in root.iter("meta") if (m.get("http-equiv") or "").lower() == "refresh"), None)
    if meta is not None and (m := META_REFRESH.match(meta.get("content") or "")):
        return resolve(base, m.group(1).strip())
    if len(text) < 200 and tree.count(root, "a") <= 2:
        for script in root.iter("script"):
            if m := JS_LOCATION.search(script.text or ""):
                return clean_url(urljoin(base, (m.group(1) or m.group(2)).strip()))
    return None


def extract_page(url: str, html: str) -> PageSignals:
    """All signals of one page. `url` is the final URL (after redirects), used to resolve links."""
    root = tree.parse(html)
    index = _index(root)
    base_tag = next((b for b in root.iter("base") if b.get("href") is not None), None)
    base = urljoin(url, base_tag.get("href")) if base_tag is not None else url
    canonical_tag = next(
        (
            k
            for k in root.iter("link")
            if "canonical" in (k.get("rel") or "").split() and k.get("href") is not None
        ),
        None,
    )
    title, html_title = _title(root, index)
    breadcrumb, crumb_node = _breadcrumb(root)
    content = _content(root, crumb_node, {title, html_title, *breadcrumb})
    links: list[Link] = []
    for tag, attr in (("a", "href"), ("area", "href"), ("iframe", "src"), ("frame", "src")):
        for el in root.iter(tag):
            raw = (el.get(attr) or "").strip().replace("\\", "/")
            if not raw or raw.lower().startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
                continue
            u = resolve(base, raw)
            links.append(Link(u, _anchor_text(el) if tag == "a" else "", "body", is_attachment_url(u)))
    for el in root.xpath("//*[@pdfsrc]"):  # WebPlus embedded PDF player: the document is the PDF
        u = resolve(base, el.get("pdfsrc").strip())
        name = re.search(r"'title'\s*:\s*'([^']+)'", el.get("sudyfile-attr") or "")
        links.append(Link(u, name.group(1) if name else title, "embed", True))
    for el in root.xpath("//*[@onclick]"):
        if m := re.search(r"window\.open\(\s*['\"]([^'\"]+)", el.get("onclick")):
            u = resolve(base, m.group(1))
            links.append(Link(u, _anchor_text(el), "body", is_attachment_url(u)))
    script_links, script_entries = _script_links(root, base)
    links.extend(script_links)
    directory = _directory(root, html, base)
    entries = _entries(root, base) + script_entries
    main = _main_node(index)
    links.extend(_pictures(root, main, base))
    published, published_raw = _published(root, main)
    listing = _listing(title, html_title, breadcrumb, index, published_raw)
    raw_text = squash(tree.text(root, " ")) if tree.first(root, "body") is not None else ""
    redirect_to = _redirect(root, base, raw_text)
    text = _text(root, main)
    placeholder = None
    if (m := PLACEHOLDER.search(text)) and len(text) < 300 and not entries:
        placeholder = m.group(0)
    return PageSignals(
        title=title,
        html_title=html_title,
        breadcrumb=breadcrumb,
        published=published,
        published_raw=published_raw,
        period=title_period(title),
        text=text,
        text_hash=hashlib.sha1(text.encode()).hexdigest(),
        placeholder=placeholder,
        links=links,
        entries=entries,
        directory=directory,
        redirect_to=redirect_to,
        canonical=resolve(base, canonical_tag.get("href")) if canonical_tag is not None else None,
        rows=_rows(content.anchors, base, entries) if listing and not directory else [],
        listing=listing,
        content_chars=content.chars,
        content_links=len(content.anchors) + content.media,
        scripted=content.scripted,
        blocked=block_kind(html, text),
        privacy=_personal(root, raw_text),
    )


PICTURE_EXT = (".jpg", ".jpeg", ".png")
SMALL_PICTURE = 120  # pixels: a width or height under this is an icon, a bullet or a logo, not a list


def _pictures(root: Any, main: Any, base: str) -> list[Link]:
    """The pictures an article shows (`<img>` in its body, or outside the furniture when no body is known): a
    公示 published as photos of its list holds personal data as a typed one does. Kept as links of context
    "image": the crawl never requests them, the audit downloads those of 公示-like pages (auditor.privacy)."""
    out = []
    for el in (main if main is not None else root).iter("img"):
        raw = (el.get("src") or "").strip().replace("\\", "/")
        if not raw.lower().split("?")[0].endswith(PICTURE_EXT) or (main is None and _in_chrome(el)):
            continue
        sizes = [int(v) for v in (el.get("width"), el.get("height")) if v and v.isdigit()]
        if sizes and min(sizes) < SMALL_PICTURE:
            continue
        out.append(Link(resolve(base, raw), squash(el.get("alt") or el.get("title") or ""), "image"))
    return out


def _personal(root: Any, text: str) -> list[dict]:
    """Personal data on the page, masked: its tables read with their headers (a 公示's 银行卡号 column), and
    its whole text (a phone in a paragraph)."""
    from auditor.privacy.detect import find, find_in_rows, summary, worth_reading

    if not text or not worth_reading(text):  # a table's values are in the page's text too
        return []
    rows = [
        [squash(tree.text(cell, " ")) for cell in tr if cell.tag in ("td", "th")] for tr in root.iter("tr")
    ]
    return summary(find_in_rows(rows) + find(text))


_TEXTS = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::template)]")
LINE_BLOCKS = frozenset(
    ("p", "div", "li", "tr", "table", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt",
     "pre", "blockquote", "center", "body", "ul", "ol", "form")
)  # fmt: skip


def article_lines(html: str) -> list[str]:
    """The page's own text as lines, one per block (a table row is one line, its cells apart): its CMS
    article body when it has one, else the page without its furniture (menus name 依申请公开 on every
    信息公开 page; a document's headings are in its body). For reading a report published as a web page."""
    root = tree.parse(html)
    main = _main_node(_index(root))
    body = tree.first(root, "body")
    node = main if main is not None else body if body is not None else root
    lines: list[list[str]] = [[]]
    block = None
    for s in _TEXTS(node):
        holder = s.getparent()
        if holder is None or (main is None and _in_chrome(holder)):
            continue
        own = holder.getparent() if s.is_tail else holder
        up = next((e for e in (own, *own.iterancestors()) if e.tag in LINE_BLOCKS), node)
        if up is not block or (s.is_tail and holder.tag == "br"):
            lines.append([])
            block = up
        lines[-1].append(str(s))
    return [t for parts in lines if (t := squash(" ".join(parts)))]
