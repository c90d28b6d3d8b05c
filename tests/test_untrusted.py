"""Untrusted files and pages (issue 22): a crafted document or page must not stop the night or show this
machine's files. Bombs are made small at test time (tests/bombs.py); each is read under the reader's limits
and comes out "unchecked: <which limit>", never a gap, never the end of the night. Pages are rebuilt by the
sanitiser, photographed from a loopback origin with scripts off, and a marker file on this machine never
appears in any byte or picture the run writes."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from auditor.browser import chromium
from auditor.demo import demo_config, documents
from auditor.demo.server import DemoHTTPServer
from auditor.demo.site import Resource
from auditor.evidence import archive, contents, processes
from auditor.evidence.reader import Reader
from auditor.evidence.sanitise import CSP, safe_copy
from auditor.evidence.screenshots import OneShot, render
from auditor.evidence.text import Limits, extract
from auditor.store import Store
from tests import bombs
from tests.conftest import SHOTS, run_auditor

MARKER_TEXT = "LOCAL-MARKER-7d1e"


def needs_chromium(test):  # a real browser: the integration tier
    return pytest.mark.integration(
        pytest.mark.skipif(chromium() is None, reason="Chromium is not installed")(test)
    )


@pytest.fixture(scope="module")
def reader():
    with Reader() as r:
        yield r


# ------------------------------------------------------------------ documents: each bomb meets its limit
BOMBS = [
    ("2 MB .docx → 2 GB document.xml", bombs.docx_bomb, "a.docx", "zip_bytes", "2048 MB > 256 MB"),
    ("1 MB .xlsx → one 1 GB cell", bombs.xlsx_one_cell_bomb, "a.xlsx", "zip_bytes", "1024 MB > 256 MB"),
    ("100,000-entry .docx", bombs.docx_many_entries, "a.docx", "zip_entries", "> 10000"),
    (
        "100 pages drawing one 5 MB stream",
        bombs.pdf_shared_stream,
        "a.pdf",
        "page_content",
        "p.1 5 MB > 4 MB",
    ),
]


@pytest.mark.parametrize(("what", "make", "name", "limit", "detail"), BOMBS, ids=[b[0] for b in BOMBS])
def test_each_bomb_is_unchecked_with_the_limit_it_crossed(reader, what, make, name, limit, detail):
    got = reader.read(make(), "", name)
    assert got["error"] == limit and detail in got["detail"] and not got.get("text"), got


def test_a_ratio_bomb_under_the_size_limit_is_still_caught(reader):
    body = bombs.docx_with_body("<w:p><w:r><w:t>", " " * 1024 * 1024, 100, "</w:t></w:r></w:p>")  # 100 MB
    got = reader.read(body, "", "a.docx")
    assert got["error"] == "zip_ratio" and "word/document.xml" in got["detail"], got


def test_a_dimension_claiming_every_cell_of_every_sheet_is_read_as_what_is_there(reader):
    """Eight sheets claiming A1:XFD1048576 each (105 s a sheet before): read, all eight, as two cells each."""
    got = reader.read(bombs.xlsx_dimension_bomb(8), "", "决算.xlsx")
    assert got.get("error") is None and got["pages"] == 8
    assert got["text"].count("2025年部门预算") == 8 and "表8" in got["text"]


def test_spreadsheet_rows_and_cells_are_capped_whatever_the_sheet_claims():
    body = bombs.xlsx_rows(3000)
    assert extract(body, "", "名单.xlsx")["text"].count("行") == 3000  # within the defaults: read whole
    capped = extract(body, "", "名单.xlsx", limits=Limits(rows=1000))
    assert capped["error"] == "rows" and capped["detail"] == "1001 > 1000"
    assert extract(body, "", "名单.xlsx", limits=Limits(cells=500))["error"] == "cells"


def test_pdf_pages_and_content_bytes_are_capped():
    body = bombs.pdf_shared_stream(pages=30, mb=1)
    assert extract(body, "", "a.pdf", limits=Limits(pdf_pages=20))["error"] == "pdf_pages"
    assert extract(body, "", "a.pdf", limits=Limits(content_bytes=10 * 1024 * 1024))["error"] == "pdf_content"


def test_a_zip_header_that_lies_about_its_size_inflates_no_further_than_it_said():
    """document.xml declared 2 KB, inflating to 2 GB: zipfile would inflate it all before cutting it to 2 KB
    (2 GB of memory); in the reader it stops within 16 MB, and the CRC says the file is broken."""
    body = bombs.docx_with_body(
        "<w:p><w:r><w:t>", " " * 1024 * 1024, 2048, "</w:t></w:r></w:p>", declared=2048
    )
    with Reader(Limits(memory_mb=600)) as r:
        got = r.read(body, "", "a.docx")
    assert got["error"] == "unreadable" and got["detail"] == "BadZipFile", got


@pytest.mark.integration
def test_memory_over_the_ceiling_stops_that_file_and_the_next_is_read():
    body = bombs.docx_with_body(
        "", "<w:p><w:r><w:t>部门预算</w:t></w:r></w:p>" * 1000, 3000, ""
    )  # 90 MB of XML
    with Reader(Limits(memory_mb=400, zip_ratio=10**6)) as r:
        got = r.read(body, "", "a.docx")
        assert got["error"] == "memory" and got["detail"] == "400 MB", got
        assert r.read(documents.docx(["部门预算"]), "", "b.docx")["text"] == "部门预算"


@pytest.mark.integration
def test_time_over_the_limit_kills_the_reader_and_everything_it_started():
    slow = bombs.pdf_slow_page(3)  # under every size limit; about 4 s of text extraction
    with Reader(Limits(seconds=1.5)) as r:
        started = time.monotonic()
        got = r.read(slow, "", "a.pdf")
        assert got["error"] == "seconds" and time.monotonic() - started < 10, got
        assert r._proc is None  # ended, not left running
        assert "部门预算" in r.read(documents.text_pdf(["部门预算"]), "", "b.pdf")["text"]


@pytest.mark.integration
def test_the_nights_reading_budget_leaves_the_rest_for_another_night():
    with Reader(Limits(seconds=1.5, budget_seconds=1)) as r:
        assert r.read(bombs.pdf_slow_page(3), "", "a.pdf")["error"] == "seconds"
        got = r.read(documents.text_pdf(["部门预算"]), "", "b.pdf")
    assert got["error"] == "budget" and got["format"] == "pdf"


HELD = [  # what held before the limits, and must keep holding
    ("0-byte file", lambda m: b"", "a.pdf", "format"),
    ("HTML served as a PDF", lambda m: b"<html><body>404</body></html>", "a.pdf", "format"),
    ("truncated PDF", lambda m: documents.text_pdf(["部门预算"])[:200], "a.pdf", "unreadable"),
    ("page tree that is its own kid", lambda m: bombs.pdf_page_loop(), "a.pdf", "unreadable"),
    (
        "OLE header and nothing else",
        lambda m: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "a.xls",
        "unreadable",
    ),
    ("XXE and billion laughs in document.xml", bombs.docx_xxe, "a.docx", "unreadable"),
]


@pytest.mark.parametrize(("what", "make", "name", "error"), HELD, ids=[h[0] for h in HELD])
def test_what_held_still_holds(reader, tmp_path, what, make, name, error):
    marker = tmp_path / "marker.txt"
    marker.write_text(MARKER_TEXT)
    got = reader.read(make(str(marker)), "", name)
    assert got["error"] == error, got
    assert MARKER_TEXT not in json.dumps(got, ensure_ascii=False)


def test_actions_in_a_pdf_are_never_run_and_its_text_is_read(reader):
    got = reader.read(bombs.pdf_javascript_and_launch(), "", "a.pdf")
    assert got.get("error") is None and "收支预算总表" in got["text"]


def test_a_merged_cell_claiming_a_billion_columns_is_read_once(reader):
    got = reader.read(bombs.docx_grid_span(), "", "a.docx")
    assert got.get("error") is None and got["text"].splitlines() == ["2025年部门预算", "合并单元格"]


def test_a_file_over_a_limit_is_unchecked_on_its_item_never_a_gap(tmp_path):
    from tests.test_evidence import judged

    status, kept, e = judged("moe-19", {"2022年部门预算公开表.docx": bombs.docx_bomb()}, tmp_path)
    assert status == "ok" and [f.key for f in kept] == ["content.unchecked"]
    assert "内容未核查：超出读取限制：解压后大小 2048 MB > 256 MB" in kept[0].message
    assert "over a reading limit: uncompressed size 2048 MB > 256 MB" in kept[0].text("en")
    assert e.contents[0]["error"] == "zip_bytes"


@pytest.mark.integration
def test_limits_are_remembered_and_a_reading_cut_short_is_not(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        run = store.start_run("x", "x", "x", "x", [])
        store.write_batch(
            run,
            [{"kind": "attachment", "url": f"http://x.test/{i}", "status": 200, "content_type": "", "body": b}
             for i, b in enumerate([bombs.docx_bomb(), bombs.pdf_slow_page(3)])],
        )  # fmt: skip
        records = store.responses(run, ["http://x.test/0", "http://x.test/1"])
        with Reader(Limits(seconds=1.5)) as r:
            for url, name in (("http://x.test/0", "a.docx"), ("http://x.test/1", "b.pdf")):
                rec = records[url]
                contents._read(store, r, rec["body_sha256"], rec, name)
        assert store.document(records["http://x.test/0"]["body_sha256"])["error"] == "zip_bytes"
        assert store.document(records["http://x.test/1"]["body_sha256"]) is None  # tried again another night


# ------------------------------------------------------------------ pages: rebuilt, then photographed
BYPASSES = {  # four ways a page once moved the inserted policy out of effect, each with a local file to show
    "comment": "<!-- <head> --><html><head><title>t</title></head><body>{payload}</body></html>",
    "attribute": '<html data-x="<head>"><head><title>t</title></head><body>{payload}</body></html>',
    "title": "<html><title>a<head>b</title><head></head><body>{payload}</body></html>",
    "script string": "<script>var s='<head>';</script><html><head></head><body>{payload}</body></html>",
}
PAYLOAD = (
    "<h1>2021年部门决算</h1><p>正文</p>"
    '<iframe src="file://{m}" width="800" height="300"></iframe><img src="file://{png}">'
    '<object data="file://{m}"></object><embed src="file://{m}"><svg><image href="file://{png}"/></svg>'
    '<meta http-equiv="refresh" content="0; url=file://{m}"><base href="file:///"><form action="/x"><input></form>'
    "<script>document.body.innerHTML='<h1>SCRIPT RAN</h1>'</script>"
    '<a href="javascript:alert(1)">js</a><a href="/info/1.htm">相对链接</a><img src="data:image/png;base64,iVBORw0KGgo=">'
)


def _bypass(kind: str, folder: Path) -> bytes:
    marker = folder / "marker.html"
    png = folder / "marker.png"
    return BYPASSES[kind].format(payload=PAYLOAD.format(m=marker, png=png)).encode()


def _plant_marker(folder: Path) -> None:
    """The local files a page tries to show: a page in huge red letters, and a red picture."""
    (folder / "marker.html").write_text(f"<h1 style='font-size:90px;color:red'>{MARKER_TEXT}</h1>")
    (folder / "marker.png").write_bytes(_red_png())


def _red_png() -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\0" + b"\xff\x00\x00" * 200 for _ in range(200))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 200, 200, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))  # fmt: skip


@pytest.mark.parametrize("kind", list(BYPASSES))
def test_the_safe_copy_keeps_the_text_and_nothing_that_runs_or_loads(kind, tmp_path):
    copy = safe_copy(
        _bypass(kind, tmp_path), "http://xxgk.x.test/info/1201/3001.htm", "2025-11-25 01:00", "ab" * 32
    )
    soup = BeautifulSoup(copy, "html.parser")
    head = soup.head.find_all(True)
    assert (
        head[0].name == "meta"
        and head[1]["http-equiv"] == "Content-Security-Policy"
        and head[1]["content"] == CSP
    )
    for tag in ("script", "iframe", "object", "embed", "base", "form", "input", "svg", "image"):
        assert not soup.body.find_all(tag), tag
    assert [m["http-equiv"] for m in soup.find_all("meta", attrs={"http-equiv": True})] == [
        "Content-Security-Policy"
    ]
    assert b"file:" not in copy and b"javascript:" not in copy and b"SCRIPT RAN" not in copy
    assert all(i["src"].startswith("data:image/") for i in soup.find_all("img") if i.get("src"))
    links = [a.get("href") for a in soup.find_all("a")]
    assert "http://xxgk.x.test/info/1.htm" in links and all(not h or h.startswith("http") for h in links)
    assert "2021年部门决算" in soup.get_text() and "正文" in soup.get_text()


@needs_chromium
@pytest.mark.parametrize("kind", list(BYPASSES))
def test_no_bypass_shows_a_local_file_in_its_screenshot(kind, tmp_path):
    """Each bypass page photographed with the marker files present and absent: the pictures are the same —
    sanitised, and also raw (scripts off in the browser, the policy a header, an http origin: each layer
    alone keeps the file out)."""
    page = _bypass(kind, tmp_path)
    pictures = {}
    for present in (True, False):
        if present:
            _plant_marker(tmp_path)
        else:
            for f in ("marker.html", "marker.png"):
                (tmp_path / f).unlink()
        for layer, copy in (("safe", safe_copy(page, "http://x.test/1.htm", "2025-11-25 01:00", "ab" * 32)),
                            ("raw", page)):  # fmt: skip
            png = tmp_path / f"{layer}-{present}.png"
            assert render(copy, png) == "", (layer, present)
            pictures[(layer, present)] = png.read_bytes()
    assert pictures[("safe", True)] == pictures[("safe", False)]
    assert pictures[("raw", True)] == pictures[("raw", False)]


@needs_chromium
def test_scripts_are_off_in_the_browser_itself(tmp_path):
    """Served raw (no sanitiser), a script that rewrites the page changes nothing in the picture."""
    plain = b"<html><body><p>original</p></body></html>"
    scripted = b"<html><body><p>original</p><script>document.body.innerHTML='<h1>SCRIPT RAN</h1>'</script></body></html>"
    assert render(plain, tmp_path / "a.png") == render(scripted, tmp_path / "b.png") == ""
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


@needs_chromium
def test_the_browser_asks_its_one_shot_origin_for_the_page_and_nothing_elsewhere(tmp_path):
    elsewhere = OneShot(b"<h1>other</h1>")
    with elsewhere:
        page = (
            f'<html><body><img src="{elsewhere.url}"><link rel="stylesheet" href="{elsewhere.url}">'
            f'<iframe src="{elsewhere.url}"></iframe><p>x</p></body></html>'
        ).encode()
        with OneShot(page) as origin:
            proc = subprocess.run(
                [chromium(), *_flags(tmp_path), f"--screenshot={tmp_path / 'a.png'}", origin.url],
                capture_output=True, timeout=60,
            )  # fmt: skip
        assert proc.returncode == 0 and (tmp_path / "a.png").exists()
        assert origin.path in origin.asked and elsewhere.asked == []  # the policy header held


def _flags(tmp_path: Path) -> list[str]:
    from auditor.evidence.screenshots import FLAGS, PREFERENCES

    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(PREFERENCES))
    return [*FLAGS, f"--user-data-dir={profile}"]


@needs_chromium
@pytest.mark.parametrize(
    "page",
    [
        b"<html><body><p>x</p><script>for(;;){}</script></body></html>",
        b'<html><head><meta http-equiv="refresh" content="0; url=file:///dev/zero"></head><body>x</body></html>',
        b'<html><head><meta http-equiv="refresh" content="0; url=file:///etc/passwd"></head><body>x</body></html>',
    ],
    ids=["busy script", "refresh to /dev/zero", "refresh to a local file"],
)
def test_a_page_cannot_keep_the_browser_busy(page, tmp_path):
    started = time.monotonic()
    assert render(page, tmp_path / "a.png", seconds=20) == ""  # photographed, not timed out
    assert time.monotonic() - started < 20


def test_a_browser_that_hangs_is_killed_with_everything_it_started(tmp_path):
    """A stand-in browser that starts a child and never ends: the shot is 'timeout', both are gone."""
    pids = tmp_path / "pids"
    fake = tmp_path / "chromium"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $$ $! > {pids}\nwait\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    started = time.monotonic()
    assert render(b"<p>x</p>", tmp_path / "a.png", seconds=1, browser=str(fake)) == "timeout"
    assert time.monotonic() - started < 10
    for pid in map(int, pids.read_text().split()):
        assert (
            not Path(f"/proc/{pid}").exists()
            or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]
        )


def test_a_browser_that_fails_is_said_so_and_never_raises(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    assert render(b"<p>x</p>", tmp_path / "a.png", browser=str(fake)) == "browser"
    assert render(b"<p>x</p>", tmp_path / "a.png", browser=str(tmp_path / "missing")) == "browser"


# ------------------------------------------------------------------ archived copies in the report folder
@pytest.mark.parametrize(
    ("url", "content_type", "is_file", "suffix"),
    [
        ("http://x.test/info/1.htm", "text/html", False, ".html"),
        ("http://x.test/a.svg", "image/svg+xml", True, ".html"),
        ("http://x.test/a.html", "text/html; charset=utf-8", True, ".html"),
        ("http://x.test/a.xml", "", True, ".html"),
        ("http://x.test/download.jsp?id=1", "application/pdf", True, ".pdf"),
        ("http://x.test/a.pdf", "application/octet-stream", True, ".pdf"),
        ("http://x.test/a.pdf", "text/html", True, ".html"),  # served as HTML: it is HTML, made safe
        ("http://x.test/download.jsp?id=2", "application/octet-stream", True, ".bin"),
        (
            "http://x.test/a.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            True,
            ".xlsx",
        ),
    ],
)
def test_a_copy_is_named_for_what_a_browser_will_do_with_it(url, content_type, is_file, suffix):
    assert archive.copy_name(url, "f" * 64, is_file, content_type).endswith(suffix)


# ------------------------------------------------------------------ a whole night on the hostile-files college
FILES = {  # attachment path → (bytes, content type)
    "b0mb01": (bombs.docx_bomb, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "b0mb02": (bombs.xlsx_one_cell_bomb, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "b0mb03": (bombs.pdf_shared_stream, "application/pdf"),
    "b0mb04": (
        bombs.xlsx_dimension_bomb,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "b0mb05": (
        bombs.docx_lying_header,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "b0mb06": (
        bombs.docx_many_entries,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "b0mb07": (
        bombs.docx_grid_span,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
    "<script>alert(document.cookie)</script><text x='10' y='20'>明湖职业技术学院学生奖助学金评定及资助管理办法</text>"
    '<image href="file://{m}" width="300" height="300"/><foreignObject><iframe src="file://{m}"></iframe></foreignObject></svg>'
)
HTML_FILE = (
    "<html><head><title>资助申请流程</title><script>fetch('file://{m}')</script></head><body onload=alert(1)>"
    '<h1>学生奖助学金申请流程</h1><iframe src="file://{m}"></iframe><img src=x onerror=alert(1)></body></html>'
)


@pytest.fixture(scope="module")
def hostile_night(tmp_path_factory):
    """(process, output dir, findings by item id, peak RSS of the run's processes in MB, marker folder,
    helper processes that appeared during the night and are still alive)."""
    out = tmp_path_factory.mktemp("hostile-files")
    secret = out / "secret"
    secret.mkdir()
    _plant_marker(secret)
    marker = secret / "marker.html"
    data = yaml.safe_load(
        (Path(__file__).parent / "fixtures" / "hostile_files.yaml")
        .read_text("utf-8")
        .replace("@MARKER@", str(marker))
    )
    server = DemoHTTPServer(0, data)
    xxgk = server.site.host("xxgk")
    for host, path in list(server.site.resources):
        key = path.rsplit("wbfileid=", 1)[-1]
        if host == xxgk and key in FILES:
            make, kind = FILES[key]
            server.site.resources[(host, path)] = Resource(
                200, make(), [("Content-Type", kind)], kind="attachment"
            )
        elif path.endswith("zzgl.svg"):
            server.site.resources[(host, path)] = Resource(
                200, SVG.format(m=marker).encode(), [("Content-Type", "image/svg+xml")], kind="attachment"
            )
        elif path.endswith("zzlc.html"):
            server.site.resources[(host, path)] = Resource(
                200,
                HTML_FILE.format(m=marker).encode(),
                [("Content-Type", "text/html; charset=utf-8")],
                kind="attachment",
            )
        elif path.endswith("wbfileid=b0mb08"):
            server.site.resources[(host, path)] = Resource(
                200, bombs.docx_xxe(str(marker)), [("Content-Type", FILES["b0mb07"][1])], kind="attachment"
            )
    server.start()
    night = f"hostile-{os.getpid()}-{time.monotonic_ns()}"  # in the environment of all it starts
    try:
        config = demo_config(server, out)
        wrapper = (
            "import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]);"
            "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)"
        )
        proc = subprocess.run(
            [sys.executable, "-c", wrapper, sys.executable, "-m", "auditor.cli", "run", "--config", str(config),
             "--out", str(out / "rep"), "--as-of", "2025-11-25"],
            capture_output=True, text=True, timeout=900, env={**_env(), **SHOTS, "AUDITOR_TEST_NIGHT": night},
        )  # fmt: skip
    finally:
        server.stop()
    left = _helpers(night)
    peak = int(re.search(r"PEAK (\d+)", proc.stderr).group(1)) // 1024
    findings = json.loads((out / "rep" / "findings.json").read_text("utf-8"))
    return proc, out, {i["id"]: i for i in findings["items"]}, peak, secret, left


def _helpers(night: str) -> set[int]:
    """Live readers, browsers and LibreOffice processes started by `night` (its mark is in their environment:
    other tests' browsers, running beside it on another worker, are not its own)."""
    names = (b"auditor.evidence.reader", b"chromium", b"soffice")
    mark = f"AUDITOR_TEST_NIGHT={night}".encode()
    alive = set()
    for pid, _, cmd in processes._processes():
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            ours = mark in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if state != "Z" and ours and any(n in cmd for n in names):
            alive.add(pid)
    return alive


def _env() -> dict[str, str]:
    from auditor.demo import local_env

    return local_env()


def unchecked(item: dict) -> dict[str, str]:
    """file name → message of each content.unchecked finding."""
    out = {}
    for f in item["findings"]:
        if f["key"] == "content.unchecked":
            out[f["message"].split("文件“")[1].split("”")[0]] = f["message"]
    return out


def test_the_night_completes_with_findings_and_stays_small(hostile_night):
    proc, out, items, peak, *_ = hostile_night
    assert proc.returncode in (0, 1, 3), proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert peak < 1536, f"a process of the night reached {peak} MB"
    assert (out / "rep" / "findings.json").exists() and (out / "rep" / "gap-report.html").exists()


def test_each_crafted_file_is_unchecked_with_its_reason(hostile_night):
    items = hostile_night[2]
    budget, final = unchecked(items["moe-19"]), unchecked(items["moe-20"])
    assert "解压后大小 2048 MB > 256 MB" in budget["2025年部门预算公开表.docx"]
    assert "解压后大小 1024 MB > 256 MB" in budget["2025年部门预算明细表.xlsx"]
    assert "单页内容流 p.1 5 MB > 4 MB" in budget["2025年部门预算说明.pdf"]
    assert "文件无法解析（BadZipFile）" in final["2024年度部门决算说明.docx"]
    assert "压缩包条目数 100017 > 10000" in final["2024年度部门决算附表.docx"]
    assert "2024年度部门决算公开表.xlsx" not in final  # eight sheets that claim every cell: read
    assert items["moe-19"]["status"] == items["moe-20"]["status"] == "ok"  # never a gap
    fees = [c for e in items["moe-21"]["evidence"] for c in e.get("contents", [])]
    assert {c["name"]: c["error"] for c in fees} == {
        "2025-2026学年收费标准.docx": None,
        "收费依据.docx": "unreadable",
    }


def test_no_local_file_reaches_any_byte_the_night_wrote(hostile_night):
    """The marker's text is in no file the night wrote — store, WARC, reports, copies, screenshots' folder —
    and no report or copy holds a script."""
    out, secret = hostile_night[1], hostile_night[4]
    written = [p for p in out.rglob("*") if p.is_file() and secret not in p.parents]
    assert len(written) > 20
    for path in written:
        data = path.read_bytes()
        assert MARKER_TEXT.encode() not in data, path
        if (out / "rep") in path.parents:
            assert b"<script" not in data.lower(), path


def test_every_archived_copy_is_safe_to_open(hostile_night):
    out, items = hostile_night[1], hostile_night[2]
    copies = out / "rep" / "存档"
    files = {p.suffix for p in copies.iterdir()}
    assert files <= {".html", ".png", ".pdf", ".docx", ".xlsx", ".bin"}, files
    saved = {
        e["url"].rsplit("/", 1)[-1]: e["archive"]["saved_as"]
        for e in items["moe-37"]["evidence"]
        if e.get("archive")
    }
    assert saved["zzgl.svg"].endswith(".html") and saved["zzlc.html"].endswith(".html")
    for name in saved.values():
        text = (copies / name).read_text("utf-8")
        soup = BeautifulSoup(text, "html.parser")
        assert soup.head.find_all("meta")[1]["content"] == CSP
        assert (
            not soup.find_all(["script", "iframe", "image", "svg"])
            and "onload" not in text
            and "onerror" not in text
        )
    assert "学生奖助学金申请流程" in (copies / saved["zzlc.html"]).read_text("utf-8")


def test_the_crafted_pages_are_photographed_safely(hostile_night):
    out, items = hostile_night[1], hostile_night[2]
    html = (out / "rep" / "gap-report.html").read_text("utf-8")
    for item in ("moe-23", "moe-28", "moe-05"):  # a comment, the title, an attribute and a script string
        it = items[item]
        assert it["open"], item
        assert it["screenshot"] and not it["screenshot_problem"], (item, it["screenshot_problem"])
        assert (out / "archive" / it["screenshot"]["file"]).exists()
        assert f'alt="截图：{it["screenshot"]["url"]}"' in html
    assert "SCRIPT RAN" not in html


def test_a_page_that_refreshes_to_a_local_file_does_not_make_its_item_published(hostile_night):
    """The only 2021 edition meta-refreshes to file:///dev/zero: not fetched there, and not 已公开 either —
    older than the edition due, it could not make the item current."""
    it = hostile_night[2]["moe-22"]
    assert it["status"] == "stale" and it["findings"][0]["key"] == "freshness.behind"
    assert "2021年度" in it["findings"][0]["message"] and it["evidence"][0]["error"] == "redirect_offsite"


def test_the_store_keeps_no_reading_of_a_crafted_file_that_could_change(hostile_night):
    db = sqlite3.connect(hostile_night[1] / "auditor.sqlite")
    errors = dict(
        db.execute("SELECT error, count(*) FROM documents WHERE error IS NOT NULL GROUP BY error").fetchall()
    )
    assert errors.get("zip_bytes") == 2 and "seconds" not in errors and "budget" not in errors


def test_nothing_the_night_started_outlives_it(hostile_night):
    """No reader, browser or LibreOffice is left running once the night has ended."""
    assert hostile_night[5] == set()


def test_a_browser_that_fails_loses_no_copy_and_each_gap_says_why(demo_copy):
    """Chromium failing on every shot (here: a stand-in that exits 1) is said on each gap; the archive and the
    copies are all there, and the night ends with its usual exit code."""
    bin_dir = demo_copy.parent / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python3")
    fake = bin_dir / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    out = demo_copy.parent / "out"
    proc = run_auditor(
        "audit", "--config", str(demo_copy), "--as-of", "2022-11-15", "--out", str(out),
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", **SHOTS},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    findings = json.loads((out / "findings.json").read_text("utf-8"))
    gaps = [it for it in findings["items"] if it["open"]]
    assert gaps and all(it["screenshot_problem"] == "browser" and not it["screenshot"] for it in gaps)
    assert findings["evidence"]["records"] > 20 and findings["evidence"]["screenshots"]["failed"] >= 1
    assert len(list((out / "存档").glob("*.html"))) > 20
    assert "未截图：浏览器未能生成截图" in (out / "gap-report.html").read_text("utf-8")


@pytest.mark.integration
def test_the_copy_marks_the_row_that_names_the_item(tmp_path):
    rows = "".join(f"<tr><td>{n}</td><td>事项{n}</td><td>党政办</td></tr>" for n in range(1, 80))
    page = f"<html><body><h1>信息公开目录</h1><table>{rows}<tr><td>80</td><td>受捐赠财产的使用与管理情况</td><td>财务处</td></tr></table></body></html>"
    copy = safe_copy(
        page.encode(),
        "http://xxgk.x.test/xxgkml.htm",
        "2022-11-15 01:00",
        "ab" * 32,
        mark="受捐赠财产的 使用与管理情况",
    )
    soup = BeautifulSoup(copy, "html.parser")
    marked = soup.find(id="auditor-focus")
    assert (
        marked.name == "tr"
        and "受捐赠财产的使用与管理情况" in marked.get_text()
        and "outline" in marked["style"]
    )
    assert (
        safe_copy(page.encode(), "http://x.test/", "t", "ab" * 32, mark="不在页面上").find(b"auditor-focus")
        < 0
    )
    if chromium() is None:
        return
    plain = safe_copy(page.encode(), "http://xxgk.x.test/xxgkml.htm", "2022-11-15 01:00", "ab" * 32)
    assert render(copy, tmp_path / "at.png") == render(plain, tmp_path / "top.png") == ""
    assert (tmp_path / "at.png").read_bytes() != (tmp_path / "top.png").read_bytes()  # scrolled to the row
