"""Lists filled by JavaScript: a column's articles are a JSON array in a <script>, the list page's HTML has no
links; articles /news/<year>/<mmdd>/<id>.html, files under /attach/file/<year>/."""

from __future__ import annotations

import json
from typing import Any

from auditor.demo.layouts.base import Chunks, Crumbs, Layout, Pages
from auditor.demo.markup import article_text, esc, hex_id, html_page


class JsList(Layout):
    name = "jslist"
    page_size = 50
    home = "/index.html"

    def column_path(self, col: dict[str, Any]) -> str:
        return f"/{col['slug']}/index.html"

    def article_path(self, host: dict[str, Any], col: dict[str, Any], a: dict[str, Any]) -> str:
        d = (a.get("date") or "2022-01-01").replace("-", "")
        return f"/news/{d[:4]}/{d[4:8]}/{a['id']}.html"

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        ext = name.rsplit(".", 1)[-1]
        h = hex_id(col["host"], a["id"], name)
        month = (a.get("date") or "2022-01")[:7]
        return (f"/attach/file/{month[:4]}/{h}.{ext}", "")

    def frame(self, b: Pages, sub: str, title: str, crumbs: Crumbs, inner: str) -> str:
        crumb = " &gt; ".join(
            f'<a href="{u}">{esc(t)}</a>' if u else esc(t)
            for t, u in [("首页", "/index.html"), *crumbs[-1:]]
            if t
        )
        return html_page(
            f"{title}-{b.site.hosts[sub]['name']}", f'<div class="position">您的位置：{crumb}</div>{inner}'
        )

    def list_pages(self, b: Pages, key: str, col: dict[str, Any], path: str, chunks: Chunks) -> None:
        data = [
            {"title": a["title"], "url": a["href"], "date": a.get("date")} for chunk in chunks for a in chunk
        ]
        script = (
            '<script type="text/javascript">\nvar listData = ' + json.dumps(data, ensure_ascii=False) + ";\n"
            "var ul = document.getElementById('newsList');\n"
            "listData.forEach(function (n) { ul.innerHTML += '<li><a href=\"' + n.url + '\">' + n.title + '</a><span>' + n.date + '</span></li>'; });\n"
            "</script>"
        )
        b.page(
            col["host"], path, col["name"], [(col["name"], "")], f'<ul id="newsList"></ul>{script}', ref=key
        )

    def article(
        self, b: Pages, sub: str, a: dict[str, Any], files: str, col: dict[str, Any] | None, embed: str | None
    ) -> str:
        t, body, d = esc(a["title"]), article_text(a), a.get("date")
        when = f'<div class="info">【作者:jyc | 发布日期:{d} | 点击数:<span>1024</span>】</div>' if d else ""
        return f'<div class="detail"><h1>{t}</h1>{when}<div class="article">{body}{files}</div></div>'
