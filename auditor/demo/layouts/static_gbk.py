"""A static site in GBK (the demo's refuses HEAD): columns /gksx/<slug>/index.htm in one table, articles under
their date, files under /docs/<month>/; a list page states its charset only in a <meta> tag."""

from __future__ import annotations

from typing import Any

from auditor.demo.layouts.base import Chunks, Crumbs, Layout, Pages
from auditor.demo.markup import article_text, blank, esc, hex_id, html_page, rel


class StaticGbk(Layout):
    name = "static_gbk"
    page_size = 20
    home = "/index.htm"
    charset = "gbk"

    def column_path(self, col: dict[str, Any]) -> str:
        return f"/gksx/{col['slug']}/index.htm"

    def article_path(self, host: dict[str, Any], col: dict[str, Any], a: dict[str, Any]) -> str:
        return f"/gksx/{col['slug']}/{a.get('date') or 'undated'}/{a['id']}.html"

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        ext = name.rsplit(".", 1)[-1]
        h = hex_id(col["host"], a["id"], name)
        month = (a.get("date") or "2022-01")[:7]
        return (f"/docs/{month}/{h}.{ext}", "")

    def frame(self, b: Pages, sub: str, title: str, crumbs: Crumbs, inner: str) -> str:
        crumb = (
            " -&gt; ".join(f'<a href="{u}">{esc(t)}</a>' if u else esc(t) for t, u in crumbs[-1:] if t)
            or "首页"
        )
        return html_page(
            f"{title}_{b.site.hosts[sub]['name']}",
            f'<table width="100%"><tr><td class="top"><a href="/index.htm">{esc(b.site.hosts[sub]["name"])}</a></td></tr></table>'
            f'<div class="weizhi">您现在的位置： <a href="/index.htm">首页</a> -&gt; {crumb}</div>{inner}',
            charset="gbk",
        )

    def list_pages(self, b: Pages, key: str, col: dict[str, Any], path: str, chunks: Chunks) -> None:
        arts = [a for chunk in chunks for a in chunk]
        rows = "".join(
            f'<tr><td><a href="{rel(path, a["href"])}">{esc(a["title"])}</a></td>'
            f"<td>{'[' + a['date'] + ']' if a.get('date') else ''}</td></tr>"
            for a in arts
        ) or blank(col, "<tr><td>{}</td></tr>", "暂无内容")
        b.page(
            col["host"],
            path,
            col["name"],
            [(col["name"], "")],
            f'<table class="list">{rows}</table>',
            meta_only=True,
            ref=key,
        )

    def article(
        self, b: Pages, sub: str, a: dict[str, Any], files: str, col: dict[str, Any] | None, embed: str | None
    ) -> str:
        t, body, d = esc(a["title"]), article_text(a), a.get("date")
        when = f'<div class="sj">发布日期:{d} 作者: 来源:{esc(b.site.hosts[sub]["name"])}</div>' if d else ""
        return f'<h2 class="bt">{t}</h2>{when}<div class="content">{body}{files}</div>'
