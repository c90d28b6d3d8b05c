"""The store's versioned migrations: a store written by release 0.1.0 is upgraded in place, its data kept and
read as what it was (no page shape measured ≠ an empty column); one written by a newer release is refused."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import yaml

from auditor.audit import run_audit
from auditor.checklist import for_site
from auditor.config import load_config
from auditor.errors import InputError
from auditor.store import SCHEMA_VERSION, Store
from tests.conftest import run_auditor

OLD_SCHEMA = (Path(__file__).parent / "fixtures" / "store_release_0_1.sql").read_text("utf-8")


def old_store(path: Path) -> None:
    """A crawl as release 0.1.0 stored it: an empty-looking column page (no shape columns then), a page
    reached through a redirect, and a 信息公开目录 row linking to the redirecting URL."""
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    db.execute(
        "INSERT INTO runs(id, school, started_at, finished_at, status, stats) VALUES "
        "(1, '示例大学', '2024-11-19T02:30:00+08:00', '2024-11-19T02:40:00+08:00', 'complete', ?)",
        (json.dumps({"counts": {"pages": 3, "attachments": 0}, "errors": {}}),),
    )
    pages = [
        (
            "http://xxgk.sl.test/xxgklm1/cwzc/jzcc.htm",
            "受捐赠财产的使用与管理情况",
            '["财务、资产及收费信息", "受捐赠财产的使用与管理情况"]',
            "[]",
        ),
        ("http://cwc.sl.test/index.htm", "首页", "[]", '["http://cwc.sl.test/"]'),
        ("http://xxgk.sl.test/xxgkml.htm", "信息公开目录", '["信息公开目录"]', "[]"),
    ]
    db.executemany(
        "INSERT INTO pages(run_id, url, status, title, breadcrumb, redirects) VALUES (1, ?, 200, ?, ?, ?)",
        pages,
    )
    db.execute(
        "INSERT INTO directory(run_id, page, label, department, target) VALUES (1, 'http://xxgk.sl.test/xxgkml.htm', "
        "'收支决算总表、收入决算表、支出决算表', '财务处', 'http://cwc.sl.test/')"
    )
    db.commit()
    db.close()


def site_yaml(folder: Path) -> Path:
    config = folder / "site.yaml"
    site = {"school": "示例大学", "start_urls": ["http://www.sl.test/"], "allowed_domains": ["sl.test"]}
    config.write_text(yaml.safe_dump(site, allow_unicode=True), "utf-8")
    return config


def test_a_release_0_1_store_is_upgraded_in_place(tmp_path):
    path = tmp_path / "auditor.sqlite"
    old_store(path)
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 12
        cols = {r[1] for r in store.db.execute("PRAGMA table_info(pages)")}
        assert "ocr" in {r[1] for r in store.db.execute("PRAGMA table_info(documents)")}
        assert {"listing", "content_chars", "content_links", "scripted", "failed_at", "attempts"} <= cols
        assert store.count("pages", 1) == 3  # nothing lost
        # the redirect chain kept as JSON by 0.1.0 is now a row the 目录 target resolves through
        assert (
            store.resolve(1, ["http://cwc.sl.test/"])["http://cwc.sl.test/"]["url"]
            == "http://cwc.sl.test/index.htm"
        )
    with Store(path) as store:  # a second open changes nothing
        assert store.db.execute("SELECT count(*) FROM redirects").fetchone()[0] == 1


def old_audit_item(item_id: str, status: str, review: dict | None = None) -> dict:
    """An item as release 0.3 stored it: no open / to_check / due date (derived by each renderer then)."""
    set_aside = bool(review) and review["decision"] == "false_positive"
    return {"id": item_id, "short": item_id, "status": status, "set_aside": set_aside, "review": review,
            "evidence": [], "findings": [], "note": "", "owner": "财务处", "category": "其他"}  # fmt: skip


def test_audits_stored_before_derived_facts_are_upgraded_not_recounted(tmp_path):
    """A v3 store's audits lack `open` and `summary`: v4 derives them by the one definition, so history
    counts the false positive out, and the next audit does not call it still open."""
    path = tmp_path / "auditor.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE audit_items DROP COLUMN open")
    items = [
        old_audit_item("moe-16", "missing"),
        old_audit_item(
            "moe-20", "broken", {"decision": "false_positive", "reviewer": "李四", "reason": "已公开"}
        ),
        old_audit_item("moe-26", "inconclusive"),
        old_audit_item("moe-01", "ok"),
    ]
    summary = {"school": "示例大学", "audit": {"id": 1, "status": "complete", "reason": ""},
               "run": {"id": 1, "as_of": "2024-11-19"}, "counts": {"missing": 1, "broken": 1}, "open_gaps": 2}  # fmt: skip
    db.execute(
        "INSERT INTO audits(id, run_id, as_of, created_at, status, reason, counts, summary) VALUES "
        "(1, 1, '2024-11-19', '2024-11-19T03:00:00+08:00', 'complete', '', '{}', ?)",
        (json.dumps(summary, ensure_ascii=False),),
    )
    db.executemany(
        "INSERT INTO audit_items(audit_id, item_id, status, fingerprint, result) VALUES (1, ?, ?, 'x', ?)",
        [(it["id"], it["status"], json.dumps(it, ensure_ascii=False)) for it in items],
    )
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    with Store(path) as store:
        rows = store.audit_items(1)
        assert {k: r["open"] for k, r in rows.items()} == {"moe-16": 1, "moe-20": 0, "moe-26": 0, "moe-01": 0}
        stored = store.findings(1)
        trend = [dict(r) for r in store.trend()]  # v12: each audit's open gaps beside it, from its summary
        assert store.users() == [] and store.latest_responses() == {}  # v12: the workspace's tables
    assert stored["summary"]["open_gaps"] == 1 and stored["summary"]["to_check"] == 1
    assert trend == [{"id": 1, "as_of": "2024-11-19", "status": "complete", "open_gaps": stored["open_gaps"]}]
    assert stored["summary"]["set_aside"] == 1
    by_id = {it["id"]: it for it in stored["items"]}
    assert by_id["moe-20"]["open"] is False and by_id["moe-26"]["to_check"] is True
    assert by_id["moe-16"]["due_date"] is None  # what the old audit never knew stays unknown


def test_a_version_6_store_forgets_what_it_could_not_read_and_keeps_what_it_read(tmp_path):
    """Migration 7: documents say why they were not read as a key and a detail; an old sentence is not
    a key, so those rows go (read again, under the limits), and texts stay."""
    path = tmp_path / "auditor.sqlite"
    with Store(path):
        pass
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE documents DROP COLUMN detail")
    db.executemany(
        "INSERT INTO documents(sha256, format, text, pages, scanned, error) VALUES (?,?,?,?,?,?)",
        [
            ("a" * 64, "pdf", "2022年部门预算", 1, 0, None),
            ("b" * 64, "docx", None, None, 0, "unreadable (KeyError)"),
        ],
    )
    from auditor.store.schema import _v7_document_limits

    _v7_document_limits(db)  # the step alone: later steps forget documents for reasons of their own (v10)
    assert db.execute("SELECT sha256, text FROM documents").fetchall() == [("a" * 64, "2022年部门预算")]
    db.execute("PRAGMA user_version = 7")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        store.put_document("c" * 64, {"format": "docx", "error": "zip_bytes", "detail": "2048 MB > 256 MB"})
        assert store.document("c" * 64)["detail"] == "2048 MB > 256 MB"


def test_a_version_9_store_reads_its_documents_again_to_check_them_for_personal_data(tmp_path):
    """Migration 10: a document read before personal data was looked for is read again (forgotten); a page
    row gains its column, empty until it is fetched again (the extraction version says so)."""
    path = tmp_path / "auditor.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("DROP TABLE documents")  # as release 9 made it
    db.execute(
        "CREATE TABLE documents (sha256 TEXT PRIMARY KEY, format TEXT, text TEXT, pages INTEGER, scanned INTEGER,"
        " error TEXT, detail TEXT)"
    )
    db.execute(
        "INSERT INTO documents(sha256, format, text) VALUES (?, 'pdf', '身份证号 320106199003070418')",
        ("a" * 64,),
    )
    db.execute("ALTER TABLE pages DROP COLUMN privacy")
    db.execute("PRAGMA user_version = 9")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.document("a" * 64) is None
        store.put_document(
            "b" * 64, {"format": "pdf", "text": "x", "privacy": [{"kind": "phone", "count": 1}]}
        )
        assert store.document("b" * 64)["privacy"] == [{"kind": "phone", "count": 1}]
        assert "privacy" in {r[1] for r in store.db.execute("PRAGMA table_info(pages)")}


def test_an_old_store_is_read_as_what_it_was(tmp_path):
    old_store(tmp_path / "auditor.sqlite")
    config = site_yaml(tmp_path)
    cfg = load_config(config)
    with Store(cfg.store) as store:
        items = {it.id: it for it in run_audit(store, cfg, for_site(cfg), date(2024, 11, 20)).items}
    # its shape was never measured: not judged an empty column
    assert items["moe-16"].status == "ok" and not items["moe-16"].evidence[0].empty
    # the 目录 link resolved (to a home page: not evidence either)
    assert items["moe-20"].status != "inconclusive"


def test_a_store_from_a_newer_release_is_refused_not_misread(tmp_path):
    path = tmp_path / "auditor.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(InputError, match="更新版本的 auditor"):
        Store(path)
    config = site_yaml(tmp_path)
    proc = run_auditor("audit", "--config", str(config))
    assert proc.returncode == 2 and "更新版本的 auditor" in proc.stderr and "Traceback" not in proc.stderr


def test_redirect_chains_that_reach_nothing_are_settled_as_pages_that_could_not_be_had(tmp_path):
    """Scrapy drops a redirect back to a URL it has seen (a loop) and an off-site hop without telling the
    spider: the store turns each such linked chain into a record of why, so its evidence is 'cannot verify'."""
    x = "http://x.test"
    with Store(tmp_path / "s.sqlite") as store:
        run = store.start_run("x", "x", "x", "x", [])
        links = [
            {"url": f"{x}/{p}", "text": p, "context": "", "is_attachment": False}
            for p in ("loop", "away", "moved", "gone")
        ]
        store.write_batch(run, [{"kind": "page", "url": f"{x}/", "status": 200, "links": links}])
        store.write_batch(run, [{"kind": "page", "url": f"{x}/new", "status": 200}])
        store.write_hops(
            run,
            [
                (f"{x}/loop", f"{x}/login?service=/loop"),  # a CAS login that sends it back
                (f"{x}/login?service=/loop", f"{x}/loop"),
                (f"{x}/away", "http://mirror.example/a.pdf"),  # Scrapy never asks off-site
                (f"{x}/moved", f"{x}/new"),  # reaches a stored page: nothing to settle
                (f"{x}/gone", f"{x}/nowhere"),  # on-site, but never answered
            ],
        )
        assert store.settle_redirects(run) == {
            "redirect_loop": 1,
            "redirect_offsite": 1,
            "redirect_unreached": 1,
        }
        rows = {
            r["url"]: (r["status"], r["error"], json.loads(r["redirects"]))
            for r in store.db.execute(
                "SELECT url, status, error, redirects FROM pages WHERE error IS NOT NULL"
            )
        }
    assert rows == {
        f"{x}/loop": (None, "redirect_loop", [f"{x}/loop", f"{x}/login?service=/loop"]),
        f"{x}/away": (None, "redirect_offsite", [f"{x}/away", "http://mirror.example/a.pdf"]),
        f"{x}/gone": (None, "redirect_unreached", [f"{x}/gone", f"{x}/nowhere"]),
    }


def test_a_bug_in_sql_is_a_bug_and_only_a_refused_write_is_a_fault(tmp_path):
    """'no such column' inside a transaction surfaces as the bug it is (exit 4), never as "could not be
    written … free space" (exit 3); a full disk, an I/O error or a lock held too long is a fault."""
    from auditor.errors import StoreWriteError
    from auditor.store import _fault

    with Store(tmp_path / "s.sqlite") as store:
        with pytest.raises(sqlite3.OperationalError, match="no such column"), store.transaction() as db:
            db.execute("SELECT no_such_column FROM runs")
        with pytest.raises(StoreWriteError), store.transaction():
            raise sqlite3.OperationalError("database or disk is full")
    assert _fault(sqlite3.OperationalError("disk I/O error")) and _fault(
        OSError(28, "No space left on device")
    )
    assert not _fault(sqlite3.OperationalError("no such table: pages")) and not _fault(KeyError("x"))


def test_a_version_8_store_keeps_reading_its_links_after_they_are_stored_once_per_version(tmp_path):
    """Migration 9: every page row names the run its links are under (its own, in a store where each run
    held a copy), and links are indexed by destination; what the old store linked is read as before."""
    path = tmp_path / "auditor.sqlite"
    with Store(path) as store:
        run = store.start_run("示例大学", "site.yaml", "fp", "0.1", ["http://x.test/"])
        store.write_batch(
            run,
            [{"kind": "page", "url": "http://x.test/a.htm", "status": 200,
              "links": [{"url": "http://x.test/b.htm", "text": "预算", "context": "body", "is_attachment": False}]}],
        )  # fmt: skip
    db = sqlite3.connect(path)
    db.execute("DROP INDEX links_to")
    db.execute("DROP INDEX archive_sha256")
    db.execute("CREATE INDEX links_dst ON links(run_id, dst)")
    db.execute("ALTER TABLE pages DROP COLUMN links_run")
    db.execute("PRAGMA user_version = 8")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [tuple(r) for r in store.db.execute("SELECT links_run FROM pages")] == [(run,)]
        indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"links_to", "archive_sha256"} <= indexes and "links_dst" not in indexes
        assert store.links_from(run, "http://x.test/a.htm") == [("http://x.test/b.htm", "预算", False)]
        assert store.inbound(run, "http://x.test/b.htm") == ("http://x.test/a.htm", "预算")


def test_a_release_11_store_keeps_its_review_events_and_takes_the_workspaces(tmp_path):
    """Migration 12 rebuilds review_events without its UNIQUE clause (every row and id kept): filed decisions stay
    unique, the workspace's are events each time; each audit gets its open gaps beside it."""
    path = tmp_path / "auditor.sqlite"
    with Store(path):
        pass
    db = sqlite3.connect(path)
    db.executescript(
        "DROP TABLE review_events; DROP INDEX IF EXISTS audit_items_item; ALTER TABLE audits DROP COLUMN open_gaps;"
        "CREATE TABLE review_events (id INTEGER PRIMARY KEY, item TEXT NOT NULL, decision TEXT NOT NULL,"
        " reviewer TEXT NOT NULL, reason TEXT NOT NULL, date TEXT NOT NULL, due TEXT NOT NULL DEFAULT '',"
        " status TEXT NOT NULL DEFAULT '', fingerprint TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL,"
        " source TEXT NOT NULL, UNIQUE (item, decision, reviewer, reason, date, due, status, fingerprint));"
        "INSERT INTO review_events VALUES (7, 'moe-20', 'exempted', '李四', '不适用', '2024-11-19', '', '', '',"
        " '2024-11-19T03:00:00Z', 'reviews.yaml');"
        "PRAGMA user_version = 11;"
    )
    db.close()
    event = {
        "item": "moe-20",
        "decision": "exempted",
        "reviewer": "李四",
        "reason": "不适用",
        "date": "2024-11-19",
    }
    with Store(path) as store:
        assert [(e["id"], e["source"]) for e in store.review_events()] == [(7, "reviews.yaml")]
        assert store.record_reviews([event], "reviews.yaml") == 0  # the file's entry, kept once
        assert store.record_reviews([event], "web") == store.record_reviews([event], "web") == 1
        assert "open_gaps" in {r[1] for r in store.db.execute("PRAGMA table_info(audits)")}
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
