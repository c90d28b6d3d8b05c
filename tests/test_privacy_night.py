"""A night on a college that publishes a 资助 公示 with students' 身份证号, phones and bank card numbers (as
provincial 通报 have named schools for): the findings list each kind on its page, masked and routed to the
department whose site it is; the night exits 1; and no file under --out holds a full value — not the JSON,
the HTML, the spreadsheet, the Word notices, nor the archived copies."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import night_on

pytestmark = pytest.mark.integration

ID, PHONE, CARD = "320106199003070418", "13812345678", "6222021234567890128"
ID2, PHONE2 = "43010419950612103X", "13912345678"
CARD2 = "6217001234567893"  # Luhn-valid, 16 digits
SHEET = [
    "序号 姓名 学院 年级",
    f"1 王某某 信息学院 2023级 身份证号：{ID} 银行卡号：{CARD2}",
]  # its file, as a sheet
ROWS = [  # as the 公示 lists them: a person per line, the school's office phone under it (not personal)
    f"1 张某某 2022级 机械设计 身份证号：{ID} 联系电话：{PHONE} 银行卡号：{CARD}",
    f"2 李某某 2023级 会计 身份证号：{ID2.lower()} 手机：{PHONE2[:3]}-{PHONE2[3:7]}-{PHONE2[7:]}",
    "公示期间如有异议，请与学生资助管理中心联系，电话：0731-88881234。",
]


def full_values_in(out: Path) -> list[tuple[str, str]]:
    """(file, value) for every full value found in any file under `out`, Office files read inside."""
    needles = [ID, ID2, ID2.lower(), PHONE, PHONE2, f"{PHONE2[:3]}-{PHONE2[3:7]}-{PHONE2[7:]}", CARD, CARD2]
    found = []
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                blobs = [z.read(n) for n in z.namelist()]
        text = "\n".join(b.decode("utf-8", "ignore") for b in blobs)
        found += [(str(path.relative_to(out)), v) for v in needles if v in text]
    return found


def test_a_night_finds_personal_data_in_a_gongshi_and_writes_none_of_it(tmp_path):
    data = {
        "school": "示例大学", "domain": "sl.test", "site_as_of": "2024-11-20",
        "hosts": {"www": {"layout": "vsb", "name": "示例大学", "role": "portal"},
                  "xsc": {"layout": "vsb", "name": "示例大学学生工作处"}},
        "columns": [{"id": 5103, "host": "xsc", "slug": "zzgs", "name": "资助公示", "category": "学生管理服务信息",
                     "articles": [{"title": "示例大学2024年国家助学金获得者名单公示", "date": "2024-10-18",
                                   "body": "经个人申请、学院评审，现将获得者名单公示如下，公示期为5个工作日。",
                                   "paragraphs": ROWS,
                                   "attachments": [{"name": "2024年国家励志奖学金获得者名单.xlsx", "text": SHEET}]}]}],
        "config": {"departments": [{"name": "学生工作处", "aliases": ["学工处"]}]},
    }  # fmt: skip
    proc, out = night_on(data, tmp_path, "2024-11-20")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings = json.loads((out / "findings.json").read_text("utf-8"))
    page = {(p["kind"], p["count"], tuple(p["masked"])) for p in findings["privacy"] if p["page"] == p["url"]}
    assert page == {
        ("id_number", 2, ("320106********0418", "430104********103X")),
        ("phone", 2, ("138****5678", "139****5678")),
        ("bank_card", 1, ("***************0128",)),
    }
    # its attached sheet, downloaded because it is a 公示's file, read with the page that links it
    sheet = [p for p in findings["privacy"] if p["page"] != p["url"]]  # a file: the page linking it apart
    assert {(p["kind"], tuple(p["masked"])) for p in sheet} == {
        ("id_number", ("320106********0418",)),
        ("bank_card", ("************7893",)),
    }
    assert all(p["page"].startswith("http://xsc.sl.test") and "download.jsp" in p["url"] for p in sheet)
    assert {p["department"] for p in findings["privacy"]} == {"学生工作处"}
    assert all(p["url"].startswith("http://xsc.sl.test") and p["first_seen"] for p in findings["privacy"])
    assert findings["summary"]["privacy"] == 5
    assert "不应公开的个人信息" in (out / "gap-report.html").read_text("utf-8")
    assert "个人信息" in proc.stdout
    notice = out / "整改通知" / "整改通知-学生工作处.docx"
    with zipfile.ZipFile(notice) as z:
        words = z.read("word/document.xml").decode("utf-8")
    assert "不应公开的个人信息" in words and "320106********0418" in words
    assert full_values_in(out) == []
