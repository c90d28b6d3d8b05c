"""Render a college's data into a Site: every host's robots.txt, root and home page, every column's list pages,
articles and files, the portal's extras and the 信息公开目录, each in its host's CMS layout (layouts/)."""

from __future__ import annotations

import hashlib
import random
from datetime import date
from typing import Any

from auditor.demo.college import load_college, make_news, on_site
from auditor.demo.directory import directory_table
from auditor.demo.files import file_resource
from auditor.demo.layouts import LAYOUTS, Layout
from auditor.demo.markup import esc, html_page
from auditor.demo.model import Resource, Site

ROBOTS = b"User-agent: *\nDisallow: /admin/\n"


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
    def layout(self, sub: str) -> Layout:
        return LAYOUTS[str(self.site.hosts[sub]["layout"])]

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
        layout = self.layout(sub)
        gbk = layout.charset == "gbk"
        text = layout.frame(self, sub, title, crumbs, inner)
        if self.site.hosts[sub].get("chrome") == "heavy":
            text = text.replace("</body>", self.furniture(sub) + "</body>", 1)
        self.html(
            sub,
            path,
            text,
            charset=layout.charset,
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
            f'<li><a href="{a["href"]}" title="{esc(a["title"])}">{esc(a["title"])}</a><span>{a["date"]}</span></li>'
            for a in newest
        )
        menu = "".join(
            f'<li><a href="{self.site.url(c["host"], self.col_urls[c["host"] + ":" + c["slug"]])}">{esc(c["name"])}</a></li>'
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
        url = self.site.url(sub, path)
        self.site.attachment_links.add(url)
        self.site.members[ref].add(url)
        status = f.get("status", 200)
        if status != 200:
            self.html(
                sub,
                path,
                html_page("404 Not Found", "<h1>404 Not Found</h1><p>您访问的文件不存在或已被删除。</p>"),
                status=status,
                kind="attachment",
            )
            return url
        self.site.add(sub, path, file_resource(f, disposition))
        return url

    def link_for(self, ref: str) -> str:
        """'http…' as is; 'sub:slug' a column; 'sub:/path' a URL; 'sub:' the bare host with no path, as
        信息公开目录 tables often write it (http://cwc.example.edu.cn)."""
        if ref.startswith("http"):
            return ref
        if ref.startswith("bare:"):  # the same page spelled with the school's bare domain ("bare:www:/x.htm")
            return self.link_for(ref[5:]).replace(
                f"//{self.site.host(ref[5:].split(':')[0])}:", f"//{self.site.domain}:"
            )
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

    def shown(self, a: dict[str, Any]) -> bool:
        """On the site on the day it stands at (`site_on`, default: every article)."""
        return on_site(a, self.data.get("site_on"))

    def article_path(self, col: dict[str, Any], a: dict[str, Any]) -> str:
        return self.layout(col["host"]).article_path(self.site.hosts[col["host"]], col, a)

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        """(path, Content-Disposition style) for an attachment, as the host's CMS names it."""
        return self.layout(col["host"]).attachment_path(col, a, name)

    # ------------------------------------------------------------------ the whole site
    def build(self) -> Site:
        if self.data.get("news"):
            news = make_news(
                self.data["news"],
                self.rng,
                self.layout(self.portal).splits_articles,
                self.data.get("site_on"),
            )
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
            self.col_urls[key] = col.get("path") or self.layout(col["host"]).column_path(col)
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
        if h.get("forbidden"):  # a spelling of the school's host its server refuses (the bare domain, often)
            self.site.forbidden.add(self.site.host(sub))
            return
        home = self.layout(sub).home
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
                    '<html><head><meta charset="utf-8"><title>' + esc(h["name"]) + "</title></head><body>"
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
                f'<li><a href="{self.col_urls[c["host"] + ":" + c["slug"]]}">{esc(c["name"])}</a></li>'
                for c in cols
            )
            blocks.append(f'<div class="lm"><h3>{esc(cat)}</h3><ul>{items}</ul></div>')
        pages = "".join(
            f'<li><a href="{p["path"]}">{esc(p["title"])}</a></li>'
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
                f'<a href="{self.site.url(s, "/")}">{esc(o["name"])}</a> '
                for s, o in self.site.hosts.items()
                if s != sub and not o.get("forbidden")
            )
            blocks.append(f'<div class="links">{others}</div>')
        for text, url in h.get("offsite", []):
            blocks.append(f'<a href="{esc(url)}">{esc(text)}</a>')
        back = (
            "" if h.get("role") == "portal" else f'<a href="{self.site.url(self.portal, "/")}">学校主页</a>'
        )
        return "".join(blocks) + back

    # ------------------------------------------------------------------ columns
    def column(self, key: str, col: dict[str, Any]) -> None:
        sub, path = col["host"], self.col_urls[key]
        self.site.members[key].add(self.site.url(sub, path))
        if col.get("waf"):
            self.html(
                sub,
                path,
                html_page(
                    "安全验证",
                    '<script>var safeline_bot_challenge="7f3e";document.cookie="sl-session=";'
                    "</script><p>请开启JavaScript并刷新该页。</p>",
                ),
                status=col["waf"],
            )
            return
        if col.get("status"):
            self.html(sub, path, html_page("404", "<h1>404 Not Found</h1>"), status=col["status"])
            return
        arts = self.rows[key]
        layout = self.layout(sub)
        size = layout.page_size
        chunks = [arts[i : i + size] for i in range(0, len(arts), size)] or [[]]
        layout.list_pages(self, key, col, path, chunks)
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
                html_page("404 Not Found", "<h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p>"),
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
        shown = []
        for f in a.get("pictures", []):  # images the article shows inline (a 公示 published as photos)
            digest = hashlib.sha1(f"{a['title']}/{f['name']}".encode()).hexdigest().upper()
            fpath = (
                f.get("path")
                or f"/__local/{digest[0]}/{digest[1:3]}/{digest[3:5]}/{digest[5:29]}_{digest[29:37]}.{f['name'].rsplit('.', 1)[-1]}"
            )
            self.site.add(sub, fpath, file_resource(f))  # where VSB's editor uploads an inline picture
            shown.append((fpath, f.get("alt", "")))
        a = dict(a, shown=shown) if shown else a
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
        return self.layout(sub).files(files) if files else ""

    def article_inner(
        self,
        sub: str,
        a: dict[str, Any],
        files: str,
        col: dict[str, Any] | None = None,
        embed: str | None = None,
    ) -> str:
        return self.layout(sub).article(self, sub, a, files, col, embed)

    # ------------------------------------------------------------------ portal extras, directory
    def portal_extras(self) -> None:
        sub = self.portal
        self.html(
            sub,
            "/admin/login.jsp",
            html_page("后台管理登录", "<form>用户名<input name=u></form>"),
            robots_disallowed=True,
        )
        news_key = f"{sub}:news"
        if news_key not in self.columns:
            return
        col, news = self.columns[news_key], self.columns[news_key]["generated"]
        self.site.trap_host = self.site.host(sub)
        hot = news[:3]
        layout = self.layout(sub)
        extra = layout.aliases(self, news_key, col, hot)  # the same story under a second URL
        link = layout.session_link(self.article_path(col, hot[2]))
        extra.append(f'<li><a href="{link}">{esc(hot[2]["title"])}</a></li>')
        extra.append('<li><a href="/calendar.jsp?ym=2022-11">校历</a></li>')
        res = self.site.resources[(self.site.host(sub), layout.home)]
        block = f'<div class="hot"><h3>热点关注</h3><ul>{"".join(extra)}</ul></div>'.encode(layout.charset)
        res.body = res.body.replace(b"</body>", block + b"</body>")

    def build_directory(self) -> None:
        d = self.data["directory"]
        self.page(
            self.xxgk,
            d["path"],
            "信息公开目录",
            [("信息公开目录", "")],
            f'<div class="v_news_content">{directory_table(d, self.link_for)}</div>',
        )


def build_site(port: int, data: dict[str, Any] | None = None) -> Site:
    return Builder(port, data).build()
