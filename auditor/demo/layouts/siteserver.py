"""A SiteServer-style .shtml CMS, as on 防城港职业技术学院's site (cz-nf.cn/news/tzgg/610652796534853.shtml, seen
2026-12): articles under the column path with a 15-digit id, "当前位置: 首页 >学校新闻 >通知公告", and a meta line
"发布时间:2023-04-23 15:50:31 作者:财务处 信息来源: 浏览量:33次"; lists page forwards (index_2.shtml)."""

from __future__ import annotations

from typing import Any

from auditor.demo.layouts.base import Chunks, Crumbs, Layout, Pages
from auditor.demo.markup import article_text, blank, esc, hex_id, html_page


class SiteServer(Layout):
    name = "siteserver"
    page_size = 20
    home = "/index.shtml"

    def column_path(self, col: dict[str, Any]) -> str:
        return f"/{col['slug']}/index.shtml"

    def article_path(self, host: dict[str, Any], col: dict[str, Any], a: dict[str, Any]) -> str:
        return f"/{col['slug']}/{610652796534000 + a['id'] * 7919}.shtml"

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        ext = name.rsplit(".", 1)[-1]
        h = hex_id(col["host"], a["id"], name)
        month = (a.get("date") or "2022-01")[:7]
        return (
            f"/uploadfile/{month[:4]}/{month[5:7]}{int(h[:2], 16) % 28 + 1:02d}/"
            f"{month.replace('-', '')}{int(h[:6], 16) % 1000000:06d}.{ext}",
            "",
        )

    def frame(self, b: Pages, sub: str, title: str, crumbs: Crumbs, inner: str) -> str:
        h = b.site.hosts[sub]
        menu = "".join(
            f'<li class="nLi"><h3><a href="{b.col_urls[c["host"] + ":" + c["slug"]]}">{esc(c["name"])}</a></h3></li>'
            for c in b.host_columns(sub)
        )
        crumb = " &gt;".join(
            f'<a href="{u}">{esc(t)}</a>' if u else esc(t)
            for t, u in [("首页", "/index.shtml"), *crumbs]
            if t
        )
        return html_page(
            f"{title}-{h['name']}",
            f'<div class="top"><div class="logo"><img src="/images/logo.png" alt="{esc(h["name"])}"></div>'
            f'<ul id="nav" class="nav clearfix">{menu}</ul></div>'
            f'<div class="main"><div class="position">当前位置: {crumb}</div>{inner}</div>'
            f'<div class="footer"><p>地址：{esc(h.get("address", ""))}　Copyright © {esc(b.school)} 版权所有</p></div>',
        )

    def list_pages(self, b: Pages, key: str, col: dict[str, Any], path: str, chunks: Chunks) -> None:
        n = len(chunks)
        paths = [path] + [path.replace("index.shtml", f"index_{k}.shtml") for k in range(2, n + 1)]
        for chunk, p in zip(chunks, paths, strict=True):
            rows = "".join(
                f'<li><a href="{a["href"]}" title="{esc(a["title"])}" target="_blank">{esc(a["title"])}</a>'
                f'<span class="time">{a.get("date") or ""}</span></li>'
                for a in chunk
            ) or blank(col, "<li>{}</li>", "暂无信息")
            pager = (
                (
                    f'<div class="page">共{sum(map(len, chunks))}条 '
                    + "".join(f'<a href="{q}">{i + 1}</a>' for i, q in enumerate(paths))
                    + "</div>"
                )
                if n > 1
                else ""
            )
            b.page(
                col["host"],
                p,
                col["name"],
                [(col.get("category", ""), ""), (col["name"], path)],
                f'<div class="list_tit"><h2>{esc(col["name"])}</h2></div><div class="list"><ul>{rows}</ul>{pager}</div>',
                ref=key,
            )

    def article(
        self, b: Pages, sub: str, a: dict[str, Any], files: str, col: dict[str, Any] | None, embed: str | None
    ) -> str:
        t, body, d = esc(a["title"]), article_text(a), a.get("date")
        when = (
            f'<div class="info">发布时间:{d} 15:50:31 作者:{esc(b.site.hosts[sub].get("dept", ""))} 信息来源: '
            f"浏览量:33次</div>"
            if d
            else '<div class="info">作者: 信息来源: 浏览量:33次</div>'
        )
        return f'<div class="article"><h1 class="title">{t}</h1>{when}<div class="content" id="zoom">{body}{files}</div></div>'
