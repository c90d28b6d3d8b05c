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
from typing import Any

from auditor.config import Profile, SiteConfig
from auditor.errors import InputError
from auditor.yamlsrc import Located, load_located

PERIOD_KINDS = ("year", "academic_year", "cohort")
ID = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
DUE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
ITEM_KEYS = {
    "id",
    "category",
    "title",
    "short",
    "aliases",
    "decoys",
    "genres",
    "owner",
    "renewal",
    "applies",
    "basis",
    "attachment",
    "publish",
    "content",
}
TOP_KEYS = {"schema", "basis_prefix", "decoy_words", "items", "annual_report"}
APPLIES_KEYS = {"type": str, "graduate_programs": bool, "double_first_class": bool, "province": str}


@dataclass(frozen=True)
class Renewal:
    """How often an item must be renewed. `period` None means standing (no editions)."""

    period: str | None = None
    due: tuple[int, int] = (12, 31)
    lag: int = 0
    hard: bool = False
    editions: tuple[str, ...] = ()  # "就业 质量": words an edition's title holds, in this order, gaps allowed

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


@dataclass(frozen=True)
class Content:
    """What the item's document must contain: `require` — parts that must all appear, each a list of
    alternative wordings (收支预算总表 | 收支总表); `period` — the document must state its own year, 届 or
    学年, and a document stating another one is not that edition."""

    require: tuple[tuple[str, ...], ...] = ()
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

    def applies_to(self, profile: Profile) -> str | None:
        """None when the item applies; otherwise the reason it does not (shown as not_applicable)."""
        a = self.applies
        if "type" in a and a["type"] != profile.type:
            return {"undergraduate": "仅适用于本科高校", "vocational": "仅适用于高职院校"}.get(
                a["type"], f"仅适用于{a['type']}"
            )
        if a.get("graduate_programs") and not profile.graduate_programs:
            return "学校无研究生培养"
        if a.get("double_first_class") and not profile.double_first_class:
            return "学校未获“双一流”建设专项资金"
        if "province" in a and a["province"] != profile.province:
            return f"仅适用于{a['province']}高校"
        return None


@dataclass(frozen=True)
class ReportPart:
    """One part the 信息公开工作年度报告 must have: found when a heading of the report holds one of `words`."""

    name: str
    words: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class AnnualReport:
    """What the school's own annual report is checked for: which item it is, the parts it must have, and
    the words that mark the 信息公开专栏 it must be published on (its host, breadcrumb or column)."""

    item: str = "moe-06"
    parts: tuple[ReportPart, ...] = ()
    column: tuple[str, ...] = ()
    basis: str = ""


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


def _str_list(doc: Located, key: tuple[Any, ...], value: Any, item_id: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise doc.error(
            key,
            f"item {item_id}: '{key[-1]}' must be a list of words",
            f"write for example: {key[-1]}: [招生章程, 招生计划]",
        )
    return tuple(v.strip() for v in value)


def _content(doc: Located, key: tuple[Any, ...], raw: Any, item_id: str) -> Content:
    hint = "write content: {require: [收支预算总表, 收入预算表|收入总表], period: true}"
    if not isinstance(raw, dict) or set(raw) - {"require", "period"}:
        raise doc.error(key, f"item {item_id}: content takes require and period", hint)
    require = raw.get("require") or []
    if not isinstance(require, list) or not all(isinstance(r, str) and r.strip() for r in require):
        raise doc.error(key + ("require",), f"item {item_id}: content.require must be a list of words", hint)
    if not isinstance(raw.get("period", False), bool):
        raise doc.error(key + ("period",), f"item {item_id}: content.period must be true or false", hint)
    parts = tuple(tuple(a.strip() for a in r.split("|") if a.strip()) for r in require)
    return Content(parts, raw.get("period", False))


def _renewal(doc: Located, key: tuple[Any, ...], raw: Any, item_id: str) -> Renewal:
    if raw in (None, "standing"):
        return Renewal()
    hint = 'write renewal: standing, or renewal: {period: year, due: "05-31", lag: 0, hard: false}'
    if not isinstance(raw, dict):
        raise doc.error(key, f"item {item_id}: renewal must be 'standing' or a mapping", hint)
    unknown = set(raw) - {"period", "due", "lag", "hard", "editions"}
    if unknown:
        raise doc.error(
            key + (sorted(unknown)[0],), f"item {item_id}: unknown renewal key '{sorted(unknown)[0]}'", hint
        )
    if raw.get("period") not in PERIOD_KINDS:
        raise doc.error(
            key + ("period",),
            f"item {item_id}: renewal period must be one of {', '.join(PERIOD_KINDS)}",
            hint,
        )
    due = str(raw.get("due", "12-31"))
    if not DUE.match(due):
        raise doc.error(
            key + ("due",), f"item {item_id}: due '{due}' is not MM-DD", 'write due: "10-31" (quoted)'
        )
    try:
        date(2001, *(int(x) for x in due.split("-")))  # a day every year has (no 02-30; 02-29 not in 2025)
    except ValueError:
        raise doc.error(
            key + ("due",),
            f"item {item_id}: due '{due}' is not a day of every year",
            'write a day that exists every year, e.g. due: "02-28"',
        ) from None
    lag = raw.get("lag", 0)
    if not isinstance(lag, int) or isinstance(lag, bool) or not -1 <= lag <= 2:
        raise doc.error(key + ("lag",), f"item {item_id}: lag must be a whole number from -1 to 2", hint)
    if not isinstance(raw.get("hard", False), bool):
        raise doc.error(key + ("hard",), f"item {item_id}: hard must be true or false", hint)
    editions = _str_list(doc, key + ("editions",), raw["editions"], item_id) if "editions" in raw else ()
    month, day = (int(x) for x in due.split("-"))
    return Renewal(raw["period"], (month, day), lag, raw.get("hard", False), editions)


def _item(doc: Located, i: int, raw: Any, prefix: str, base: Item | None) -> Item:
    key: tuple[Any, ...] = ("items", i)
    if not isinstance(raw, dict):
        raise doc.error(key, "each item must be a mapping", "start each item with '- id: …'")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not ID.match(item_id):
        raise doc.error(
            key,
            f"item {item_id!r}: id must be lower-case words joined by '-'",
            "write for example: id: moe-07",
        )
    for k in raw:
        if k not in ITEM_KEYS:
            raise doc.error(
                key + (k,),
                f"item {item_id}: unknown key '{k}'",
                "known keys: " + ", ".join(sorted(ITEM_KEYS)),
            )
    values: dict[str, Any] = {}
    for k in ("category", "title", "short", "owner", "basis", "publish"):
        if k in raw:
            if not isinstance(raw[k], str) or not raw[k].strip():
                raise doc.error(key + (k,), f"item {item_id}: '{k}' must be non-empty text")
            values[k] = raw[k].strip()
    for k in ("aliases", "decoys", "genres"):
        if k in raw:
            values[k] = _str_list(doc, key + (k,), raw[k], item_id)
    if "renewal" in raw:
        values["renewal"] = _renewal(doc, key + ("renewal",), raw["renewal"], item_id)
    if "content" in raw:
        values["content"] = _content(doc, key + ("content",), raw["content"], item_id)
    if "attachment" in raw:
        if not isinstance(raw["attachment"], bool):
            raise doc.error(key + ("attachment",), f"item {item_id}: attachment must be true or false")
        values["attachment"] = raw["attachment"]
    if "applies" in raw:
        applies = raw["applies"] or {}
        if not isinstance(applies, dict):
            raise doc.error(
                key + ("applies",),
                f"item {item_id}: applies must be a mapping",
                "write applies: {graduate_programs: true}",
            )
        for k, v in applies.items():
            if k not in APPLIES_KEYS or not isinstance(v, APPLIES_KEYS[k]):
                raise doc.error(
                    key + ("applies", k),
                    f"item {item_id}: applies.{k} = {v!r} is not understood",
                    "known: type (undergraduate|vocational), graduate_programs, double_first_class (true/false), province",
                )
        values["applies"] = dict(applies)
    if base is not None:
        return replace(base, **values)
    for k in ("category", "title", "aliases", "owner"):
        if k not in values:
            raise doc.error(key, f"item {item_id}: missing '{k}'", f"every new item needs {k}")
    values.setdefault("short", values["title"])
    values.setdefault("publish", values["title"])
    basis = values.pop("basis", "")
    number = f" 第{int(item_id[4:])}项" if item_id.startswith("moe-") else ""
    values["basis"] = basis or f"{prefix}{number}"
    if item_id.startswith("moe-") and basis:
        values["basis"] = f"{prefix}{number}；{basis}"
    return Item(id=item_id, **values)


def _annual_report(doc: Located, raw: Any, base: AnnualReport) -> AnnualReport:
    """Layer a file's `annual_report:` on `base`: a part with a known name replaces it, a new one is added."""
    key: tuple[Any, ...] = ("annual_report",)
    hint = "write annual_report: {item: moe-06, basis: …, column: [信息公开], parts: [{part: 概述, words: [概述]}]}"
    if not isinstance(raw, dict) or set(raw) - {"item", "basis", "column", "parts"}:
        raise doc.error(key, "annual_report takes item, basis, column and parts", hint)
    basis = str(raw.get("basis", base.basis)).strip()
    parts = {p.name: p for p in base.parts}
    for i, part in enumerate(raw.get("parts") or []):
        at = key + ("parts", i)
        if not isinstance(part, dict) or set(part) - {"part", "words", "basis"} or not part.get("part"):
            raise doc.error(at, "each annual_report part is {part: name, words: [...], basis: …}", hint)
        name = str(part["part"]).strip()
        words = _str_list(doc, at + ("words",), part.get("words") or [name], name)
        parts[name] = ReportPart(name, words, str(part.get("basis") or basis).strip())
    column = raw.get("column")
    return AnnualReport(
        str(raw.get("item", base.item)),
        tuple(parts.values()),
        _str_list(doc, key + ("column",), column, "annual_report") if column is not None else base.column,
        basis,
    )


def _load_into(doc: Located, items: dict[str, Item], decoys: list[str], report: AnnualReport) -> AnnualReport:
    raw = doc.data
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
        raise doc.error(
            (),
            "a checklist file is a mapping with an 'items:' list",
            "see rules/checklist.yaml for the format",
        )
    unknown = sorted(set(raw) - TOP_KEYS)
    if unknown:
        raise doc.error(
            (unknown[0],),
            f"unknown top-level key '{unknown[0]}'",
            "known keys: " + ", ".join(sorted(TOP_KEYS)),
        )
    if "annual_report" in raw:
        report = _annual_report(doc, raw["annual_report"], report)
    prefix = str(raw.get("basis_prefix", "")) or "《高等学校信息公开事项清单》(教办函〔2014〕23号)"
    if "decoy_words" in raw:
        decoys.extend(_str_list(doc, ("decoy_words",), raw["decoy_words"], "(file)"))
    seen: set[str] = set()
    for i, entry in enumerate(raw["items"]):
        item_id = entry.get("id") if isinstance(entry, dict) else None
        if item_id in seen:
            raise doc.error(
                ("items", i), f"item {item_id} appears twice in this file", "merge the two entries"
            )
        item = _item(doc, i, entry, prefix, items.get(item_id) if isinstance(item_id, str) else None)
        seen.add(item.id)
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
        raise InputError(
            sources[0],
            None,
            f"annual_report names item '{report.item}', which no file defines",
            "use an item id",
        )
    ordered = sorted(items.values(), key=lambda it: it.order)
    return Checklist(tuple(ordered), tuple(dict.fromkeys(decoys)), tuple(sources), report)


def province_path(province: str) -> Path | None:
    """The shipped extension of `province` (rules/provinces/湖南.yaml), when there is one."""
    path = Path(str(resources.files("rules").joinpath("provinces", f"{province}.yaml")))
    return path if province and path.is_file() else None


def for_site(cfg: SiteConfig) -> Checklist:
    """The checklist a school is audited against: the national one, its province's file (by
    profile.province), then the school's own `checklist_extra` files, each layered on the one before."""
    province = province_path(cfg.profile.province)
    return load_checklist(extra=[*([province] if province else []), *cfg.checklist_extra])


def check_exemptions(
    checklist: Checklist, exemptions: dict[str, str], config_path: str, lines: dict[str, int] | None = None
) -> None:
    unknown = sorted(set(exemptions) - checklist.ids())
    if unknown:
        raise InputError(
            config_path,
            (lines or {}).get(unknown[0]) or None,
            f"exemption for unknown item '{unknown[0]}'",
            "use an id listed by `auditor checklist --config …`",
        )
