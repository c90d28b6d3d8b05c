"""Personal data in published text (issue 26): 居民身份证号码, mobile numbers, bank card numbers and 家庭住址, read
as people write them (spaced or hyphenated groups, a lower-case x, numbers a spreadsheet stored as numbers) and
told apart from what only looks like them: a masked value, a number failing its checksum (订单号, 准考证号, 项目编号),
a 文号, 学号 or 考生号 by its label, a 统一社会信用代码, an office's landline. The checksums are python-stdnum's
(GB 11643 with its region and birth date, Luhn), not hand-written.

A value found is only ever handed on masked (`mask`): the store keeps the evidence as published in its WARC
archive, nothing else keeps a full value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric

KINDS = ("id_number", "phone", "bank_card", "address")

# a run of digits as people group them: "320106 19900307 0417", "138-1234-5678", "6222 0212 3456 7890 128";
# never glued to another digit or letter on either side (an 订单号's middle is not a phone)
_GROUPED = r"(?<![0-9A-Za-z])(\d[\d \-\u00a0]{%d,%d}[\dXx])(?![0-9A-Za-z])"
ID_LIKE = re.compile(_GROUPED % (13, 24))
PHONE_LIKE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d(?:[ \-]?\d{4}){2})(?![0-9A-Za-z])")
CARD_LIKE = re.compile(_GROUPED % (14, 26))
# words that say what a number is: a bank card's (needed before calling 16–19 digits a card), or something else
CARD_WORDS = ("卡号", "账号", "帐号", "银行卡", "银行账户", "储蓄卡", "借记卡", "开户行")
NOT_PERSONAL_WORDS = (
    "学号",
    "考生号",
    "准考证",
    "考号",
    "工号",
    "订单",
    "项目编号",
    "编号",
    "文号",
    "信用代码",
    "流水号",
)
ADDRESS_LABEL = re.compile(
    r"(?:家庭住址|家庭地址|现住址|户籍地址|通讯地址|住址)[：:\s]*([^\s，,；;。|]{6,40})"
)
ADDRESS_WORDS = ("省", "市", "县", "区", "镇", "乡", "村", "街道", "路", "号", "组")
LABEL_WINDOW = 12  # characters before a number where its label is looked for
# what any personal value needs somewhere in a text: a run of digits as long as a phone (however grouped), or an
# address's label — most pages have neither, and are passed over at the cost of one search
CANDIDATE = re.compile(
    r"\d{11}|\d{3}[ \-]\d{4}[ \-]\d{4}|\d{4}[ \-]\d{4}[ \-]\d{4}|\d{6}[ \-]\d{8}|住址|家庭地址|通讯地址"
)


@dataclass(frozen=True)
class Hit:
    kind: str  # id_number | phone | bank_card | address
    value: str  # as normalised for comparison (digits, upper-case X); never shown, only masked
    start: int
    end: int

    @property
    def masked(self) -> str:
        return mask(self.kind, self.value)


def digits(text: str) -> str:
    return re.sub(r"[ \-\u00a0]", "", text).upper()


def mask(kind: str, value: str) -> str:
    """What a report may show: an ID's first 6 and last 4, a phone's first 3 and last 4, a card's last 4, an
    address's first 6 characters."""
    if kind == "id_number":
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if kind == "phone":
        return value[:3] + "****" + value[-4:]
    if kind == "bank_card":
        return "*" * (len(value) - 4) + value[-4:]
    return value[:6] + "*" * max(0, len(value) - 6)


def valid_id(value: str) -> bool:
    """GB 11643: 18 characters with a valid region, birth date and check digit; or the old 15-digit form,
    checked as the 18-digit one it became (19 inserted before the year)."""
    if len(value) == 15 and value.isdigit():
        body = value[:6] + "19" + value[6:]
        value = body + ric.calc_check_digit(body + "0")  # (it reads all but the last character)
    try:
        return len(value) == 18 and ric.is_valid(value)
    except KeyError:  # python-stdnum 2.2 raises on a region code its table knows only above county level
        return False  # (every real 身份证号 names its county): not an ID


def _labelled(text: str, start: int, words: tuple[str, ...]) -> bool:
    return any(w in text[max(0, start - LABEL_WINDOW) : start] for w in words)


GROUP = re.compile(r"[\dXx]+")


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    """Each digit run `pattern` finds, and every run of its consecutive groups (a row's "1 320106…0418 2"
    holds the ID between the row numbers): (start, end, digits), longest first within a run."""
    out = []
    for m in pattern.finditer(text):
        groups = [(g.start() + m.start(1), g.end() + m.start(1)) for g in GROUP.finditer(m.group(1))]
        windows = [(groups[i][0], groups[j][1]) for i in range(len(groups)) for j in range(i, len(groups))]
        out += [(a, b, digits(text[a:b])) for a, b in sorted(windows, key=lambda w: w[0] - w[1])]
    return out


def worth_reading(text: str) -> bool:
    """Could `text` hold a personal value at all (see CANDIDATE)? The cheap test before the checksums."""
    return CANDIDATE.search(text) is not None


def find(text: str, header: str = "") -> list[Hit]:
    """Every personal value in `text` (a page's text, a document's, a table cell's). `header` is the heading of
    the column a cell is in, when there is one: a bank card or address is recognised by it too."""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(kind: str, value: str, a: int, b: int) -> None:
        hits.append(Hit(kind, value, a, b))
        taken.append((a, b))

    for a, b, value in _spans(text, ID_LIKE):
        if valid_id(value) and free(a, b) and not _labelled(text, a, NOT_PERSONAL_WORDS):
            add("id_number", value, a, b)
    card_context = any(w in header for w in CARD_WORDS)
    for a, b, value in _spans(text, CARD_LIKE):
        if not (16 <= len(value) <= 19 and value.isdigit() and free(a, b)):
            continue
        if (card_context or _labelled(text, a, CARD_WORDS)) and luhn.is_valid(value):
            add("bank_card", value, a, b)
    for m in PHONE_LIKE.finditer(text):
        if free(m.start(1), m.end(1)) and not _labelled(text, m.start(), NOT_PERSONAL_WORDS):
            add("phone", digits(m.group(1)), m.start(1), m.end(1))
    if any(w in header for w in ("住址", "家庭地址", "通讯地址")):
        value = text.strip()
        if len(value) >= 6 and sum(w in value for w in ADDRESS_WORDS) >= 2:
            add("address", value, 0, len(text))
    else:
        for m in ADDRESS_LABEL.finditer(text):
            value = m.group(1)
            if sum(w in value for w in ADDRESS_WORDS) >= 2:
                add("address", value, m.start(1), m.end(1))
    return sorted(hits, key=lambda h: h.start)


HEADER_WORDS = ("姓名", "身份证", "卡号", "账号", "住址", "电话", "手机")  # a header row of a list of people


def find_in_rows(rows: list[list[str]]) -> list[Hit]:
    """Personal values in a table (a spreadsheet's rows, an HTML or Word table): the first row that names a
    column (姓名, 身份证号, 银行卡号, 家庭住址…) is the header each cell below is read with."""
    header: list[str] = []
    hits: list[Hit] = []
    for row in rows:
        cells = ["" if c is None else _cell(c) for c in row]
        if not header and any(any(w in c for w in HEADER_WORDS) for c in cells):
            header = cells
            continue
        for k, cell in enumerate(cells):
            hits.extend(find(cell, header[k] if k < len(header) else ""))
    return hits


def text_tables(text: str) -> list[list[list[str]]]:
    """Tables that lost their structure (a PDF's text layer) as rows of words: a header line (two or more of
    HEADER_WORDS) and the lines under it with as many words — a row that does not line up with its header is
    left to `find`, read without column headings. A list may repeat its header on every page."""
    tables: list[list[list[str]]] = []
    width = 0
    for line in text.splitlines():
        words = line.split()
        if sum(w in line for w in HEADER_WORDS) >= 2:
            tables.append([words])
            width = len(words)
        elif width and len(words) == width:
            tables[-1].append(words)
    return [t for t in tables if len(t) > 1]


def _cell(value: object) -> str:
    """A cell as its text: a spreadsheet's number stored as a float (6.22202123456789E+18 is not a card: its
    digits are lost, and an integer-valued float is read as the integer it holds)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def mask_text(text: str) -> str:
    """`text` with every personal value replaced by its mask (an archived copy, a screenshot's page)."""
    out, at = [], 0
    for hit in find(text):
        if hit.start >= at:
            out.append(text[at : hit.start] + hit.masked)
            at = hit.end
    return "".join(out) + text[at:]


def summary(hits: list[Hit], most: int = 20) -> list[dict[str, object]]:
    """What leaves the reader: per kind, how many distinct values and (up to `most`) their masks — never a
    value itself."""
    out = []
    for kind in KINDS:
        values = list(dict.fromkeys(h.value for h in hits if h.kind == kind))
        if values:
            out.append({"kind": kind, "count": len(values), "masked": [mask(kind, v) for v in values[:most]]})
    return out
