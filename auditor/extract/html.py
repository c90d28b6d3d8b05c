"""Pure functions from one HTML page to the signals the audit needs. No network, no checklist.

Written against the layouts in docs/reference/real-site-patterns.md: 博达 VSB, WebPlus (Sudy),
static 信息公开 sites, Drupal; tested on saved pages in tests/fixtures.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from auditor.extract.blocks import block_kind
from auditor.extract.dates import LABEL, Period, labelled_date, parse_date, title_period

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
SCRIPT_LOADS = re.compile(
    r"ajax|XMLHttpRequest|\bfetch\(|\$\.(get|post|getJSON)\(|\.load\(|axios|dataproxy|jsonp", re.I
)
SESSION_PARAM = re.compile(
    r";jsessionid=[^?#/]*|(?<=[?&])(jsessionid|phpsessid|sid|sessionid)=[^&#]*&?", re.I
)


@dataclass
class Link:
    url: str
    text: str
    context: str = "body"  # body | script | embed | refresh
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
    """One spelling per URL, so a link, a 目录 target and the stored page agree: fragments and session ids
    dropped (;jsessionid=…, ?sid=…), scheme and host lower-cased, a default port and an empty path
    ('http://cwc.x.edu.cn' → 'http://cwc.x.edu.cn/') normalised."""
    url = SESSION_PARAM.sub("", url.strip()).split("#", 1)[0]
    url = url[:-1] if url.endswith(("?", "&")) else url
    parts = urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.netloc:
        return url
    netloc = parts.netloc.lower()
    if netloc.endswith(DEFAULT_PORTS[parts.scheme.lower()]):
        netloc = netloc[: -len(DEFAULT_PORTS[parts.scheme.lower()])]
    rest = url.split(parts.netloc, 1)[1]
    return f"{parts.scheme.lower()}://{netloc}{rest if rest.startswith('/') else '/' + rest}"


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


Index = tuple[dict[str, Tag], dict[str, Tag], dict[str, Tag]]


def _index(soup: BeautifulSoup) -> Index:
    """First tag per class, per id and per name, in one pass (instead of one CSS query per selector)."""
    classes: dict[str, Tag] = {}
    ids: dict[str, Tag] = {}
    names: dict[str, Tag] = {}
    for el in soup.find_all(True):
        names.setdefault(el.name, el)
        if el_id := el.get("id"):
            ids.setdefault(str(el_id), el)
        for c in el.get("class") or ():
            classes.setdefault(c, el)
    return classes, ids, names


def _select(index: Index, selector: str) -> Tag | None:
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
        node = node.find(part) if node is not None else None
    return node


def _main_node(index: Index) -> Tag | None:
    for sel in CONTENT_SELECTORS:
        node = _select(index, sel)
        if node is not None and len(node.get_text(strip=True)) > 0:
            return node
    return None


def _is_chrome(el: Tag) -> bool:
    """Header, menus, breadcrumb, pager, footer: by tag, or by a class or id token (wp_nav, p_pages, footer…)."""
    if el.name in CHROME_TAGS:
        return True
    names = [*(el.get("class") or ()), str(el.get("id") or "")]
    return any(t in CHROME_TOKENS for n in names for t in TOKEN_SPLIT.split(str(n).lower()) if t)


def _in_chrome(el: Tag) -> bool:
    return _is_chrome(el) or any(
        _is_chrome(p) for p in el.parents if isinstance(p, Tag) and p.name != "[document]"
    )


def _title(soup: BeautifulSoup, index: Index) -> tuple[str, str]:
    html_title = squash(soup.title.get_text()) if soup.title else ""
    for sel in TITLE_SELECTORS:
        node = _select(index, sel)
        if node is not None and sel == "h1" and _in_chrome(node):
            continue  # a logo <h1> in the header is the site's name, not the page's title
        if node is not None:
            text = squash(node.get_text(" "))
            if 2 <= len(text) <= 150 and not PLACEHOLDER.search(text):
                return text, html_title
    return clean_title(html_title), html_title


def _breadcrumb(soup: BeautifulSoup) -> tuple[list[str], Tag | None]:
    node = None
    for el in soup.find_all(string=CRUMB_LABEL):
        node = el.parent
        for _ in range(3):
            if node is None or len(node.find_all("a")) >= 1 or re.search(r">|»|＞|→", node.get_text()):
                break
            node = node.parent
        break
    if node is None:
        node = soup.select_one(".breadcrumb, .position, .dqwz, .location, .crumb, .wz, .current-position")
    if node is None:
        return [], None
    text = CRUMB_LABEL.sub(" ", squash(node.get_text(" ")))
    parts = [p.strip(" :：") for p in CRUMB_SPLIT.split(text)]
    if len(parts) < 2:  # WebPlus separates crumbs with spans, not '>': take the links, then the trailing text
        parts = [squash(a.get_text()) for a in node.find_all("a")]
        tail = node.find_all(string=True)[-1:] if node.find_all("a") else []
        if tail and tail[0].parent.name != "a":
            parts.append(squash(str(tail[0])))
    return [p for p in parts if p and p not in CRUMB_SKIP and len(p) <= 40], node


def _published(soup: BeautifulSoup, main: Tag | None) -> tuple[date | None, str]:
    for name in ("pubdate", "publishdate", "article:published_time", "dc.date", "date"):
        meta = soup.find("meta", attrs={"name": re.compile(f"^{re.escape(name)}$", re.I)}) or soup.find(
            "meta", attrs={"property": re.compile(f"^{re.escape(name)}$", re.I)}
        )
        if meta and (d := parse_date(str(meta.get("content", "")), compact=True)):
            return d, f"<meta {name}>"
    # Labelled dates in the article header (the text before the main content, or the whole page).
    head_parts: list[str] = []
    if main is not None:
        for el in main.find_all_previous(string=True):
            if el.parent and el.parent.name in ("script", "style"):
                continue
            head_parts.append(str(el))
            if len(head_parts) > 60:
                break
        head = squash(" ".join(reversed(head_parts)))
    else:
        head = squash(soup.get_text(" "))
    if found := labelled_date(head):
        return found
    for node in soup.find_all(attrs={"class": re.compile(r"date|time|update|publish|arti_metas|info", re.I)}):
        if main is not None and main in node.parents:
            continue
        text = squash(node.get_text(" "))
        if len(text) <= 60 and (d := parse_date(text, compact=True)):
            return d, text[:40]
    return None, ""


@dataclass
class Content:
    """What the page itself holds, outside the site's furniture: how many Chinese characters of text (not
    counting link texts, dates and the page's own title), the links it offers, and whether a script loads
    more. A column page with none of these is an empty column, placeholder or not."""

    chars: int = 0
    anchors: list[Tag] = field(default_factory=list)
    media: int = 0
    scripted: bool = False


def _content(soup: BeautifulSoup, skip: Tag | None, own: set[str]) -> Content:
    out = Content()
    stack = list(reversed(list((soup.body or soup).children)))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name == "script" and not node.get("src") and SCRIPT_LOADS.search(node.get_text()):
                out.scripted = True
            if node is skip or _is_chrome(node):
                continue
            if node.name == "a":
                if node.get("href") and not GENERIC_ANCHOR.match(_anchor_text(node)):
                    out.anchors.append(node)
                continue
            if node.name in MEDIA_TAGS:
                out.media += bool(node.get("src") or node.get("data") or node.get("data-src"))
                continue
            stack.extend(reversed(list(node.children)))
        elif type(node) is NavigableString:
            text = squash(str(node))
            if text and text not in own:
                out.chars += len(CJK.findall(text))
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


def _rows(anchors: list[Tag], base: str, dated: list[ListEntry]) -> list[ListEntry]:
    """Undated list rows of a column page: a content link alone in its <li>/<tr>/<dd> (regulation and finance
    columns often list files and articles without a date). A sidebar menu's links come along; the audit
    drops those that lead to other columns."""
    seen = {e.url for e in dated} | {clean_url(base)}
    out: list[ListEntry] = []
    for a in anchors:
        row = a.find_parent(["li", "tr", "dd"])
        if row is None or len(row.find_all("a", href=True)) != 1:
            continue
        url = clean_url(urljoin(base, str(a["href"]).strip()))
        title = _anchor_text(a)
        if len(title) >= 4 and url not in seen and not url.lower().startswith(("javascript", "mailto")):
            seen.add(url)
            out.append(ListEntry(title, url, None))
    return out


def _text(soup: BeautifulSoup, main: Tag | None) -> str:
    node: Tag = main if main is not None else (soup.body or soup)
    for junk in node.find_all(["script", "style", "noscript"]):
        junk.extract()
    if main is None:
        for junk in node.find_all(["nav", "header", "footer"]):
            junk.extract()
    return squash(node.get_text(" "))


def _anchor_text(a: Tag) -> str:
    text = squash(a.get_text(" "))
    title = squash(str(a.get("title", "")))
    if title and (not text or len(title) > len(text) or text.endswith(("…", "...", ".."))):
        return title
    return text


def _script_links(soup: BeautifulSoup, base: str) -> tuple[list[Link], list[ListEntry]]:
    """Links that only exist inside <script> JSON (lists filled by JavaScript)."""
    links: list[Link] = []
    entries: list[ListEntry] = []
    for script in soup.find_all("script"):
        code = script.string or script.get_text()
        kind = str(script.get("type", "")).lower()
        if (
            code
            and "<a " in code
            and ("xml" in kind or "template" in kind or "html" in kind or "<![CDATA[" in code)
        ):
            # HTML kept inside a script (大汉 Hanweb's list records: CDATA in <script type="text/xml">)
            fragment = BeautifulSoup(code.replace("<![CDATA[", "").replace("]]>", ""), "lxml")
            for a in fragment.find_all("a", href=True):
                url = clean_url(urljoin(base, str(a["href"]).strip()))
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
                url = clean_url(urljoin(base, target))
                links.append(Link(url, title, "script", is_attachment_url(url)))
                if title:
                    entries.append(ListEntry(title, url, when))
    return links, entries


def _entries(soup: BeautifulSoup, base: str) -> list[ListEntry]:
    """List items: an <a> inside a <li>/<tr>/<dd> whose remaining text holds a date (VSB line_u*, WebPlus news_list)."""
    out: list[ListEntry] = []
    seen: set[str] = set()
    for a in soup.find_all("a", href=True):
        row = a.find_parent(["li", "tr", "dd", "p"])
        if row is None or len(row.find_all("a")) > 3:
            row = a.find_parent("div")  # a list of <div> rows
            if row is None or len(row.find_all("a")) > 1:
                continue
        if _in_chrome(row):
            continue
        rest = squash(row.get_text(" ").replace(a.get_text(" "), " ", 1))
        when = parse_date(rest, compact=True)
        title = _anchor_text(a)
        if when is None:  # the date inside the link: <a><span class="date">2024-10-25</span>标题</a>
            dated = next(
                (
                    el
                    for el in a.find_all(["span", "em", "i", "font", "b"])
                    if parse_date(squash(el.get_text()))
                ),
                None,
            )
            if dated is None:
                continue
            when = parse_date(squash(dated.get_text()))
            title = squash(str(a.get("title", ""))) or squash(
                a.get_text(" ").replace(dated.get_text(), " ", 1)
            )
        href = str(a["href"]).strip()
        if href.lower().startswith(("javascript", "mailto", "#")) or GENERIC_ANCHOR.match(title):
            continue
        url = clean_url(urljoin(base, href))
        if title and url not in seen:
            seen.add(url)
            out.append(ListEntry(title, url, when))
    return out


def _cell(cells: list[Tag], cols: dict[str, int], name: str, shift: int) -> str:
    """Text of column `name`; `shift` accounts for a category cell spanning rows (absent from later rows)."""
    j = cols.get(name)
    if j is None:
        return ""
    j = j if name == "category" else j - shift
    return squash(cells[j].get_text()) if 0 <= j < len(cells) else ""


def _directory(soup: BeautifulSoup, base: str) -> list[DirectoryRow]:
    """Rows of a 信息公开目录 table (序号 | 类别 | 公开事项 | 负责部门 …), each item label → its link(s)."""
    rows_out: list[DirectoryRow] = []
    for table in soup.find_all("table"):
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
                Link(clean_url(urljoin(base, a["href"])), _anchor_text(a) or label, "directory")
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


def _redirect(soup: BeautifulSoup, base: str, text: str) -> str | None:
    """Target of a meta-refresh or a JavaScript `location` redirect on a stub page (homepages do this)."""
    meta = soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)})
    if meta and (m := META_REFRESH.match(str(meta.get("content", "")))):
        return clean_url(urljoin(base, m.group(1).strip()))
    if len(text) < 200 and len(soup.find_all("a")) <= 2:
        for script in soup.find_all("script"):
            if m := JS_LOCATION.search(script.get_text()):
                return clean_url(urljoin(base, (m.group(1) or m.group(2)).strip()))
    return None


def extract_page(url: str, html: str) -> PageSignals:
    """All signals of one page. `url` is the final URL (after redirects), used to resolve links."""
    soup = BeautifulSoup(html, "lxml")
    index = _index(soup)
    base_tag = soup.find("base", href=True)
    base = urljoin(url, base_tag["href"]) if base_tag else url
    canonical_tag = soup.find("link", rel="canonical", href=True)
    title, html_title = _title(soup, index)
    breadcrumb, crumb_node = _breadcrumb(soup)
    content = _content(soup, crumb_node, {title, html_title, *breadcrumb})
    links: list[Link] = []
    for tag, attr in (("a", "href"), ("area", "href"), ("iframe", "src"), ("frame", "src")):
        for el in soup.find_all(tag, attrs={attr: True}):
            raw = str(el[attr]).strip().replace("\\", "/")
            if not raw or raw.lower().startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
                continue
            u = clean_url(urljoin(base, raw))
            links.append(Link(u, _anchor_text(el) if tag == "a" else "", "body", is_attachment_url(u)))
    for el in soup.find_all(attrs={"pdfsrc": True}):  # WebPlus embedded PDF player: the document is the PDF
        u = clean_url(urljoin(base, str(el["pdfsrc"]).strip()))
        name = re.search(r"'title'\s*:\s*'([^']+)'", str(el.get("sudyfile-attr", "")))
        links.append(Link(u, name.group(1) if name else title, "embed", True))
    for el in soup.find_all(onclick=True):
        if m := re.search(r"window\.open\(\s*['\"]([^'\"]+)", str(el["onclick"])):
            u = clean_url(urljoin(base, m.group(1)))
            links.append(Link(u, _anchor_text(el), "body", is_attachment_url(u)))
    script_links, script_entries = _script_links(soup, base)
    links.extend(script_links)
    directory = _directory(soup, base)
    entries = _entries(soup, base) + script_entries
    main = _main_node(index)
    published, published_raw = _published(soup, main)
    listing = _listing(title, html_title, breadcrumb, index, published_raw)
    raw_text = squash(soup.get_text(" ")) if soup.body else ""
    redirect_to = _redirect(soup, base, raw_text)  # before _text(), which strips the <script>s it reads
    text = _text(soup, main)
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
        canonical=clean_url(urljoin(base, canonical_tag["href"])) if canonical_tag else None,
        rows=_rows(content.anchors, base, entries) if listing and not directory else [],
        listing=listing,
        content_chars=content.chars,
        content_links=len(content.anchors) + content.media,
        scripted=content.scripted,
        blocked=block_kind(html, text),
    )
