"""Build a fixture college in memory: every URL it serves, with the bytes real CMSs would send.

A college is data (auditor/demo/college.yaml for the demo, bench/sites/*.yaml for the evaluation):
hosts with a CMS layout and a role, columns of articles, news, the 信息公开目录. This module renders
them the way 博达 VSB, WebPlus, 大汉 Hanweb, Drupal, static GBK sites and JS-filled lists really do.
The builder also knows the truth about its own site (which URLs are pages, attachments, traps,
robots-disallowed, and which URLs belong to which column), so tests and benchmarks can check a crawl.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from auditor.demo.documents import document

PAGE_SIZE = {
    "vsb": 15,
    "webplus": 14,
    "static_gbk": 20,
    "jslist": 50,
    "hanweb": 15,
    "drupal": 10,
    "siteserver": 20,
}
HOME = {
    "vsb": "/index.htm",
    "webplus": "/main.htm",
    "static_gbk": "/index.htm",
    "jslist": "/index.html",
    "hanweb": "/index.html",
    "drupal": "/",
    "siteserver": "/index.shtml",
}
CTYPES = {
    "pdf": "application/pdf",
    "xls": "application/vnd.ms-excel",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
NEWS_WORDS = [
    "学院",
    "开展",
    "主题教育",
    "实训基地",
    "校企合作",
    "技能竞赛",
    "党史学习",
    "志愿服务",
    "新生入学",
    "安全教育",
    "教学检查",
    "产教融合",
    "专业建设",
    "课程思政",
    "科技创新",
    "劳动教育",
    "心理健康",
    "疫情防控",
    "乡村振兴",
    "职业技能",
]
ROBOTS = b"User-agent: *\nDisallow: /admin/\n"


SITE_MODIFIED = 1668470400.0  # 2022-11-15 00:00 UTC: when every demo page was "last modified"


@dataclass
class Resource:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    kind: str = "page"  # page | attachment | redirect | robots
    robots_disallowed: bool = False
    modified: float = SITE_MODIFIED

    @property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.body).hexdigest()[:16] + '"'


@dataclass
class Site:
    domain: str
    port: int
    hosts: dict[str, dict[str, Any]]
    as_of: date
    config: dict[str, Any]
    school: str = ""
    resources: dict[tuple[str, str], Resource] = field(default_factory=dict)
    attachment_links: set[str] = field(default_factory=set)
    head_refused: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # column ref → its URLs
    trap_host: str = ""
    trap_prefix: str = "/calendar.jsp"
    # sub → an IP to use as the host name (benchmarks)
    addresses: dict[str, str] = field(default_factory=dict)
    # (host, path) → the answers its first requests get before the real one (`fault: {answers: …}`)
    scripted: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def host(self, sub: str) -> str:
        if sub in self.addresses:
            return self.addresses[sub]
        return f"{sub}.{self.domain}" if sub else self.domain

    def url(self, sub: str, path: str) -> str:
        return f"http://{self.host(sub)}:{self.port}{path}"

    def add(self, sub: str, path: str, res: Resource) -> None:
        self.resources[(self.host(sub), path)] = res

    @property
    def start_url(self) -> str:
        return self.url("", "/")

    def expected_pages(self, obey_robots: bool = True) -> set[str]:
        """Every HTML page URL a complete crawl must record (redirect stubs are recorded as chains)."""
        return {
            f"http://{h}:{self.port}{p}"
            for (h, p), r in self.resources.items()
            if r.kind == "page" and not (obey_robots and r.robots_disallowed)
        }

    def expected_attachments(self) -> set[str]:
        return set(self.attachment_links)

    def change(self, url: str, old: bytes, new: bytes, when: float) -> None:
        """Edit a served page in place (the next crawl must notice): replace `old` with `new` in its body."""
        host, path = url.split("//", 1)[1].split("/", 1)
        res = self.resources[(host.split(":")[0], "/" + path)]
        assert old in res.body, f"{old!r} not in {url}"
        res.body, res.modified = res.body.replace(old, new), when

    def resolve_ref(self, ref: str) -> set[str]:
        """'xxgk:jbxx/xxgkndbg' → the column's list pages, articles and attachments; 'www:/path' → that URL."""
        sub, rest = ref.split(":", 1)
        if rest.startswith("/"):
            return {self.url(sub, rest)}
        if ref not in self.members:
            raise KeyError(f"no column {ref}")
        return self.members[ref]


def _hex(*parts: object, n: int = 32) -> str:
    return hashlib.md5("/".join(map(str, parts)).encode()).hexdigest()[:n]


def _file_bytes(name: str, size: int) -> bytes:
    ext = name.rsplit(".", 1)[-1].lower()
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" if ext == "pdf" else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    filler = (name.encode("utf-8") + b" ") * (size // max(1, len(name.encode())) + 1)
    tail = b"\n%%EOF\n" if ext == "pdf" else b""
    return (head + filler)[: max(size - len(tail), len(head))] + tail


def _page(title: str, body: str, charset: str = "UTF-8", head_extra: str = "") -> str:
    return (
        f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
        f"<title>{html.escape(title)}</title>{head_extra}</head>\n<body>\n{body}\n</body></html>\n"
    )


def _e(text: str) -> str:
    return html.escape(text or "")


def load_college(path: str | Path | None = None) -> dict[str, Any]:
    text = (
        Path(path).read_text("utf-8")
        if path
        else resources.files("auditor.demo").joinpath("college.yaml").read_text("utf-8")
    )
    return yaml.safe_load(text)


class Builder:
    """Renders a college's data into a Site. Deterministic: the same port gives the same bytes."""

    def __init__(self, port: int, data: dict[str, Any] | None = None) -> None:
        self.data = data or load_college()
        self.site = Site(
            self.data["domain"],
            port,
            self.data["hosts"],
            self.data["site_as_of"],
            self.data.get("config", {}),
            self.data["school"],
            addresses=self.data.get("addresses", {}),
        )
        self.rng = random.Random(20221115)
        self.school: str = self.data["school"]
        self.columns: dict[str, dict[str, Any]] = {
            f"{c['host']}:{c['slug']}": dict(c) for c in self.data["columns"]
        }
        self.col_urls: dict[str, str] = {}
        self.article_seq = 3000
        self.portal = next((s for s, h in self.site.hosts.items() if h.get("role") == "portal"), "www")
        self.xxgk = next((s for s, h in self.site.hosts.items() if h.get("role") == "xxgk"), None)

    # ------------------------------------------------------------------ primitives
    def layout(self, sub: str) -> str:
        return str(self.site.hosts[sub]["layout"])

    def html(
        self,
        sub: str,
        path: str,
        text: str,
        status: int = 200,
        charset: str = "utf-8",
        header_charset: bool = True,
        ref: str | None = None,
        **kw: Any,
    ) -> None:
        ctype = f"text/html; charset={charset}" if header_charset else "text/html"
        self.site.add(sub, path, Resource(status, text.encode(charset), [("Content-Type", ctype)], **kw))
        if ref:
            self.site.members[ref].add(self.site.url(sub, path))

    def page(
        self, sub: str, path: str, title: str, crumbs: list[tuple[str, str]], inner: str, **kw: Any
    ) -> None:
        """A page in the host's own chrome (and charset)."""
        gbk = self.layout(sub) == "static_gbk"
        text = getattr(self, "frame_" + self.layout(sub))(sub, title, crumbs, inner)
        if self.site.hosts[sub].get("chrome") == "heavy":
            text = text.replace("</body>", self.furniture(sub) + "</body>", 1)
        self.html(
            sub,
            path,
            text,
            charset="gbk" if gbk else "utf-8",
            header_charset=not (gbk and kw.pop("meta_only", False)),
            **kw,
        )

    def furniture(self, sub: str) -> str:
        """What real college pages carry on every page besides their own content (`chrome: heavy`): a
        "最新公告" box of the host's newest articles with dates, in a box no class name marks as furniture
        ('rightbox'), a mega-menu of every column of every host, 友情链接 and a share bar."""
        newest = sorted(
            (
                a
                for key, rows in self.rows.items()
                if key.startswith(f"{sub}:")
                for a in rows
                if a.get("date") and not a.get("file") and not a.get("status")
            ),
            key=lambda a: a["date"],
            reverse=True,
        )[:5]
        box = "".join(
            f'<li><a href="{a["href"]}" title="{_e(a["title"])}">{_e(a["title"])}</a><span>{a["date"]}</span></li>'
            for a in newest
        )
        menu = "".join(
            f'<li><a href="{self.site.url(c["host"], self.col_urls[c["host"] + ":" + c["slug"]])}">{_e(c["name"])}</a></li>'
            for c in self.columns.values()
            if not c.get("hidden")
        )
        return (
            f'<div class="rightbox"><h3>最新公告</h3><ul>{box}</ul></div>'
            f'<div class="nav_all"><ul class="menu">{menu}</ul></div>'
            '<div class="yqlj">友情链接：<select><option>教育部</option><option>省教育厅</option></select></div>'
            '<div class="share">分享到：<a href="javascript:;">微信</a><a href="javascript:;">微博</a></div>'
        )

    def redirect(self, sub: str, path: str, target: str, status: int = 302) -> None:
        self.site.add(
            sub,
            path,
            Resource(status, b"", [("Location", target), ("Content-Type", "text/html")], kind="redirect"),
        )

    def attachment(self, sub: str, path: str, f: dict[str, Any], ref: str, disposition: str = "") -> str:
        name, size, status = f["name"], f.get("size", 20000 + len(f["name"]) * 997), f.get("status", 200)
        url = self.site.url(sub, path)
        self.site.attachment_links.add(url)
        self.site.members[ref].add(url)
        if status != 200:
            self.html(
                sub,
                path,
                _page("404 Not Found", "<h1>404 Not Found</h1><p>您访问的文件不存在或已被删除。</p>"),
                status=status,
                kind="attachment",
            )
            return url
        ext = name.rsplit(".", 1)[-1].lower()
        headers = [("Content-Type", CTYPES.get(ext, "application/octet-stream"))]
        if f.get("gbk_filename"):
            # What 博达 download.jsp really sends: raw GBK bytes in the header (latin-1 round-trips them).
            headers.append(
                ("Content-Disposition", 'attachment; filename="' + name.encode("gbk").decode("latin-1") + '"')
            )
        elif disposition == "utf8":
            headers.append(("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}"))
        text = f.get("text")
        real = "size" not in f or text or f.get("scanned")  # a stated size: filler of that size (big files)
        body = (
            document(name, [text] if isinstance(text, str) else text, bool(f.get("scanned")))
            if real
            else None
        )
        self.site.add(sub, path, Resource(200, body or _file_bytes(name, size), headers, kind="attachment"))
        return url

    @staticmethod
    def rel(from_path: str, to_path: str) -> str:
        return posixpath.relpath(to_path, posixpath.dirname(from_path) or "/")

    def link_for(self, ref: str) -> str:
        """'http…' as is; 'sub:slug' a column; 'sub:/path' a URL; 'sub:' the bare host with no path, as
        信息公开目录 tables often write it (http://cwc.example.edu.cn)."""
        if ref.startswith("http"):
            return ref
        sub, slug = ref.split(":", 1)
        if not slug:
            return self.site.url(sub, "/")[:-1]
        return self.site.url(sub, slug if slug.startswith("/") else self.col_urls[f"{sub}:{slug}"])

    def host_columns(self, sub: str) -> list[dict[str, Any]]:
        return [c for c in self.columns.values() if c["host"] == sub and not c.get("hidden")]

    def articles(self, col: dict[str, Any]) -> list[dict[str, Any]]:
        """The column's list rows, in list order: its articles, then `files:` rows (list entries that link
        straight to a file, with no article page — how many finance and regulation columns are built)."""
        if "generated" in col:
            return [dict(a, href=self.article_path(col, a)) for a in col["generated"]]
        out = []
        for a in [*(col.get("articles") or []), *({**f, "file": True} for f in col.get("files") or [])]:
            self.article_seq += 1  # numbered before it is shown or not: URLs stay the same on every day
            a = dict(a, id=self.article_seq)
            a["date"] = a["date"].isoformat() if isinstance(a.get("date"), date) else a.get("date")
            if not self.shown(a):
                continue
            if a.get("file"):
                a.setdefault("title", a["name"].rsplit(".", 1)[0])
                a["href"] = a.get("path") or self.attachment_path(col, a, a["name"])[0]
            else:
                a["href"] = a.get("path") or self.article_path(col, a)
            out.append(a)
        return out

    @staticmethod
    def blank(col: dict[str, Any], wrapper: str, default: str) -> str:
        """What an empty list shows: the CMS's placeholder text, or nothing at all (`placeholder: ""`)."""
        text = col.get("placeholder", default)
        return wrapper.format(text) if text else ""

    # ------------------------------------------------------------------ the whole site
    def build(self) -> Site:
        if self.data.get("news"):
            news = self.make_news()
            self.columns[f"{self.portal}:news"] = {
                "id": 1016,
                "host": self.portal,
                "slug": "news",
                "name": "学校新闻",
                "category": "新闻中心",
                "generated": news,
                "path": self.data["news"].get("path"),
            }
        for key, col in self.columns.items():
            self.col_urls[key] = col.get("path") or self.column_path(self.layout(col["host"]), col)
        self.rows = {
            key: self.articles(col)
            for key, col in self.columns.items()
            if not (col.get("waf") or col.get("status"))
        }
        self.redirect("", "/", self.site.url(self.portal, "/"), 302)
        for sub in self.site.hosts:
            self.build_host(sub)
        for key, col in self.columns.items():
            self.column(key, col)
        for p in self.data.get("pages", []):
            self.page(
                p["host"],
                p["path"],
                p["title"],
                [(p.get("crumb", p["title"]), "")],
                self.article_inner(
                    p["host"], {"title": p["title"], "date": p.get("date"), "body": p["body"], "id": 0}, ""
                ),
            )
        for r in self.data.get("raw", []):  # a page exactly as some site serves it: hostile markup, links
            self.html(r["host"], r["path"], r["html"], status=r.get("status", 200))
        for r in self.data.get("redirects", []):  # e.g. a CAS login that sends the visitor straight back
            self.redirect(r["host"], r["path"], self.link_for(r["to"]), r.get("status", 302))
        if self.xxgk and self.data.get("directory"):
            self.build_directory()
        self.portal_extras()
        return self.site

    def build_host(self, sub: str) -> None:
        h = self.site.hosts[sub]
        layout = self.layout(sub)
        home = HOME[layout]
        if h.get("refuse_head"):
            self.site.head_refused.add(self.site.host(sub))
        if h.get("role"):
            robots = ROBOTS
            if h.get("robots"):  # the paths this host's robots.txt forbids
                robots = b"User-agent: *\n" + b"".join(f"Disallow: {p}\n".encode() for p in h["robots"])
            self.site.add(
                sub, "/robots.txt", Resource(200, robots, [("Content-Type", "text/plain")], kind="robots")
            )
        root = h.get("root", "page")
        if home != "/":
            if root == "js":
                self.html(
                    sub,
                    "/",
                    '<html><head><meta charset="utf-8"><title>' + _e(h["name"]) + "</title></head><body>"
                    f'<script type="text/javascript">window.location.href="{home[1:]}";</script></body></html>',
                    kind="redirect",
                )
            elif root == "meta":
                self.html(
                    sub,
                    "/",
                    f'<html><head><meta http-equiv="refresh" content="0; url={home}"></head><body></body></html>',
                    kind="redirect",
                )
            else:
                self.redirect(sub, "/", home)
        self.page(sub, home, "首页", [], self.home_inner(sub))

    def home_inner(self, sub: str) -> str:
        h = self.site.hosts[sub]
        blocks = []
        cats: dict[str, list[dict[str, Any]]] = {}
        for c in self.host_columns(sub):
            cats.setdefault(c.get("category", ""), []).append(c)
        for cat, cols in cats.items():
            items = "".join(
                f'<li><a href="{self.col_urls[c["host"] + ":" + c["slug"]]}">{_e(c["name"])}</a></li>'
                for c in cols
            )
            blocks.append(f'<div class="lm"><h3>{_e(cat)}</h3><ul>{items}</ul></div>')
        pages = "".join(
            f'<li><a href="{p["path"]}">{_e(p["title"])}</a></li>'
            for p in [*self.data.get("pages", []), *self.data.get("raw", [])]
            if p["host"] == sub
        )
        if pages:
            blocks.append(f'<div class="lm"><ul>{pages}</ul></div>')
        if h.get("role") == "xxgk" and self.data.get("directory"):
            d = self.data["directory"]
            blocks.insert(0, f'<div class="gkml"><a href="{d["path"]}">信息公开目录</a></div>')
        if h.get("role") == "portal":
            others = "".join(
                f'<a href="{self.site.url(s, "/")}">{_e(o["name"])}</a> '
                for s, o in self.site.hosts.items()
                if s != sub
            )
            blocks.append(f'<div class="links">{others}</div>')
        for text, url in h.get("offsite", []):
            blocks.append(f'<a href="{_e(url)}">{_e(text)}</a>')
        back = (
            "" if h.get("role") == "portal" else f'<a href="{self.site.url(self.portal, "/")}">学校主页</a>'
        )
        return "".join(blocks) + back

    @staticmethod
    def column_path(layout: str, col: dict[str, Any]) -> str:
        return {
            "vsb": f"/xxgklm1/{col['slug']}.htm",
            "webplus": f"/{col['id']}/list.htm",
            "static_gbk": f"/gksx/{col['slug']}/index.htm",
            "jslist": f"/{col['slug']}/index.html",
            "hanweb": f"/col/col{col['id']}/index.html",
            "drupal": f"/{col['slug']}",
            "siteserver": f"/{col['slug']}/index.shtml",
        }[layout]

    def article_path(self, col: dict[str, Any], a: dict[str, Any]) -> str:
        d = (a.get("date") or "2022-01-01").replace("-", "")
        webplus = f"/{d[:4]}/{d[4:8]}/c{col['id']}a{a['id']}/page.htm"
        # WebPlus sites that file articles under two hex levels
        if self.site.hosts[col["host"]].get("hashed"):
            webplus = f"/{_hex(a['id'], n=2)}/{_hex(col['id'], a['id'], n=2)}/c{col['id']}a{a['id']}/page.htm"
        return {
            "vsb": f"/info/{col['id']}/{a['id']}.htm",
            "webplus": webplus,
            "static_gbk": f"/gksx/{col['slug']}/{a.get('date') or 'undated'}/{a['id']}.html",
            "jslist": f"/news/{d[:4]}/{d[4:8]}/{a['id']}.html",
            "hanweb": f"/art/{d[:4]}/{int(d[4:6])}/{int(d[6:8])}/art_{col['id']}_{a['id']}.html",
            "drupal": f"/node/{a['id']}",
            "siteserver": f"/{col['slug']}/{610652796534000 + a['id'] * 7919}.shtml",
        }[self.layout(col["host"])]

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        """(path, Content-Disposition style) for an attachment, as the host's CMS names it."""
        ext = name.rsplit(".", 1)[-1]
        h = _hex(col["host"], a["id"], name)
        month = (a.get("date") or "2022-01")[:7]
        return {
            "vsb": (
                f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1407739091&wbfileid={h}",
                "utf8",
            ),
            "webplus": (f"/_upload/article/files/{h[:2]}/{h[2:4]}/{h}/{_hex(name, n=8)}-{h[4:8]}.{ext}", ""),
            "static_gbk": (f"/docs/{month}/{h}.{ext}", ""),
            "jslist": (f"/attach/file/{month[:4]}/{h}.{ext}", ""),
            "hanweb": (f"/module/download/downfile.jsp?classid=0&filename={h}.{ext}", "utf8"),
            "drupal": (f"/sites/default/files/{month}/{quote(name)}", ""),
            "siteserver": (
                f"/uploadfile/{month[:4]}/{month[5:7]}{int(h[:2], 16) % 28 + 1:02d}/"
                f"{month.replace('-', '')}{int(h[:6], 16) % 1000000:06d}.{ext}",
                "",
            ),
        }[self.layout(col["host"])]

    # ------------------------------------------------------------------ columns
    def column(self, key: str, col: dict[str, Any]) -> None:
        sub, path = col["host"], self.col_urls[key]
        self.site.members[key].add(self.site.url(sub, path))
        if col.get("waf"):
            self.html(
                sub,
                path,
                _page(
                    "安全验证",
                    '<script>var safeline_bot_challenge="7f3e";document.cookie="sl-session=";'
                    "</script><p>请开启JavaScript并刷新该页。</p>",
                ),
                status=col["waf"],
            )
            return
        if col.get("status"):
            self.html(sub, path, _page("404", "<h1>404 Not Found</h1>"), status=col["status"])
            return
        arts = self.rows[key]
        size = PAGE_SIZE[self.layout(sub)]
        chunks = [arts[i : i + size] for i in range(0, len(arts), size)] or [[]]
        getattr(self, "list_" + self.layout(sub))(key, col, path, chunks)
        for a in arts:
            if a.get("file"):
                self.attachment(sub, a["href"], a, key, self.attachment_path(col, a, a["name"])[1])
            else:
                self.article(key, col, a)

    def article(self, key: str, col: dict[str, Any], a: dict[str, Any], path: str = "") -> None:
        sub = col["host"]
        path = path or a.get("href") or self.article_path(col, a)
        if a.get("status"):  # listed, but the article itself is gone (deleted, or moved by a CMS migration)
            self.html(
                sub,
                path,
                _page("404 Not Found", "<h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p>"),
                status=a["status"],
                ref=key,
            )
            return
        files = []
        for f in a.get("attachments", []):
            fpath, disposition = self.attachment_path(col, a, f["name"])
            fpath = f.get("path") or fpath
            self.attachment(sub, fpath, f, key, disposition)
            files.append((fpath, f["name"]))
        if a.get("embed_pdf"):
            fpath, _ = self.attachment_path(col, a, a["embed_pdf"])
            self.attachment(sub, fpath, {"name": a["embed_pdf"], "size": 180000}, key)
        crumbs = [(col.get("category", ""), ""), (col["name"], self.col_urls[key])]
        self.page(
            sub,
            path,
            a["title"],
            crumbs,
            self.article_inner(sub, a, self.files_html(sub, files), col, a.get("embed_pdf")),
            ref=key,
        )
        if a.get("fault"):
            self.fault(sub, path, a["fault"])
        if a.get("split"):  # a long article split over two pages (VSB: 1673.htm, 1673_2.htm)
            self.page(
                sub,
                path.replace(".htm", "_2.htm"),
                a["title"],
                crumbs,
                self.article_inner(
                    sub, dict(a, body="（续）会议要求，各单位要切实抓好落实。", split=False), ""
                ),
                ref=key,
            )

    def fault(self, sub: str, path: str, f: dict[str, Any]) -> None:
        """How an article misbehaves (`fault:`), as real sites do: `answers` — its first requests get these
        statuses (503, 429 with `retry_after`…) before the page; `redirect` — it redirects there instead (a
        CAS login that sends back, another host, another port); `chain: N` — N redirects before the page;
        `body` — a WAF's challenge page instead of it (with `status`, 200 by default)."""
        host = self.site.host(sub)
        if "answers" in f:
            self.site.scripted[(host, path)] = [
                a if isinstance(a, dict) else {"status": a} for a in f["answers"]
            ]
        if "redirect" in f:
            self.redirect(sub, path, self.link_for(f["redirect"]), f.get("status", 302))
        if "chain" in f:
            n = int(f["chain"])
            self.site.resources[(host, f"{path}?hop={n}")] = self.site.resources.pop((host, path))
            self.redirect(sub, path, self.site.url(sub, f"{path}?hop=1"))
            for i in range(1, n):
                self.redirect(sub, f"{path}?hop={i}", self.site.url(sub, f"{path}?hop={i + 1}"))
        if "body" in f:
            self.html(sub, path, f["body"], status=f.get("status", 200))

    def files_html(self, sub: str, files: list[tuple[str, str]]) -> str:
        if not files:
            return ""
        layout = self.layout(sub)
        if layout == "vsb":
            rows = "".join(
                f'<li>附件【<a href="{_e(p)}" target="_blank">{_e(n)}</a>】已下载<span id="nattach{_hex(p, n=6)}">'
                f'<script>getClickTimes("{_hex(p, n=6)}")</script></span>次</li>'
                for p, n in files
            )
            return f'<div class="fj"><p>相关附件：</p><ul>{rows}</ul></div>'
        if layout == "drupal":
            rows = "".join(
                f'<span class="file file--mime-application-pdf"><a href="{_e(p)}" type="application/pdf">{_e(n)}</a></span>'
                for p, n in files
            )
            return f'<div class="field--name-field-attachments">{rows}</div>'
        return "".join(f'<p>附件：<a href="{_e(p)}">{_e(n)}</a></p>' for p, n in files)

    # ------------------------------------------------------------------ 博达 VSB
    def frame_vsb(self, sub: str, title: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        name = self.site.hosts[sub]["name"]
        nav = "".join(
            f'<li><a href="{self.col_urls[c["host"] + ":" + c["slug"]]}">{_e(c["name"])}</a></li>'
            for c in self.host_columns(sub)[:8]
        )
        crumb = " &gt;&gt; ".join(
            f'<a href="{u}">{_e(t)}</a>' if u else _e(t) for t, u in [("首页", "/index.htm"), *crumbs] if t
        )
        foot = '<a href="/admin/login.jsp">管理登录</a>' if self.site.hosts[sub].get("role") else ""
        return _page(
            f"{title}-{name}",
            f'<div class="header"><a href="/index.htm"><img src="/images/logo.png" alt="{_e(name)}"/></a></div>\n'
            f'<div class="nav"><ul><li><a href="/index.htm">首页</a></li>{nav}</ul></div>\n'
            f'<div class="dqwz">当前位置: {crumb}</div>\n{inner}\n'
            f'<div class="footer">版权所有 © {self.school} 备案号：ICP备12345678号 {foot}</div>',
            head_extra='<script type="text/javascript" src="/system/resource/js/counter.js"></script>',
        )

    def list_vsb(self, key: str, col: dict[str, Any], path: str, chunks: list[list[dict[str, Any]]]) -> None:
        n = len(chunks)
        stem = path[: -len(".htm")]
        paths = [path] + [f"{stem}/{n - k + 1}.htm" for k in range(2, n + 1)]  # VSB numbers pages backwards
        for k, (chunk, p) in enumerate(zip(chunks, paths, strict=True)):
            rows = "".join(
                f'<li id="line_u9_{j}"><a href="{self.rel(p, a["href"])}" target="_blank" '
                f'title="{_e(a["title"])}">{_e(a["title"])}</a><span>{a.get("date") or ""}</span></li>'
                for j, a in enumerate(chunk)
            ) or self.blank(col, "<li>{}</li>", "暂无内容")
            pager = ""
            if n > 1:
                links = (
                    [
                        f'<a href="{self.rel(p, paths[0])}">首页</a>',
                        f'<a href="{self.rel(p, paths[k - 1])}">上页</a>',
                    ]
                    if k
                    else []
                )
                links += [
                    f'<a href="{self.rel(p, q)}">{i + 1}</a>' if i != k else f"<span>{i + 1}</span>"
                    for i, q in enumerate(paths)
                    if abs(i - k) <= 2
                ]
                if k < n - 1:
                    links += [
                        f'<a href="{self.rel(p, paths[k + 1])}">下页</a>',
                        f'<a href="{self.rel(p, paths[-1])}">尾页</a>',
                    ]
                pager = (
                    f'<div class="pb_sys_common pb_sys_normal"><span class="p_pages">{"".join(links)}</span>'
                    f'<span class="p_t">共{n}页</span></div>'
                )
            self.page(
                col["host"],
                p,
                col["name"],
                [(col.get("category", ""), ""), (col["name"], "")],
                f'<div class="list"><h2>{_e(col["name"])}</h2><ul>{rows}</ul>{pager}</div>',
                ref=key,
            )

    # ------------------------------------------------------------------ WebPlus (Sudy)
    def frame_webplus(self, sub: str, title: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        cols = "".join(
            f'<li><a href="{self.col_urls[c["host"] + ":" + c["slug"]]}">{_e(c["name"])}</a></li>'
            for c in self.host_columns(sub)
        )
        path = "<span class='possplit'>&nbsp;&gt;&nbsp;</span>".join(
            f'<a href="{u or "#"}" target="_self">{_e(t)}</a>'
            for t, u in [("首页", "/main.htm"), *crumbs[-1:]]
            if t
        )
        return _page(
            title,
            f'<div class="wp_nav"><ul>{cols}</ul></div><div class="col_path"><span>您现在的位置：</span>{path}</div>'
            f'{inner}<div class="foot">{_e(self.site.hosts[sub]["name"])} 版权所有</div>',
        )

    def list_webplus(
        self, key: str, col: dict[str, Any], path: str, chunks: list[list[dict[str, Any]]]
    ) -> None:
        total = sum(map(len, chunks))
        first = self.host_columns(col["host"])[0] is col and chunks[0]
        for k, chunk in enumerate(chunks):
            p = f"/{col['id']}/list{'' if k == 0 else k + 1}.htm"
            rows = "".join(
                f'<li class="news n{j + 1} clearfix"><span class="news_title"><a href=\'{a["href"]}\' '
                f"target='_blank' title='{_e(a['title'])}'>{_e(a['title'][:16])}…</a></span>"
                f'<span class="news_meta">{a.get("date") or ""}</span></li>'
                for j, a in enumerate(chunk)
            )
            nxt = (
                f'<a href="/{col["id"]}/list{k + 2}.htm" class="next">下一页&gt;&gt;</a>'
                if k < len(chunks) - 1
                else ""
            )
            pager = f'<div class="wp_paging">每页 {PAGE_SIZE["webplus"]} 记录 总共 {total} 记录 {nxt} 页码 {k + 1} / {len(chunks)}</div>'
            self.page(
                col["host"],
                p,
                col["name"],
                [(col["name"], path)],
                f'<ul class="news_list list">{rows}</ul>{pager}',
                ref=key,
            )
        if first:  # WebPlus /_redirect?… links (home-page shortcuts) answer 302 to the article
            a = chunks[0][0]
            self.redirect(
                col["host"],
                f"/_redirect?siteId=12&columnId={col['id']}&articleId={a['id']}",
                self.article_path(col, a),
            )
            home = HOME["webplus"]
            res = self.site.resources[(self.site.host(col["host"]), home)]
            res.body = res.body.replace(
                b"</body>",
                f'<a href="/_redirect?siteId=12&amp;columnId={col["id"]}&amp;articleId={a["id"]}">'
                f"{_e(a['title'])}（快速入口）</a></body>".encode(),
            )

    # ------------------------------------------------------------------ static site in GBK (refuses HEAD)
    def frame_static_gbk(self, sub: str, title: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        crumb = (
            " -&gt; ".join(f'<a href="{u}">{_e(t)}</a>' if u else _e(t) for t, u in crumbs[-1:] if t)
            or "首页"
        )
        return _page(
            f"{title}_{self.site.hosts[sub]['name']}",
            f'<table width="100%"><tr><td class="top"><a href="/index.htm">{_e(self.site.hosts[sub]["name"])}</a></td></tr></table>'
            f'<div class="weizhi">您现在的位置： <a href="/index.htm">首页</a> -&gt; {crumb}</div>{inner}',
            charset="gbk",
        )

    def list_static_gbk(
        self, key: str, col: dict[str, Any], path: str, chunks: list[list[dict[str, Any]]]
    ) -> None:
        arts = [a for chunk in chunks for a in chunk]
        rows = "".join(
            f'<tr><td><a href="{self.rel(path, a["href"])}">{_e(a["title"])}</a></td>'
            f"<td>{'[' + a['date'] + ']' if a.get('date') else ''}</td></tr>"
            for a in arts
        ) or self.blank(col, "<tr><td>{}</td></tr>", "暂无内容")
        self.page(
            col["host"],
            path,
            col["name"],
            [(col["name"], "")],
            f'<table class="list">{rows}</table>',
            meta_only=True,
            ref=key,
        )

    # ------------------------------------------------------------------ lists filled by JavaScript
    def frame_jslist(self, sub: str, title: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        crumb = " &gt; ".join(
            f'<a href="{u}">{_e(t)}</a>' if u else _e(t)
            for t, u in [("首页", "/index.html"), *crumbs[-1:]]
            if t
        )
        return _page(
            f"{title}-{self.site.hosts[sub]['name']}", f'<div class="position">您的位置：{crumb}</div>{inner}'
        )

    def list_jslist(
        self, key: str, col: dict[str, Any], path: str, chunks: list[list[dict[str, Any]]]
    ) -> None:
        data = [
            {"title": a["title"], "url": a["href"], "date": a.get("date")} for chunk in chunks for a in chunk
        ]
        script = (
            '<script type="text/javascript">\nvar listData = ' + json.dumps(data, ensure_ascii=False) + ";\n"
            "var ul = document.getElementById('newsList');\n"
            "listData.forEach(function (n) { ul.innerHTML += '<li><a href=\"' + n.url + '\">' + n.title + '</a><span>' + n.date + '</span></li>'; });\n"
            "</script>"
        )
        self.page(
            col["host"], path, col["name"], [(col["name"], "")], f'<ul id="newsList"></ul>{script}', ref=key
        )

    # ------------------------------------------------------------------ 大汉 Hanweb (lists in <script type="text/xml">)
    def frame_hanweb(self, sub: str, title: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        crumb = " &gt; ".join(
            f'<a href="{u}">{_e(t)}</a>' if u else _e(t) for t, u in [("首页", "/index.html"), *crumbs] if t
        )
        return _page(
            f"{self.site.hosts[sub]['name']} {title}",
            f'<table class="top"><tr><td><img src="/images/banner.jpg"></td></tr></table>'
            f'<table width="100%"><tr><td class="bt-position">当前位置：{crumb}</td></tr></table>{inner}'
            f'<div class="bottom">主办：{_e(self.school)}</div>',
            head_extra=f'<meta name="SiteName" content="{_e(self.site.hosts[sub]["name"])}">',
        )

    def list_hanweb(
        self, key: str, col: dict[str, Any], path: str, chunks: list[list[dict[str, Any]]]
    ) -> None:
        records = "".join(
            f'<record><![CDATA[\n<li><a href="{a["href"]}" target="_blank" title="{_e(a["title"])}">'
            f'{_e(a["title"])}</a><span class="bt-data-time">{a.get("date") or ""}</span></li>]]></record>'
            for chunk in chunks
            for a in chunk
        )
        body = (
            f'<div class="bt-list"><h2>{_e(col["name"])}</h2><div id="{col["id"]}">'
            f'<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1'
            f'&path=/&columnid={col["id"]}&unitid=4567&permissiontype=0"></a>]]></nextgroup>'
            f"<recordset>{records}</recordset></datastore></script></div>"
            f"{'' if records else self.blank(col, '<p>{}</p>', '暂无信息')}</div>"
        )
        self.page(col["host"], path, col["name"], [(col["name"], "")], body, ref=key)

    # ------------------------------------------------------------------ Drupal
    def frame_drupal(self, sub: str, title: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        crumb = "".join(
            f'<li class="breadcrumb-item"><a href="{u}">{_e(t)}</a></li>'
            if u
            else f'<li class="breadcrumb-item">{_e(t)}</li>'
            for t, u in [("首页", "/"), *crumbs[-1:]]
            if t
        )
        return _page(
            f"{title} | {self.site.hosts[sub]['name']}",
            f'<header role="banner"><a href="/" rel="home">{_e(self.school)}</a></header>'
            f'<nav class="breadcrumb" aria-labelledby="system-breadcrumb"><ol>{crumb}</ol></nav>'
            f'<main role="main">{inner}</main><footer>© {_e(self.school)}</footer>',
        )

    def list_drupal(
        self, key: str, col: dict[str, Any], path: str, chunks: list[list[dict[str, Any]]]
    ) -> None:
        for k, chunk in enumerate(chunks):
            p = path if k == 0 else f"{path}?page={k}"
            rows = "".join(
                f'<div class="views-row"><span class="views-field-title"><a href="{a["href"]}" hreflang="zh-hans">'
                f'{_e(a["title"])}</a></span><span class="views-field-created">{a.get("date") or ""}</span></div>'
                for a in chunk
            ) or self.blank(col, "<p>{}</p>", "暂无内容")
            pager = "".join(
                f'<li class="pager__item"><a href="{path}?page={i}">{i + 1}</a></li>'
                for i in range(len(chunks))
                if abs(i - k) <= 2 and i != k
            )
            if k < len(chunks) - 1:
                pager += (
                    f'<li class="pager__item--last"><a href="{path}?page={len(chunks) - 1}">末页 »</a></li>'
                )
            self.page(
                col["host"],
                p,
                col["name"],
                [(col["name"], "")],
                f'<h1 class="page-title">{_e(col["name"])}</h1><div class="view-content">{rows}</div>'
                f'<nav class="pager"><ul>{pager}</ul></nav>',
                ref=key,
            )

    # ------------------------------------------------------------------ SiteServer-style .shtml CMS
    # As on 防城港职业技术学院's site (cz-nf.cn/news/tzgg/610652796534853.shtml, seen 2026-12): articles under the
    # column path with a 15-digit id, "当前位置: 首页 >学校新闻 >通知公告", and a meta line
    # "发布时间:2023-04-23 15:50:31 作者:财务处 信息来源: 浏览量:33次"; lists page forwards (index_2.shtml).
    def frame_siteserver(self, sub: str, title: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        h = self.site.hosts[sub]
        menu = "".join(
            f'<li class="nLi"><h3><a href="{self.col_urls[c["host"] + ":" + c["slug"]]}">{_e(c["name"])}</a></h3></li>'
            for c in self.host_columns(sub)
        )
        crumb = " &gt;".join(
            f'<a href="{u}">{_e(t)}</a>' if u else _e(t) for t, u in [("首页", "/index.shtml"), *crumbs] if t
        )
        return _page(
            f"{title}-{h['name']}",
            f'<div class="top"><div class="logo"><img src="/images/logo.png" alt="{_e(h["name"])}"></div>'
            f'<ul id="nav" class="nav clearfix">{menu}</ul></div>'
            f'<div class="main"><div class="position">当前位置: {crumb}</div>{inner}</div>'
            f'<div class="footer"><p>地址：{_e(h.get("address", ""))}　Copyright © {_e(self.school)} 版权所有</p></div>',
        )

    def list_siteserver(
        self, key: str, col: dict[str, Any], path: str, chunks: list[list[dict[str, Any]]]
    ) -> None:
        n = len(chunks)
        paths = [path] + [path.replace("index.shtml", f"index_{k}.shtml") for k in range(2, n + 1)]
        for chunk, p in zip(chunks, paths, strict=True):
            rows = "".join(
                f'<li><a href="{a["href"]}" title="{_e(a["title"])}" target="_blank">{_e(a["title"])}</a>'
                f'<span class="time">{a.get("date") or ""}</span></li>'
                for a in chunk
            ) or self.blank(col, "<li>{}</li>", "暂无信息")
            pager = (
                (
                    f'<div class="page">共{sum(map(len, chunks))}条 '
                    + "".join(f'<a href="{q}">{i + 1}</a>' for i, q in enumerate(paths))
                    + "</div>"
                )
                if n > 1
                else ""
            )
            self.page(
                col["host"],
                p,
                col["name"],
                [(col.get("category", ""), ""), (col["name"], path)],
                f'<div class="list_tit"><h2>{_e(col["name"])}</h2></div><div class="list"><ul>{rows}</ul>{pager}</div>',
                ref=key,
            )

    # ------------------------------------------------------------------ article bodies per layout
    def article_inner(
        self,
        sub: str,
        a: dict[str, Any],
        files: str,
        col: dict[str, Any] | None = None,
        embed: str | None = None,
    ) -> str:
        layout, t, body = (
            self.layout(sub),
            _e(a["title"]),
            (f"<p>{_e(a['body'])}</p>" if a.get("body") else "")
            + "".join(
                f"<p>{_e(line)}</p>" for line in a.get("paragraphs") or []
            ),  # a report written as a page
        )
        d = a.get("date")
        more = f'<div class="page"><a href="{a["id"]}_2.htm">下一页</a></div>' if a.get("split") else ""
        if layout == "vsb":
            when = f"<i>时间：{d}</i>" if d else ""
            return (
                f'<form name="_newscontent_fromname"><div class="title_nei"><b>{t}</b>{when}'
                f'<i>点击：<script>_showDynClicks("wbnews", 1407739091, {a["id"]})</script></i></div>'
                f'<div id="vsb_content"><div class="v_news_content">{body}</div></div>{more}{files}</form>'
            )
        if layout == "webplus":
            player = ""
            if embed and col is not None:
                fpath, _ = self.attachment_path(col, a, embed)
                player = (
                    f'<div class="wp_pdf_player" pdfsrc="{fpath}" sudyfile-attr="{{\'title\':\'{embed}\'}}" '
                    f'style="width:100%;height:800px"></div>'
                )
            return (
                f'<div class="article"><h1 class="arti_title">{t}</h1><p class="arti_metas">'
                + (f'<span class="arti_update">发布时间：{d}</span>' if d else "")
                + f'<span class="arti_views">浏览次数：<span class="WP_VisitCount">371</span></span></p><div class=\'entry\'>'
                f"<div class='read'><div class='wp_articlecontent'>{body}{player}{files}</div></div></div></div>"
            )
        if layout == "static_gbk":
            when = (
                f'<div class="sj">发布日期:{d} 作者: 来源:{_e(self.site.hosts[sub]["name"])}</div>'
                if d
                else ""
            )
            return f'<h2 class="bt">{t}</h2>{when}<div class="content">{body}{files}</div>'
        if layout == "jslist":
            when = (
                f'<div class="info">【作者:jyc | 发布日期:{d} | 点击数:<span>1024</span>】</div>' if d else ""
            )
            return f'<div class="detail"><h1>{t}</h1>{when}<div class="article">{body}{files}</div></div>'
        if layout == "hanweb":
            when = (
                f'<span class="fbsj">发布日期：{d[:4]}-{d[5:7]}-{d[8:]}　来源：{_e(self.site.hosts[sub]["name"])}</span>'
                if d
                else ""
            )
            return (
                f'<div class="article-title"><h2>{t}</h2></div><div class="article-meta">{when}</div>'
                f'<div id="zoom">{body}{files}</div>'
            )
        if layout == "siteserver":
            when = (
                f'<div class="info">发布时间:{d} 15:50:31 作者:{_e(self.site.hosts[sub].get("dept", ""))} 信息来源: '
                f"浏览量:33次</div>"
                if d
                else '<div class="info">作者: 信息来源: 浏览量:33次</div>'
            )
            return f'<div class="article"><h1 class="title">{t}</h1>{when}<div class="content" id="zoom">{body}{files}</div></div>'
        when = f'<div class="node__meta">发布日期：{int(d[:4])}年{d[5:7]}月{d[8:]}日</div>' if d else ""
        return (
            f'<article class="node node--type-article"><h1 class="page-title"><span>{t}</span></h1>{when}'
            f'<div class="field--name-body">{body}</div>{files}</article>'
        )

    # ------------------------------------------------------------------ portal extras, directory, news
    def portal_extras(self) -> None:
        sub = self.portal
        self.html(
            sub,
            "/admin/login.jsp",
            _page("后台管理登录", "<form>用户名<input name=u></form>"),
            robots_disallowed=True,
        )
        news_key = f"{sub}:news"
        if news_key not in self.columns:
            return
        col, news = self.columns[news_key], self.columns[news_key]["generated"]
        self.site.trap_host = self.site.host(sub)
        hot = news[:3]
        extra: list[str] = []
        if self.layout(sub) == "vsb":  # the same article under its legacy show.jsp URL
            for n in hot[:2]:
                path = f"/2022/show.jsp?urltype=news.NewsContentUrl&wbtreeid=1016&wbnewsid={n['id']}"
                self.article(news_key, col, n, path=path)
                extra.append(f'<li><a href="{_e(path)}">{_e(n["title"])}</a></li>')
        elif self.layout(sub) == "drupal":  # Drupal path aliases: /article/N serves the same node
            for n in hot[:2]:
                self.article(news_key, col, n, path=f"/article/{n['id']}")
                extra.append(f'<li><a href="/article/{n["id"]}">{_e(n["title"])}</a></li>')
        sess = self.article_path(col, hot[2])
        sep = "?" if "?" not in sess else "&"
        extra.append(
            f'<li><a href="{sess};jsessionid=8F3A2B1C9D0E7F6A5B4C3D2E1F0A9B8C">{_e(hot[2]["title"])}</a></li>'
            if self.layout(sub) == "vsb"
            else f'<li><a href="{sess}{sep}sid=8f3a2b1c">{_e(hot[2]["title"])}</a></li>'
        )
        extra.append('<li><a href="/calendar.jsp?ym=2022-11">校历</a></li>')
        home = (self.site.host(sub), HOME[self.layout(sub)])
        res = self.site.resources[home]
        charset = "gbk" if self.layout(sub) == "static_gbk" else "utf-8"
        block = f'<div class="hot"><h3>热点关注</h3><ul>{"".join(extra)}</ul></div>'.encode(charset)
        res.body = res.body.replace(b"</body>", block + b"</body>")

    def build_directory(self) -> None:
        d = self.data["directory"]
        rows, last_cat = [], None
        entries = d["rows"]
        for i, (cat, label, dept, *targets) in enumerate(entries, 1):
            cat_cell = ""
            if cat != last_cat:
                span = sum(1 for e in entries if e[0] == cat)
                cat_cell = f'<td rowspan="{span}" class="lb">{_e(cat)}</td>'
                last_cat = cat
            refs = [t for t in targets if t]
            # "（27）本科生占全日制在校生总数的比例…"
            label = f"（{i}）{label}" if d.get("numbered") else label
            links = _e(label)
            if refs:
                links = f'<a href="{_e(self.link_for(refs[0]))}" target="_blank">{_e(label)}</a>' + "".join(
                    f' <a href="{_e(self.link_for(r))}" target="_blank">（{k}）</a>'
                    for k, r in enumerate(refs[1:], 2)
                )
            extra = f"<td>{_e(d['update'])}</td>" if d.get("update") else ""  # a 更新时间 column: "变动即更"
            rows.append(f"<tr><td>{i}</td>{cat_cell}<td>{links}</td><td>{_e(dept)}</td>{extra}</tr>")
        header = "".join(
            f"<th>{_e(h)}</th>" for h in d.get("header", ["序号", "类别", "公开事项", "负责部门"])
        )
        table = f'<table class="gkml" border="1"><tr>{header}</tr>' + "".join(rows) + "</table>"
        self.page(
            self.xxgk,
            d["path"],
            "信息公开目录",
            [("信息公开目录", "")],
            f'<div class="v_news_content">{table}</div>',
        )

    def make_news(self) -> list[dict[str, Any]]:
        cfg = self.data["news"]
        start = date.fromisoformat(str(cfg.get("start", "2020-01-06")))
        span = int(cfg.get("days", 1040))
        out = []
        decoys = list(cfg.get("decoys", []))
        for i in range(cfg["count"]):
            when = start + timedelta(days=int(i * span / cfg["count"]) + self.rng.randint(0, 2))
            if decoys and i % 25 == 7:
                title = decoys.pop(0)
            else:
                a, b = self.rng.sample(NEWS_WORDS, 2)
                title = f"我校{a}{b}工作取得新成效（{i + 1}）"
            body = (
                f"{when.year}年{when.month}月{when.day}日，{title.replace('我校', '学校')}。"
                + "".join(self.rng.choice(NEWS_WORDS) + "，" for _ in range(30))
                + "。"
            )
            undated = i % 50 == 13 and i // 50 < cfg.get("undated", 0)
            out.append(
                {
                    "id": 5000 + i,
                    "title": title,
                    "date": None if undated else when.isoformat(),
                    "body": body,
                    "split": i == 120 and self.layout(self.portal) == "vsb",
                }
            )
        out.reverse()  # lists show newest first
        return [a for a in out if self.shown(a)]

    def shown(self, a: dict[str, Any]) -> bool:
        """On the site yet: published on or before the day the site stands at (`site_on`, default: every
        article). The demo's history serves the college as it stood on each earlier night."""
        on = self.data.get("site_on")
        return on is None or not a.get("date") or str(a["date"]) <= str(on)


def calendar_page(ym: str) -> bytes:
    """The endless 校历 calendar: every month links to the next and previous one (a crawler trap)."""
    y, m = (int(x) for x in ym.split("-")) if "-" in ym else (2022, 11)
    prev_m, next_m = (y - (m == 1), (m - 2) % 12 + 1), (y + (m == 12), m % 12 + 1)
    body = (
        f'<h2>{y}年{m}月 校历</h2><a href="/calendar.jsp?ym={prev_m[0]}-{prev_m[1]:02d}">上月</a> '
        f'<a href="/calendar.jsp?ym={next_m[0]}-{next_m[1]:02d}">下月</a>'
    )
    return _page(f"校历 {ym}", body).encode()


def build_site(port: int, data: dict[str, Any] | None = None) -> Site:
    return Builder(port, data).build()
