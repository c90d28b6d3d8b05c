"""Personal data in 公示 (issue 26): each kind found as people write it, and each look-alike left alone — a
case each. The values are made up and pass (or, for decoys, fail) the real checksums."""

from __future__ import annotations

import pytest

from auditor.privacy.detect import find, find_in_rows, mask, valid_id

ID = "320106199003070418"  # region 320106, born 1990-03-07, GB 11643 check digit 8
ID_X = "43010419950612103X"
CARD = "6222021234567890128"  # Luhn-valid, 19 digits


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        (f"身份证号：{ID}", "id_number", "320106********0418"),
        ("身份证号码 320106 19900307 0418", "id_number", "320106********0418"),  # grouped as typed
        (f"公民身份号码{ID_X.lower()}", "id_number", "430104********103X"),  # a lower-case x
        ("320106900307041", "id_number", "320106*****7041"),  # the old 15-digit form
        ("联系电话：13812345678", "phone", "138****5678"),
        ("手机 138-1234-5678", "phone", "138****5678"),
        ("联系方式：138 1234 5678。", "phone", "138****5678"),
        (f"银行卡号：{CARD}", "bank_card", "***************0128"),
        ("开户行及账号：中国银行 6222 0212 3456 7890 128", "bank_card", "***************0128"),
        ("家庭住址：湖南省长沙市岳麓区某某街道12号", "address", "湖南省长沙市" + "*" * 10),
        (f"1 {ID} 2", "id_number", "320106********0418"),  # a row's numbers on either side, spaced
        (f"银行卡号：{CARD} 2 李某某", "bank_card", "***************0128"),
    ],
)
def test_each_kind_is_found_as_people_write_it(text, kind, masked):
    (hit,) = find(text)
    assert (hit.kind, hit.masked) == (kind, masked)


@pytest.mark.parametrize(
    "text",
    [
        "身份证号：320106********0417",  # already masked
        "320106199003070411",  # check digit wrong (it is 8)
        "320106199013070418",  # month 13
        "110027199003070415",  # a region python-stdnum 2.2 knows only above county level (it raised KeyError)
        "订单号：202313812345678901",  # a phone-like run inside a longer number
        "考生号：13812345678",  # labelled as something else
        "学号 2021138123456",
        "项目编号：6222021234567890128",  # a Luhn-valid number that is not said to be a card
        "6222021234567890128",  # the same, unlabelled
        "银行卡号：6222021234567890127",  # labelled, but not Luhn-valid
        "统一社会信用代码：91430100MA4L12345X",
        "湘教发〔2019〕34号",
        "联系电话：0731-88881234",  # the school's office (a landline, in any spelling)
        "电话：0731 8888 1234",
        "收支预算总表 2023年部门预算 支出 12345678.90 万元",
    ],
)
def test_what_only_looks_like_personal_data_is_left_alone(text):
    assert find(text) == []


def test_a_table_is_read_with_its_header():
    """A spreadsheet of 资助 results as schools publish them: the ID as text, the phone stored as a number, the
    card and address in columns headed so (no label beside the value itself)."""
    rows = [
        ["序号", "姓名", "身份证号", "联系电话", "银行卡号", "家庭住址"],
        [1, "张某某", ID, 13812345678.0, CARD, "湖南省衡阳市衡山县某某镇某某村5组"],
        [2, "李某某", "320106********0417", None, "", ""],
    ]
    kinds = sorted((h.kind, h.masked) for h in find_in_rows(rows))
    assert kinds == [
        ("address", "湖南省衡阳市" + "*" * 11),
        ("bank_card", "***************0128"),
        ("id_number", "320106********0418"),
        ("phone", "138****5678"),
    ]


def test_masks_keep_what_the_issue_allows():
    assert mask("id_number", ID) == "320106********0418"
    assert mask("phone", "13812345678") == "138****5678"
    assert mask("bank_card", CARD) == "***************0128"
    assert valid_id(ID) and valid_id("320106900307041") and not valid_id("320106901307041")  # month 13


def test_an_archived_copy_and_so_its_screenshot_show_only_masks():
    """The copy under the report (and the page a screenshot is taken of) is rebuilt by the sanitiser: it masks
    every personal value; the WARC in the store keeps the page as published."""
    from auditor.evidence.sanitise import safe_copy

    page = (
        "<html><head><meta charset='utf-8'><title>国家助学金获得者名单公示</title></head><body><table>"
        f"<tr><th>姓名</th><th>身份证号</th><th>联系电话</th></tr><tr><td>张某某</td><td>{ID}</td>"
        f"<td>138 1234 5678</td></tr></table></body></html>"
    ).encode()
    copy = safe_copy(page, "http://xsc.sl.test/info/1.htm", "2024-11-20 03:00", "a" * 64).decode()
    assert ID not in copy and "138 1234 5678" not in copy
    assert "320106********0418" in copy and "138****5678" in copy and "张某某" in copy


def test_first_seen_is_kept_from_the_audit_that_first_found_it():
    """Since when a 公示 leaks is fixed when it is found: the next night (and every night after, whatever
    retention dropped of the crawl behind it) carries the date; a new leak is dated tonight."""
    from auditor.privacy.findings import carried

    last = [{"url": "http://x/1.htm", "kind": "phone", "first_seen": "2024-09-01"}]
    found = [
        {"url": "http://x/1.htm", "kind": "phone", "first_seen": "2024-11-01"},
        {"url": "http://x/1.htm", "kind": "id_number", "first_seen": "2024-11-20"},
    ]
    assert [p["first_seen"] for p in carried(found, last)] == ["2024-09-01", "2024-11-20"]


def test_the_crawl_log_names_a_failed_record_by_its_url_never_prints_it():
    """Scrapy writes the whole item into its log when a pipeline fails on it: a 公示's text with it."""
    from types import SimpleNamespace

    from scrapy.http import HtmlResponse

    from spiders.logformatter import RecordLogFormatter

    # what the formatter reads of a spider: its crawler's drop-log level (no reactor needed)
    spider = SimpleNamespace(crawler=SimpleNamespace(settings={"DEFAULT_DROPITEM_LOG_LEVEL": "WARNING"}))

    item = {
        "kind": "page",
        "url": "http://xsc.sl.test/1.htm",
        "excerpt": f"身份证号：{ID}",
        "body": ID.encode(),
    }
    response = HtmlResponse("http://xsc.sl.test/1.htm", body=b"")
    f = RecordLogFormatter()
    for out in (
        f.item_error(item, ValueError("x"), response, spider),
        f.dropped(item, ValueError("x"), response, spider),
        f.scraped(item, response, spider),
    ):
        line = out["msg"] % out["args"]
        assert ID not in line and "page http://xsc.sl.test/1.htm" in line


def test_a_pdfs_table_that_lost_its_columns_is_read_under_its_header_line():
    """A PDF's text layer keeps a table only as lines of words: a line that lines up with the header line before
    it is read as that header's row (the card and address have no label beside them); one that does not is
    read as plain text, and nothing is claimed of its unlabelled numbers."""
    from auditor.privacy.detect import text_tables

    text = (
        "2024年国家助学金获得者名单\n序号 姓名 身份证号 银行卡号 家庭住址\n"
        f"1 张某某 {ID} {CARD} 湖南省衡阳市衡山县某某镇5组\n"
        f"2 李某某 {ID_X} 另见 附表 {CARD}\n"  # six words under five headings: not a row
        "如有异议请联系学生资助管理中心，电话：0731-88881234\n"  # one heading word: not a header line
    )
    (rows,) = text_tables(text)
    assert len(rows) == 2
    kinds = sorted(h.kind for h in find_in_rows(rows))
    assert kinds == ["address", "bank_card", "id_number"]
    assert text_tables("序号 姓名 电话\n只有一行说明文字，不成表") == []
