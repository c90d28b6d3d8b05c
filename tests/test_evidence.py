"""What the documents contain (content rules on real PDF/DOCX/XLSX files, a scan, a wrong year, a missing
table), the WARC archive read back with warcio, revisits for unchanged pages, a tampered or deleted archive
said so, capped downloads, screenshots from the archive, and an audit on a machine with no browser."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from auditor.checklist import load_checklist
from auditor.demo import documents
from auditor.evidence import contents
from auditor.evidence.text import extract
from auditor.findings import Evidence
from auditor.rules import Context, annual_report, content, freshness, precedence
from auditor.store import Store
from tests.conftest import SHOTS, run_auditor

CHECKLIST = load_checklist()
ITEM = CHECKLIST.get
BUDGET = ["湘岳职业技术学院2022年部门预算公开表", "表一 收支预算总表（2022年）", "表二 收入预算表（2022年）",
          "表三 支出预算表（2022年）", "表四 财政拨款支出预算表（2022年）"]  # fmt: skip


def page(title: str, files: dict[str, bytes], store: Store, run: int) -> Evidence:
    """A document page of the budget column whose attached files the documents pass downloaded."""
    store.write_batch(
        run,
        [{"kind": "attachment", "url": f"http://cwc.x.test/{i}.bin", "status": 200, "filename": name,
          "content_type": "", "body": body} for i, (name, body) in enumerate(files.items())],
    )  # fmt: skip
    return Evidence(
        url="http://cwc.x.test/gksx/cwys/3044.html", title=title, score=100, field="title", matched=title,
        alias="部门预算", status=200, published="2022-04-23", period="2022年", period_start=2022, period_kind="year",
        attachments=[{"url": f"http://cwc.x.test/{i}.bin", "name": name, "status": 200} for i, name in enumerate(files)],
    )  # fmt: skip


def judged(item_id: str, files: dict[str, bytes], tmp_path: Path, as_of: str = "2022-06-15"):
    with Store(tmp_path / "s.sqlite") as store:
        run = store.start_run("x", "x", "x", "x", [])
        e = page(f"湘岳职业技术学院2022年{ITEM(item_id).short}", files, store, run)
        contents.attach(store, run, CHECKLIST, {item_id: [e]})
    ctx = Context(date.fromisoformat(as_of), 100)
    found = content.check(ITEM(item_id), [e], ctx) + freshness.check(ITEM(item_id), [e], ctx)
    status, kept, _ = precedence.decide(ITEM(item_id), found, ctx, usable=True)
    return status, kept, e


def test_a_complete_budget_passes(tmp_path):
    status, kept, e = judged("moe-19", {"2022年部门预算公开表.pdf": documents.text_pdf(BUDGET)}, tmp_path)
    assert status == "ok" and kept == [] and e.contents[0]["format"] == "pdf" and e.content_period == "2022年"


def test_a_budget_with_three_of_four_tables_is_a_finding_and_stays_published(tmp_path):
    three = [line for line in BUDGET if "收入预算表" not in line]
    status, kept, _ = judged("moe-19", {"2022年部门预算公开表.pdf": documents.text_pdf(three)}, tmp_path)
    assert status == "ok" and [f.key for f in kept] == ["content.incomplete"]
    assert "收入预算表" in kept[0].message and "财政拨款支出预算表" not in kept[0].params["missing"]


def test_a_table_named_inside_another_does_not_count(tmp_path):
    """支出预算表 appears inside 财政拨款支出预算表: a file with only the latter lacks the former."""
    lines = [line for line in BUDGET if "表三" not in line]
    _, kept, _ = judged("moe-19", {"2022年部门预算公开表.pdf": documents.text_pdf(lines)}, tmp_path)
    assert kept and kept[0].params["missing"] == "支出预算表"


def test_a_title_saying_2022_over_tables_for_2021_is_not_the_2022_edition(tmp_path):
    wrong = [line.replace("2022", "2021") for line in BUDGET]
    status, kept, e = judged("moe-19", {"2022年部门预算公开表.pdf": documents.text_pdf(wrong)}, tmp_path)
    assert e.content_period_start == 2021 and e.period_start == 2022
    assert status == "stale"  # the 2022 edition was due by 31 May and is not there
    assert {f.key for f in kept} == {"content.wrong_period", "freshness.behind"}
    wrong_year = next(f for f in kept if f.key == "content.wrong_period")
    assert "标题为2022年" in wrong_year.message and "内容为2021年" in wrong_year.message


def test_a_scanned_pdf_is_said_so_and_keeps_its_status(tmp_path):
    status, kept, e = judged("moe-19", {"2022年部门预算公开表.pdf": documents.scanned_pdf()}, tmp_path)
    assert status == "ok" and [f.key for f in kept] == ["content.scanned"] and e.contents[0]["scanned"]
    assert "扫描件" in kept[0].message and "未核查" in kept[0].message


def test_word_and_excel_files_are_read(tmp_path):
    xlsx = documents.xlsx(["2022年部门预算\t单位：万元", "收支预算总表\t1200", "收入预算表\t800", "支出预算表\t900",
                           "财政拨款支出预算表\t600"])  # fmt: skip
    status, kept, e = judged("moe-19", {"2022年预算表.xlsx": xlsx}, tmp_path)
    assert status == "ok" and kept == [] and e.contents[0]["format"] == "xlsx"
    parts = ["湘岳职业技术学院2021-2022学年信息公开工作年度报告", "一、概述", "二、主动公开情况", "三、依申请公开情况",
             "四、评议情况", "五、举报、复议、诉讼情况", "六、主要经验、存在的问题和改进措施", "七、其他需要报告的事项"]  # fmt: skip
    report = documents.docx(parts)
    assert extract(report, "", "报告.docx")["format"] == "docx"
    _, _, e = judged("moe-06", {"年度报告.docx": report}, tmp_path / "b", as_of="2022-11-15")
    ctx = Context(date(2022, 11, 15), 100, annual_report=CHECKLIST.annual_report)
    found = annual_report.check(ITEM("moe-06"), [e], ctx)
    assert [f.params["part"] for f in found if f.key == "annual_report.part_missing"] == [
        "清单事项公开情况表"
    ]


def test_broken_and_truncated_files_never_raise():
    assert extract(b"%PDF-1.4 garbage", "", "x.pdf")["error"].startswith("unreadable")
    assert extract(documents.text_pdf(BUDGET)[:300], "", "x.pdf", capped=True)["error"] == "capped"
    assert extract(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "", "x.xls")["error"]


# ------------------------------------------------------------------ the demo: archive and screenshots
def item(findings: dict, item_id: str) -> dict:
    return next(it for it in findings["items"] if it["id"] == item_id)


def test_demo_documents_are_read(audited):
    _, findings = audited
    # planted: a table missing from the PDF; beside it an .xls that is only an OLE header: said, not read
    keys = [f["key"] for f in item(findings, "moe-19")["findings"]]
    assert sorted(keys) == ["content.incomplete", "content.unchecked"]
    assert (
        "财政拨款支出预算表"
        in item(findings, "moe-19")["findings"][keys.index("content.incomplete")]["message"]
    )
    assert (
        "内容未核查：文件无法解析"
        in item(findings, "moe-19")["findings"][keys.index("content.unchecked")]["message"]
    )
    assert "扫描件" in item(findings, "moe-02")["findings"][0]["message"]  # planted: a scan
    assert item(findings, "moe-19")["status"] == item(findings, "moe-02")["status"] == "ok"
    budget = next(e for e in item(findings, "moe-19")["evidence"] if e["contents"])
    assert budget["contents"][0]["sha256"] and "text" not in budget["contents"][0]  # text stays in the store
    # download.jsp's GBK Content-Disposition, 5.2 MB of something that only starts like a PDF: read, said unreadable
    quality = [c for e in item(findings, "vocational-quality-report")["evidence"] for c in e["contents"]]
    assert quality and quality[0]["name"] == "2022年高等职业教育质量年度报告.pdf"
    assert quality[0]["error"] == "unreadable"


def test_archive_is_standard_warc_read_back_with_warcio(audited):
    from warcio.archiveiterator import ArchiveIterator

    out, findings = audited
    warc = out.parent / "archive" / findings["evidence"]["warc"]
    with warc.open("rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(fh)]  # fmt: skip
    assert len(records) == findings["evidence"]["records"] > 20
    payloads = {uri: body for kind, uri, body in records if kind == "response"}
    for it in findings["items"]:
        for e in it["evidence"]:
            if e.get("archive"):  # every evidence entry names its record; the payload hashes as recorded
                assert hashlib.sha256(payloads[e["url"]]).hexdigest() == e["archive"]["sha256"]
    dead = item(findings, "moe-20")["findings"][0]["link"]
    assert (
        dead["target"] in payloads and dead["source"] in payloads
    )  # the dead link's answer, and who links it
    with warc.open("rb") as fh:
        statuses = {
            r.rec_headers.get_header("WARC-Target-URI"): r.http_headers.get_statuscode()
            for r in ArchiveIterator(fh)
        }
    assert statuses[dead["target"]] == "404"


def test_evidence_command_lists_checks_and_extracts(audited, tmp_path):
    demo_copy = audited[0].parent / "site.yaml"
    proc = run_auditor("evidence", "dfc-self-evaluation", "--config", str(demo_copy))
    assert (
        proc.returncode == 0 and "xxgkml.htm" in proc.stdout and "一致" in proc.stdout
    )  # where it should be
    proc = run_auditor(
        "evidence", "moe-20", "--config", str(demo_copy), "--extract", "1", "--to", str(tmp_path / "p.html")
    )
    assert proc.returncode == 0 and "一致" in proc.stdout and "3046.html" in " ".join(proc.stdout.split())
    assert "2021年度部门决算" in (tmp_path / "p.html").read_bytes().decode("gbk", "replace")


def test_a_tampered_or_missing_archive_is_said_so(audited_copy, demo_copy):
    out, findings = audited_copy
    warc = demo_copy.parent / "archive" / findings["evidence"]["warc"]
    row = item(findings, "moe-20")["evidence"][0]["archive"]
    original = warc.read_bytes()
    end = _member_end(original, row["offset"])  # each record is one gzip member
    member = gzip.decompress(original[row["offset"] : end])
    assert member.startswith(b"WARC/1.1")
    tampered = member.replace("决算".encode("gbk"), "预算".encode("gbk"), 1)
    assert tampered != member
    warc.write_bytes(original[: row["offset"]] + gzip.compress(tampered) + original[end:])
    proc = run_auditor("evidence", "moe-20", "--config", str(demo_copy), env={"COLUMNS": "200"})
    assert proc.returncode == 3 and "不符" in proc.stdout
    report = demo_copy.parent / "again"
    assert run_auditor("report", "--last", "--config", str(demo_copy), "--out", str(report)).returncode == 0
    html = (report / "gap-report.html").read_text("utf-8")
    assert "存档内容与记录的 SHA-256 不符" in html  # never the live page instead
    warc.unlink()
    proc = run_auditor("evidence", "moe-20", "--config", str(demo_copy), env={"COLUMNS": "200"})
    assert proc.returncode == 3 and "存档文件不存在" in proc.stdout


def _member_end(data: bytes, offset: int) -> int:
    import zlib

    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    d.decompress(data[offset:])
    return len(data) - len(d.unused_data)


def test_screenshots_of_open_gaps_from_the_archive(audited):
    if shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it")
        pytest.skip("chromium not installed")
    out, findings = audited
    shots = {it["id"]: it["screenshot"] for it in findings["items"] if it["open"]}
    assert all(shots.values()) and len(shots) == findings["summary"]["open_gaps"]
    assert shots["moe-16"]["url"].endswith("/cwzc/jzcc.htm")  # the empty column
    assert shots["moe-20"]["url"].endswith("/3046.html")  # the page whose attachment is dead
    soup = BeautifulSoup((out / "gap-report.html").read_text("utf-8"), "html.parser")
    images = soup.select("figure.shot img")
    # every open gap's card shows its screenshot, embedded, stamped with URL, time and hash
    assert len(images) == findings["summary"]["open_gaps"]
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)
    assert all("抓取于" in f.get_text() and "SHA-256" in f.get_text() for f in soup.select("figure.shot"))


def test_an_audit_with_no_browser_still_works_and_says_so(demo_copy):
    bin_dir = demo_copy.parent / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("python3") or "/usr/bin/python3", bin_dir / "python3")
    out = demo_copy.parent / "out"
    env = {"PATH": str(bin_dir), **SHOTS}  # screenshots asked for, no chromium on the PATH
    proc = run_auditor(
        "audit", "--config", str(demo_copy), "--as-of", "2022-11-15", "--out", str(out), env=env
    )
    assert proc.returncode == 1, proc.stderr
    findings = json.loads((out / "findings.json").read_text("utf-8"))
    assert findings["evidence"]["screenshots"]["skipped"] == "本机未安装 Chromium，未截图"
    assert findings["evidence"]["records"] > 20  # the archive does not need a browser
    assert "未截图：本机未安装 Chromium" in (out / "gap-report.html").read_text("utf-8")


def test_an_unchanged_page_is_archived_once_and_revisited(demo_server, tmp_path):
    from tests.conftest import crawl_demo

    proc, store = crawl_demo(demo_server, tmp_path)
    assert proc.returncode == 0
    config = tmp_path / "site.yaml"
    first = run_auditor(
        "audit", "--config", str(config), "--as-of", "2022-11-15", "--out", str(tmp_path / "o1"), env=SHOTS
    )
    assert first.returncode == 1
    proc, _ = crawl_demo(demo_server, tmp_path)  # the same site again: 304s and the same payloads
    second = run_auditor(
        "audit", "--config", str(config), "--as-of", "2022-11-16", "--out", str(tmp_path / "o2"), env=SHOTS
    )
    assert second.returncode == 1
    f2 = json.loads((tmp_path / "o2" / "findings.json").read_text("utf-8"))
    assert f2["evidence"]["revisits"] >= f2["evidence"]["records"] - 5  # nearly all unchanged
    size = {p.name: p.stat().st_size for p in (tmp_path / "archive").glob("*.warc.gz")}
    assert size["run-2.warc.gz"] < size["run-1.warc.gz"] / 2  # revisits carry headers, not payloads
    assert f2["evidence"]["screenshots"]["reused"] >= 1 or shutil.which("chromium") is None
    # retention keeps one run: run 1's pages go, but its WARC stays while run 2's revisits point into it
    from auditor.evidence import archive

    with Store(store) as s:
        assert s.prune(1).runs == [1]
        assert archive.prune_files(s, store) == [] and (tmp_path / "archive" / "run-1.warc.gz").exists()
    # a revisit is read through the record it points at
    proc = run_auditor("evidence", "moe-20", "--config", str(config))
    assert proc.returncode == 0 and "revisit" in proc.stdout and "一致" in proc.stdout


def test_documents_over_the_cap_keep_their_first_part(demo_server, tmp_path):
    from tests.conftest import crawl_demo

    config = tmp_path / "site.yaml"
    proc, store = crawl_demo(demo_server, tmp_path)
    data = yaml.safe_load(config.read_text("utf-8"))
    data["documents"] = {"max_bytes": 4096}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    proc = run_auditor("crawl", "--config", str(config))
    assert proc.returncode == 0 and "文件：候选" in proc.stdout
    import sqlite3

    db = sqlite3.connect(store)
    capped = db.execute(
        "SELECT b.size FROM attachments a JOIN bodies b ON b.sha256=a.body_sha256 WHERE a.run_id=2 AND b.capped=1"
    ).fetchall()
    assert capped and all(size == 4096 for (size,) in capped)  # the 5.2 MB report: its first 4 KB, marked
