"""Each part of the store on a fresh database, sqlite-utils style: schema and migrations, the connection (open,
recover, transactions), runs, crawl writes, page queries, audits, evidence, the revisit rotation and retention,
review events. What a whole crawl proves about them is in test_crawl, test_revisit and test_store; these are the
small cases, one part at a time."""

from __future__ import annotations

import ast
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from auditor.extract import EXTRACTION_VERSION
from auditor.store import MIGRATIONS, SCHEMA_VERSION, BatchWriter, Store
from auditor.store import connection as store_connection
from auditor.store import schema as store_schema

X = "http://x.test"


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "auditor.sqlite") as s:
        yield s


def new_run(store: Store) -> int:
    return store.start_run("示例大学", "site.yaml", "fp", "0.1", [f"{X}/"])


def link(url: str, text: str = "", context: str = "body", attachment: bool = False) -> dict[str, Any]:
    return {"url": url, "text": text, "context": context, "is_attachment": attachment}


def page(path: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "page", "url": f"{X}/{path}", "status": 200, **fields}


def columns(db: sqlite3.Connection) -> dict[str, list[tuple]]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {t: [tuple(r) for r in db.execute(f"PRAGMA table_info({t})")] for t in tables}


# --- schema: tables and versioned migrations ------------------------------------------------------------


def test_schema_a_fresh_store_is_the_latest_version_and_already_has_what_every_migration_adds(tmp_path):
    """Migrations are numbered 1..N with no gap; a fresh store is created at N, and running every step on it
    again adds nothing: each column a migration adds is in the DDL too (else fresh and upgraded stores differ)."""
    assert [n for n, _ in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    with Store(tmp_path / "s.sqlite") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        before = columns(store.db)
        with store.transaction() as db:
            for _, step in MIGRATIONS:
                step(db)
        assert columns(store.db) == before
    assert {"runs", "pages", "redirects", "links", "attachments", "entries", "directory", "audits", "bodies",
            "documents", "archive", "audit_items", "review_events"} <= set(before)  # fmt: skip


def test_schema_migrations_import_the_standard_library_only():
    """No domain logic in a migration: what an upgrade computes is fixed when it is written."""
    tree = ast.parse(Path(store_schema.__file__).read_text("utf-8"))
    imported = {
        ((n.module or "") if isinstance(n, ast.ImportFrom) else a.name).split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    assert imported and imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_schema_a_version_5_store_gains_the_rotation_columns_and_its_old_rows_are_due(tmp_path):
    """Migration 6: pages and files of an older release know neither which run asked for them nor which
    extraction parsed them, so the rotation asks for them again (nothing is kept on trust)."""
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        run = new_run(store)
        store.write_batch(
            run,
            [
                page("a.htm", etag='"1"', extraction=EXTRACTION_VERSION),
                {"kind": "attachment", "url": f"{X}/f.pdf", "status": 200},
            ],
        )
        assert store.validators(run) == {f"{X}/a.htm": ('"1"', None)}
    db = sqlite3.connect(path)
    for table, column in (
        ("pages", "extraction"),
        ("pages", "requested_run"),
        ("attachments", "requested_run"),
    ):
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    db.execute("PRAGMA user_version = 5")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.revisit_info(run) == {
            f"{X}/a.htm": (False, None, False),
            f"{X}/f.pdf": (False, None, True),
        }
        assert store.validators(run) == {}  # parsed by an unknown extraction: fetched again, not validated


def test_schema_each_migration_step_is_its_own_transaction(tmp_path, monkeypatch):
    """A step that fails leaves the store at the last step that succeeded, with nothing of the failed one."""
    path = tmp_path / "s.sqlite"
    Store(path).close()

    def broken(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE runs ADD COLUMN half_done TEXT")
        raise RuntimeError("step failed")

    def working(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE runs ADD COLUMN done TEXT")

    monkeypatch.setattr(store_connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(store_connection, "MIGRATIONS", [*MIGRATIONS, (SCHEMA_VERSION + 1, broken)])
    with pytest.raises(RuntimeError, match="step failed"):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "half_done" not in {r[1] for r in db.execute("PRAGMA table_info(runs)")}
    db.close()
    monkeypatch.setattr(store_connection, "MIGRATIONS", [*MIGRATIONS, (SCHEMA_VERSION + 1, working)])
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert "done" in {r[1] for r in store.db.execute("PRAGMA table_info(runs)")}


# --- connection: open, recover, transactions -------------------------------------------------------------


def test_connection_a_run_whose_process_is_gone_is_interrupted_on_the_next_open(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        alive, dead = new_run(store), new_run(store)
        gone = subprocess.Popen(["true"])
        gone.wait()
        store.db.execute("UPDATE runs SET pid=? WHERE id=?", (gone.pid, dead))
    with Store(path) as store:
        assert store.run(alive).status == "running"  # this process: still crawling
        assert store.run(dead).status == "interrupted"
        assert store.run(dead).stop_reason == "process ended before the crawl finished"
        assert store.recover() == []  # nothing left to mark


def test_connection_a_batch_that_fails_half_way_leaves_nothing_of_itself(store):
    run = new_run(store)
    store.write_batch(run, [page("a.htm")])
    with pytest.raises(KeyError):
        store.write_batch(run, [page("b.htm"), {"url": f"{X}/c.htm"}])  # no kind: a bug half-way through
    assert [r["url"] for r in store.pages(run)] == [f"{X}/a.htm"]


# --- runs ------------------------------------------------------------------------------------------------


def test_runs_start_finish_and_the_latest_complete_one(store):
    first, second = new_run(store), new_run(store)
    assert store.run(first).status == "running" and store.latest_run() is None
    store.finish_run(first, "complete", "finished", {"counts": {"pages": 1}, "note": "一切正常"})
    store.finish_run(second, "partial", "pagecount", {})
    done = store.run(first)
    assert (done.status, done.stop_reason, done.stats) == (
        "complete",
        "finished",
        {"counts": {"pages": 1}, "note": "一切正常"},
    )
    assert done.finished_at and done.school == "示例大学" and done.config_fingerprint == "fp"
    assert store.latest_run().id == first and store.latest_run(status=None).id == second
    assert [r.id for r in store.runs()] == [first, second] and store.run(99) is None
    with pytest.raises(AssertionError):
        store.finish_run(second, "running", "", {})


def test_runs_finishing_marks_copies_of_an_article_and_links_that_were_files(store):
    run = new_run(store)
    text = "学校2022年部门预算公开说明，包括收入预算表、支出预算表和财政拨款支出预算表等内容。"
    store.write_batch(
        run,
        [
            page("news/1.htm", text_hash="h", excerpt=text, links=[link(f"{X}/get?id=7")]),
            page("a.htm", text_hash="h", excerpt=text),
            page("short/1.htm", text_hash="s", excerpt="太短"),
            page("short/2.htm", text_hash="s", excerpt="太短"),
            {"kind": "attachment", "url": f"{X}/get?id=7", "status": 200, "filename": "预算.pdf"},
        ],
    )
    store.finish_run(run, "complete", "finished", {})
    dup = {r["url"]: r["duplicate_of"] for r in store.pages(run)}
    assert dup == {
        f"{X}/a.htm": None,
        f"{X}/news/1.htm": f"{X}/a.htm",
        f"{X}/short/1.htm": None,
        f"{X}/short/2.htm": None,
    }
    assert store.links_from(run, f"{X}/news/1.htm") == [(f"{X}/get?id=7", "", True)]
    assert store.page_urls(run) == [f"{X}/a.htm", f"{X}/short/1.htm", f"{X}/short/2.htm"]


# --- crawl writes ----------------------------------------------------------------------------------------


def test_crawl_a_page_is_written_with_its_links_entries_directory_rows_and_body_once(store):
    run = new_run(store)
    body = "<html>预算</html>".encode()
    store.write_batch(
        run,
        [
            page(
                "list.htm",
                body=body,
                capped=True,
                breadcrumb=["信息公开", "财务"],
                headers={"Content-Type": "text/html"},
                links=[link(f"{X}/a.htm", "预算")],
                entries=[{"title": "2022年预算", "url": f"{X}/a.htm", "date": "2022-04-01"}],
                directory=[
                    {
                        "number": "1",
                        "category": "财务",
                        "label": "预算",
                        "department": "财务处",
                        "links": [{"url": f"{X}/a.htm", "text": "预算"}],
                    },
                    {"number": "2", "category": "财务", "label": "决算", "department": "财务处", "links": []},
                ],
            ),  # fmt: skip
            page("copy.htm", body=body),
        ],
    )
    row = store.db.execute("SELECT * FROM pages WHERE run_id=? AND url=?", (run, f"{X}/list.htm")).fetchone()
    assert (
        json.loads(row["breadcrumb"]) == ["信息公开", "财务"]
        and row["requested_run"] == run
        and row["fetched_at"]
    )
    assert json.loads(row["redirects"]) == [] and row["period"] is None  # JSON fields when absent
    assert store.body(row["body_sha256"]) == (body, True)
    assert store.db.execute("SELECT count(*) FROM bodies").fetchone()[0] == 1  # one payload, stored once
    assert store.count("links", run) == 1 and store.count("entries", run) == 1
    assert [tuple(r) for r in store.directory_rows(run)] == [
        (f"{X}/list.htm", "预算", "财务处", f"{X}/a.htm", "预算"),
        (f"{X}/list.htm", "决算", "财务处", None, None),  # a row without a link is still a row
    ]


def test_crawl_a_304_copies_last_nights_record_and_a_kept_page_keeps_when_it_was_fetched(store):
    one = new_run(store)
    store.write_batch(
        one,
        [
            page("a.htm", title="预算", depth=1, fetched_at="2022-01-01T02:00:00+08:00", links=[link(f"{X}/b.htm", "b")],
                 entries=[{"title": "b", "url": f"{X}/b.htm", "date": None}], redirects=[f"{X}/old-a.htm"]),
            page("b.htm", title="决算", fetched_at="2022-01-01T02:00:00+08:00"),
            {"kind": "attachment", "url": f"{X}/f.pdf", "status": 200, "filename": "f.pdf"},
        ],
    )  # fmt: skip
    two = new_run(store)
    store.write_batch(
        two,
        [
            {
                "kind": "unchanged",
                "from_run": one,
                "url": f"{X}/a.htm",
                "depth": 2,
                "redirects": [f"{X}/old-a.htm"],
            },
            {"kind": "kept", "from_run": one, "url": f"{X}/b.htm"},
            {"kind": "kept_attachment", "from_run": one, "url": f"{X}/f.pdf"},
        ],
    )
    rows = {r["url"]: r for r in store.pages(two)}
    a, b = rows[f"{X}/a.htm"], rows[f"{X}/b.htm"]
    assert (a["title"], a["unchanged_since"], a["depth"], a["requested_run"]) == ("预算", one, 2, two)
    assert a["fetched_at"] != "2022-01-01T02:00:00+08:00"  # asked tonight
    assert (b["title"], b["unchanged_since"], b["requested_run"], b["fetched_at"]) == (
        "决算", one, one, "2022-01-01T02:00:00+08:00")  # fmt: skip
    assert store.links_from(two, f"{X}/a.htm") == [(f"{X}/b.htm", "b", False)]
    assert store.listed_on(two, [f"{X}/b.htm"]) == {f"{X}/b.htm": 1}
    assert store.resolve(two, [f"{X}/old-a.htm"])[f"{X}/old-a.htm"]["url"] == f"{X}/a.htm"
    assert store.attachments(two)[0]["requested_run"] == one
    assert store.kept(two) == 2  # the kept page and the kept file, not the 304


def test_crawl_a_file_is_stored_under_the_url_linked_and_hops_are_kept_once(store):
    run = new_run(store)
    store.write_batch(
        run,
        [{"kind": "attachment", "url": f"{X}/get?id=1", "final_url": f"{X}/files/预算.pdf", "status": 200,
          "filename": "预算.pdf"}],
    )  # fmt: skip
    store.write_hops(run, [(f"{X}/p", f"{X}/q"), (f"{X}/p", f"{X}/q"), (f"{X}/same", f"{X}/same")])
    hops = store.db.execute("SELECT src, dst FROM redirects WHERE run_id=? ORDER BY rowid", (run,)).fetchall()
    assert [tuple(h) for h in hops] == [(f"{X}/files/预算.pdf", f"{X}/get?id=1"), (f"{X}/p", f"{X}/q")]
    found = store.resolve(run, [f"{X}/files/预算.pdf"])[f"{X}/files/预算.pdf"]
    assert (found["url"], found["kind"], found["title"]) == (f"{X}/get?id=1", "file", "预算.pdf")
    assert store.files(run, [f"{X}/get?id=1", f"{X}/nothing"]).keys() == {f"{X}/get?id=1"}


def test_crawl_the_batch_writer_commits_every_size_items_and_on_flush(store):
    run = new_run(store)
    writer = BatchWriter(store, run, size=2, seconds=3600)
    for n in range(3):
        writer.add(page(f"{n}.htm"))
    assert writer.written == 2 and store.count("pages", run) == 2
    writer.flush()
    assert writer.written == 3 and store.count("pages", run) == 3 and writer.buffer == []


# --- page queries ----------------------------------------------------------------------------------------


def test_pages_inbound_list_rows_and_own_links(store):
    run = new_run(store)
    store.write_batch(
        run,
        [
            page("", links=[link(f"{X}/nav.htm", "导航", context="script"), link(f"{X}/old-c.htm", "丙")]),
            page("col.htm", listing=1, links=[link(f"{X}/a.htm", "甲"), link(f"{X}/b.htm", "乙"), link(f"{X}/nav.htm", "导航"),
                                               link(f"{X}/index.htm"), link(f"{X}/other-col.htm")],
                 entries=[{"title": "乙", "url": f"{X}/old-b.htm", "date": "2022-03-01"},
                          {"title": "丙", "url": f"{X}/c.htm", "date": None},
                          {"title": "甲", "url": f"{X}/a.htm", "date": "2022-05-01"}]),
            page("a.htm"), page("b.htm", redirects=[f"{X}/old-b.htm"]), page("c.htm", redirects=[f"{X}/old-c.htm"]),
            page("index.htm"), page("other-col.htm", listing=1), page("nav.htm"),
            *(page(f"p{n}.htm", links=[link(f"{X}/a.htm", "菜单")]) for n in range(3)),
        ],
    )  # fmt: skip
    assert store.inbound(run, f"{X}/c.htm") == (f"{X}/", "丙")  # a link to where it redirected from
    assert store.inbound(run, f"{X}/nav.htm") == (
        f"{X}/col.htm",
        "导航",
    )  # a link in the text before a script's
    assert store.inbound(run, f"{X}/nowhere.htm") is None
    rows = [(r["title"], r["target"]) for r in store.list_rows(run, [f"{X}/col.htm"])]
    assert rows == [
        ("甲", f"{X}/a.htm"),
        ("乙", f"{X}/b.htm"),
        ("丙", f"{X}/c.htm"),
    ]  # newest first, undated last
    # a.htm is linked from 4 pages (a menu), nav.htm from 2; index.htm is a home page, other-col.htm a list page
    own = {furniture: sorted(store.own_links(run, f"{X}/col.htm", furniture)) for furniture in (5, 4, 2)}
    assert own == {
        5: [f"{X}/a.htm", f"{X}/b.htm", f"{X}/nav.htm"],
        4: [f"{X}/b.htm", f"{X}/nav.htm"],
        2: [f"{X}/b.htm"],
    }
    signals = store.signal_rows(run, [f"{X}/col.htm", f"{X}/a.htm"])
    assert {r["page"]: (r["dated"], r["rows"]) for r in signals["lists"]} == {f"{X}/col.htm": (2, 3)}
    assert {(r["dst"], r["text"]) for r in signals["anchors_to"]} == {
        (f"{X}/a.htm", "甲"),
        (f"{X}/a.htm", "菜单"),
    }


def test_pages_published_pages_and_host_titles_read_the_newest_record(store):
    one = new_run(store)
    store.write_batch(one, [page("a.htm", title="旧标题", published="2022-04-01")])
    two = new_run(store)
    store.write_batch(
        two,
        [
            page("", html_title="示例大学", depth=0),
            page("deep.htm", html_title="某页面 - 示例大学", depth=3),
            page("a.htm", title="2022年预算", published="2022-04-01",
                 links=[link(f"{X}/1.pdf", attachment=True), link(f"{X}/1.pdf", attachment=True), link(f"{X}/2.xls", attachment=True)]),
            page("col.htm", listing=1, published="2022-04-02"),
            page("late.htm", published="2023-01-01"),
        ],
    )  # fmt: skip
    rows = [
        (r["url"], r["title"], r["run_id"], r["files"])
        for r in store.published_pages("2022-01-01", "2022-12-31")
    ]
    assert rows == [
        (f"{X}/a.htm", "2022年预算", two, 2)
    ]  # the newest record, not a list page, not out of range
    assert store.host_titles() == {"x.test": "示例大学"}
    assert store.stored_runs() == (one, two, 2)


# --- audits ----------------------------------------------------------------------------------------------


def summary(run: int, as_of: str, status: str = "complete") -> dict[str, Any]:
    return {
        "school": "示例大学",
        "run": {"id": run, "as_of": as_of, "tool_version": "0.1", "config_fingerprint": "fp"},
        "audit": {"status": status, "reason": ""},
        "counts": {"missing": 1},
    }


def item(item_id: str, status: str, evidence: list[dict[str, Any]] = ()) -> tuple[str, str, str, bool, dict]:
    result = {"id": item_id, "status": status, "category": "财务", "owner": "财务处", "to_check": False,
              "review": {"decision": "acknowledged", "due": "2022-12-01"}, "evidence": list(evidence)}  # fmt: skip
    return item_id, status, f"fp-{status}", status == "missing", result


def test_recent_states_are_each_items_newest_night_and_current_episode_only(store):
    """What a new audit's history reads: not a year of nights, but each item's newest row and the rows of the
    episode still open (an unverifiable night passed over, as history passes over it)."""
    run = new_run(store)
    nights = [("2022-11-01", "missing", "ok"), ("2022-11-02", "ok", "ok"), ("2022-11-03", "missing", "ok"),
              ("2022-11-04", "inconclusive", "ok"), ("2022-11-05", "missing", "missing")]  # fmt: skip
    for day, a, b in nights:
        store.save_audit(summary(run, day), [item("moe-16", a), item("moe-01", b)])
    got = [(r["item_id"], r["as_of"], r["status"]) for r in store.recent_states()]
    assert got == [
        ("moe-16", "2022-11-03", "missing"),  # the episode since the 11-02 night it was published
        ("moe-16", "2022-11-05", "missing"),
        ("moe-01", "2022-11-05", "missing"),
    ]
    assert all(r["owner"] == "财务处" for r in store.recent_states())  # with the facts history reads


def test_audits_are_kept_and_read_back_as_the_findings_they_were(store):
    run = new_run(store)
    first = store.save_audit(summary(run, "2022-11-15"), [item("moe-16", "missing"), item("moe-01", "ok")])
    inconclusive = store.save_audit(summary(run, "2022-11-16", "inconclusive"), [item("moe-16", "missing")])
    second = store.save_audit(summary(run, "2022-11-17"), [item("moe-16", "ok")])
    stored = store.findings(first)
    assert stored["audit"]["id"] == first and [i["id"] for i in stored["items"]] == ["moe-16", "moe-01"]
    assert stored["counts"] == {"missing": 1} and store.findings(999) is None
    assert {k: r["open"] for k, r in store.audit_items(first).items()} == {"moe-16": 1, "moe-01": 0}
    assert [a["id"] for a in store.audits("complete")] == [first, second]
    assert [a["id"] for a in store.audits()] == [first, inconclusive, second]
    assert [(h["audit_id"], h["status"]) for h in store.item_history("moe-16")] == [
        (first, "missing"), (inconclusive, "missing"), (second, "ok")]  # fmt: skip
    states = [(s["audit_id"], s["item_id"], s["owner"], s["review_due"]) for s in store.item_states()]
    assert states == [(first, "moe-16", "财务处", "2022-12-01"), (first, "moe-01", "财务处", "2022-12-01"),
                      (second, "moe-16", "财务处", "2022-12-01")]  # complete audits only  # fmt: skip


def test_audits_item_documents_are_each_url_once_under_the_newest_audits_item(store):
    run = new_run(store)
    doc = {"url": f"{X}/a.htm", "published": "2022-04-01", "usable": True, "kind": "document"}
    other = {"url": f"{X}/b.htm", "published": "2022-05-01", "usable": False, "kind": "document"}
    news = {"url": f"{X}/c.htm", "published": "2022-05-01", "usable": True, "kind": "about"}
    store.save_audit(summary(run, "2022-11-15"), [item("moe-19", "ok", [doc, other, news])])
    store.save_audit(summary(run, "2022-11-20"), [item("moe-20", "ok", [doc])])
    store.save_audit(summary(run, "2022-12-20"), [item("moe-21", "ok", [doc])])  # after `until`
    rows = [tuple(r) for r in store.item_documents("2022-01-01", "2022-12-31", "2022-11-30")]
    assert rows == [(f"{X}/a.htm", "2022-04-01", "moe-20", "财务", "财务处")]
    assert store.item_documents("2023-01-01", "2023-12-31", "2022-11-30") == []


# --- evidence: bodies, documents, the archive index ------------------------------------------------------


def test_evidence_documents_responses_and_the_archive_index(store):
    run = new_run(store)
    store.write_batch(
        run,
        [
            page("a.htm", body=b"<html/>", headers={"Content-Type": "text/html"}),
            {
                "kind": "attachment",
                "url": f"{X}/f.pdf",
                "status": 200,
                "body": b"%PDF",
                "headers": {"X": "1"},
            },
        ],
    )
    got = store.responses(run, [f"{X}/a.htm", f"{X}/f.pdf", f"{X}/none"])
    assert got.keys() == {f"{X}/a.htm", f"{X}/f.pdf"}
    assert got[f"{X}/a.htm"]["headers"] == {"Content-Type": "text/html"} and got[f"{X}/f.pdf"]["headers"] == {
        "X": "1"
    }
    sha = got[f"{X}/f.pdf"]["body_sha256"]
    assert store.body(sha) == (b"%PDF", False) and store.body("0" * 64) is None
    store.put_document(sha, {"format": "pdf", "text": "预算", "pages": 1, "scanned": False})
    assert (store.document(sha)["text"], store.document(sha)["scanned"]) == ("预算", 0)
    record = {"record": "response", "warc": "night-1.warc.gz", "offset": 0, "length": 10, "archived_at": "t"}
    store.record_archive(run, [{**record, "url": f"{X}/f.pdf", "sha256": sha},
                               {**record, "url": f"{X}/a.htm", "sha256": "b" * 64, "record": "revisit",
                                "warc": "night-2.warc.gz", "refers_to": "night-0.warc.gz"}])  # fmt: skip
    store.set_screenshot(run, f"{X}/f.pdf", "archive/shots/x.png")
    assert [(r["url"], r["screenshot"]) for r in store.archived(run)] == [
        (f"{X}/a.htm", None), (f"{X}/f.pdf", "archive/shots/x.png")]  # fmt: skip
    assert [r["url"] for r in store.archived(sha256=sha)] == [f"{X}/f.pdf"]
    assert [r["url"] for r in store.archived(sha256="b" * 64)] == []  # a revisit holds no payload
    assert store.archive_files() == {"night-0.warc.gz", "night-1.warc.gz", "night-2.warc.gz"}


# --- rotation: revisits, validators, retention -----------------------------------------------------------


def test_rotation_validators_and_what_the_rotation_decides_on(store):
    one = new_run(store)
    store.write_batch(
        one,
        [
            page("a.htm", etag='"1"', extraction=EXTRACTION_VERSION),
            page("b.htm", last_modified="Mon, 01 Aug 2022 00:00:00 GMT", extraction=EXTRACTION_VERSION - 1),
            page("c.htm", status=404, etag='"3"', extraction=EXTRACTION_VERSION),
            page(
                "col.htm",
                extraction=EXTRACTION_VERSION,
                entries=[{"title": "a", "url": f"{X}/a.htm", "date": None}],
            ),
            {"kind": "attachment", "url": f"{X}/f.pdf", "status": 200},
        ],
    )
    store.write_hops(one, [(f"{X}/moved.htm", f"{X}/a.htm")])
    assert store.validators(one) == {f"{X}/a.htm": ('"1"', None)}  # not another extraction's, not a 404
    assert store.revisit_info(one) == {
        f"{X}/a.htm": (False, one, True),
        f"{X}/b.htm": (False, one, False),  # parsed by another extraction
        f"{X}/c.htm": (False, one, False),
        f"{X}/col.htm": (True, one, True),  # holds list entries: a list page
        f"{X}/f.pdf": (False, one, True),
        f"{X}/moved.htm": (False, None, False),  # redirects: always asked
    }
    assert store.previous_crawl(one + 1) == one and store.previous_crawl(one) is None


def test_rotation_kept_overdue_and_vanished(store):
    runs = [new_run(store) for _ in range(9)]
    store.write_batch(runs[0], [page("a.htm"), page("b.htm"), page("gone.htm")])
    last = runs[-1]
    store.write_batch(last, [{"kind": "kept", "from_run": runs[0], "url": f"{X}/a.htm"}, page("b.htm")])
    assert store.kept(last) == 1
    assert store.overdue(last, 8) == 1 and store.overdue(last, 9) == 0
    assert store.vanished(runs[0], last) == [f"{X}/gone.htm"]


def test_rotation_prune_drops_old_pages_keeps_runs_audits_and_what_a_kept_revisit_needs(store):
    one, two, three = new_run(store), new_run(store), new_run(store)
    shared = b"same payload every night"
    for run in (one, two, three):
        store.write_batch(run, [page("a.htm", body=shared, links=[link(f"{X}/b.htm")])])
    store.write_batch(one, [page("old.htm", body=b"only night one")])
    record = {"record": "response", "offset": 0, "length": 1, "archived_at": "t", "sha256": None}
    store.record_archive(one, [{**record, "url": f"{X}/a.htm", "warc": "n1.warc.gz"},
                               {**record, "url": f"{X}/x.htm", "warc": "n1-other.warc.gz"}])  # fmt: skip
    store.record_archive(three, [{**record, "url": f"{X}/a.htm", "record": "revisit", "warc": "n3.warc.gz",
                                  "refers_to": "n1.warc.gz"}])  # fmt: skip
    audit = store.save_audit(summary(one, "2022-11-15"), [item("moe-16", "missing")])
    pruned = store.prune(2)
    assert pruned.runs == [one] and pruned.rows == {"pages": 2, "links": 1, "archive": 1, "bodies": 1}
    assert (
        store.count("pages", one) == 0 and store.count("links", one) == 0 and store.count("pages", two) == 1
    )
    assert [r.id for r in store.runs()] == [one, two, three] and store.findings(audit) is not None
    assert store.archive_files() == {"n1.warc.gz", "n3.warc.gz"}  # n1-other.warc.gz is no longer needed
    assert store.db.execute("SELECT count(*) FROM bodies").fetchone()[0] == 1  # night one's own body went
    assert store.stored_runs() == (two, three, 2)
    assert not store.prune(2)  # nothing more to drop
    # the revisit that needed night one's WARC goes with night three's pages: that WARC is needed no more,
    # though night one had no pages left to drop by then
    four, five = new_run(store), new_run(store)
    store.write_batch(four, [page("a.htm", body=shared)])
    store.write_batch(five, [page("a.htm", body=shared)])
    assert store.prune(2).runs == [two, three]
    assert store.archive_files() == set()


def test_links_are_stored_once_per_page_version_and_read_through_the_copies(store):
    """A 304 or a kept page points at the run that parsed it (links_run) instead of copying its links: the
    run reads them all the same — out of the page, into a URL, as files — and a page parsed anew has its own."""
    one, two, three = new_run(store), new_run(store), new_run(store)
    links = [link(f"{X}/b.htm", "预算公开"), link(f"{X}/f.pdf", "决算表", attachment=True)]
    store.write_batch(one, [page("a.htm", links=links), page("b.htm"), {"kind": "attachment", "url": f"{X}/f.pdf",
                                                                        "status": 200}])  # fmt: skip
    store.write_batch(two, [{"kind": "unchanged", "from_run": one, "url": f"{X}/a.htm"},
                            {"kind": "kept", "from_run": one, "url": f"{X}/b.htm"},
                            {"kind": "kept_attachment", "from_run": one, "url": f"{X}/f.pdf"}])  # fmt: skip
    assert store.db.execute("SELECT count(*) FROM links").fetchone()[0] == 2  # not copied into run two
    assert store.count("links", two) == store.count("links", one) == 2
    assert store.links_from(two, f"{X}/a.htm") == [
        (f"{X}/b.htm", "预算公开", False),
        (f"{X}/f.pdf", "决算表", True),
    ]
    assert store.inbound(two, f"{X}/b.htm") == (f"{X}/a.htm", "预算公开")
    rows = store.signal_rows(two, [f"{X}/a.htm", f"{X}/b.htm"])
    assert [tuple(r) for r in rows["anchors_to"]] == [(f"{X}/b.htm", "预算公开")]
    assert [(r["dst"], r["status"]) for r in rows["files_of"]] == [(f"{X}/f.pdf", 200)]
    assert store.own_links(two, f"{X}/a.htm", 5) == [f"{X}/b.htm"]
    # a chunk of one page of the run's three (a small part of a big site) seeks its links instead: the same
    store.write_batch(one, [page("c.htm")])
    store.write_batch(two, [{"kind": "kept", "from_run": one, "url": f"{X}/c.htm"}])
    small = store.signal_rows(two, [f"{X}/b.htm"])
    assert [tuple(r) for r in small["anchors_to"]] == [(f"{X}/b.htm", "预算公开")]
    store.write_batch(three, [page("a.htm", links=[link(f"{X}/c.htm", "新")]), page("b.htm")])
    assert store.links_from(three, f"{X}/a.htm") == [(f"{X}/c.htm", "新", False)]
    assert store.links_from(two, f"{X}/a.htm")[0][0] == f"{X}/b.htm"  # the older night still reads its own
    assert store.inbound(three, f"{X}/b.htm") is None


def test_prune_keeps_an_old_runs_links_while_a_kept_page_is_still_that_version(store):
    one, two, three = new_run(store), new_run(store), new_run(store)
    store.write_batch(
        one, [page("a.htm", links=[link(f"{X}/b.htm", "一")]), page("c.htm", links=[link(f"{X}/d.htm")])]
    )
    for run in (two, three):
        store.write_batch(run, [{"kind": "unchanged", "from_run": run - 1, "url": f"{X}/a.htm"},
                                page("c.htm", links=[link(f"{X}/e.htm")])])  # fmt: skip
    pruned = store.prune(1)
    assert pruned.runs == [one, two] and pruned.rows["links"] == 2  # c.htm's first two versions
    assert store.links_from(three, f"{X}/a.htm") == [(f"{X}/b.htm", "一", False)]  # parsed on night one
    assert store.db.execute("SELECT count(*) FROM links").fetchone()[0] == 2


# --- review events ---------------------------------------------------------------------------------------


def test_reviews_are_kept_once_each_in_the_order_they_were_made(store):
    later = {"item": "moe-16", "decision": "acknowledged", "reviewer": "张三", "reason": "整改中", "date": "2022-11-20",
             "due": "2022-12-31"}  # fmt: skip
    earlier = {
        "item": "moe-20",
        "decision": "false_positive",
        "reviewer": "李四",
        "reason": "已公开",
        "date": "2022-11-01",
    }
    assert store.record_reviews([later, earlier], "reviews.yaml") == 2
    assert (
        store.record_reviews([earlier, {**earlier, "reason": "已在别处公开"}], "cli") == 1
    )  # the same one is not kept twice
    events = [(e["item"], e["reason"], e["due"], e["status"], e["source"]) for e in store.review_events()]
    assert events == [
        ("moe-20", "已公开", "", "", "reviews.yaml"),
        ("moe-20", "已在别处公开", "", "", "cli"),
        ("moe-16", "整改中", "2022-12-31", "", "reviews.yaml"),
    ]
    assert all(e["recorded_at"] for e in store.review_events())


def test_pictures_are_never_links_to_crawl_but_a_gongshis_are_its_files(store):
    """A 公示's inline pictures (links of context "image") are not handed to the crawl as links to follow, and
    are among the files the audit downloads for its personal data (auditor.privacy), with its attachments."""
    run = store.start_run("x", "x", "x", "x", [])
    store.write_batch(
        run,
        [page("zz/1.htm", title="关于2024年国家助学金获得者名单的公示", published="2024-10-18",
              links=[link(f"{X}/zz/2.htm", "下一条"), link(f"{X}/__local/A/1.png", "名单", context="image"),
                     link(f"{X}/zz/list.xlsx", "名单", attachment=True)]),
         page("zz/2.htm", title="学院新闻", links=[link(f"{X}/__local/B/2.png", "", context="image")])],
    )  # fmt: skip
    assert store.links_from(run, f"{X}/zz/1.htm") == [
        (f"{X}/zz/2.htm", "下一条", False),
        (f"{X}/zz/list.xlsx", "名单", True),
    ]
    assert sorted(store.files_of_pages_titled(run, ("公示",), 10)) == [
        f"{X}/__local/A/1.png",
        f"{X}/zz/list.xlsx",
    ]
