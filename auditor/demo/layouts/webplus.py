"""WebPlus (Sudy): columns /<id>/list.htm (list2.htm…), articles under their date or two hex folders (`hashed`),
files under /_upload/, a PDF shown in a player, /_redirect?… shortcuts from the home page."""

from __future__ import annotations

from typing import Any

from auditor.demo.layouts.base import Chunks, Crumbs, Layout, Pages
from auditor.demo.markup import article_text, esc, hex_id, html_page


class WebPlus(Layout):
    name = "webplus"
    page_size = 14
    home = "/main.htm"

    def column_path(self, col: dict[str, Any]) -> str:
        return f"/{col['id']}/list.htm"

    def article_path(self, host: dict[str, Any], col: dict[str, Any], a: dict[str, Any]) -> str:
        if host.get("hashed"):  # WebPlus sites that file articles under two hex levels
            return (
                f"/{hex_id(a['id'], n=2)}/{hex_id(col['id'], a['id'], n=2)}/c{col['id']}a{a['id']}/page.htm"
            )
        d = (a.get("date") or "2022-01-01").replace("-", "")
        return f"/{d[:4]}/{d[4:8]}/c{col['id']}a{a['id']}/page.htm"

    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        ext = name.rsplit(".", 1)[-1]
        h = hex_id(col["host"], a["id"], name)
        return (f"/_upload/article/files/{h[:2]}/{h[2:4]}/{h}/{hex_id(name, n=8)}-{h[4:8]}.{ext}", "")

    def frame(self, b: Pages, sub: str, title: str, crumbs: Crumbs, inner: str) -> str:
        cols = "".join(
            f'<li><a href="{b.col_urls[c["host"] + ":" + c["slug"]]}">{esc(c["name"])}</a></li>'
            for c in b.host_columns(sub)
        )
        path = "<span class='possplit'>&nbsp;&gt;&nbsp;</span>".join(
            f'<a href="{u or "#"}" target="_self">{esc(t)}</a>'
            for t, u in [("首页", "/main.htm"), *crumbs[-1:]]
            if t
        )
        return html_page(
            title,
            f'<div class="wp_nav"><ul>{cols}</ul></div><div class="col_path"><span>您现在的位置：</span>{path}</div>'
            f'{inner}<div class="foot">{esc(b.site.hosts[sub]["name"])} 版权所有</div>',
        )

    def list_pages(self, b: Pages, key: str, col: dict[str, Any], path: str, chunks: Chunks) -> None:
        total = sum(map(len, chunks))
        first = b.host_columns(col["host"])[0] is col and chunks[0]
        for k, chunk in enumerate(chunks):
            p = f"/{col['id']}/list{'' if k == 0 else k + 1}.htm"
            rows = "".join(
                f'<li class="news n{j + 1} clearfix"><span class="news_title"><a href=\'{a["href"]}\' '
                f"target='_blank' title='{esc(a['title'])}'>{esc(a['title'][:16])}…</a></span>"
                f'<span class="news_meta">{a.get("date") or ""}</span></li>'
                for j, a in enumerate(chunk)
            )
            nxt = (
                f'<a href="/{col["id"]}/list{k + 2}.htm" class="next">下一页&gt;&gt;</a>'
                if k < len(chunks) - 1
                else ""
            )
            pager = f'<div class="wp_paging">每页 {self.page_size} 记录 总共 {total} 记录 {nxt} 页码 {k + 1} / {len(chunks)}</div>'
            b.page(
                col["host"],
                p,
                col["name"],
                [(col["name"], path)],
                f'<ul class="news_list list">{rows}</ul>{pager}',
                ref=key,
            )
        if first:  # WebPlus /_redirect?… links (home-page shortcuts) answer 302 to the article
            a = chunks[0][0]
            b.redirect(
                col["host"],
                f"/_redirect?siteId=12&columnId={col['id']}&articleId={a['id']}",
                b.article_path(col, a),
            )
            res = b.site.resources[(b.site.host(col["host"]), self.home)]
            res.body = res.body.replace(
                b"</body>",
                f'<a href="/_redirect?siteId=12&amp;columnId={col["id"]}&amp;articleId={a["id"]}">'
                f"{esc(a['title'])}（快速入口）</a></body>".encode(),
            )

    def article(
        self, b: Pages, sub: str, a: dict[str, Any], files: str, col: dict[str, Any] | None, embed: str | None
    ) -> str:
        t, body, d = esc(a["title"]), article_text(a), a.get("date")
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
