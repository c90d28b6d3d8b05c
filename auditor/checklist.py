"""Load and validate the checklist (rules/checklist.yaml); decide which items apply to a school's profile.

Errors name the file, line and item id. A school or province extends or overrides items with its own
file (site.yaml `checklist_extra:`, or the province's `rules/provinces/<省>.yaml`, layered in automatically
when the profile names that province): an item with a known id replaces the fields it gives, a new id is
added. The parts an annual report must have (`annual_report:`) are data too; a province file adds its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from auditor.config import Profile, SiteConfig
from auditor.errors import InputError, words
from auditor.validation import Listed, Model, Says, Text, check, fault
from auditor.wording import say
from auditor.yamlsrc import Key, Located, load_located

ID = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
DUE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
RENEWAL = Says("renewal")
APPLIES = Says("applies")
SEE = "see_checklist"  # errors.hint.see_checklist


def _month_day(due: Any) -> Any:
    if isinstance(due, tuple):
        return due
    if not DUE.match(str(due)):
        raise fault("due_format")
    month, day = (int(x) for x in str(due).split("-"))
    try:
        date(2001, month, day)  # a day every year has (no 02-30; 02-29 not in 2025)
    except ValueError:
        raise fault("due_every_year") from None
    return (month, day)


class Renewal(Model):
    """How often an item must be renewed. `period` None means standing (no editions)."""

    period: Annotated[Literal["year", "academic_year", "cohort"] | None, RENEWAL] = None
    due: Annotated[tuple[int, int], BeforeValidator(_month_day)] = (12, 31)
    lag: Annotated[int, Field(ge=-1, le=2), Says("lag")] = 0
    hard: bool = False
    # "就业 质量": words an edition's title holds, in this order, gaps allowed
    editions: Listed[Text] = Field((), examples=[["就业 质量"]])

    def is_edition(self, title: str) -> bool:
        """Does a title name an edition of this item? Without `editions`, every document of the item does.
        '就业 质量' accepts 2023届毕业生就业创业质量年度报告 as well as …就业质量年度报告."""
        return not self.editions or any(_in_order(title, words.split()) for words in self.editions)

    def due_date(self, period_start: int) -> date:
        return date(period_start + self.lag, *self.due)

    def due_period(self, as_of: date) -> int | None:
        """The newest period whose deadline has passed by `as_of` (publishing on the due day is on time)."""
        if self.period is None:
            return None
        p = as_of.year - self.lag + 1
        while self.due_date(p) >= as_of:
            p -= 1
        return p

    def covered(self, period_start: int | None, period_kind: str | None, published: str | None) -> int | None:
        """The period an edition covers: the one its title names, else its publication year minus the lag.
        A bare "2022年…报告" for an academic-year item reports on 2021-2022学年."""
        if period_start is not None:
            if self.period == "academic_year" and period_kind in ("year", "cohort"):
                return period_start - 1
            return period_start
        if published:
            return date.fromisoformat(published[:10]).year - self.lag
        return None

    def describe(self, start: int) -> str:
        if self.period == "academic_year":
            return f"{start}-{start + 1}学年"
        if self.period == "cohort":
            return f"{start}届"
        return f"{start}年度"


def _in_order(text: str, words: list[str]) -> bool:
    at = 0
    for w in words:
        at = text.find(w, at)
        if at < 0:
            return False
        at += len(w)
    return True


def _standing(renewal: Any) -> Any:
    if isinstance(renewal, dict) and "period" not in renewal:
        raise fault(RENEWAL.key)
    return {} if renewal == "standing" else renewal


def _alternatives(require: Any) -> Any:
    if not isinstance(require, list):
        return require
    return tuple(
        tuple(a.strip() for a in r.split("|") if a.strip()) if isinstance(r, str) else r for r in require
    )


class Content(Model):
    """What the item's document must contain: `require` — parts that must all appear, each a list of
    alternative wordings (收支预算总表 | 收支总表); `period` — the document must state its own year, 届 or
    学年, and a document stating another one is not that edition."""

    require: Annotated[
        tuple[Annotated[tuple[str, ...], Field(min_length=1)], ...], BeforeValidator(_alternatives)
    ] = Field((), examples=[["收支预算总表", "收入预算表|收入总表"]])
    period: bool = False

    def missing(self, text: str) -> list[str]:
        """The required parts `text` lacks. A part inside another part's name does not count as present
        there: 支出预算表 within 财政拨款支出预算表 is not the 支出预算表."""
        flat = "".join(text.split())
        out = []
        for alts in self.require:
            longer = [b for other in self.require if other is not alts for b in other]
            found = False
            for a in alts:
                rest = flat
                for b in longer:
                    if a in b and a != b:
                        rest = rest.replace(b, "")
                found = found or a in rest
            if not found:
                out.append(alts[0])
        return out


class Effective(Model):
    """When an item's rule is in force (an audit before or after it does not ask for the item), and where
    that was read: a provincial rule, a school's promise, a notice superseded."""

    start: date = Field(alias="from")
    until: date | None = None
    source: Text

    def reason(self, as_of: date) -> str | None:
        """None while in force on `as_of`; otherwise why not."""
        if as_of < self.start:
            return f"{self.start.isoformat()}起施行（{self.source}）"
        if self.until is not None and as_of > self.until:
            return f"{self.until.isoformat()}起不再要求（{self.source}）"
        return None


class Half(Model):
    """One of the things an item of two halves asks for (教代会: its 相关制度 and its 工作报告): a document whose
    title holds one of `words` is of this half."""

    half: Text
    words: Listed[Text] = Field(min_length=1)


@dataclass(frozen=True)
class Item:
    id: str
    category: str
    title: str
    short: str
    aliases: tuple[str, ...]
    owner: str
    basis: str
    publish: str
    renewal: Renewal = field(default_factory=Renewal)
    decoys: tuple[str, ...] = ()
    genres: tuple[
        str, ...
    ] = ()  # what its documents are called (办法, 名单 …): ranks evidence, never decides a status
    applies: dict[str, Any] = field(default_factory=dict)
    attachment: bool = False
    order: int = 0
    content: Content = field(default_factory=lambda: Content())
    halves: tuple[Half, ...] = ()  # an item asking for two things: each must be published
    effective: Effective | None = None  # when its rule is in force (None: always, as far as this tool knows)

    def applies_to(self, profile: Profile) -> str | None:
        """None when the item applies; otherwise the reason it does not (shown as not_applicable)."""
        a = self.applies
        if "province" in a and a["province"] != profile.province:
            return f"仅适用于{a['province']}高校"
        if "type" in a and a["type"] != profile.type:
            return {"undergraduate": "仅适用于本科高校", "vocational": "仅适用于高职院校"}.get(
                a["type"], f"仅适用于{a['type']}"
            )
        if a.get("graduate_programs") and not profile.graduate_programs:
            return "学校无研究生培养"
        if a.get("double_first_class") and not profile.double_first_class:
            return "学校未获“双一流”建设专项资金"
        return None


@dataclass(frozen=True)
class ReportPart:
    """One part the 信息公开工作年度报告 must have: found when a heading of the report holds one of `words`."""

    name: str
    words: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class ReportForm:
    """One notice's form of the annual report: the school years whose reports it governs (the year each
    starts; `last` None: still in force), the parts it names, the statistics periods it allows, where read."""

    notice: str
    first: int
    last: int | None
    parts: tuple[str, ...]
    periods: tuple[str, ...]
    source: str

    def governs(self, year: int) -> bool:
        return self.first <= year and (self.last is None or year <= self.last)


@dataclass(frozen=True)
class AnnualReport:
    """What the school's own annual report is checked for: which item it is, every part a form names (with
    the words real reports head it with), the parts every form has, each notice's form by the years it
    governs (a province's file layers its own over the national ones), why the years no form governs are
    unknown, and the words that mark the 信息公开专栏 it must be published on."""

    item: str = "moe-06"
    parts: tuple[ReportPart, ...] = ()
    column: tuple[str, ...] = ()
    basis: str = ""
    common: tuple[str, ...] = ()
    forms: tuple[ReportForm, ...] = ()
    unknown: str = ""

    def form(self, year: int) -> ReportForm | None:
        """The form governing the report on school year `year` (the last layered wins: a province's)."""
        return next((f for f in reversed(self.forms) if f.governs(year)), None)

    def part(self, name: str) -> ReportPart:
        return next(p for p in self.parts if p.name == name)

    def draft_parts(self, year: int) -> tuple[str, ...]:
        """The parts a draft of the report on `year` has: its form's, else the newest form's (a superset of
        what every form has, so the draft passes whichever notice governs)."""
        form = self.form(year) or max(self.forms, key=lambda f: f.first, default=None)
        return form.parts if form else self.common


@dataclass(frozen=True)
class Checklist:
    items: tuple[Item, ...]
    decoy_words: tuple[str, ...]
    sources: tuple[str, ...]
    annual_report: AnnualReport = field(default_factory=AnnualReport)

    def get(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def ids(self) -> set[str]:
        return {i.id for i in self.items}


def default_path() -> Path:
    return Path(str(resources.files("rules").joinpath("checklist.yaml")))


class Applies(Model):
    """Which schools an item applies to (every school, when none of these is given)."""

    type: Literal["undergraduate", "vocational"] | None = None
    graduate_programs: bool | None = None
    double_first_class: bool | None = None
    province: str | None = None


class ItemFile(Model):
    """An item as a file gives it: all of it for a new id, the fields it changes for a known one."""

    id: Annotated[
        str,
        Field(pattern=ID.pattern),
        Says("item_id"),
    ]
    category: Text | None = None
    title: Text | None = None
    short: Text | None = None
    aliases: Listed[Text] | None = Field(None, examples=[["招生章程", "招生计划"]])
    decoys: Listed[Text] | None = None
    genres: Listed[Text] | None = None
    owner: Text | None = None
    renewal: Annotated[Renewal, BeforeValidator(_standing)] | None = Field(
        None, examples=[{"period": "year", "due": "05-31", "lag": 0}]
    )
    applies: Annotated[Applies, APPLIES] | None = None
    basis: Text | None = None
    attachment: bool | None = None
    publish: Text | None = None
    content: Content | None = None
    effective: Effective | None = Field(None, examples=[{"from": "2023-01-01", "source": "某省某号文"}])
    halves: Annotated[Listed[Half], Field(min_length=2)] | None = Field(
        None,
        examples=[
            [{"half": "相关制度", "words": ["制度", "办法"]}, {"half": "工作报告", "words": ["工作报告"]}]
        ],
    )


class PartFile(Model):
    part: Text
    words: Listed[Text] = ()
    basis: str = ""


class FormFile(Model):
    notice: Text
    first: int = Field(ge=2000, le=2100)
    last: int | None = Field(None, ge=2000, le=2100)
    parts: list[Text] = Field(min_length=1)
    periods: Listed[Literal["academic_year", "to_october"]] = ("academic_year",)
    source: Text


class AnnualReportFile(Model):
    item: Text | None = None
    basis: str | None = None
    column: Listed[Text] | None = None
    parts: list[PartFile] = Field([], examples=[[{"part": "概述", "words": ["概述"]}]])
    common: Listed[Text] | None = None
    forms: list[FormFile] = []
    unknown: str | None = None


class ChecklistFile(Model):
    schema_: str = Field("", alias="schema")
    basis_prefix: str = ""
    decoy_words: Listed[Text] = ()
    items: list[ItemFile]
    annual_report: AnnualReportFile | None = None


def _item(doc: Located, i: int, raw: ItemFile, prefix: str, base: Item | None) -> Item:
    values: dict[str, Any] = {k: getattr(raw, k) for k in raw.model_fields_set - {"id"}}
    if raw.applies is not None:
        values["applies"] = raw.applies.model_dump(exclude_none=True)
    if base is not None:
        return replace(base, **values)
    for k in ("category", "title", "aliases", "owner"):
        if k not in values:
            raise doc.error(("items", i), *words("item_missing_key", item=raw.id, key=k))
    values.setdefault("short", values["title"])
    values.setdefault("publish", values["title"])
    basis = values.pop("basis", "")
    number = f" 第{int(raw.id[4:])}项" if raw.id.startswith("moe-") else ""
    values["basis"] = basis or f"{prefix}{number}"
    if raw.id.startswith("moe-") and basis:
        values["basis"] = f"{prefix}{number}；{basis}"
    return Item(id=raw.id, **values)


def _annual_report(doc: Located, raw: AnnualReportFile | None, base: AnnualReport) -> AnnualReport:
    """Layer a file's `annual_report:` on `base`: a part with a known name replaces it, a new one is added;
    its forms come after the ones before (and so govern their years); every part a form or `common` names
    must be a part."""
    if raw is None:
        return base
    basis = base.basis if raw.basis is None else raw.basis
    parts = {p.name: p for p in base.parts}
    for part in raw.parts:
        parts[part.part] = ReportPart(part.part, part.words or (part.part,), part.basis or basis)
    named = [(("annual_report", "common"), n) for n in raw.common or ()]
    named += [(("annual_report", "forms", i, "parts"), n) for i, f in enumerate(raw.forms) for n in f.parts]
    for at, name in named:
        if name not in parts:
            raise doc.error(at, *words("report_part_unknown", part=name, known="、".join(parts)))
    forms = tuple(
        ReportForm(f.notice, f.first, f.last, tuple(f.parts), tuple(f.periods), f.source) for f in raw.forms
    )
    return AnnualReport(
        raw.item or base.item,
        tuple(parts.values()),
        base.column if raw.column is None else raw.column,
        basis,
        base.common if raw.common is None else tuple(raw.common),
        base.forms + forms,
        base.unknown if raw.unknown is None else raw.unknown,
    )


def _load_into(doc: Located, items: dict[str, Item], decoys: list[str], report: AnnualReport) -> AnnualReport:
    def subject(loc: Key) -> str:  # which item an error is in
        entry = doc.data["items"][loc[1]] if loc[:1] == ("items",) and len(loc) > 2 else None
        return say("errors.item_prefix", item=entry.get("id")) if isinstance(entry, dict) else ""

    root = Says("checklist_root")
    raw = check(doc, ChecklistFile, doc.data, root, subject, SEE)
    report = _annual_report(doc, raw.annual_report, report)
    prefix = raw.basis_prefix or "《高等学校信息公开事项清单》(教办函〔2014〕23号)"
    decoys.extend(raw.decoy_words)
    seen: set[str] = set()
    for i, entry in enumerate(raw.items):
        if entry.id in seen:
            raise doc.error(("items", i), *words("item_twice", item=entry.id))
        seen.add(entry.id)
        item = _item(doc, i, entry, prefix, items.get(entry.id))
        items[item.id] = replace(item, order=items[item.id].order if item.id in items else len(items))
    return report


def load_checklist(
    path: str | Path | None = None, extra: list[str | Path] | tuple[str | Path, ...] = ()
) -> Checklist:
    """The shipped checklist (or `path`), with each file of `extra` layered on top."""
    items: dict[str, Item] = {}
    decoys: list[str] = []
    report = AnnualReport()
    sources = [str(path or default_path()), *map(str, extra)]
    for source in sources:
        report = _load_into(load_located(source), items, decoys, report)
    if report.item not in items:
        raise InputError.said(sources[0], None, "annual_report_item", item=report.item)
    ordered = sorted(items.values(), key=lambda it: it.order)
    return Checklist(tuple(ordered), tuple(dict.fromkeys(decoys)), tuple(sources), report)


def province_path(province: str) -> Path | None:
    """The shipped extension of `province` (rules/provinces/湖南.yaml), when there is one."""
    path = Path(str(resources.files("rules").joinpath("provinces", f"{province}.yaml")))
    return path if province and path.is_file() else None


def for_site(cfg: SiteConfig) -> Checklist:
    """The checklist a school is audited against: the national one, its province's file (by
    profile.province), then the school's own `checklist_extra` files, each layered on the one before. The
    items other provinces' files add are listed too, as applying only there (不适用 here): every report
    names every item the tool knows, and says why one is not this school's (docs/decisions.md)."""
    province = province_path(cfg.profile.province)
    own = load_checklist(extra=[*([province] if province else []), *cfg.checklist_extra])
    return replace(own, items=own.items + _elsewhere(own, province))


def _elsewhere(own: Checklist, province: Path | None) -> tuple[Item, ...]:
    """The new items of every other shipped province file, each applying only in its province."""
    folder = Path(str(resources.files("rules").joinpath("provinces")))
    out: list[Item] = []
    for path in sorted(folder.glob("*.yaml")):
        if province is not None and path.resolve() == province.resolve():
            continue
        known = own.ids() | {it.id for it in out}
        for item in load_checklist(extra=[path]).items:
            if item.id not in known:
                applies = {**item.applies, "province": item.applies.get("province") or path.stem}
                out.append(replace(item, applies=applies, order=len(own.items) + len(out)))
    return tuple(out)


def check_exemptions(
    checklist: Checklist, exemptions: dict[str, str], config_path: str, lines: dict[str, int] | None = None
) -> None:
    unknown = sorted(set(exemptions) - checklist.ids())
    if unknown:
        raise InputError.said(
            config_path, (lines or {}).get(unknown[0]) or None, "exemption_unknown", item=unknown[0]
        )
