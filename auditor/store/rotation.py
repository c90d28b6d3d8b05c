"""Incremental crawling and retention: the previous crawl, its validators for conditional requests, what the
revisit rotation decides on and how far behind it is, pages that vanished, and pruning old runs' pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.store.connection import Connection


@dataclass
class Pruned:
    """What one retention pass dropped: the runs whose crawled records went, rows by table, and (filled by the
    caller that deletes them) the WARC files no record needs any more."""

    runs: list[int] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.runs or self.rows or self.files)


class Rotation(Connection):
    """What the next night asks again, what it keeps, and what retention drops."""

    def previous_crawl(self, before: int) -> int | None:
        """The newest earlier run with pages (even an interrupted one: its pages are still a valid cache)."""
        row = self.db.execute("SELECT max(run_id) FROM pages WHERE run_id < ?", (before,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def validators(self, run_id: int) -> dict[str, tuple[str | None, str | None]]:
        """ETag / Last-Modified of the run's pages that this release's extraction parsed (others are parsed again)."""
        from auditor.extract import EXTRACTION_VERSION

        return {
            r[0]: (r[1], r[2])
            for r in self.db.execute(
                "SELECT url, etag, last_modified FROM pages WHERE run_id=? AND status BETWEEN 200 AND 299 "
                "AND (etag IS NOT NULL OR last_modified IS NOT NULL) AND extraction=?",
                (run_id, EXTRACTION_VERSION),
            )
        }

    def revisit_info(self, run_id: int) -> dict[str, tuple[bool, int | None, bool]]:
        """url → (a list page, the run that last requested it, parsed by this extraction) for the run's
        pages and files: what the revisit rotation decides on."""
        from auditor.extract import EXTRACTION_VERSION

        out = {
            r[0]: (bool(r[1]), r[2], r[3] == EXTRACTION_VERSION and r[4] is not None and 200 <= r[4] < 300)
            for r in self.db.execute(
                "SELECT url, coalesce(listing, 0) OR url IN (SELECT page FROM entries WHERE run_id=?),"
                " requested_run, extraction, status FROM pages WHERE run_id=?",
                (run_id, run_id),
            )
        }
        out.update(
            (r[0], (False, r[1], r[2] is not None and 200 <= r[2] < 300))
            for r in self.db.execute(
                "SELECT url, requested_run, status FROM attachments WHERE run_id=?", (run_id,)
            )
        )
        for (src,) in self.db.execute("SELECT DISTINCT src FROM redirects WHERE run_id=?", (run_id,)):
            out.setdefault(src, (False, None, False))  # a URL that redirects: always asked, never kept
        return out

    def kept(self, run_id: int) -> int:
        """Pages and files the run holds as an earlier night recorded them (not requested tonight)."""
        return self._records(run_id, "requested_run < ?", run_id)

    def overdue(self, run_id: int, days: int) -> int:
        """Pages and files the run kept whose last request is `days` runs old or more (the rotation fell behind)."""
        return self._records(run_id, "requested_run <= ?", run_id - days)

    def _records(self, run_id: int, where: str, *params: object) -> int:
        """How many of the run's pages and files match `where` (a fixed condition, never crawled text)."""
        return sum(
            int(
                self.db.execute(
                    f"SELECT count(*) FROM {t} WHERE run_id=? AND {where}", (run_id, *params)
                ).fetchone()[0]
            )
            for t in ("pages", "attachments")
        )

    def vanished(self, previous: int, current: int) -> list[str]:
        """Pages the previous crawl had and this one did not reach at all."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT url FROM pages WHERE run_id=? AND status BETWEEN 200 AND 299 "
                "EXCEPT SELECT url FROM pages WHERE run_id=?",
                (previous, current),
            )
        ]

    def stored_runs(self) -> tuple[int | None, int | None, int]:
        """(oldest, newest, how many) of the runs whose pages are still stored (retention drops older ones)."""
        row = self.db.execute("SELECT min(run_id), max(run_id), count(DISTINCT run_id) FROM pages").fetchone()
        return row[0], row[1], row[2]

    def prune(self, keep_runs: int) -> Pruned:
        """Drop the crawled pages, links, entries and attachments of all but the newest `keep_runs` runs, the
        archive records no kept run needs and the payloads nothing refers to. Runs and every audit stay: the
        findings history is never pruned. Says what it dropped."""
        keep = [
            r[0]
            for r in self.db.execute("SELECT id FROM runs ORDER BY id DESC LIMIT ?", (max(1, keep_runs),))
        ]
        old = (
            [
                r[0]
                for r in self.db.execute("SELECT DISTINCT run_id FROM pages WHERE run_id < ?", (min(keep),))
            ]
            if keep
            else []
        )
        rows: dict[str, int] = {}
        with self.transaction() as db:
            for table in ("pages", "attachments", "entries", "directory", "redirects"):
                rows[table] = sum(
                    db.execute(f"DELETE FROM {table} WHERE run_id=?", (r,)).rowcount for r in old
                )
            if keep:
                # links are a page version's: a dropped run's go unless a kept page is still that version
                rows["links"] = db.execute(
                    "DELETE FROM links WHERE run_id<?1 AND (run_id, src) NOT IN"
                    " (SELECT links_run, url FROM pages WHERE run_id>=?1 AND links_run<?1)",
                    (min(keep),),
                ).rowcount
                # the archive of every dropped run goes too, unless a kept run's revisit records point into its
                # WARC — asked again each night: a WARC kept for a revisit goes once no kept run points into it
                rows["archive"] = db.execute(
                    "DELETE FROM archive WHERE run_id<? AND warc NOT IN"
                    " (SELECT refers_to FROM archive WHERE refers_to IS NOT NULL AND run_id>=?)",
                    (min(keep), min(keep)),
                ).rowcount
            # payloads no kept page, file or archive record refers to
            rows["bodies"] = db.execute(
                "DELETE FROM bodies WHERE sha256 NOT IN (SELECT body_sha256 FROM pages WHERE body_sha256 IS NOT NULL"
                " UNION SELECT body_sha256 FROM attachments WHERE body_sha256 IS NOT NULL"
                " UNION SELECT sha256 FROM archive WHERE sha256 IS NOT NULL)"
            ).rowcount
        return Pruned(old, {t: n for t, n in rows.items() if n})
