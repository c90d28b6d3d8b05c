"""大汉 Hanweb: a column's rows are records in a <script type="text/xml"> datastore (read by its own JS), columns
/col/col<id>/index.html, articles /art/<y>/<m>/<d>/art_<column>_<id>.html, files through downfile.jsp."""

from __future__ import annotations

from typing import Any

from auditor.demo.layouts.base import Chunks, Crumbs, Layout, Pages
from auditor.demo.markup import article_text, blank, esc, hex_id, html_page


class Hanweb(Layout):
    name = "hanweb"
    page_size = 15
    home = "/index.html"

    def column_path(self, col: dict[str, Any]) -> str:
        return f"/col/col{col['id']}/index.html"

    def article_path(self, host: dict[str, Any], col: dict[str, Any], a: dict[str, Any]) -> str:
        d = (a.get("date") or "2022-01-01").replace("-", "")
        return f"/art/{d[:4]}/{int(d[4:6])}/{int(d[6:8])}/art_{col['id']}_{a['id']}.html"

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        ext = name.rsplit(".", 1)[-1]
        h = hex_id(col["host"], a["id"], name)
        return (f"/module/download/downfile.jsp?classid=0&filename={h}.{ext}", "utf8")

    def frame(self, b: Pages, sub: str, title: str, crumbs: Crumbs, inner: str) -> str:
        crumb = " &gt; ".join(
            f'<a href="{u}">{esc(t)}</a>' if u else esc(t) for t, u in [("首页", "/index.html"), *crumbs] if t
        )
        return html_page(
            f"{b.site.hosts[sub]['name']} {title}",
            f'<table class="top"><tr><td><img src="/images/banner.jpg"></td></tr></table>'
            f'<table width="100%"><tr><td class="bt-position">当前位置：{crumb}</td></tr></table>{inner}'
            f'<div class="bottom">主办：{esc(b.school)}</div>',
            head_extra=f'<meta name="SiteName" content="{esc(b.site.hosts[sub]["name"])}">',
        )

    def list_pages(self, b: Pages, key: str, col: dict[str, Any], path: str, chunks: Chunks) -> None:
        records = "".join(
            f'<record><![CDATA[\n<li><a href="{a["href"]}" target="_blank" title="{esc(a["title"])}">'
            f'{esc(a["title"])}</a><span class="bt-data-time">{a.get("date") or ""}</span></li>]]></record>'
            for chunk in chunks
            for a in chunk
        )
        body = (
            f'<div class="bt-list"><h2>{esc(col["name"])}</h2><div id="{col["id"]}">'
            f'<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1'
            f'&path=/&columnid={col["id"]}&unitid=4567&permissiontype=0"></a>]]></nextgroup>'
            f"<recordset>{records}</recordset></datastore></script></div>"
            f"{'' if records else blank(col, '<p>{}</p>', '暂无信息')}</div>"
        )
        b.page(col["host"], path, col["name"], [(col["name"], "")], body, ref=key)

    def article(
        self, b: Pages, sub: str, a: dict[str, Any], files: str, col: dict[str, Any] | None, embed: str | None
    ) -> str:
        t, body, d = esc(a["title"]), article_text(a), a.get("date")
        when = (
            f'<span class="fbsj">发布日期：{d[:4]}-{d[5:7]}-{d[8:]}　来源：{esc(b.site.hosts[sub]["name"])}</span>'
            if d
            else ""
        )
        return (
            f'<div class="article-title"><h2>{t}</h2></div><div class="article-meta">{when}</div>'
            f'<div id="zoom">{body}{files}</div>'
        )
