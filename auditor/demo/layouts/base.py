"""What a CMS layout is: where it puts columns, articles and files, the chrome around every page (`frame`), how it
renders a column's list (`list_pages`) and an article (`article`). Each layout is one module beside this one."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Protocol

from auditor.demo.markup import esc
from auditor.demo.model import Site

Crumbs = list[tuple[str, str]]  # (text, URL or "") from the home page down
Chunks = list[list[dict[str, Any]]]  # a column's list rows, one list per list page


class Pages(Protocol):
    """The builder as a layout sees it: the site so far and how pages are added to it."""

    site: Site
    school: str
    col_urls: dict[str, str]  # "sub:slug" → the column's path

    def page(self, sub: str, path: str, title: str, crumbs: Crumbs, inner: str, **kw: Any) -> None: ...

    def redirect(self, sub: str, path: str, target: str, status: int = 302) -> None: ...

    def article(self, key: str, col: dict[str, Any], a: dict[str, Any], path: str = "") -> None: ...

    def article_path(self, col: dict[str, Any], a: dict[str, Any]) -> str: ...

    def host_columns(self, sub: str) -> list[dict[str, Any]]: ...


class Layout(ABC):
    """A CMS: where it puts things and how its pages look. Subclasses are stateless; LAYOUTS holds one of each."""

    name: str
    page_size: int  # list rows per list page
    home: str  # the home page's path
    charset = "utf-8"
    splits_articles = False  # a long news story runs over two pages

    @abstractmethod
    def column_path(self, col: dict[str, Any]) -> str:
        """A column's first list page."""

    @abstractmethod
    def article_path(self, host: dict[str, Any], col: dict[str, Any], a: dict[str, Any]) -> str:
        """Where article `a` of column `col` lives on a host configured as `host`."""

    @abstractmethod
    def attachment_path(self, col: dict[str, Any], a: dict[str, Any], name: str) -> tuple[str, str]:
        """(path, Content-Disposition style) for an attachment, as the CMS names it."""

    @abstractmethod
    def frame(self, b: Pages, sub: str, title: str, crumbs: Crumbs, inner: str) -> str:
        """A whole page in the host's chrome around `inner`."""

    @abstractmethod
    def list_pages(self, b: Pages, key: str, col: dict[str, Any], path: str, chunks: Chunks) -> None:
        """Add the column's list page(s) at `path` (and after it, as the CMS pages its lists)."""

    @abstractmethod
    def article(
        self, b: Pages, sub: str, a: dict[str, Any], files: str, col: dict[str, Any] | None, embed: str | None
    ) -> str:
        """An article's part of its page: title, date line, text (`article_text`), then `files`."""

    def files(self, files: list[tuple[str, str]]) -> str:
        """An article's attachments (path, name) under its text."""
        return "".join(f'<p>附件：<a href="{esc(p)}">{esc(n)}</a></p>' for p, n in files)

    def aliases(self, b: Pages, key: str, col: dict[str, Any], hot: list[dict[str, Any]]) -> list[str]:
        """The portal's 热点关注 entries for news stories served under a second URL (adding those pages)."""
        return []

    def session_link(self, path: str) -> str:
        """An article's URL with a session id in it, as the CMS writes one."""
        sep = "?" if "?" not in path else "&"
        return f"{path}{sep}sid=8f3a2b1c"
