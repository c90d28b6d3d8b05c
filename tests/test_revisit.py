"""The revisit rotation (issue 13): every night requests list pages, evidence and new URLs; the other pages
take turns so each is requested at least once every `revisit_days` nights; pages not requested keep their
record, marked with when they were last fetched; a page parsed by another extraction is fetched again."""

from __future__ import annotations

import sqlite3

import yaml

from spiders.college import CollegeSpider
from tests.conftest import crawl_demo


def spider(days: int, known: dict, always=()) -> CollegeSpider:
    s = CollegeSpider(["http://www.x.test/"], ["x.test"], revisit_days=days, always=list(always))
    s.known = known
    return s


def test_rotation_requests_every_page_within_n_nights_and_a_fraction_each_night():
    urls = [f"http://www.x.test/info/{n}.htm" for n in range(2000)]
    last = dict.fromkeys(urls, 10)  # all requested on night 10
    per_night = []
    for night in range(11, 25):
        s = spider(7, {u: (False, last[u], True) for u in urls})
        s.run_id = night
        asked = [u for u in urls if not s.keep(u)]
        for u in asked:
            last[u] = night
        per_night.append(len(asked))
        assert all(night - last[u] < 7 for u in urls)  # nobody waits 7 nights
    assert all(200 <= n <= 400 for n in per_night[1:])  # about 1/7 of them a night (2000 / 7 ≈ 286)


def test_lists_evidence_new_and_reparsed_pages_are_always_requested():
    known = {
        "http://www.x.test/list.htm": (True, 10, True),  # a column: its entries are how new documents appear
        "http://www.x.test/ev.htm": (False, 10, True),
        "http://www.x.test/old.htm": (False, 10, False),  # parsed by an older extraction (or failed)
        "http://www.x.test/never.htm": (False, None, True),
    }
    s = spider(7, known, always=["http://www.x.test/ev.htm"])
    for night in range(11, 18):
        s.run_id = night
        assert not any(s.keep(u) for u in known)
        assert not s.keep("http://www.x.test/new.htm")  # unknown: new tonight
        assert not s.keep("http://www.x.test/")  # a start page


def _audit(config, as_of, out):
    from tests.conftest import run_auditor

    return run_auditor("audit", "--config", str(config), "--as-of", as_of, "--out", str(out))


def test_a_rotation_night_keeps_records_rechecks_evidence_and_audits_complete(tmp_path):
    from auditor.demo.server import DemoHTTPServer

    demo_server = DemoHTTPServer(0).start()  # its own: other tests change the shared one's pages
    try:
        _rotation_night(demo_server, tmp_path)
    finally:
        demo_server.stop()


def _rotation_night(demo_server, tmp_path):
    config = tmp_path / "site.yaml"
    proc, store = crawl_demo(demo_server, tmp_path)
    assert proc.returncode == 0
    data = yaml.safe_load(config.read_text("utf-8"))
    data["crawl"]["revisit_days"] = 7
    config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    first = _audit(config, "2022-11-15", tmp_path / "o1")
    assert first.returncode == 1
    n0 = len(demo_server.hits)
    from tests.conftest import run_auditor

    night2 = run_auditor("crawl", "--config", str(config))
    assert night2.returncode == 0 and "轮换" in night2.stdout
    second = _audit(config, "2022-11-16", tmp_path / "o2")
    assert (
        second.returncode == 1 and "无法核实" not in second.stdout.split("需人工核实")[0]
    )  # a complete audit
    db = sqlite3.connect(store)
    kept = db.execute("SELECT count(*) FROM pages WHERE run_id=2 AND requested_run=1").fetchone()[0]
    asked = db.execute("SELECT count(*) FROM pages WHERE run_id=2 AND requested_run=2").fetchone()[0]
    assert kept > asked  # most pages kept, their records intact
    assert db.execute("SELECT count(*) FROM pages WHERE run_id=2").fetchone()[0] == db.execute(
        "SELECT count(*) FROM pages WHERE run_id=1").fetchone()[0]  # fmt: skip
    # every evidence page and file of the first audit was requested again tonight
    import json

    findings = json.loads((tmp_path / "o1" / "findings.json").read_text("utf-8"))
    paths = {h.path for h in demo_server.hits[n0:]}
    for it in findings["items"]:
        for e in it["evidence"]:
            if e.get("fetched") and e["url"].split(str(demo_server.port), 1)[1] != "/":
                assert e["url"].split(str(demo_server.port), 1)[1] in paths, e["url"]
    # the two audits agree: nothing changed, nothing is concluded differently
    f2 = json.loads((tmp_path / "o2" / "findings.json").read_text("utf-8"))
    assert {i["id"]: i["status"] for i in f2["items"]} == {i["id"]: i["status"] for i in findings["items"]}
