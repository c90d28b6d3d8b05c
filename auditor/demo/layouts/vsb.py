"""博达 VSB: columns under /xxgklm1/, articles /info/<column>/<id>.htm, files through download.jsp, lists paged
backwards (list/3.htm is the second page of three), a long article split over two pages, legacy show.jsp URLs."""

from __future__ import annotations

from typing import Any

from auditor.demo.layouts.base import Chunks, Crumbs, Layout, Pages
from auditor.demo.markup import article_text, blank, esc, hex_id, html_page, rel


class Vsb(Layout):
    name = "vsb"
    page_size = 15
    home = "/index.htm"
    splits_articles = True

    def column_path(self, col: dict[str, Any]) -> str:
        return f"/xxgklm1/{col['slug']}.htm"

    def article_path(self, host: dict[str, Any], col: dict[str, Any], a: dict[str, Any]) -> str:
        return f"/info/{col['id']}/{a['id']}.htm"

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        h = hex_id(col["host"], a["id"], name)
        return (
            f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1407739091&wbfileid={h}",
            "utf8",
        )

    def frame(self, b: Pages, sub: str, title: str, crumbs: Crumbs, inner: str) -> str:
        name = b.site.hosts[sub]["name"]
        nav = "".join(
            f'<li><a href="{b.col_urls[c["host"] + ":" + c["slug"]]}">{esc(c["name"])}</a></li>'
            for c in b.host_columns(sub)[:8]
        )
        crumb = " &gt;&gt; ".join(
            f'<a href="{u}">{esc(t)}</a>' if u else esc(t) for t, u in [("首页", "/index.htm"), *crumbs] if t
        )
        foot = '<a href="/admin/login.jsp">管理登录</a>' if b.site.hosts[sub].get("role") else ""
        return html_page(
            f"{title}-{name}",
            f'<div class="header"><a href="/index.htm"><img src="/images/logo.png" alt="{esc(name)}"/></a></div>\n'
            f'<div class="nav"><ul><li><a href="/index.htm">首页</a></li>{nav}</ul></div>\n'
            f'<div class="dqwz">当前位置: {crumb}</div>\n{inner}\n'
            f'<div class="footer">版权所有 © {b.school} 备案号：ICP备12345678号 {foot}</div>',
            head_extra='<script type="text/javascript" src="/system/resource/js/counter.js"></script>',
        )

    def list_pages(self, b: Pages, key: str, col: dict[str, Any], path: str, chunks: Chunks) -> None:
        n = len(chunks)
        stem = path[: -len(".htm")]
        paths = [path] + [f"{stem}/{n - k + 1}.htm" for k in range(2, n + 1)]  # VSB numbers pages backwards
        for k, (chunk, p) in enumerate(zip(chunks, paths, strict=True)):
            rows = "".join(
                f'<li id="line_u9_{j}"><a href="{rel(p, a["href"])}" target="_blank" '
                f'title="{esc(a["title"])}">{esc(a["title"])}</a><span>{a.get("date") or ""}</span></li>'
                for j, a in enumerate(chunk)
            ) or blank(col, "<li>{}</li>", "暂无内容")
            pager = ""
            if n > 1:
                links = (
                    [
                        f'<a href="{rel(p, paths[0])}">首页</a>',
                        f'<a href="{rel(p, paths[k - 1])}">上页</a>',
                    ]
                    if k
                    else []
                )
                links += [
                    f'<a href="{rel(p, q)}">{i + 1}</a>' if i != k else f"<span>{i + 1}</span>"
                    for i, q in enumerate(paths)
                    if abs(i - k) <= 2
                ]
                if k < n - 1:
                    links += [
                        f'<a href="{rel(p, paths[k + 1])}">下页</a>',
                        f'<a href="{rel(p, paths[-1])}">尾页</a>',
                    ]
                pager = (
                    f'<div class="pb_sys_common pb_sys_normal"><span class="p_pages">{"".join(links)}</span>'
                    f'<span class="p_t">共{n}页</span></div>'
                )
            b.page(
                col["host"],
                p,
                col["name"],
                [(col.get("category", ""), ""), (col["name"], "")],
                f'<div class="list"><h2>{esc(col["name"])}</h2><ul>{rows}</ul>{pager}</div>',
                ref=key,
            )

    def article(
        self, b: Pages, sub: str, a: dict[str, Any], files: str, col: dict[str, Any] | None, embed: str | None
    ) -> str:
        t, body, d = esc(a["title"]), article_text(a), a.get("date")
        more = f'<div class="page"><a href="{a["id"]}_2.htm">下一页</a></div>' if a.get("split") else ""
        when = f"<i>时间：{d}</i>" if d else ""
        return (
            f'<form name="_newscontent_fromname"><div class="title_nei"><b>{t}</b>{when}'
            f'<i>点击：<script>_showDynClicks("wbnews", 1407739091, {a["id"]})</script></i></div>'
            f'<div id="vsb_content"><div class="v_news_content">{body}</div></div>{more}{files}</form>'
        )

    def files(self, files: list[tuple[str, str]]) -> str:
        rows = "".join(
            f'<li>附件【<a href="{esc(p)}" target="_blank">{esc(n)}</a>】已下载<span id="nattach{hex_id(p, n=6)}">'
            f'<script>getClickTimes("{hex_id(p, n=6)}")</script></span>次</li>'
            for p, n in files
        )
        return f'<div class="fj"><p>相关附件：</p><ul>{rows}</ul></div>'

    def aliases(self, b: Pages, key: str, col: dict[str, Any], hot: list[dict[str, Any]]) -> list[str]:
        """The same article under its legacy show.jsp URL."""
        extra = []
        for n in hot[:2]:
            path = f"/2022/show.jsp?urltype=news.NewsContentUrl&wbtreeid=1016&wbnewsid={n['id']}"
            b.article(key, col, n, path=path)
            extra.append(f'<li><a href="{esc(path)}">{esc(n["title"])}</a></li>')
        return extra

    def session_link(self, path: str) -> str:
        return f"{path};jsessionid=8F3A2B1C9D0E7F6A5B4C3D2E1F0A9B8C"
