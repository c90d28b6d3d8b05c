"""Personal data in every format a 公示 is published in (issue 26's "done when"): a fictitious college's 学生工作处
publishes one 资助 公示 as a web page with a table, and the same kind of list as a text PDF, a Word file (a value
split across runs), an Excel workbook (numbers stored as numbers), a legacy .xls, a scanned PDF and pictures
(JPG, PNG) shown in the article — as schools do (the 公示's title and wording follow 湖南 colleges' 国家助学金
公示 pages; its columns those of MOE's 学生资助 notices' forbidden list). Every planted value is found in its own
file, with its kind and mask; no decoy (a masked ID, a 考生号, an 订单号, the office's landline) is; and no full
value lands in any file under --out. The values are made up and pass (or, for decoys, fail) the real
checksums."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from stdnum import luhn
from stdnum.cn import ric

from auditor.evidence.reader import Reader
from auditor.evidence.text import Limits
from tests.conftest import night_on

FORMATS = ("html", "pdf", "docx", "xlsx", "xls", "scan", "jpg", "png")


def person(n: int) -> dict[str, str]:
    """A made-up student's values, different for every format: a valid 身份证号, a mobile, a Luhn-valid card."""
    body = f"4301041998{1 + n % 12:02d}{10 + n:02d}{n % 10}3{n % 7}"
    card = f"621700{n:02d}1234567{n % 10}"
    return {
        "id": body + ric.calc_check_digit(body + "0"),  # (it reads all but the last character)
        "phone": f"139{n:04d}{5678 + n:04d}"[:11],
        "card": card + luhn.calc_check_digit(card),
        "address": f"湖南省衡阳市衡山县{'东西南北中'[n % 5]}岭镇{n + 2}组",
    }


PEOPLE = {fmt: person(n + 1) for n, fmt in enumerate(FORMATS)}
HEADER = "序号\t姓名\t学院\t身份证号\t联系电话\t银行卡号\t家庭住址"
DECOYS = [  # each format carries these too: none is personal data
    "2\t李某某\t机电学院\t430104********103X\t139****5678\t**** **** **** 0128\t—",
    "考生号：21430104151234，订单号：202313812345678901",
    "公示期为2024年10月18日至10月24日（5个工作日），如有异议请联系学生资助管理中心，电话：0731-88881234",
]


def rows(fmt: str) -> list[str]:
    p = PEOPLE[fmt]
    return [HEADER, f"1\t张某某\t信息学院\t{p['id']}\t{p['phone']}\t{p['card']}\t{p['address']}", *DECOYS]


@pytest.mark.integration
def test_the_reader_ocrs_pictures_and_scans_only_when_asked_and_within_the_nights_budget():
    """A picture and a scan give their values by OCR (on_scan); without OCR a scan is only a scan; with the
    night's OCR budget spent, the next scan is answered "ocr_budget" and counted, never silently skipped."""
    from auditor.demo import documents

    png, scan = documents.picture(rows("png"), "PNG"), documents.scanned_pdf(rows("scan"))
    with Reader() as reader:
        got = reader.read(png, "image/png", "名单.png", ocr=True)
        assert got["ocr"] == 1 and {p["kind"] for p in got["privacy"]} == {
            "id_number", "phone", "bank_card", "address"
        }  # fmt: skip
        assert PEOPLE["png"]["id"][:6] + "********" + PEOPLE["png"]["id"][-4:] in got["privacy"][0]["masked"]
        plain = reader.read(scan, "application/pdf", "名单.pdf")
        assert plain["scanned"] and not plain.get("ocr") and plain["privacy"] == []
        assert reader.read(scan, "application/pdf", "名单.pdf", ocr=True)["ocr"] == 1
        assert reader.ocr_pages == 2 and reader.deferred == 0
    with Reader(Limits(ocr_budget_seconds=0)) as spent:
        assert spent.read(scan, "application/pdf", "名单.pdf", ocr=True)["error"] == "ocr_budget"
        assert spent.read(png, "image/png", "名单.png", ocr=True)["error"] == "ocr_budget"
        assert spent.deferred == 2 and spent.ocr_pages == 0


def college() -> dict:
    html = PEOPLE["html"]
    xlsx = [line.split("\t") for line in rows("xlsx")]
    xlsx[1][4] = int(xlsx[1][4])  # the phone stored as a number, as spreadsheets keep it
    docx = rows("docx")
    docx[1] = docx[1].replace(PEOPLE["docx"]["id"], PEOPLE["docx"]["id"][:9] + "¦" + PEOPLE["docx"]["id"][9:])
    return {
        "school": "示例大学", "domain": "sl.test", "site_as_of": "2024-11-20",
        "hosts": {"www": {"layout": "vsb", "name": "示例大学", "role": "portal"},
                  "xsc": {"layout": "vsb", "name": "示例大学学生工作处"}},
        "columns": [{"id": 5103, "host": "xsc", "slug": "zzgs", "name": "资助公示", "category": "学生管理服务信息",
                     "articles": [{
                         "title": "关于2024年国家助学金获得者名单的公示", "date": "2024-10-18",
                         "body": "根据《湖南省普通本科高校、高等职业学校国家助学金管理实施办法》，经个人申请、学院评审，"
                                 "现将2024年国家助学金获得者名单予以公示，公示期为5个工作日。",
                         "paragraphs": [f"1 张某某 信息学院 身份证号：{html['id']} 联系电话：{html['phone']}"
                                        f" 银行卡号：{html['card']} 家庭住址：{html['address']}",
                                        *(d.replace("\t", " ") for d in DECOYS)],
                         "attachments": [
                             {"name": "2024年国家助学金获得者名单.pdf", "text": rows("pdf")},
                             {"name": "2024年国家助学金获得者名单.docx", "text": docx},
                             {"name": "2024年国家励志奖学金获得者名单.xlsx", "text": xlsx},
                             {"name": "2024年学费减免名单.xls", "text": rows("xls")},
                             {"name": "2024年国家助学金获得者名单（盖章版）.pdf", "text": rows("scan"), "scanned": True},
                         ],
                         "pictures": [{"name": "名单1.jpg", "text": rows("jpg")},
                                      {"name": "名单2.png", "text": rows("png")}],
                     }]}],
        "config": {"departments": [{"name": "学生工作处", "aliases": ["学工处"]}]},
    }  # fmt: skip


@pytest.mark.system
def test_every_planted_value_in_every_format_is_found_and_none_is_written_out(tmp_path):
    proc, out = night_on(college(), tmp_path, "2024-11-20")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings = json.loads((out / "findings.json").read_text("utf-8"))
    by_url: dict[str, dict[str, list[str]]] = {}
    for p in findings["privacy"]:
        by_url.setdefault(p["url"], {})[p["kind"]] = p["masked"]
        assert p["department"] == "学生工作处" and p["first_seen"]
    found = {}  # format → the masks its URL carries
    for kinds in by_url.values():
        fmt = next(f for f in FORMATS if any(PEOPLE[f]["id"][-4:] in m for m in kinds.get("id_number", [])))
        found[fmt] = kinds
    assert sorted(found) == sorted(FORMATS), json.dumps(
        by_url, ensure_ascii=False, indent=1
    )  # one URL per format: the page, five files, two pictures
    for fmt, kinds in found.items():
        p = PEOPLE[fmt]
        assert kinds == {
            "id_number": [p["id"][:6] + "*" * 8 + p["id"][-4:]],
            "phone": [p["phone"][:3] + "****" + p["phone"][-4:]],
            "bank_card": ["*" * (len(p["card"]) - 4) + p["card"][-4:]],
            "address": [p["address"][:6] + "*" * (len(p["address"]) - 6)],
        }, fmt  # exactly the planted values: no decoy counted
    scans = {p["url"] for p in findings["privacy"] if p["on_scan"]}
    assert len(scans) == 3 and all(u.endswith((".jpg", ".png")) or "download" in u for u in scans)
    assert findings["privacy_scans"]["ocr_pages"] == 3 and findings["privacy_scans"]["deferred"] == 0
    values = {v for p in PEOPLE.values() for v in p.values()}
    written = [(name, v) for name, text in files_under(out) for v in values if v in text]
    assert written == []  # no full value in any file under --out, of any kind


def files_under(out: Path) -> list[tuple[str, str]]:
    """(name, text) of every file under `out`, Office files and zips read inside."""
    found = []
    for path in out.rglob("*"):
        if path.is_file():
            blobs = [path.read_bytes()]
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as z:
                    blobs = [z.read(n) for n in z.namelist()]
            found.append((str(path.relative_to(out)), "\n".join(b.decode("utf-8", "ignore") for b in blobs)))
    return found
