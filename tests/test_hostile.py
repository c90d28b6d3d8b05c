"""The hostile college (tests/fixtures/hostile.yaml): every page misbehaves in one way, as real sites do.
One nightly `auditor run` over it; each test checks one class of misbehaviour and what the audit made of it.
The rule throughout: what the crawl could not check is 无法核实, never a gap; one failed visit is not a dead
link; nothing but http(s) is fetched; crawled text is neutralised in every output."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup
from docx import Document

from auditor.demo import demo_config
from auditor.demo.server import DemoHTTPServer
from auditor.safe import XML_ILLEGAL
from tests.conftest import SHOTS, run_auditor

FIXTURE = Path(__file__).parent / "fixtures" / "hostile.yaml"
SECRET = "TOPSECRET-4f1c9e"
AS_OF = "2025-11-25"


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """(process, output dir, findings by item id, hits the server saw, store path) of one nightly run."""
    out = tmp_path_factory.mktemp("hostile")
    secret = out / "secret" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    text = (
        FIXTURE.read_text("utf-8").replace("@SECRET_REL@", str(secret)[1:]).replace("@SECRET@", str(secret))
    )
    server = DemoHTTPServer(0, yaml.safe_load(text)).start()
    try:
        config = demo_config(server, out)
        proc = run_auditor(
            "run", "--config", str(config), "--out", str(out / "rep"), "--as-of", AS_OF, env=SHOTS
        )
    finally:
        server.stop()
    assert proc.returncode == 1, proc.stdout + proc.stderr  # real gaps exist; nothing crashed
    findings = json.loads((out / "rep" / "findings.json").read_text("utf-8"))
    return proc, out, {i["id"]: i for i in findings["items"]}, server.hits, out / "auditor.sqlite"


def message(item: dict) -> str:
    return " ".join(f["message"] for f in item.get("findings") or [])


def hits_for(hits, path):
    return [h for h in hits if h.path == path and h.method == "GET"]


# what each misbehaving page must come out as: (item, status, words its message must hold)
PLANTED = [
    ("moe-19", "ok", ""),  # 503, 503, then the page: tried later the same night, found
    ("moe-20", "ok", ""),  # 429 Retry-After: 3, then the page
    ("moe-07", "broken", "当晚共请求 3 次"),  # 502 all night: dead only after the night's retries
    ("moe-40", "broken", "返回 HTTP 404"),  # 404: dead at once
    ("moe-21", "inconclusive", "重定向形成循环"),  # CAS login sends it back: a loop
    ("moe-33", "inconclusive", "重定向次数过多"),  # 12 redirects
    ("moe-36", "inconclusive", "重定向到允许抓取的域名以外"),  # moved to a mirror off-site
    ("moe-37", "inconclusive", "重定向后的地址未能抓取"),  # to another port, where nothing answers
    ("moe-38", "inconclusive", "robots.txt"),  # filed under a folder robots.txt forbids
    ("moe-24", "inconclusive", "云锁"),
    ("moe-26", "inconclusive", "安全狗"),
    ("moe-15", "inconclusive", "加速乐"),  # its challenge comes with 521: not a dead link either
    ("moe-39", "inconclusive", "知道创宇"),
    ("moe-41", "inconclusive", "Cloudflare"),  # 503 "Just a moment..."
    ("moe-42", "inconclusive", "请输入验证码"),
    ("moe-01", "ok", ""),  # control: an ordinary page (with escape sequences in its title)
]


@pytest.mark.parametrize(("item", "status", "words"), PLANTED, ids=[p[0] for p in PLANTED])
def test_each_misbehaviour_gets_its_status(night, item, status, words):
    got = night[2][item]
    assert got["status"] == status, message(got)
    assert words in message(got)


def test_a_transient_failure_is_tried_later_the_same_night(night):
    hits = hits_for(night[3], "/info/1201/4001.htm")
    assert [h.status for h in hits] == [503, 503, 200]
    db = sqlite3.connect(night[4])
    attempts, status, failed_at = db.execute(
        "SELECT attempts, status, failed_at FROM pages WHERE url LIKE '%/info/1201/4001.htm'"
    ).fetchone()
    assert (attempts, status) == (3, 200) and failed_at  # the first failure is kept, with the good answer


def test_retry_after_is_honoured(night):
    hits = hits_for(night[3], "/info/1202/4002.htm")
    assert [h.status for h in hits] == [429, 200]
    assert hits[1].at - hits[0].at >= 3.0, "the server asked for 3 s"


def test_a_dead_link_says_when_it_first_failed(night):
    hits = hits_for(night[3], "/info/1203/4003.htm")
    assert [h.status for h in hits] == [502, 502, 502]  # the first try and two later ones, then judged
    text = message(night[2]["moe-07"])
    assert re.search(r"首次发现失败：\d{4}-\d\d-\d\d \d\d:\d\d", text)
    assert len(hits_for(night[3], "/info/1307/4107.htm")) == 1  # a 404 is final at once


def test_every_request_made_or_refused_is_recorded(night):
    db = sqlite3.connect(night[4])
    rows = dict(db.execute("SELECT url, error FROM pages WHERE status IS NULL"))
    by_path = {re.sub(r"^http://[^/]+", "", u): e for u, e in rows.items()}
    assert by_path["/nbgl/1207/4007.htm"] == "robots"
    assert by_path["/info/1204/4004.htm"] == "redirect_loop"
    assert by_path["/info/1208/4008.htm"] == "redirect_limit"
    assert by_path["/info/1205/4005.htm"] == "redirect_offsite"
    assert by_path["/info/1206/4006.htm"] == "redirect_unreached"
    assert by_path["/info/1016/9003.htm"] == "redirect_offsite"  # meta refresh to file:
    chain = json.loads(
        db.execute("SELECT redirects FROM pages WHERE url LIKE '%/info/1205/4005.htm'").fetchone()[0]
    )
    assert chain[-1] == "http://files.edu-mirror.example/sgzy/xjgl.pdf"  # where it led, for the inspector


def test_only_http_is_ever_fetched_and_no_local_file_is_read(night):
    out, store = night[1], night[4]
    for path in [
        store,
        *store.parent.glob("auditor.sqlite*"),
        *(p for p in (out / "rep").rglob("*") if p.is_file()),
    ]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # a -shm/-wal file goes when the last connection to the store closes
            continue
        assert SECRET.encode() not in data, path
    db = sqlite3.connect(store)
    urls = [u for (u,) in db.execute("SELECT url FROM pages UNION SELECT url FROM attachments")]
    assert urls and all(u.startswith("http://") for u in urls)
    counts = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])["counts"]
    assert counts["scheme_refused"] == 4  # file: ×2, ftp:, and <base href="file:///">'s link (data: and
    # javascript: links are not links to extraction)
    assert all(h.host.endswith("sgzy.test") for h in night[3])


def test_crawled_text_is_neutralised_in_every_output(night):
    proc, out = night[0], night[1] / "rep"
    written = {p.name for p in out.iterdir()}
    assert {"findings.json", "gap-report.html", "findings.xlsx", "清单事项公开情况表.docx"} <= written
    assert len(written) == 8  # every report, the folder of 整改通知 and the archived copies (存档)
    # terminal: no escape sequence from a title or 目录 cell, and markup printed as text, not obeyed
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "[bold red]党政办公室[/]" in proc.stdout
    # spreadsheets: no live formula, no character XML cannot hold, formula-like text made inert
    seen = []
    for book in out.glob("*.xlsx"):
        for sheet in openpyxl.load_workbook(book):
            for row in sheet.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        assert c.data_type != "f" and not c.value.startswith(("=", "+", "-", "@")), c.value
                        assert not XML_ILLEGAL.search(c.value) and "\x1b" not in c.value
                        seen.append(c.value)
    assert any(v.startswith("'=HYPERLINK(") for v in seen) and "'@党委组织部" in seen
    assert "'+国有资产管理处" in seen and any(v.startswith("'-组织人事处") for v in seen)
    # Markdown: HTML escaped, table pipes inert
    md = next(out.glob("*.md")).read_text("utf-8")
    assert "<svg" not in md and "|注入|" not in md  # the 清单表 cites official wording and URLs, never titles
    from auditor.report.disclosure import write_markdown

    findings = json.loads((out / "findings.json").read_text("utf-8"))
    evil = {
        **findings,
        "items": [{**it, "note": "<svg onload=alert(1)>无|校办企业"} for it in findings["items"]],
    }
    (out.parent / "md").mkdir(exist_ok=True)
    md = write_markdown(evil, out.parent / "md").read_text("utf-8")
    assert "<svg" not in md and "&lt;svg onload=alert(1)&gt;无\\|校办企业" in md
    # HTML: escaped as ever
    html = (out / "gap-report.html").read_text("utf-8")
    assert "<svg" not in html and "&lt;svg onload" in html
    imgs = BeautifulSoup(html, "html.parser").find_all("img")  # only the report's own screenshots, as data
    assert all(
        i.find_parent("figure", class_="shot") and i["src"].startswith("data:image/png;base64,") for i in imgs
    )
    # Word: no control characters
    doc = Document(str(next(out.glob("*.docx"))))
    text = "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "\x1b" not in text and not XML_ILLEGAL.search(text)
