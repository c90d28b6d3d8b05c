"""End to end: `auditor crawl` on the demo college served on 127.0.0.1, directly and through a proxy."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from urllib.parse import quote

import pytest

from auditor.demo import demo_config, local_env
from auditor.demo.site import Builder
from auditor.store import Store
from tests.conftest import crawl_demo, wait_for_pages

pytestmark = pytest.mark.integration  # real crawls

CAL = "/calendar.jsp"


def hits_since(server, n0):
    return server.hits[n0:]


def pages(db_path):
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    return {r["url"]: r for r in db.execute("SELECT * FROM pages")}, {
        r["url"]: r for r in db.execute("SELECT * FROM attachments")
    }


def check_complete(server, db_path):
    got_pages, got_atts = pages(db_path)
    expected = server.site.expected_pages()
    calendar = {u for u in got_pages if CAL in u}
    refused = {u for u, r in got_pages.items() if r["error"] == "robots"}
    assert set(got_pages) - calendar - refused == expected, "every page the demo serves, and nothing else"
    # what robots.txt forbids is not fetched, but recorded as refused (evidence there is 'cannot verify')
    assert refused >= server.site.expected_pages(obey_robots=False) - expected
    assert refused and all("/admin/" in u for u in refused)  # and only what it forbids
    assert all(got_pages[u]["status"] is None for u in refused)
    assert 1 <= len(calendar) <= 61, "the endless calendar is cut off by the trap guard"
    assert set(got_atts) == server.site.expected_attachments()
    return got_pages, got_atts


@pytest.fixture(scope="module")
def direct(demo_crawl):
    return demo_crawl


def test_direct_crawl_reaches_everything(demo_server, direct):
    proc, db, hits = direct
    assert proc.returncode == 0, proc.stderr
    got_pages, got_atts = check_complete(demo_server, db)
    assert "complete" in proc.stdout
    # nothing outside the demo: every request the server saw was for a demo host, none went through a proxy
    assert hits and all(h.host.endswith(demo_server.site.domain) and not h.via_proxy for h in hits)
    # robots.txt obeyed: the disallowed admin page was never requested
    assert not any(h.path.startswith("/admin/") for h in hits)
    with Store(db) as store:
        run = store.latest_run()
        assert run is not None and run.status == "complete" and run.finished_at
        assert run.stats["counts"]["offsite_links"] >= 4  # WeChat and 91job links seen, not followed


def test_redirect_chains_recorded(demo_server, direct):
    got, _ = pages(direct[1])
    port = demo_server.port
    home = got[f"http://www.xyvtc.test:{port}/index.htm"]
    # bare domain (HTTP 302) → www (JavaScript location) → index.htm
    assert json.loads(home["redirects"]) == [f"http://xyvtc.test:{port}/", f"http://www.xyvtc.test:{port}/"]
    xxgk = got[f"http://xxgk.xyvtc.test:{port}/index.htm"]
    assert f"http://xxgk.xyvtc.test:{port}/" in json.loads(xxgk["redirects"])  # meta refresh


def test_gbk_site_decoded_and_dated(demo_server, direct):
    got, _ = pages(direct[1])
    cwc = [
        r for u, r in got.items() if u.startswith(f"http://cwc.xyvtc.test:{demo_server.port}/gksx/cwys/2022")
    ]
    assert len(cwc) == 1
    assert cwc[0]["title"] == "湘岳职业技术学院2022年部门预算" and cwc[0]["published"] == "2022-04-23"
    assert cwc[0]["encoding"] in ("gb18030", "gbk")
    assert json.loads(cwc[0]["breadcrumb"])[-1] == "部门预算"


def test_attachments_without_downloading_bodies(demo_server, direct):
    _, atts = pages(direct[1])
    hits = direct[2]
    big = [a for a in atts.values() if a["filename"] == "2022年高等职业教育质量年度报告.pdf"]
    # GBK Content-Disposition
    assert len(big) == 1 and big[0]["size"] == 5_200_000
    big_path = big[0]["url"].split(str(demo_server.port), 1)[1]
    # the crawl asks HEAD; only a candidate document of an item is then downloaded (the documents pass)
    assert [h.method for h in hits if h.path == big_path] == ["HEAD", "GET"] and big[0]["body_sha256"]

    from auditor.audit import candidate_documents
    from auditor.config import load_config

    wanted = {
        u.split(str(demo_server.port), 1)[1]
        for u in candidate_documents(load_config(direct[1].parent / "site.yaml"), 1)
    }
    for a in atts.values():  # every file is asked for its headers; only the candidates are downloaded
        path = a["url"].split(str(demo_server.port), 1)[1]
        methods = [h.method for h in hits if h.path == path]
        assert methods and methods[0] in ("HEAD", "GET")
        assert (a["body_sha256"] is not None) == (path in wanted and a["status"] == 200), path
    cwc = [a for a in atts.values() if "cwc." in a["url"]]
    # that server refuses HEAD: headers by a GET stopped early (then the documents pass downloads candidates)
    assert cwc and all(a["method"] == ("GET" if a["body_sha256"] else "GET (headers only)") for a in cwc)
    broken = [a for a in cwc if a["status"] == 404]
    assert len(broken) == 1
    db = sqlite3.connect(direct[1])
    texts = {r[0] for r in db.execute("SELECT text FROM links WHERE is_attachment=1")}
    assert {"2021年度部门决算公开表.pdf", "2022年招生章程.pdf", "家庭经济困难学生认定申请表.doc.doc"} <= texts


def test_error_pages_and_placeholders_recorded(demo_server, direct):
    got, _ = pages(direct[1])
    port = demo_server.port
    assert got[f"http://xxgk.xyvtc.test:{port}/xxgklm1/rsxx/zyjj.htm"]["status"] == 412
    assert got[f"http://xxgk.xyvtc.test:{port}/xxgklm1/cwzc/jzcc.htm"]["placeholder"] == "暂无内容"


def test_same_article_under_several_urls(demo_server, direct):
    got, _ = pages(direct[1])
    legacy = [r for u, r in got.items() if "show.jsp" in u]
    assert len(legacy) == 2 and all(r["duplicate_of"] and "/info/1016/" in r["duplicate_of"] for r in legacy)
    assert not any("jsessionid" in u for u in got)


def test_list_entries_and_directory_stored(demo_server, direct):
    db = sqlite3.connect(direct[1])
    n_dir = db.execute("SELECT count(DISTINCT label) FROM directory").fetchone()[0]
    assert n_dir == len(Builder(0).data["directory"]["rows"])
    js = db.execute("SELECT title, date FROM entries WHERE page LIKE '%jy.%jyzl%'").fetchall()
    assert js == [("湘岳职业技术学院2020届毕业生就业质量年度报告", "2020-12-28")]


def test_proxy_crawl_reaches_the_same_and_nothing_else(demo_server, tmp_path):
    """Every connection the crawl makes goes through a proxy that logs it (https ones as CONNECT): so the
    log is everything the run tried to reach. The demo sets domain cookies, which once made Scrapy's cookie
    middleware download the public suffix list (from a fresh cache, as on a new server)."""
    n0 = len(demo_server.hits)
    proxy = f"http://127.0.0.1:{demo_server.port}"
    env = {"http_proxy": proxy, "https_proxy": proxy, "HTTPS_PROXY": proxy, "no_proxy": "localhost"}
    env["TLDEXTRACT_CACHE"] = str(tmp_path / "empty-cache")
    proc, db = crawl_demo(demo_server, tmp_path, env=env, resolve={})
    assert proc.returncode == 0, proc.stderr
    check_complete(demo_server, db)
    hits = hits_since(demo_server, n0)
    assert hits and all(h.via_proxy for h in hits), "every request went through the proxy"
    assert {h.host for h in hits if not h.host.endswith(demo_server.site.domain)} == set()
    assert not [h for h in hits if h.method == "CONNECT"]


def test_school_may_ignore_robots_on_its_own_site(demo_server, tmp_path):
    n0 = len(demo_server.hits)
    proc, db = crawl_demo(demo_server, tmp_path, obey_robots=False)
    assert proc.returncode == 0, proc.stderr
    got, _ = pages(db)
    assert any("/admin/login.jsp" in u for u in got)
    assert not any(h.path == "/robots.txt" for h in hits_since(demo_server, n0))


def test_unreachable_start_page_is_a_failed_run(tmp_path):
    cfg = tmp_path / "site.yaml"
    cfg.write_text(
        "school: 测试学院\nstart_urls: [http://www.down.test:9/]\nallowed_domains: [down.test]\n"
        "crawl: {resolve: {down.test: 127.0.0.1}, retries: 0, timeout: 5}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    with Store(tmp_path / "auditor.sqlite") as store:
        run = store.latest_run(status=None)
        assert run is not None and run.status == "failed" and "unreachable" in (run.stop_reason or "")


def test_page_limit_cuts_the_crawl_short(demo_server, tmp_path):
    proc, db = crawl_demo(demo_server, tmp_path, max_pages=40)
    assert proc.returncode == 3
    with Store(db) as store:
        run = store.latest_run(status=None)
        assert run is not None and run.status == "partial" and "pagecount" in (run.stop_reason or "")
        assert store.latest_run() is None  # no complete run to audit


def test_sigkill_leaves_a_consistent_store_and_the_next_crawl_works(demo_server, tmp_path):
    config = demo_config(demo_server, tmp_path, delay=0.02, concurrency=1, concurrency_per_host=1)
    db_path = tmp_path / "auditor.sqlite"
    env = local_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    wait_for_pages(db_path, 60)
    assert proc.poll() is None, "the crawl ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    status, finished = db.execute("SELECT status, finished_at FROM runs").fetchone()
    assert status == "running" and finished is None  # unfinished, visibly
    db.close()
    with Store(db_path) as store:  # the next open notices the dead process
        [run] = store.runs()
        assert run.status == "interrupted"
        assert 60 <= store.count("pages", run.id) < len(demo_server.site.expected_pages())
    fast = demo_config(demo_server, tmp_path)  # the slow crawl only had to be caught alive
    assert fast == config
    again = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert again.returncode == 0, again.stderr
    with Store(db_path) as store:
        runs = store.runs()
        assert [r.status for r in runs] == ["interrupted", "complete"]
        assert store.count("pages", runs[0].id) >= 60  # the earlier run's data is kept


@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="one core: every page is extracted in the crawl's process"
)
def test_heavy_pages_are_extracted_on_another_core_with_the_same_result(tmp_path):
    """A page over 16 KB (a long 管理规定) goes to the worker process; what is stored of it is what the crawl's
    own process would have extracted, and its light neighbours are unaffected."""
    import copy

    from auditor.demo.server import DemoHTTPServer
    from auditor.demo.site import load_college
    from auditor.extract import decode_html, extract_page

    data = copy.deepcopy(load_college())
    col = next(c for c in data["columns"] if c["id"] == 1701)
    article = col["articles"][0]
    article["body"] = (
        "第一条 为规范来华留学生的招收、培养和管理，根据国家有关规定，制定本规定。" * 500
    )  # ≈ 18,500 characters
    server = DemoHTTPServer(0, data).start()
    try:
        proc, db_path = crawl_demo(server, tmp_path)
        assert proc.returncode == 0, proc.stderr
        with Store(db_path) as store:
            run = store.runs()[-1]
            assert run.stats["counts"]["extracted_by_worker"] >= 1
            row = store.db.execute(
                "SELECT url, title, text_hash FROM pages WHERE run_id=? AND title=?",
                (run.id, article["title"]),
            ).fetchone()
        assert row is not None
        url, title, text_hash = row
        from urllib.parse import urlsplit

        res = server.site.resources[(urlsplit(url).hostname, urlsplit(url).path)]
        assert len(decode_html(res.body, "text/html")[0]) > 16 * 1024
        here = extract_page(url, decode_html(res.body, dict(res.headers).get("Content-Type", "text/html"))[0])
        assert (title, text_hash) == (here.title, here.text_hash)
        check_complete(server, db_path)  # every other page reached as before
    finally:
        server.stop()


def test_files_linked_by_raw_chinese_names_are_downloaded_and_read(tmp_path):
    """As many schools name their files (/docs/2023-08/某某大学2022年部门决算.pdf, linked as is): the crawl
    requests it percent-encoded, and the link, the store, the documents pass and the findings all spell it
    the same way — so the file is downloaded and read, and shown to people as they typed it."""
    from auditor.demo import demo_config
    from auditor.demo.server import DemoHTTPServer
    from tests.conftest import run_auditor

    name = "某某大学2022年部门决算.pdf"
    tables = ["某某大学2022年度部门决算", "表一 收支决算总表（2022年度）", "表二 收入决算表（2022年度）",
              "表三 支出决算表（2022年度）", "表四 财政拨款支出决算表（2022年度）"]  # fmt: skip
    data = {
        "school": "某某大学", "domain": "mm.test", "site_as_of": "2023-11-01",
        "hosts": {"www": {"layout": "static_gbk", "name": "某某大学财务处", "role": "portal"}},
        "columns": [{"id": 1202, "host": "www", "slug": "bmjs", "name": "部门决算", "category": "财务、资产及收费信息",
                     "articles": [{"title": "某某大学2022年度部门决算", "date": "2023-08-20", "body": "现将我校2022年度部门决算公开如下。",
                                   "attachments": [{"name": name, "path": f"/docs/2023-08/{name}", "text": tables}]}]}],
    }  # fmt: skip
    server = DemoHTTPServer(0, data).start()
    try:
        config = demo_config(server, tmp_path)
        proc = run_auditor(
            "run", "--config", str(config), "--out", str(tmp_path / "out"), "--as-of", "2023-11-01"
        )
    finally:
        server.stop()
    assert proc.returncode in (0, 1), proc.stderr
    assert any(h.path == "/docs/2023-08/" + quote(name) and h.method == "GET" for h in server.hits)
    findings = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    item = next(it for it in findings["items"] if it["id"] == "moe-20")
    files = [c for e in item["evidence"] for c in e["contents"]]
    assert item["status"] == "ok" and files and files[0]["format"] == "pdf" and not files[0]["error"], item
    assert files[0]["url"].endswith(quote(name))  # the one spelling inside
    assert not any(f["key"] == "content.incomplete" for f in item["findings"])  # its tables were read
    html = (tmp_path / "out" / "gap-report.html").read_text("utf-8")
    assert f"/docs/2023-08/{name}" in html or "部门决算" in html  # people read the name as typed


def test_a_bare_403_is_tried_on_the_hosts_other_spelling_before_it_is_unverifiable(tmp_path):
    """A 信息公开目录 writes the school's pages with its bare domain (http://sl.test/…) while its nginx serves
    only www.sl.test and answers the bare name with its own 403 Forbidden — no guard, no challenge. The crawl
    asks https://sl.test/… (refused: no TLS here), then http://www.sl.test/… (served): the link stands for that
    page, and the item is published, not 无法核实. A guard's 403 page is not retried (test_waf…)."""
    from auditor.demo import demo_config
    from auditor.demo.server import DemoHTTPServer
    from tests.conftest import run_auditor

    rules = [{"title": "示例大学章程", "date": "2021-03-01", "body": "第一条 为规范学校办学，制定本章程。"},
             {"title": "示例大学内部控制管理办法", "date": "2023-05-10", "body": "第一条 为加强内部控制，制定本办法。"}]  # fmt: skip
    data = {
        "school": "示例大学", "domain": "sl.test", "site_as_of": "2024-11-20",
        "hosts": {"www": {"layout": "vsb", "name": "示例大学", "role": "portal"},
                  "xxgk": {"layout": "webplus", "name": "示例大学信息公开网", "role": "xxgk"},
                  "": {"forbidden": True}},
        "columns": [{"id": 1002, "host": "www", "slug": "gzzd", "name": "规章制度", "category": "基本信息", "articles": rules}],
        "directory": {"path": "/xxgkml.htm", "rows": [["基本信息", "学校章程及制定的各项规章制度", "党政办", "bare:www:gzzd"]]},
    }  # fmt: skip
    server = DemoHTTPServer(0, data).start()
    try:
        config = demo_config(server, tmp_path)
        proc = run_auditor(
            "run", "--config", str(config), "--out", str(tmp_path / "out"), "--as-of", "2024-11-20"
        )
    finally:
        server.stop()
    assert proc.returncode in (0, 1), proc.stderr
    bare = [h for h in server.hits if h.host == "sl.test"]
    assert bare and all(h.status == 403 for h in bare)
    assert any(h.host == "www.sl.test" and h.path == bare[0].path and h.status == 200 for h in server.hits)
    findings = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    item = next(it for it in findings["items"] if it["id"] == "moe-02")
    assert item["status"] == "ok", item
    assert any("www.sl.test" in e["url"] for e in item["evidence"])
    with sqlite3.connect(tmp_path / "auditor.sqlite") as db:
        (stats,) = db.execute("SELECT stats FROM runs").fetchone()
    assert json.loads(stats)["counts"]["host_variants"] >= 1
