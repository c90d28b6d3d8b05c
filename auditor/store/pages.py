"""What a run's pages say, read for matching and reports: its pages and files, the links, list entries and
信息公开目录 rows they hold, where a URL ended up (through redirects and copies), and pages by publication date
across the stored runs."""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlsplit

from auditor.store.connection import Connection
from auditor.store.crawl import REDIRECTS_FOLLOWED

# A run's links are those of the page versions its pages are (pages.links_run: a 304 or kept copy points at the
# run that parsed it). Links into a URL are found by destination first (links_to), then kept if their page
# version is the run's (`?1` the run); links of one page (`?1` the run, `?2` the page) through its row.
_OF_RUN = "CROSS JOIN pages p ON p.run_id = ?1 AND p.url = l.src AND p.links_run = l.run_id"
_LINKS_OF_PAGE = "pages p CROSS JOIN links l ON l.run_id = p.links_run AND l.src = p.url"
_THE_PAGE = "p.run_id = ?1 AND p.url = ?2"


class PageQueries(Connection):
    """Reads of the crawled pages, links, entries, directory rows and files."""

    def page_urls(self, run_id: int) -> list[str]:
        """Every distinct page of the run (copies of an article under another URL excluded), in URL order."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT url FROM pages WHERE run_id=? AND duplicate_of IS NULL ORDER BY url", (run_id,)
            )
        ]

    def inbound(self, run_id: int, url: str) -> tuple[str, str] | None:
        """A page of the run that links to `url` (or to an address that redirected there), and its link text."""
        row = self.db.execute(
            f"SELECT l.src, l.text FROM links l {_OF_RUN} WHERE (l.dst=?2 OR l.dst IN"
            " (SELECT src FROM redirects WHERE run_id=?1 AND dst=?2)) ORDER BY l.context != 'body', l.rowid LIMIT 1",
            (run_id, url),
        ).fetchone()
        return (row[0], row[1] or "") if row else None

    def directory_rows(self, run_id: int) -> list[sqlite3.Row]:
        """The 信息公开目录 rows, in page order: label, department, each link target, and the page holding them."""
        return self.db.execute(
            "SELECT page, label, department, target, link_text FROM directory WHERE run_id=? ORDER BY rowid",
            (run_id,),
        ).fetchall()

    def signal_rows(self, run_id: int, urls: list[str]) -> dict[str, list[sqlite3.Row]]:
        """What the store knows about these pages, for matching: their own fields, the list entries and link
        texts pointing at them, their attachment links, and whether they hold a list or a 信息公开目录. The URLs
        go into a temporary table so each query is one indexed join (CROSS JOIN keeps it the outer loop)."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS chunk(url TEXT PRIMARY KEY)")
        db.execute("DELETE FROM temp.chunk")
        db.executemany("INSERT OR IGNORE INTO temp.chunk(url) VALUES (?)", [(u,) for u in urls])
        # links into the chunk: when it is most of the run, walk the run's own page versions' links once (the
        # rows of older versions never read); a small chunk of a big site seeks each URL's links instead
        pages = db.execute("SELECT count(*) FROM pages WHERE run_id=?", (run_id,)).fetchone()[0]
        anchors = (
            f"{_LINKS_OF_PAGE} WHERE p.run_id = ?1 AND l.dst IN (SELECT url FROM temp.chunk)"
            if 2 * len(urls) >= pages
            else f"temp.chunk c CROSS JOIN links l ON l.dst = c.url {_OF_RUN} WHERE 1"
        )
        q = {
            "pages": "SELECT p.url, title, status, error, published, period, placeholder, breadcrumb, listing, content_chars,"
            " content_links, scripted, failed_at, attempts, excerpt FROM temp.chunk c CROSS JOIN pages p ON p.run_id=?1 AND p.url = c.url",
            "entries_to": "SELECT e.target, e.title, e.date FROM temp.chunk c CROSS JOIN entries e ON e.run_id=?1 AND e.target = c.url",
            "lists": "SELECT e.page, count(e.date) AS dated, count(*) AS rows FROM temp.chunk c CROSS JOIN entries e "
            "ON e.run_id=?1 AND e.page = c.url GROUP BY e.page",
            # link texts pointing at a page, except the 信息公开目录's own (those are claims, judged apart)
            "anchors_to": f"SELECT DISTINCT l.dst, l.text FROM {anchors} AND l.is_attachment=0 AND l.text != '' "
            "AND NOT EXISTS (SELECT 1 FROM directory d WHERE d.run_id = ?1 AND d.target = l.dst AND d.page = l.src)",
            "files_of": "SELECT l.src, l.dst, l.text, a.status, a.filename, a.error, a.last_modified, a.failed_at, "
            "a.attempts FROM temp.chunk c CROSS JOIN pages p ON p.run_id=?1 AND p.url = c.url "
            "CROSS JOIN links l ON l.run_id = p.links_run AND l.src = p.url "
            "LEFT JOIN attachments a ON a.run_id = ?1 AND a.url = l.dst WHERE l.is_attachment=1",
            "directories": "SELECT DISTINCT d.page FROM temp.chunk c CROSS JOIN directory d ON d.run_id=?1 AND d.page = c.url",
        }
        return {name: db.execute(sql, (run_id,)).fetchall() for name, sql in q.items()}

    def list_rows(self, run_id: int, pages: list[str]) -> list[sqlite3.Row]:
        """The entries of these list pages, their targets followed through redirects, newest first."""
        out: list[sqlite3.Row] = []
        for k in range(0, len(pages), 500):
            part = pages[k : k + 500]
            out.extend(
                self.db.execute(
                    f"SELECT e.page, e.title, coalesce(r.dst, e.target) AS target, e.date FROM entries e "
                    f"LEFT JOIN redirects r ON r.run_id = e.run_id AND r.src = e.target "
                    f"WHERE e.run_id=? AND e.page IN ({','.join('?' * len(part))}) ORDER BY e.date IS NULL, e.date DESC, e.rowid",
                    (run_id, *part),
                )
            )
        return out

    def listed_on(self, run_id: int, targets: list[str]) -> dict[str, int]:
        """On how many pages each target is a list entry (a 'latest news' box repeats on every page)."""
        out: dict[str, int] = {}
        for k in range(0, len(targets), 500):
            part = targets[k : k + 500]
            out.update(
                {
                    r[0]: r[1]
                    for r in self.db.execute(
                        f"SELECT target, count(DISTINCT page) FROM entries WHERE run_id=? AND target IN ({','.join('?' * len(part))}) "
                        "GROUP BY target",
                        (run_id, *part),
                    )
                }
            )
        return out

    def own_links(self, run_id: int, page: str, furniture: int) -> list[str]:
        """The crawled pages this page links to that are its own content: not other list pages (menus of
        columns), not a site's home page, and not pages linked from `furniture` or more pages (menus, boxes on
        every page). Links the crawl did not store (off-site, friend links) say nothing either way."""
        rows = self.db.execute(
            f"SELECT DISTINCT l.dst FROM {_LINKS_OF_PAGE} JOIN pages d ON d.run_id = ?1 AND d.url = l.dst "
            f"WHERE {_THE_PAGE} AND l.is_attachment=0 AND l.dst != l.src AND coalesce(d.listing, 0) != 1",
            (run_id, page),
        ).fetchall()
        out = []
        for (dst,) in rows:
            path = dst.split("//", 1)[-1].partition("/")[2]
            if not path or path.lower().startswith(("index.", "main.", "default.")):
                continue
            linked_from = self.db.execute(
                f"SELECT count(*) FROM (SELECT DISTINCT l.src FROM links l {_OF_RUN} WHERE l.dst=?2 LIMIT ?3)",
                (run_id, dst, furniture),
            ).fetchone()[0]
            if linked_from < furniture:
                out.append(dst)
        return out

    def resolve(self, run_id: int, urls: list[str]) -> dict[str, sqlite3.Row]:
        """Where each URL ended up in this run: the page or file stored for it (through redirects and copies
        of the same article), with its status. A URL the crawl never fetched is absent."""
        out: dict[str, sqlite3.Row] = {}
        for url in dict.fromkeys(urls):
            for hop in self._hops(run_id, url):
                row = (
                    self.db.execute(
                        "SELECT coalesce(p2.url, p.url) AS url, 'page' AS kind, coalesce(p2.status, p.status) AS status, "
                        "coalesce(p2.title, p.title) AS title FROM pages p LEFT JOIN pages p2 ON p2.run_id = p.run_id "
                        "AND p2.url = p.duplicate_of WHERE p.run_id=? AND p.url=?",
                        (run_id, hop),
                    ).fetchone()
                    or self.db.execute(
                        "SELECT url, 'file' AS kind, status, filename AS title FROM attachments "
                        "WHERE run_id=? AND url=?",
                        (run_id, hop),
                    ).fetchone()
                )
                if row is not None:
                    out[url] = row
                    break
        return out

    def _hops(self, run_id: int, url: str, most: int = REDIRECTS_FOLLOWED) -> list[str]:
        """The URL, then each place a redirect from it led, in order."""
        chain = [url]
        while len(chain) < most:
            row = self.db.execute(
                "SELECT dst FROM redirects WHERE run_id=? AND src=? LIMIT 1", (run_id, chain[-1])
            ).fetchone()
            if row is None or row[0] in chain:
                break
            chain.append(row[0])
        return chain

    def files(self, run_id: int, urls: list[str]) -> dict[str, dict[str, Any]]:
        """Attachment records for these file URLs."""
        out: dict[str, dict[str, Any]] = {}
        for k in range(0, len(urls), 500):
            part = urls[k : k + 500]
            out.update(
                {
                    r["url"]: dict(r)
                    for r in self.db.execute(
                        f"SELECT url, status, error, filename, last_modified, failed_at, attempts FROM attachments WHERE run_id=? "
                        f"AND url IN ({','.join('?' * len(part))})",
                        (run_id, *part),
                    )
                }
            )
        return out

    def pages(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM pages WHERE run_id=? ORDER BY url", (run_id,)).fetchall()

    def attachments(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM attachments WHERE run_id=? ORDER BY url", (run_id,)).fetchall()

    def links_from(self, run_id: int, url: str) -> list[tuple[str, str, bool]]:
        return [
            (r[0], r[1] or "", bool(r[2]))
            for r in self.db.execute(
                f"SELECT l.dst, l.text, l.is_attachment FROM {_LINKS_OF_PAGE} WHERE {_THE_PAGE}"
                " AND coalesce(l.context, '') != 'image' ORDER BY l.rowid",  # pictures are never crawled
                (run_id, url),
            )
        ]

    def replaced_files(self, run_id: int, previous: int) -> list[sqlite3.Row]:
        """Files (not pages) both runs downloaded whole from the same address, with different payloads: the URL,
        each run's payload hash and when it was fetched (auditor.replaced)."""
        return self.db.execute(
            "SELECT a.url, b.body_sha256 AS before, b.fetched_at AS before_at, a.body_sha256 AS after,"
            " a.fetched_at AS after_at FROM attachments a JOIN attachments b ON b.run_id = ?2 AND b.url = a.url"
            " WHERE a.run_id = ?1 AND a.body_sha256 IS NOT NULL AND b.body_sha256 IS NOT NULL"
            " AND a.body_sha256 != b.body_sha256 AND a.status BETWEEN 200 AND 299 AND b.status BETWEEN 200 AND 299"
            " AND coalesce(a.content_type, '') NOT LIKE '%html%' ORDER BY a.url",
            (run_id, previous),
        ).fetchall()

    def notice_pages(self, run_id: int) -> list[sqlite3.Row]:
        """The run's articles titled as a 公示 (auditor.gongshi): URL, title, date, body, and the personal data
        their own text holds."""
        return self.db.execute(
            "SELECT url, title, published, body_sha256, status, privacy FROM pages WHERE run_id=?"
            " AND title LIKE '%公示%' AND coalesce(listing, 0) = 0 AND duplicate_of IS NULL"
            " AND status BETWEEN 200 AND 299 ORDER BY url",
            (run_id,),
        ).fetchall()

    def files_of_pages_titled(self, run_id: int, words: tuple[str, ...], most: int) -> list[str]:
        """Files linked from the run's pages whose title holds one of `words` (公示-like pages), and the pictures
        they show, newest first."""
        like = " OR ".join("p.title LIKE ?" for _ in words)
        return [
            r[0]
            for r in self.db.execute(
                f"SELECT l.dst, max(p.published) AS day FROM {_LINKS_OF_PAGE} WHERE p.run_id = ?"
                " AND (l.is_attachment = 1 OR l.context = 'image')"
                f" AND ({like}) GROUP BY l.dst ORDER BY day DESC, l.dst LIMIT ?",
                (run_id, *(f"%{w}%" for w in words), most),
            )
        ]

    def published_pages(self, start: str, end: str) -> list[sqlite3.Row]:
        """Pages (articles, not list pages or copies) of any stored crawl that say they were published from
        `start` to `end`, one row per final URL (its newest record), with how many files it links."""
        page = (
            "{p}published BETWEEN ? AND ? AND {p}status BETWEEN 200 AND 299 AND coalesce({p}listing, 0) = 0"
            " AND {p}duplicate_of IS NULL"
        )
        return self.db.execute(
            "WITH newest AS (SELECT coalesce(final_url, url) AS final, max(run_id) AS run_id FROM pages"
            f" WHERE {page.format(p='')} GROUP BY final)"
            " SELECT p.url, n.final, p.title, p.published, p.run_id,"
            " (SELECT count(DISTINCT l.dst) FROM links l WHERE l.run_id = p.links_run AND l.src = p.url"
            "  AND l.is_attachment = 1) AS files"
            " FROM newest n JOIN pages p ON p.run_id = n.run_id AND coalesce(p.final_url, p.url) = n.final"
            f" WHERE {page.format(p='p.')} GROUP BY n.final ORDER BY p.published",
            (start, end, start, end),
        ).fetchall()

    def host_titles(self) -> dict[str, str]:
        """Each host's name as its shallowest page of the newest crawl titles itself (the site's own name)."""
        run = self.db.execute("SELECT max(run_id) FROM pages").fetchone()[0]
        out: dict[str, str] = {}
        for url, title in self.db.execute(
            "SELECT url, html_title FROM pages WHERE run_id=? AND html_title <> '' AND status BETWEEN 200 AND 299"
            " ORDER BY depth, length(url)",
            (run,),
        ):
            out.setdefault(urlsplit(url).hostname or "", title)
        return out

    def count(self, table: str, run_id: int) -> int:
        """Rows of the run in `table`; for links, those of the page versions the run's pages are."""
        assert table in ("pages", "links", "attachments", "entries", "directory")
        if table == "links":
            sql = "SELECT count(*) FROM pages p CROSS JOIN links l ON l.run_id = p.links_run AND l.src = p.url WHERE p.run_id=?"
        else:
            sql = f"SELECT count(*) FROM {table} WHERE run_id=?"
        return int(self.db.execute(sql, (run_id,)).fetchone()[0])
