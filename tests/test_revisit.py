"""The revisit rotation (issue 13): every night requests list pages, evidence and new URLs; the other pages
take turns so each is requested at least once every `revisit_days` nights; pages not requested keep their
record, marked with when they were last fetched; a page parsed by another extraction is fetched again."""

from __future__ import annotations

import sqlite3

import pytest
import yaml

from spiders.college import CollegeSpider
from tests.conftest import crawl_demo, wait_for_pages


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


def links(url: str) -> list[tuple[str, str, bool]]:
    """A college's link graph: an endless calendar (cal.htm?m=N links m=N+1), a 60-deep 上一篇 chain, a
    column with articles and their files."""
    base = "http://www.x.test/"
    if url == base:
        return [(base + "cal.htm?m=0", "日历", False), (base + "d/0.htm", "上一篇", False),
                (base + "list.htm", "通知公告", False)]  # fmt: skip
    if url.startswith(base + "cal.htm?m="):
        return [(f"{base}cal.htm?m={int(url.rsplit('=', 1)[1]) + 1}", "下月", False), (base, "首页", False)]
    if url.startswith(base + "d/"):
        return [(f"{base}d/{int(url.rsplit('/', 1)[1][:-4]) + 1}.htm", "上一篇", False)]
    if url == base + "list.htm":
        return [(f"{base}info/{n}.htm", f"通知{n}", False) for n in range(20)]
    if url.startswith(base + "info/"):
        return [(url[:-4] + ".pdf", "附件", True)]
    return []


class Stored:
    """What the store answers the spider of last night's links: only for what last night reached."""

    def __init__(self, reached: set[str]) -> None:
        self.reached = reached

    def links_from(self, run_id: int, url: str) -> list[tuple[str, str, bool]]:
        return links(url) if url in self.reached else []


def night(run_id: int, last: dict[str, int] | None, days: int = 7) -> set[str]:
    """One night on the graph, as Scrapy would run it: each request answered by its page's links."""
    from spiders.college import Via

    s = CollegeSpider(["http://www.x.test/"], ["x.test"], trap_chain=30, max_depth=40, revisit_days=days)
    s.run_id, s.previous_run = run_id, run_id - 1
    if last:
        s.store, s.known = Stored(set(last)), {u: (u.endswith("list.htm"), r, True) for u, r in last.items()}
    reached: set[str] = set()
    queue = [Via("http://www.x.test/")]
    while queue:
        via = queue.pop(0)
        reached.add(via.url)
        if last is not None:
            last[via.url] = run_id
        for link, text, attached in links(via.url):
            for out in s.follow(via, link, text, attached):
                if isinstance(out, dict):
                    reached.add(out["url"])  # kept: last night's record
                elif out.method == "HEAD":
                    reached.add(out.url)
                    if last is not None:
                        last[out.url] = run_id
                else:
                    queue.append(Via(out.url, out.meta["level"], out.meta["same_path_chain"]))
    return reached


def test_depth_and_trap_limits_hold_across_nights_whichever_pages_the_rotation_keeps():
    """A kept page is a hop like a requested one: a night that keeps calendar months or 上一篇 pages and
    requests the last of them must not walk 30 months further, or 40 pages deeper, than the first night."""
    first = night(1, None)
    assert "http://www.x.test/cal.htm?m=30" in first and "http://www.x.test/cal.htm?m=31" not in first
    assert "http://www.x.test/d/39.htm" in first and "http://www.x.test/d/40.htm" not in first  # depth 40
    last = dict.fromkeys(first, 1)
    for run_id in range(2, 16):
        assert night(run_id, last) == first, run_id
        last = {u: r for u, r in last.items() if u in first}


def _audit(config, as_of, out):
    from tests.conftest import run_auditor

    return run_auditor("audit", "--config", str(config), "--as-of", as_of, "--out", str(out))


@pytest.mark.integration
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
    # the report says how much of the night was kept; a record kept past its turn is a crawl-health warning
    kept_files = db.execute("SELECT count(*) FROM attachments WHERE run_id=2 AND requested_run=1").fetchone()[
        0
    ]
    assert f2["run"]["revisit"] == {"kept": kept + kept_files, "overdue": 0, "days": 7}
    html = (tmp_path / "o2" / "gap-report.html").read_text("utf-8")
    assert f"沿用此前记录 {kept + kept_files} 个页面和附件" in html and "超期未复查" not in html
    from auditor.store import Store

    db.execute("UPDATE pages SET requested_run=-9 WHERE run_id=2 AND requested_run=1 AND rowid % 10 = 0")
    db.commit()
    late = db.execute("SELECT count(*) FROM pages WHERE run_id=2 AND requested_run=-9").fetchone()[0]
    with Store(store) as st:
        assert late and st.overdue(2, 7) == late
        stats = json.loads(st.db.execute("SELECT stats FROM runs WHERE id=2").fetchone()[0])
        stats["counts"]["revisit_overdue"] = late
        st.db.execute("UPDATE runs SET stats=? WHERE id=2", (json.dumps(stats),))
        st.db.commit()
    third = _audit(tmp_path / "site.yaml", "2022-11-16", tmp_path / "o3")
    assert f"超期未复查 {late} 个" in (tmp_path / "o3" / "gap-report.html").read_text("utf-8")
    assert "超期未复查" in third.stdout


@pytest.mark.integration
def test_a_night_killed_mid_rotation_leaves_the_next_night_whole(tmp_path):
    """A rotation night killed part-way (kill -9: nothing closed) is only a partial cache: the next night
    still reaches every page, keeps only records that were stored whole, and concludes what night 1 did."""
    import os
    import signal
    import subprocess
    import sys

    from auditor.demo import local_env
    from auditor.demo.server import DemoHTTPServer
    from tests.conftest import run_auditor

    server = DemoHTTPServer(0).start()
    try:
        proc, store = crawl_demo(server, tmp_path)
        assert proc.returncode == 0
        config = tmp_path / "site.yaml"
        data = yaml.safe_load(config.read_text("utf-8"))
        data["crawl"].update(revisit_days=7, delay=0.05, concurrency=1, concurrency_per_host=1)
        config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        first = _audit(config, "2022-11-15", tmp_path / "o1")
        killed = subprocess.Popen(
            [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=local_env(),
        )
        wait_for_pages(store, 60, run_id=2)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        db = sqlite3.connect(store)
        pages = dict(db.execute("SELECT run_id, count(*) FROM pages GROUP BY run_id").fetchall())
        assert 0 < pages[2] < pages[1]  # killed part-way
        data["crawl"].update(delay=0, concurrency=16, concurrency_per_host=8)
        config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        night3 = run_auditor("crawl", "--config", str(config))
        assert night3.returncode == 0, night3.stderr
        assert db.execute("SELECT count(*) FROM pages WHERE run_id=3").fetchone()[0] == pages[1]
        # kept records are whole: each has its links, as the night that fetched it stored them
        assert not db.execute(
            "SELECT count(*) FROM pages p WHERE p.run_id=3 AND p.requested_run<3 AND p.status=200 AND NOT EXISTS "
            "(SELECT 1 FROM links l WHERE l.run_id=p.links_run AND l.src=p.url) AND EXISTS "
            "(SELECT 1 FROM links l JOIN pages p1 ON p1.run_id=1 AND p1.url=l.src AND l.run_id=p1.links_run"
            " WHERE l.src=p.url)"
        ).fetchone()[0]
        third = _audit(config, "2022-11-15", tmp_path / "o3")
        assert third.returncode == first.returncode == 1
        import json

        f1, f3 = (json.loads((tmp_path / o / "findings.json").read_text("utf-8")) for o in ("o1", "o3"))
        assert {i["id"]: i["status"] for i in f3["items"]} == {i["id"]: i["status"] for i in f1["items"]}
    finally:
        server.stop()
