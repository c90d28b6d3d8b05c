"""The audit's result as data: evidence, findings and item statuses. Renderers read this; none decide gaps."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from auditor.messages import render
from auditor.statuses import GAPS, STATUSES, is_open  # noqa: F401 — findings' vocabulary, re-exported
from auditor.workdays import NOT_PUBLISHED

FIELD_NAMES = {
    "title": "标题",
    "column": "栏目",
    "anchor": "链接文字",
    "entry": "列表条目",
    "directory": "信息公开目录",
    "attachment": "附件名",
    "slug": "网址拼音缩写",
}
KINDS = ("document", "column", "notice", "news", "third_party", "directory")
KIND_NAMES = {
    "document": "文件本身",
    "column": "栏目",
    "notice": "通知（关于该事项的工作）",
    "news": "新闻报道",
    "third_party": "他人发布（非本校）",
    "directory": "信息公开目录",
}


def is_overdue(item: dict[str, Any]) -> bool:
    """An open gap past its 应发布日期 (a findings.json item)."""
    return bool(item["open"] and item.get("days_overdue"))


def summarize(items: list[dict[str, Any]]) -> dict[str, int]:
    """The headline figures from findings.json items, counted once: every report prints these."""
    return {
        "items": len(items),
        "open_gaps": sum(bool(it["open"]) for it in items),
        "overdue": sum(is_overdue(it) for it in items),
        "to_check": sum(bool(it["to_check"]) for it in items),
        "set_aside": sum(bool(it["set_aside"]) and it["status"] in GAPS for it in items),
        "published": sum(it["status"] == "ok" for it in items),
        "exempt": sum(it["status"] == "exempt" for it in items),
        "not_applicable": sum(it["status"] == "not_applicable" for it in items),
        "promises_overdue": sum(bool(it["open"] and (it.get("review") or {}).get("overdue")) for it in items),
    }


DATE_SOURCES = {"page": "页面", "list": "列表", "path": "文件路径", "last_modified": "文件修改时间"}


@dataclass
class Evidence:
    """One page or file that may hold an item: what it is, which edition it holds, and why it was matched.

    kind: the document itself, a column (list page) holding documents, or a page *about* the item that is not
    it (a notice, news, a company's post) — only documents are editions. via: matched on its own signals, an
    entry of a matched column, or the target of the school's 信息公开目录."""

    url: str
    title: str
    score: float
    field: str  # which signal matched best: title, column, anchor, entry, directory, attachment, slug
    matched: str  # the text of that signal
    alias: str  # the checklist wording it matched
    status: int | None = None
    error: str | None = None
    published: str | None = None
    published_from: str | None = None  # page | list | path | last_modified
    period: str | None = None
    period_start: int | None = None
    period_kind: str | None = None
    placeholder: str | None = None
    is_list: bool = False
    fetched: bool = True
    attachments: list[dict[str, Any]] = field(default_factory=list)
    also: list[str] = field(default_factory=list)  # other signals that agreed
    kind: str = "document"
    kind_reason: str = ""  # the title's words that made it a notice, news …
    via: str = "matched"  # matched | entry | directory
    column: str | None = None  # the column (list page) it is an entry of
    column_title: str | None = None
    is_file: bool = False  # a file (PDF, XLS …) linked as the document, not an HTML page
    empty: bool = False  # a column page with no entries, files or text of its own
    others: str = ""  # a column whose every entry is another item's document: the first such title
    scripted: bool = False  # its list is loaded by a script the crawl does not run
    claimed: bool = False  # at a place the school's 信息公开目录 names for this item
    genre: bool = False  # named as the item's documents are (办法, 名单 …)
    entries: int = 0  # for a column: documents listed in it
    failed_at: str | None = None  # when a failing answer was first seen tonight (before late retries)
    attempts: int = 1  # requests made for it tonight
    # what its downloaded files contain (auditor.evidence.contents): one dict per file, text not kept in JSON
    contents: list[dict[str, Any]] = field(default_factory=list)
    content_period: str | None = None  # the edition its document states (may differ from its title's)
    content_period_start: int | None = None
    content_period_kind: str | None = None
    archive: dict[str, Any] | None = None  # its WARC record: file, offset, record type, sha256, screenshot

    @property
    def edition_start(self) -> int | None:
        """The period it is an edition of: what its document states, else what its title or files say."""
        return self.content_period_start if self.content_period_start is not None else self.period_start

    @property
    def edition_kind(self) -> str | None:
        return self.content_period_kind if self.content_period_start is not None else self.period_kind

    @property
    def usable(self) -> bool:
        """Readable, and holds something: answered 2xx with the page itself (not a WAF block or challenge
        page), is not an empty column or a 暂无内容 page."""
        return (
            self.fetched
            and self.status is not None
            and 200 <= self.status < 300
            and not self.error
            and not self.placeholder
            and not self.empty
            and not self.others
        )

    @property
    def is_document(self) -> bool:
        return self.kind == "document"

    def explain(self) -> str:
        if self.via == "entry":
            return f"栏目“{self.column_title}”（{self.column}）中的条目“{self.matched}”；该栏目与清单用语“{self.alias}”相符"
        where = FIELD_NAMES.get(self.field, self.field)
        text = f"{where}“{self.matched}”与清单用语“{self.alias}”相似度 {self.score:.0f}"
        if self.kind != "document":
            text += f"；{KIND_NAMES.get(self.kind, self.kind)}" + (
                f"（“{self.kind_reason}”）" if self.kind_reason else ""
            )
        return text

    def explain_en(self) -> str:
        if self.via == "entry":
            return f"entry “{self.matched}” of the column “{self.column_title}” ({self.column}), which matches “{self.alias}”"
        text = (
            f"{self.field} “{self.matched}” matches checklist wording “{self.alias}”, score {self.score:.0f}"
        )
        return text if self.kind == "document" else f"{text}; a {self.kind.replace('_', ' ')} page"

    def describe(self) -> str:
        """The edition in one phrase, as findings name it: 列表条目“…2021年部门预算”（附件 …pdf，2022-04-18）."""
        what = "附件" if self.is_file else ("列表条目" if self.via == "entry" else "页面")
        files = [a["name"] for a in self.attachments if a.get("name")][:1]
        bits = [f"附件 {files[0]}"] if files and not self.is_file else []
        if self.published:
            source = DATE_SOURCES.get(self.published_from or "", "")
            bits.append(
                f"{source}日期 {self.published}"
                if source and self.published_from != "page"
                else self.published
            )
        return f"{what}“{self.title or self.matched}”" + (f"（{'，'.join(bits)}）" if bits else "")

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["contents"] = [{k: v for k, v in c.items() if k != "text"} for c in self.contents]
        d["usable"] = self.usable
        d["why"] = self.explain()
        d["why_en"] = self.explain_en()
        return d


@dataclass
class Finding:
    rule: str
    status: str
    severity: str  # high | medium | info
    key: str  # message key in auditor.messages
    params: dict[str, Any]
    basis: str
    url: str | None = None
    due: str | None = (
        None  # the date the missing edition or document was due (应发布日期), when a rule knows it
    )
    link: dict[str, Any] | None = (
        None  # a dead link: {source, target, anchor, answer} as link checkers show it
    )

    @property
    def message(self) -> str:
        return render(self.key, "zh", self.params)

    def text(self, lang: str) -> str:
        return render(self.key, lang, self.params)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "key": self.key,  # the message's key: what exactly the rule found (annual_report.part_missing …)
            "status": self.status,
            "severity": self.severity,
            "message": self.message,
            "message_en": self.text("en"),
            "basis": self.basis,
            "url": self.url,
            "due": self.due,
            "link": self.link,
        }


@dataclass(frozen=True)
class GapFacts:
    """An open gap's dates as its episode fixed them (auditor.history): the night it was first found, the
    earliest due date it leaves unmet, and the 整改时限 set when it was found — or set since by the office in a
    review (the only event that changes it). The one source every output reads them from."""

    first_seen: str  # 首次发现: as_of of the first complete audit of the episode
    due_date: (
        str | None
    )  # 应发布日期: the earliest due date the episode leaves unmet (None: no rule knows one)
    rectify_by: str  # 整改时限
    rectify_source: str = "found"  # found: first_seen + the school's working days | review: the office's date
    provisional: bool = False  # 整改时限 counted across a year whose holiday arrangement is not published

    def days_overdue(self, as_of: date) -> int | None:
        """逾期天数 on `as_of`: days since 应发布日期 (None without one)."""
        return max(0, (as_of - date.fromisoformat(self.due_date)).days) if self.due_date else None

    def rectify_lapsed(self, as_of: date) -> int | None:
        """Days the 整改时限 has been passed on `as_of` (None while it has not)."""
        days = (as_of - date.fromisoformat(self.rectify_by)).days
        return days if days > 0 else None


@dataclass
class ItemResult:
    id: str
    title: str
    short: str
    category: str
    owner: str
    owner_source: str  # checklist | 信息公开目录
    status: str
    number: int | None = None  # the national checklist number (1–50); None for a province's or school's items
    owner_seen: str = (
        ""  # the name the school's 信息公开目录 or the checklist used, when departments: mapped it
    )
    evidence: list[Evidence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    note: str = ""  # exemption or not-applicable reason
    note_by: str = ""  # who set the exemption (site.yaml's exemptions: {reason, by})
    publish: str = ""
    basis: str = ""
    review: dict[str, Any] | None = None  # from reviews.yaml: decision, reviewer, reason, date, due, outdated
    # pages about the item that are not it (notices, news)
    mentions: list[Evidence] = field(default_factory=list)
    screenshot: dict[str, Any] | None = None  # the archived page that shows the gap, rendered (evidence room)
    screenshot_problem: str = ""  # why it could not be taken (a key of evidence.SHOT_REASONS)
    facts: GapFacts | None = None  # an open gap's dates, from its episode (auditor.history.attach)
    directory: dict[str, str] | None = None  # the 信息公开目录 row naming it: {page, label}
    response: dict[str, Any] | None = (
        None  # the department's latest answer, as tonight checked it (auditor.responses)
    )

    @property
    def set_aside(self) -> bool:
        """An honoured review that takes the item out of the open gaps (never out of the reports)."""
        r = self.review
        return bool(r) and not r.get("outdated") and r.get("decision") in ("false_positive", "exempted")

    @property
    def open(self) -> bool:
        """An open gap — the one definition every count, list, alert and exit code reads."""
        return is_open(self.status, self.set_aside)

    @property
    def to_check(self) -> bool:
        """Not a gap, not cleared: what could not be verified is checked by hand (需人工核实)."""
        return self.status == "inconclusive"

    @property
    def rule_due(self) -> str | None:
        """What the rule that decided the status says was due tonight: the earliest edition it finds unmet."""
        return next((f.due for f in self.findings if f.due and f.status == self.status), None)

    @property
    def due_date(self) -> str | None:
        """应发布日期: an open gap's is its episode's (GapFacts); otherwise the rule's."""
        return self.facts.due_date if self.facts is not None and self.open else self.rule_due

    def days_overdue(self, as_of: date) -> int | None:
        """逾期天数: days past 应发布日期 (None when no rule knows one, as for standing items)."""
        due = self.due_date
        return max(0, (as_of - date.fromisoformat(due)).days) if due and self.open else None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "short": self.short,
            "category": self.category,
            "owner": self.owner,
            "owner_source": self.owner_source,
            "owner_seen": self.owner_seen,
            "status": self.status,
            "set_aside": self.set_aside,
            "open": self.open,
            "to_check": self.to_check,
            "due_date": self.due_date,
            "note": self.note,
            "note_by": self.note_by,
            "basis": self.basis,
            "publish": self.publish,
            "review": self.review,
            "evidence": [e.as_json() for e in self.evidence],
            "mentions": [e.as_json() for e in self.mentions],
            "findings": [f.as_json() for f in self.findings],
            "screenshot": self.screenshot,
            "screenshot_problem": self.screenshot_problem,
            "directory": self.directory,
            "response": self.response,
        }


@dataclass
class AuditResult:
    school: str
    as_of: str
    status: str  # complete | inconclusive
    reason: str
    run: dict[str, Any]
    checklist: list[str]
    config_fingerprint: str
    tool_version: str
    items: list[ItemResult] = field(default_factory=list)
    audit_id: int | None = None
    history: dict[str, Any] = field(default_factory=dict)  # item id → history.ItemHistory
    changes: Any = None  # history.Changes
    evidence: dict[str, Any] = field(default_factory=dict)  # the archive and screenshots written for it
    contacts: dict[str, list[str]] = field(default_factory=dict)  # department → whom its notices name
    privacy: list[dict[str, Any]] = field(default_factory=list)  # personal data published (auditor.privacy)
    # what reading the 公示's files cost tonight (contents.Scans): OCR pages and seconds, scans left for later
    privacy_scans: dict[str, Any] = field(default_factory=dict)
    # 公示 too short, outliving it, taken down early (auditor.gongshi); files replaced at one address (auditor.replaced)
    gongshi: list[dict[str, Any]] = field(default_factory=list)
    replaced: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for it in self.items:
            out[it.status] += 1
        return out

    def gaps(self) -> list[ItemResult]:
        """Gaps still open: a gap status not set aside by an honoured review (false positive or exempted)."""
        return [it for it in self.items if it.open]

    def as_json(self) -> dict[str, Any]:
        as_of = date.fromisoformat(self.as_of)
        items = []
        for it in self.items:
            d = it.as_json()
            d["days_overdue"] = it.days_overdue(as_of)
            f = it.facts if it.open else None
            d["rectify_by"] = f.rectify_by if f else None
            d["rectify_source"] = f.rectify_source if f else None
            d["rectify_lapsed"] = f.rectify_lapsed(as_of) if f else None  # 整改时限已过 N 天
            d["calendar_note"] = NOT_PUBLISHED if f and f.provisional else ""
            if it.id in self.history:
                d["history"] = self.history[it.id].as_json()
            items.append(d)
        return {
            "schema": "auditor.findings/1",
            "school": self.school,
            "audit": {"id": self.audit_id, "status": self.status, "reason": self.reason},
            "run": {
                **self.run,
                "as_of": self.as_of,
                "tool_version": self.tool_version,
                "config_fingerprint": self.config_fingerprint,
            },
            "checklist": self.checklist,
            "counts": self.counts(),
            "summary": {
                **summarize(items),
                "privacy": len(self.privacy),
                "gongshi": len(self.gongshi),
                "replaced": len(self.replaced),
            },
            "open_gaps": len(self.gaps()),
            "changes": self.changes.as_json() if self.changes else None,
            "evidence": self.evidence,
            "contacts": self.contacts,
            "items": items,
            "privacy": self.privacy,
            "privacy_scans": self.privacy_scans,
            "gongshi": self.gongshi,
            "replaced": self.replaced,
        }
