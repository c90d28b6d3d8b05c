"""Build the demo college in memory: every URL it serves, with the bytes real CMSs would send.

The builder also knows the truth about its own site (which URLs are pages, which are attachments,
which are traps or robots-disallowed), so tests can check a crawl against it.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any
from urllib.parse import quote

import yaml

PAGE_SIZE = {"vsb": 15, "webplus": 14, "static_gbk": 20, "jslist": 50}
CTYPES = {"pdf": "application/pdf", "xls": "application/vnd.ms-excel", "doc": "application/msword",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
NEWS_WORDS = ["学院", "开展", "主题教育", "实训基地", "校企合作", "技能竞赛", "党史学习", "志愿服务", "新生入学", "安全教育",
              "教学检查", "产教融合", "专业建设", "课程思政", "科技创新", "劳动教育", "心理健康", "疫情防控", "乡村振兴", "职业技能"]


@dataclass
class Resource:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    kind: str = "page"  # page | attachment | redirect | robots
    robots_disallowed: bool = False
    alias_of: str | None = None


@dataclass
class Site:
    domain: str
    port: int
    hosts: dict[str, dict[str, Any]]
    resources: dict[tuple[str, str], Resource] = field(default_factory=dict)
    attachment_links: set[str] = field(default_factory=set)
    head_refused: set[str] = field(default_factory=set)
    trap_prefix: str = "/calendar.jsp"
    as_of: date = date(2022, 11, 15)

    def host(self, sub: str) -> str:
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
        return {f"http://{h}:{self.port}{p}" for (h, p), r in self.resources.items()
                if r.kind == "page" and not (obey_robots and r.robots_disallowed)}

    def expected_attachments(self) -> set[str]:
        return set(self.attachment_links)


def _hex(*parts: object, n: int = 32) -> str:
    return hashlib.md5("/".join(map(str, parts)).encode()).hexdigest()[:n]


def _file_bytes(name: str, size: int) -> bytes:
    ext = name.rsplit(".", 1)[-1].lower()
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" if ext == "pdf" else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    filler = (name.encode("utf-8") + b" ") * (size // max(1, len(name.encode())) + 1)
    tail = b"\n%%EOF\n" if ext == "pdf" else b""
    return (head + filler)[: max(size - len(tail), len(head))] + tail


def _page(title: str, body: str, charset: str = "UTF-8", head_extra: str = "") -> str:
    return (f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
            f"<title>{html.escape(title)}</title>{head_extra}</head>\n<body>\n{body}\n</body></html>\n")


class Builder:
    """Renders college.yaml into a Site. Deterministic: the same port gives the same bytes."""

    def __init__(self, port: int, data: dict[str, Any] | None = None) -> None:
        self.data = data or yaml.safe_load(resources.files("auditor.demo").joinpath("college.yaml").read_text("utf-8"))
        self.site = Site(self.data["domain"], port, self.data["hosts"], as_of=self.data["site_as_of"])
        self.rng = random.Random(20221115)
        self.school: str = self.data["school"]
        self.columns = {f'{c["host"]}:{c["slug"]}': c for c in self.data["columns"]}
        self.col_urls: dict[str, str] = {}
        self.article_seq = 3000

    # ------------------------------------------------------------------ helpers
    def html(self, sub: str, path: str, text: str, status: int = 200, charset: str = "utf-8",
             header_charset: bool = True, **kw: Any) -> None:
        ctype = f"text/html; charset={charset}" if header_charset else "text/html"
        self.site.add(sub, path, Resource(status, text.encode(charset), [("Content-Type", ctype)], **kw))

    def redirect(self, sub: str, path: str, target: str, status: int = 302) -> None:
        self.site.add(sub, path, Resource(status, b"", [("Location", target), ("Content-Type", "text/html")], kind="redirect"))

    def attachment(self, sub: str, path: str, name: str, size: int, status: int = 200, disposition: str = "",
                   gbk_filename: bool = False) -> str:
        url = self.site.url(sub, path)
        self.site.attachment_links.add(url)
        if status != 200:
            self.html(sub, path, _page("404 Not Found", "<h1>404 Not Found</h1><p>您访问的文件不存在或已被删除。</p>"),
                      status=status, kind="attachment")
            return url
        ext = name.rsplit(".", 1)[-1].lower()
        headers = [("Content-Type", CTYPES.get(ext, "application/octet-stream"))]
        if disposition == "utf8":
            headers.append(("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}"))
        elif disposition == "gbk" or gbk_filename:
            # What 博达 download.jsp really sends: raw GBK bytes in the header (latin-1 round-trips them).
            headers.append(("Content-Disposition", 'attachment; filename="' + name.encode("gbk").decode("latin-1") + '"'))
        self.site.add(sub, path, Resource(200, _file_bytes(name, size), headers, kind="attachment"))
        return url

    def rel(self, from_path: str, to_path: str) -> str:
        return posixpath.relpath(to_path, posixpath.dirname(from_path) or "/")

    def link_for(self, ref: str) -> str:
        if ref.startswith("http"):
            return ref
        sub, slug = ref.split(":", 1)
        return self.site.url(sub, self.col_urls[f"{sub}:{slug}"])

    # ------------------------------------------------------------------ build
    def build(self) -> Site:
        for key, col in self.columns.items():
            layout = self.site.hosts[col["host"]]["layout"]
            self.col_urls[key] = self.column_path(layout, col)
        self.redirect("", "/", self.site.url("www", "/"), 302)
        self.build_www()
        self.build_xxgk()
        self.build_zs()
        self.build_cwc()
        self.build_jy()
        for col in self.columns.values():
            getattr(self, "col_" + self.site.hosts[col["host"]]["layout"])(col)
        return self.site

    @staticmethod
    def column_path(layout: str, col: dict[str, Any]) -> str:
        return {"vsb": f"/xxgklm1/{col['slug']}.htm", "webplus": f"/{col['id']}/list.htm",
                "static_gbk": f"/gksx/{col['slug']}/index.htm", "jslist": f"/{col['slug']}/index.html"}[layout]

    def host_columns(self, sub: str) -> list[dict[str, Any]]:
        return [c for c in self.columns.values() if c["host"] == sub]

    # ------------------------------------------------------------------ www (博达 VSB portal)
    def vsb_frame(self, sub: str, title: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        name = self.site.hosts[sub]["name"]
        nav = "".join(f'<li><a href="{html.escape(u)}">{html.escape(t)}</a></li>' for t, u in self.nav(sub))
        crumb = " &gt;&gt; ".join(f'<a href="{u}">{html.escape(t)}</a>' if u else html.escape(t)
                                  for t, u in [("首页", "/index.htm"), *crumbs])
        return _page(f"{title}-{name}",
                     f'<div class="header"><a href="/index.htm"><img src="/images/logo.png" alt="{name}"/></a></div>\n'
                     f'<div class="nav"><ul>{nav}</ul></div>\n'
                     f'<div class="dqwz">当前位置: {crumb}</div>\n{inner}\n'
                     f'<div class="footer">版权所有 © {self.school} 地址：湖南省岳阳市 湘ICP备12345678号 '
                     f'<a href="/admin/login.jsp">管理登录</a></div>',
                     head_extra='<script type="text/javascript" src="/system/resource/js/counter.js"></script>')

    def nav(self, sub: str) -> list[tuple[str, str]]:
        s = self.site
        if sub == "www":
            return [("学校首页", "/index.htm"), ("学校概况", "/xxgk1/xxjj.htm"), ("学校新闻", "/xwzx/xxyw.htm"),
                    ("通知公告", "/xwzx/tzgg.htm"), ("信息公开", s.url("xxgk", "/")), ("招生信息", s.url("zs", "/")),
                    ("就业信息", s.url("jy", "/index.html")), ("财务处", s.url("cwc", "/index.htm")), ("校历", "/calendar.jsp?ym=2022-11")]
        return [("首页", "/index.htm"), ("信息公开目录", "/xxgkml.htm"), ("学校主页", s.url("www", "/index.htm"))]

    def build_www(self) -> None:
        s = self.site
        self.html("www", "/", '<html><head><meta charset="utf-8"><title>湘岳职业技术学院</title></head><body>'
                  '<script type="text/javascript">window.location.href="index.htm";</script></body></html>', kind="redirect")
        s.add("www", "/robots.txt", Resource(200, b"User-agent: *\nDisallow: /admin/\n", [("Content-Type", "text/plain")], kind="robots"))
        self.html("www", "/admin/login.jsp", _page("后台管理登录", "<form>用户名<input name=u></form>"), robots_disallowed=True)
        news = self.make_news()
        tz = news[:60]
        hot = news[-3:]
        items = "".join(f'<li><a href="info/1016/{n["id"]}.htm" title="{html.escape(n["title"])}">{html.escape(n["title"][:18])}…</a>'
                        f'<span>{n["date"] or ""}</span></li>' for n in news[:8])
        legacy = "".join(f'<li><a href="/2022/show.jsp?urltype=news.NewsContentUrl&amp;wbtreeid=1016&amp;wbnewsid={n["id"]}">'
                         f'{html.escape(n["title"])}</a></li>' for n in hot[:2])
        sess = f'<li><a href="/info/1016/{hot[2]["id"]}.htm;jsessionid=8F3A2B1C9D0E7F6A5B4C3D2E1F0A9B8C">{html.escape(hot[2]["title"])}</a></li>'
        self.html("www", "/index.htm", self.vsb_frame("www", "首页", [], (
            f'<div class="news"><h3>学校新闻</h3><ul>{items}</ul><a href="xwzx/xxyw.htm">更多>></a></div>'
            f'<div class="hot"><h3>热点关注</h3><ul>{legacy}{sess}</ul></div>'
            f'<div class="links"><a href="{s.url("xxgk", "/")}">信息公开</a> '
            f'<a href="http://mp.weixin.qq.com/s/xyvtc-official">官方微信</a> <a href="https://www.91job.com/xyvtc/">就业网</a></div>')))
        self.html("www", "/xxgk1/xxjj.htm", self.vsb_frame("www", "学校简介", [("学校概况", "")], (
            '<div class="content-title"><h3>学校简介</h3></div><div id="vsb_content"><div class="v_news_content">'
            f"<p>{self.school}是湖南省人民政府举办的全日制公办高等职业院校，入选湖南省“双一流”建设计划。"
            "学校现有全日制在校生1.2万余人。</p></div></div>")))
        self.vsb_list("www", "/xwzx/xxyw.htm", "学校新闻", [("学校新闻", "")], news)
        self.vsb_list("www", "/xwzx/tzgg.htm", "通知公告", [("通知公告", "")], tz, link_only=True)
        for n in news:
            self.vsb_article("www", 1016, n, [("学校新闻", "/xwzx/xxyw.htm")])
        for n in hot[:2]:  # the same article under its legacy show.jsp URL
            path = f"/2022/show.jsp?urltype=news.NewsContentUrl&wbtreeid=1016&wbnewsid={n['id']}"
            self.vsb_article("www", 1016, n, [("学校新闻", "/xwzx/xxyw.htm")], path=path)

    def make_news(self) -> list[dict[str, Any]]:
        cfg = self.data["news"]
        start = date(2020, 1, 6)
        out = []
        decoys = list(cfg["decoys"])
        for i in range(cfg["count"]):
            when = start + timedelta(days=int(i * 1040 / cfg["count"]) + self.rng.randint(0, 2))
            if decoys and i % 25 == 7:
                title = decoys.pop(0)
            else:
                a, b = self.rng.sample(NEWS_WORDS, 2)
                title = f"我校{a}{b}工作取得新成效（{i + 1}）"
            body = f"{when.year}年{when.month}月{when.day}日，{title.replace('我校', '学校')}。" + "".join(
                self.rng.choice(NEWS_WORDS) + "，" for _ in range(30)) + "。"
            out.append({"id": 5000 + i, "title": title, "date": when.isoformat(), "body": body,
                        "undated": i % 50 == 13 and i // 50 < cfg["undated"], "split": i == 120})
        out.reverse()  # lists show newest first
        return out

    def vsb_list(self, sub: str, path: str, name: str, crumbs: list[tuple[str, str]], arts: list[dict[str, Any]],
                 link_only: bool = False, placeholder: str = "", info_col: int = 1016) -> None:
        size = PAGE_SIZE["vsb"]
        pages = [arts[i:i + size] for i in range(0, len(arts), size)] or [[]]
        n = len(pages)
        stem = path[: -len(".htm")]
        paths = [path] + [f"{stem}/{n - k + 1}.htm" for k in range(2, n + 1)]  # VSB numbers pages backwards
        for k, (chunk, p) in enumerate(zip(pages, paths, strict=True)):
            rows = []
            for j, a in enumerate(chunk):
                target = self.rel(p, f"/info/{info_col}/{a['id']}.htm")
                when = "" if a.get("list_undated") else (a.get("date") or "")
                rows.append(f'<li id="line_u9_{j}"><a href="{target}" target="_blank" title="{html.escape(a["title"])}">'
                            f'{html.escape(a["title"])}</a><span>{when}</span></li>')
            body = "".join(rows) if rows else f"<li>{placeholder or '暂无内容'}</li>"
            pager = ""
            if n > 1:
                links = []
                if k > 0:
                    links += [f'<a href="{self.rel(p, paths[0])}">首页</a>', f'<a href="{self.rel(p, paths[k - 1])}">上页</a>']
                links += [f'<a href="{self.rel(p, q)}">{i + 1}</a>' if i != k else f"<span>{i + 1}</span>"
                          for i, q in enumerate(paths) if abs(i - k) <= 2]
                if k < n - 1:
                    links += [f'<a href="{self.rel(p, paths[k + 1])}">下页</a>', f'<a href="{self.rel(p, paths[-1])}">尾页</a>']
                pager = (f'<div class="pb_sys_common pb_sys_normal"><span class="p_pages">{"".join(links)}</span>'
                         f'<span class="p_t">共{n}页</span></div>')
            inner = f'<div class="list"><h2>{html.escape(name)}</h2><ul>{body}</ul>{pager}</div>'
            self.html(sub, p, self.vsb_frame(sub, name, crumbs, inner))

    def vsb_article(self, sub: str, col_id: int, a: dict[str, Any], crumbs: list[tuple[str, str]], path: str = "") -> None:
        path = path or f"/info/{col_id}/{a['id']}.htm"
        when = "" if a.get("undated") or not a.get("date") else f"<i>时间：{a['date']}</i>"
        files = []
        for f in a.get("attachments", []):
            fid = _hex(sub, a["id"], f["name"])
            fpath = f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1407739091&wbfileid={fid}"
            self.attachment(sub, fpath, f["name"], f.get("size", 20000 + len(f["name"]) * 997), f.get("status", 200),
                            disposition="utf8", gbk_filename=f.get("gbk_filename", False))
            files.append(f'<li>附件【<a href="{html.escape(fpath)}" target="_blank">{html.escape(f["name"])}</a>】'
                         f'已下载<span id="nattach{fid[:6]}"><script>getClickTimes("{fid}")</script></span>次</li>')
        fj = f'<div class="fj"><p>相关附件：</p><ul>{"".join(files)}</ul></div>' if files else ""
        body_paras = f"<p>{html.escape(a['body'])}</p>"
        extra = ""
        if a.get("split"):
            extra = f'<div class="page"><a href="{a["id"]}_2.htm">下一页</a></div>'
            self.html(sub, f"/info/{col_id}/{a['id']}_2.htm", self.vsb_frame(sub, a["title"], crumbs, (
                f'<form name="_newscontent_fromname"><div class="title_nei"><b>{html.escape(a["title"])}</b>{when}</div>'
                f'<div id="vsb_content"><div class="v_news_content"><p>（续）会议要求，各单位要切实抓好落实。</p></div></div>'
                f'<div class="page"><a href="{a["id"]}.htm">上一页</a></div></form>')))
        inner = (f'<form name="_newscontent_fromname"><div class="title_nei"><b>{html.escape(a["title"])}</b>{when}'
                 f'<i>点击：<script>_showDynClicks("wbnews", 1407739091, {a["id"]})</script></i></div>'
                 f'<div id="vsb_content"><div class="v_news_content">{body_paras}</div></div>{extra}{fj}</form>')
        self.html(sub, path, self.vsb_frame(sub, a["title"], [*crumbs, ("正文", "")], inner))

    # ------------------------------------------------------------------ xxgk (VSB 信息公开网)
    def build_xxgk(self) -> None:
        s = self.site
        self.html("xxgk", "/", '<html><head><meta http-equiv="refresh" content="0; url=/index.htm"></head><body></body></html>',
                  kind="redirect")
        s.add("xxgk", "/robots.txt", Resource(200, b"User-agent: *\nDisallow: /admin/\n", [("Content-Type", "text/plain")], kind="robots"))
        cats: dict[str, list[dict[str, Any]]] = {}
        for c in self.host_columns("xxgk"):
            cats.setdefault(c["category"], []).append(c)
        blocks = "".join(f'<div class="lm"><h3>{html.escape(cat)}</h3><ul>' + "".join(
            f'<li><a href="{self.col_urls["xxgk:" + c["slug"]][1:]}">{html.escape(c["name"])}</a></li>' for c in cols) + "</ul></div>"
            for cat, cols in cats.items())
        self.html("xxgk", "/index.htm", self.vsb_frame("xxgk", "首页", [], (
            f'<div class="gkml"><a href="xxgkml.htm">信息公开目录</a> <a href="xxgklm1/jbxx/xxgkzd.htm">信息公开指南</a> '
            f'<a href="xxgklm1/jbxx/xxgkndbg.htm">信息公开年度报告</a> <a href="xxgklm1/jbxx/xxgkzd.htm">依申请公开</a></div>{blocks}')))
        self.build_directory()

    def build_directory(self) -> None:
        rows, last_cat = [], None
        entries = self.data["directory"]
        for i, (cat, label, dept, *targets) in enumerate(entries, 1):
            cat_cell = ""
            if cat != last_cat:
                span = sum(1 for e in entries if e[0] == cat)
                cat_cell = f'<td rowspan="{span}" class="lb">{html.escape(cat)}</td>'
                last_cat = cat
            refs = [t for t in targets if t]
            if refs:
                links = f'<a href="{html.escape(self.link_for(refs[0]))}" target="_blank">{html.escape(label)}</a>' + "".join(
                    f' <a href="{html.escape(self.link_for(r))}" target="_blank">（{k}）</a>' for k, r in enumerate(refs[1:], 2))
            else:
                links = html.escape(label)
            rows.append(f"<tr><td>{i}</td>{cat_cell}<td>{links}</td><td>{html.escape(dept)}</td></tr>")
        table = ('<table class="gkml" border="1"><tr><th>序号</th><th>类别</th><th>公开事项</th><th>负责部门</th></tr>'
                 + "".join(rows) + "</table>")
        self.html("xxgk", "/xxgkml.htm", self.vsb_frame("xxgk", "信息公开目录", [("信息公开目录", "")],
                                                         f'<div class="v_news_content">{table}</div>'))

    def articles(self, col: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for a in col.get("articles") or []:
            self.article_seq += 1
            a = dict(a)
            a["id"] = self.article_seq
            a["date"] = a["date"].isoformat() if isinstance(a.get("date"), date) else a.get("date")
            a["undated"] = a["date"] is None
            a["list_undated"] = a["date"] is None
            out.append(a)
        return out

    def col_vsb(self, col: dict[str, Any]) -> None:
        sub, path = col["host"], self.col_urls[f"{col['host']}:{col['slug']}"]
        crumbs = [(col["category"], ""), (col["name"], path)]
        if col.get("waf"):
            self.html(sub, path, _page("安全验证", '<script>var safeline_bot_challenge="7f3e";document.cookie="sl-session=";'
                                                   '</script><p>请开启JavaScript并刷新该页。</p>'), status=col["waf"])
            return
        arts = self.articles(col)
        self.vsb_list(sub, path, col["name"], crumbs[:1] + [(col["name"], "")], arts, placeholder=col.get("placeholder", ""),
                      info_col=col["id"])
        for a in arts:
            self.vsb_article(sub, col["id"], a, crumbs)

    # ------------------------------------------------------------------ zs (WebPlus / Sudy)
    def webplus_frame(self, title: str, crumb: list[tuple[str, str]], inner: str) -> str:
        cols = "".join(f'<li><a href="{self.col_urls["zs:" + c["slug"]]}">{html.escape(c["name"])}</a></li>' for c in self.host_columns("zs"))
        path = "<span class='possplit'>&nbsp;&gt;&nbsp;</span>".join(
            f'<a href="{u}" target="_self">{html.escape(t)}</a>' for t, u in [("首页", "/main.htm"), *crumb])
        return _page(f"{title}", f'<div class="wp_nav"><ul>{cols}</ul></div>'
                     f'<div class="col_path"><span>您现在的位置：</span>{path}</div>{inner}'
                     f'<div class="foot">{self.school}招生就业处 版权所有</div>')

    def build_zs(self) -> None:
        self.redirect("zs", "/", "/main.htm")
        first = None
        for c in self.host_columns("zs"):
            if c.get("articles"):
                first = c
                break
        hot = ""
        if first:
            hot = (f'<a href="/_redirect?siteId=12&amp;columnId={first["id"]}&amp;articleId=3001">招生章程（快速入口）</a>')
        self.html("zs", "/main.htm", self.webplus_frame("湘岳职业技术学院招生信息网", [], f'<div class="hot">{hot}</div>'))

    def col_webplus(self, col: dict[str, Any]) -> None:
        arts = self.articles(col)
        size = PAGE_SIZE["webplus"]
        chunks = [arts[i:i + size] for i in range(0, len(arts), size)] or [[]]
        for k, chunk in enumerate(chunks):
            path = f"/{col['id']}/list{'' if k == 0 else k + 1}.htm"
            rows = "".join(
                f'<li class="news n{j + 1} clearfix"><span class="news_title"><a href=\'{self.webplus_path(col, a)}\' target=\'_blank\' '
                f'title=\'{html.escape(a["title"])}\'>{html.escape(a["title"][:16])}…</a></span>'
                f'<span class="news_meta">{a["date"] or ""}</span></li>' for j, a in enumerate(chunk))
            pager = f'<div class="wp_paging">每页 {size} 记录 总共 {len(arts)} 记录 页码 {k + 1} / {len(chunks)}</div>'
            self.html("zs", path, self.webplus_frame(col["name"], [(col["name"], f"/{col['id']}/list.htm")],
                                                     f'<ul class="news_list list">{rows}</ul>{pager}'))
        for a in arts:
            path = self.webplus_path(col, a)
            if col is self.host_columns("zs")[0] and a is arts[0]:
                self.redirect("zs", f"/_redirect?siteId=12&columnId={col['id']}&articleId=3001", path)
            player = ""
            if a.get("embed_pdf"):
                fpath = f"/_upload/article/files/d6/60/{_hex(a['id'], n=32)}/{_hex(a['title'], n=8)}-{_hex(a['id'], 'u', n=4)}.pdf"
                self.attachment("zs", fpath, a["embed_pdf"], 180000)
                player = (f'<div class="wp_pdf_player" pdfsrc="{fpath}" sudyfile-attr="{{\'title\':\'{a["embed_pdf"]}\'}}" '
                          f'style="width:100%;height:800px"></div>')
            files = ""
            for f in a.get("attachments", []):
                fpath = f"/_upload/article/files/{_hex(f['name'], n=2)}/{_hex(a['id'], n=2)}/{_hex(f['name'], a['id'])}/{_hex(f['name'], n=8)}.{f['name'].rsplit('.', 1)[1]}"
                self.attachment("zs", fpath, f["name"], f.get("size", 30000), f.get("status", 200))
                files += f'<p><a href="{fpath}" sudyfile-attr="{{\'title\':\'{f["name"]}\'}}">{html.escape(f["name"])}</a></p>'
            inner = (f'<div class="article"><h1 class="arti_title">{html.escape(a["title"])}</h1>'
                     f'<p class="arti_metas"><span class="arti_update">发布时间：{a["date"]}</span>'
                     f'<span class="arti_views">浏览次数：<span class="WP_VisitCount">371</span></span></p>'
                     f"<div class='entry'><div class='read'><div class='wp_articlecontent'>"
                     f"{('<p>' + html.escape(a['body']) + '</p>') if a['body'] else ''}{player}{files}</div></div></div></div>")
            self.html("zs", path, self.webplus_frame(a["title"], [(col["name"], f"/{col['id']}/list.htm")], inner))

    @staticmethod
    def webplus_path(col: dict[str, Any], a: dict[str, Any]) -> str:
        d = (a["date"] or "2022-01-01").replace("-", "")
        return f"/{d[:4]}/{d[4:8]}/c{col['id']}a{a['id']}/page.htm"

    # ------------------------------------------------------------------ cwc (static, GBK, refuses HEAD)
    def gbk(self, path: str, title: str, crumb: str, inner: str, meta_only: bool = False) -> None:
        page = _page(f"{title}_{self.site.hosts['cwc']['name']}",
                     f'<table width="100%"><tr><td class="top"><a href="/index.htm">财务处首页</a></td></tr></table>'
                     f'<div class="weizhi">您现在的位置： <a href="/index.htm">首页</a> -&gt; {crumb}</div>{inner}',
                     charset="gbk")
        self.html("cwc", path, page, charset="gbk", header_charset=not meta_only)

    def build_cwc(self) -> None:
        self.site.head_refused.add(self.site.host("cwc"))
        cols = "".join(f'<li><a href="{self.col_urls["cwc:" + c["slug"]]}">{c["name"]}</a></li>' for c in self.host_columns("cwc"))
        self.gbk("/index.htm", "首页", "财务公开", f'<ul class="menu">{cols}</ul>')

    def col_static_gbk(self, col: dict[str, Any]) -> None:
        arts = self.articles(col)
        list_path = self.col_urls[f"cwc:{col['slug']}"]
        rows = "".join(f'<tr><td><a href="{self.static_path(col, a)[len(posixpath.dirname(list_path)) + 1:]}">'
                       f'{html.escape(a["title"])}</a></td><td>[{a["date"]}]</td></tr>' for a in arts)
        self.gbk(list_path, col["name"], html.escape(col["name"]), f'<table class="list">{rows}</table>', meta_only=True)
        for a in arts:
            files = ""
            for f in a.get("attachments", []):
                ext = f["name"].rsplit(".", 1)[1]
                fpath = f"/docs/{a['date'][:7]}/{_hex(f['name'], a['id'])}.{ext}"
                self.attachment("cwc", fpath, f["name"], f.get("size", 45000), f.get("status", 200))
                files += f'<p>附件：<a href="{fpath}">{html.escape(f["name"])}</a></p>'
            inner = (f'<h2 class="bt">{html.escape(a["title"])}</h2><div class="sj">发布日期:{a["date"]} 作者: 来源:财务处</div>'
                     f'<div class="content"><p>{html.escape(a["body"])}</p>{files}</div>')
            self.gbk(self.static_path(col, a), a["title"], f'<a href="{list_path}">{col["name"]}</a>', inner)

    @staticmethod
    def static_path(col: dict[str, Any], a: dict[str, Any]) -> str:
        return f"/gksx/{col['slug']}/{a['date']}/{a['id']}.html"

    # ------------------------------------------------------------------ jy (lists filled by JavaScript)
    def build_jy(self) -> None:
        cols = "".join(f'<a href="{self.col_urls["jy:" + c["slug"]]}">{c["name"]}</a> ' for c in self.host_columns("jy"))
        self.html("jy", "/index.html", _page(self.site.hosts["jy"]["name"], (
            f'<div class="menu">{cols}<a href="https://www.91job.com/xyvtc/">毕业生就业信息（91job）</a> '
            f'<a href="http://mp.weixin.qq.com/s/xyvtc-jy">就业微信公众号</a></div>')))

    def col_jslist(self, col: dict[str, Any]) -> None:
        arts = self.articles(col)
        data = [{"title": a["title"], "url": self.jy_path(a), "date": a["date"]} for a in arts]
        script = ("<script type=\"text/javascript\">\nvar listData = " + json.dumps(data, ensure_ascii=False) + ";\n"
                  "var ul = document.getElementById('newsList');\n"
                  "listData.forEach(function (n) { ul.innerHTML += '<li><a href=\"' + n.url + '\">' + n.title + '</a><span>' + n.date + '</span></li>'; });\n"
                  "</script>")
        self.html("jy", self.col_urls[f"jy:{col['slug']}"], _page(f"{col['name']}-{self.site.hosts['jy']['name']}", (
            f'<div class="position">您的位置：<a href="/index.html">首页</a> &gt; {html.escape(col["name"])}</div>'
            f'<ul id="newsList"></ul>{script}')))
        for a in arts:
            files = ""
            for f in a.get("attachments", []):
                fpath = f"/attach/file/{a['date'][:4]}/{_hex(f['name'])}.{f['name'].rsplit('.', 1)[1]}"
                self.attachment("jy", fpath, f["name"], f.get("size", 800000), f.get("status", 200))
                files += f'<p><a href="{fpath}">{html.escape(f["name"])}</a></p>'
            self.html("jy", self.jy_path(a), _page(f"{a['title']}-{self.site.hosts['jy']['name']}", (
                f'<div class="position">您的位置：<a href="/index.html">首页</a> &gt; '
                f'<a href="{self.col_urls["jy:" + col["slug"]]}">{html.escape(col["name"])}</a> &gt; 正文</div>'
                f'<div class="detail"><h1>{html.escape(a["title"])}</h1>'
                f'<div class="info">【作者:jyc | 发布日期:{a["date"]} | 点击数:<span>1024</span>】</div>'
                f'<div class="article"><p>{html.escape(a["body"])}</p>{files}</div></div>')))

    @staticmethod
    def jy_path(a: dict[str, Any]) -> str:
        d = a["date"].replace("-", "")
        return f"/news/{d[:4]}/{d[4:8]}/{a['id']}.html"


def calendar_page(ym: str) -> bytes:
    """The endless 校历 calendar: every month links to the next and previous one (a crawler trap)."""
    y, m = (int(x) for x in ym.split("-")) if "-" in ym else (2022, 11)
    prev_m, next_m = (y - (m == 1), (m - 2) % 12 + 1), (y + (m == 12), m % 12 + 1)
    body = (f'<h2>{y}年{m}月 校历</h2><a href="/calendar.jsp?ym={prev_m[0]}-{prev_m[1]:02d}">上月</a> '
            f'<a href="/calendar.jsp?ym={next_m[0]}-{next_m[1]:02d}">下月</a>')
    return _page(f"校历 {ym}", body).encode()


def build_site(port: int) -> Site:
    return Builder(port).build()
