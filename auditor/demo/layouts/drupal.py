"""Drupal: columns at /<slug> paged ?page=N, articles /node/<id> (and /article/<id> path aliases), files under
/sites/default/files/<month>/ by their own names, attachments in a file field."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from auditor.demo.layouts.base import Chunks, Crumbs, Layout, Pages
from auditor.demo.markup import article_text, blank, esc, html_page


class Drupal(Layout):
    name = "drupal"
    page_size = 10
    home = "/"

    def column_path(self, col: dict[str, Any]) -> str:
        return f"/{col['slug']}"

    def article_path(self, host: dict[str, Any], col: dict[str, Any], a: dict[str, Any]) -> str:
        return f"/node/{a['id']}"

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        month = (a.get("date") or "2022-01")[:7]
        return (f"/sites/default/files/{month}/{quote(name)}", "")

    def frame(self, b: Pages, sub: str, title: str, crumbs: Crumbs, inner: str) -> str:
        crumb = "".join(
            f'<li class="breadcrumb-item"><a href="{u}">{esc(t)}</a></li>'
            if u
            else f'<li class="breadcrumb-item">{esc(t)}</li>'
            for t, u in [("首页", "/"), *crumbs[-1:]]
            if t
        )
        return html_page(
            f"{title} | {b.site.hosts[sub]['name']}",
            f'<header role="banner"><a href="/" rel="home">{esc(b.school)}</a></header>'
            f'<nav class="breadcrumb" aria-labelledby="system-breadcrumb"><ol>{crumb}</ol></nav>'
            f'<main role="main">{inner}</main><footer>© {esc(b.school)}</footer>',
        )

    def list_pages(self, b: Pages, key: str, col: dict[str, Any], path: str, chunks: Chunks) -> None:
        for k, chunk in enumerate(chunks):
            p = path if k == 0 else f"{path}?page={k}"
            rows = "".join(
                f'<div class="views-row"><span class="views-field-title"><a href="{a["href"]}" hreflang="zh-hans">'
                f'{esc(a["title"])}</a></span><span class="views-field-created">{a.get("date") or ""}</span></div>'
                for a in chunk
            ) or blank(col, "<p>{}</p>", "暂无内容")
            pager = "".join(
                f'<li class="pager__item"><a href="{path}?page={i}">{i + 1}</a></li>'
                for i in range(len(chunks))
                if abs(i - k) <= 2 and i != k
            )
            if k < len(chunks) - 1:
                pager += (
                    f'<li class="pager__item--last"><a href="{path}?page={len(chunks) - 1}">末页 »</a></li>'
                )
            b.page(
                col["host"],
                p,
                col["name"],
                [(col["name"], "")],
                f'<h1 class="page-title">{esc(col["name"])}</h1><div class="view-content">{rows}</div>'
                f'<nav class="pager"><ul>{pager}</ul></nav>',
                ref=key,
            )

    def article(
        self, b: Pages, sub: str, a: dict[str, Any], files: str, col: dict[str, Any] | None, embed: str | None
    ) -> str:
        t, body, d = esc(a["title"]), article_text(a), a.get("date")
        when = f'<div class="node__meta">发布日期：{int(d[:4])}年{d[5:7]}月{d[8:]}日</div>' if d else ""
        return (
            f'<article class="node node--type-article"><h1 class="page-title"><span>{t}</span></h1>{when}'
            f'<div class="field--name-body">{body}</div>{files}</article>'
        )

    def files(self, files: list[tuple[str, str]]) -> str:
        rows = "".join(
            f'<span class="file file--mime-application-pdf"><a href="{esc(p)}" type="application/pdf">{esc(n)}</a></span>'
            for p, n in files
        )
        return f'<div class="field--name-field-attachments">{rows}</div>'

    def aliases(self, b: Pages, key: str, col: dict[str, Any], hot: list[dict[str, Any]]) -> list[str]:
        """Drupal path aliases: /article/N serves the same node."""
        extra = []
        for n in hot[:2]:
            b.article(key, col, n, path=f"/article/{n['id']}")
            extra.append(f'<li><a href="/article/{n["id"]}">{esc(n["title"])}</a></li>')
        return extra
