"""Load and validate a site's YAML config (site.yaml). Every error names the file, the line and the fix."""

from __future__ import annotations

import difflib
import hashlib
import ipaddress
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.departments import Departments, load_departments
from auditor.yamlsrc import Located, load_located

EXAMPLE = """school: 示例职业技术学院
start_urls: [http://www.example.edu.cn/]
allowed_domains: [example.edu.cn]
profile: {type: vocational, graduate_programs: false, province: 湖南, double_first_class: true}
exemptions: {moe-17: 学校无校办企业}"""

PROFILE_TYPES = ("vocational", "undergraduate")
# Crawl bounds below which a crawl cannot run as asked (Scrapy reads 0 seconds or 0 pages as "no limit").
MINIMUMS = {
    "max_pages": 1,
    "max_depth": 1,
    "max_seconds": 1,
    "max_response_bytes": 1024,
    "concurrency": 1,
    "concurrency_per_host": 1,
    "trap_chain": 1,
    "timeout": 1,
    "revisit_days": 1,
}
ITEM_ID = re.compile(r"^(moe-(0[1-9]|[1-4][0-9]|50)|[a-z][a-z0-9-]*[a-z0-9])$")


@dataclass(frozen=True)
class Profile:
    """What kind of school this is; decides which checklist items apply."""

    type: str = "undergraduate"
    graduate_programs: bool = False
    province: str = ""
    double_first_class: bool = False


@dataclass(frozen=True)
class CrawlSettings:
    """Politeness and bounds. Defaults suit a nightly crawl of one school's site family."""

    obey_robots: bool = True
    max_pages: int = 20000
    max_depth: int = 12
    max_seconds: int = 3600
    max_response_bytes: int = 10 * 1024 * 1024
    concurrency: int = 8
    concurrency_per_host: int = 2
    delay: float = 0.25
    autothrottle: bool = True
    trap_chain: int = 30
    retries: int = 2  # tries after the first, later the same night, for a 5xx, 408, 429 or network failure
    retry_wait_max: int = 60  # seconds: the most a server's Retry-After is honoured
    timeout: int = 30
    user_agent: str = ""
    resolve: dict[str, str] = field(default_factory=dict)
    revisit_days: int = 7  # a page nothing requires tonight is re-checked at least once in this many nights


@dataclass(frozen=True)
class AlertSettings:
    """Who hears about new gaps and inconclusive runs. Nothing is sent unless configured."""

    on: tuple[str, ...] = ("new_gaps", "inconclusive")
    smtp_host: str = ""
    smtp_port: int = 25
    starttls: bool = False
    username: str = ""
    password_env: str = "AUDITOR_SMTP_PASSWORD"  # the password comes from the environment, never the file
    email_from: str = "auditor@localhost"
    email_to: tuple[str, ...] = ()
    webhook: str = ""
    timeout: int = 20


ALERT_KEYS = {
    "on": "a list of events: new_gaps, inconclusive",
    "smtp_host": "text",
    "smtp_port": "a whole number",
    "starttls": "true or false",
    "username": "text",
    "password_env": "an environment variable name",
    "email_from": "an address",
    "email_to": "a list of addresses",
    "webhook": "an http(s) URL",
    "timeout": "seconds",
}


@dataclass(frozen=True)
class SiteConfig:
    path: str
    school: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    profile: Profile
    exemptions: dict[str, str]
    crawl: CrawlSettings
    store: Path
    fingerprint: str
    checklist_extra: tuple[Path, ...] = ()
    reviews: Path = Path("reviews.yaml")
    alerts: AlertSettings = field(default_factory=AlertSettings)
    keep_runs: int = 30
    departments: Departments = field(default_factory=Departments)
    exempted_by: dict[str, str] = field(default_factory=dict)  # item → who set its exemption
    exemption_lines: dict[str, int] = field(default_factory=dict)  # item → its line in site.yaml (for errors)
    rectify_days: int = 10  # working days a department is given to fix a gap (整改时限)
    holidays: frozenset[date] = frozenset()  # days off that are not weekends, for working-day counts
    documents_max_bytes: int = 20 * 1024 * 1024  # candidate documents are downloaded up to this size
    requests: dict[str, dict[str, int]] = field(default_factory=dict)  # academic year → 依申请公开 figures
    weights: dict[str, float] = field(default_factory=dict)  # the assessment's weights, over its defaults


TOP_KEYS = {
    "school",
    "start_urls",
    "allowed_domains",
    "profile",
    "exemptions",
    "crawl",
    "store",
    "checklist_extra",
    "reviews",
    "alerts",
    "retention",
    "departments",
    "rectification",
    "documents",
    "annual_report",
    "assessment",
}
# 依申请公开 figures only the office knows, per academic year, for the annual report's draft
REQUEST_KEYS = {
    "received": "收到信息公开申请",
    "granted": "予以公开",
    "partly": "部分公开",
    "refused": "不予公开",
    "not_held": "信息不存在或非本校职责",
    "fees": "收取费用（元）",
}
REQUIRED = ("school", "start_urls", "allowed_domains")


def _unknown(doc: Located, key: tuple[Any, ...], name: str, known: set[str] | tuple[str, ...]) -> None:
    close = difflib.get_close_matches(str(name), list(known), n=1)
    hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(sorted(known))
    raise doc.error(key, f"unknown key '{name}'", hint)


def _typed(doc: Located, key: tuple[Any, ...], value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if kind in (int, float) and isinstance(value, bool):
        raise doc.error(
            key, f"'{key[-1]}' must be {what}, not {value!r}", f"write for example: {key[-1]}: 10"
        )
    if kind is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, kind):
        raise doc.error(
            key,
            f"'{key[-1]}' must be {what}, not {value!r}",
            f"see the example in docs/configuration.md:\n{EXAMPLE}",
        )
    return value


def _string_list(doc: Located, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise doc.error(
            (key,),
            f"'{key}' must be a non-empty list of strings",
            f"write for example: {key}: [{'http://www.example.edu.cn/' if key == 'start_urls' else 'example.edu.cn'}]",
        )
    return tuple(v.strip() for v in value)


def _profile(doc: Located, raw: Any) -> Profile:
    if raw is None:
        return Profile()
    if not isinstance(raw, dict):
        raise doc.error(
            ("profile",),
            "'profile' must be a mapping",
            "write for example: profile: {type: vocational, graduate_programs: false, province: 湖南}",
        )
    kinds = {
        "type": (str, "vocational or undergraduate"),
        "graduate_programs": (bool, "true or false"),
        "province": (str, "a province name such as 湖南"),
        "double_first_class": (bool, "true or false"),
    }
    values: dict[str, Any] = {}
    for k, v in raw.items():
        if k not in kinds:
            _unknown(doc, ("profile", k), k, tuple(kinds))
        values[k] = _typed(doc, ("profile", k), v, kinds[k][0], kinds[k][1])
    if values.get("type", "undergraduate") not in PROFILE_TYPES:
        raise doc.error(
            ("profile", "type"),
            f"profile type '{values['type']}' is not known",
            "write type: vocational (高职/专科) or type: undergraduate (本科)",
        )
    return Profile(**values)


def _crawl(doc: Located, raw: Any) -> CrawlSettings:
    if raw is None:
        return CrawlSettings()
    if not isinstance(raw, dict):
        raise doc.error(
            ("crawl",), "'crawl' must be a mapping", "write for example: crawl: {max_pages: 5000}"
        )
    defaults = CrawlSettings()
    values: dict[str, Any] = {}
    for k, v in raw.items():
        if not hasattr(defaults, k):
            _unknown(doc, ("crawl", k), k, tuple(CrawlSettings.__dataclass_fields__))
        default = getattr(defaults, k)
        if k == "resolve":
            hint = "write for example: resolve: {www.example.edu.cn: 127.0.0.1}"
            if not isinstance(v, dict) or not all(isinstance(h, str) for h in v):
                raise doc.error(("crawl", k), "'resolve' maps host names to IP addresses", hint)
            for host, ip in v.items():
                try:
                    ipaddress.ip_address(str(ip))
                except ValueError:
                    raise doc.error(
                        ("crawl", k, host), f"'{ip}' (for {host}) is not an IP address", hint
                    ) from None
            values[k] = {h: str(ip) for h, ip in v.items()}
            continue
        kind = type(default)
        what = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}[kind]
        values[k] = _typed(doc, ("crawl", k), v, kind, what)
        least = MINIMUMS.get(k, 0)
        if kind in (int, float) and values[k] < least:
            raise doc.error(
                ("crawl", k),
                f"'{k}' must be at least {least}",
                f"write a value ≥ {least} (default {default})",
            )
    return CrawlSettings(**values)


def _alerts(doc: Located, raw: Any) -> AlertSettings:
    if raw is None:
        return AlertSettings()
    example = "write for example: alerts: {smtp_host: mail.example.edu.cn, email_to: [dzb@example.edu.cn]}"
    if not isinstance(raw, dict):
        raise doc.error(("alerts",), "'alerts' must be a mapping", example)
    values: dict[str, Any] = {}
    defaults = AlertSettings()
    for k, v in raw.items():
        if k not in ALERT_KEYS:
            _unknown(doc, ("alerts", k), k, tuple(ALERT_KEYS))
        if k in ("on", "email_to"):
            v = [v] if isinstance(v, str) else v
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise doc.error(("alerts", k), f"'{k}' must be {ALERT_KEYS[k]}", example)
            if k == "on" and set(v) - {"new_gaps", "inconclusive"}:
                raise doc.error(
                    ("alerts", k), f"unknown event in {v}", "events are new_gaps and inconclusive"
                )
            values[k] = tuple(v)
        else:
            values[k] = _typed(doc, ("alerts", k), v, type(getattr(defaults, k)), ALERT_KEYS[k])
    if values.get("webhook") and not str(values["webhook"]).startswith(("http://", "https://")):
        raise doc.error(("alerts", "webhook"), "webhook must be an http(s) URL", "write webhook: https://…")
    if values.get("email_to") and not values.get("smtp_host"):
        raise doc.error(
            ("alerts",), "email_to is set but smtp_host is not", "add smtp_host: your mail server"
        )
    return AlertSettings(**values)


def load_config(path: str | Path) -> SiteConfig:
    """Read and validate `path`. Raises InputError (file, line, what, fix) on anything wrong."""
    doc = load_located(path)
    raw = doc.data
    if not isinstance(raw, dict):
        raise doc.error((), "the config must be a YAML mapping", f"start from this example:\n{EXAMPLE}")
    for k in raw:
        if k not in TOP_KEYS:
            _unknown(doc, (k,), k, TOP_KEYS)
    for k in REQUIRED:
        if raw.get(k) in (None, "", []):
            raise doc.error((), f"missing required key '{k}'", f"add it, as in:\n{EXAMPLE}")
    school = _typed(doc, ("school",), raw["school"], str, "the school's name")
    start_urls = _string_list(doc, "start_urls", raw["start_urls"])
    domains = tuple(
        d.lower().lstrip(".") for d in _string_list(doc, "allowed_domains", raw["allowed_domains"])
    )
    for i, url in enumerate(start_urls):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise doc.error(
                ("start_urls", i),
                f"'{url}' is not an http(s) URL",
                "write a full URL such as http://www.example.edu.cn/",
            )
        if not any(parts.hostname == d or parts.hostname.endswith("." + d) for d in domains):
            raise doc.error(
                ("start_urls", i),
                f"start URL host '{parts.hostname}' is outside allowed_domains {list(domains)}",
                f"add '{parts.hostname}' (or its parent domain) to allowed_domains",
            )
    for i, d in enumerate(domains):
        if "/" in d or ":" in d or " " in d:
            raise doc.error(
                ("allowed_domains", i),
                f"'{d}' is not a domain name",
                "write a bare domain such as example.edu.cn (no scheme, port or path)",
            )
    exemptions_raw = raw.get("exemptions") or {}
    if not isinstance(exemptions_raw, dict):
        raise doc.error(
            ("exemptions",),
            "'exemptions' must map item ids to reasons",
            "write for example: exemptions: {moe-17: 学校无校办企业}",
        )
    exemptions: dict[str, str] = {}
    exempted_by: dict[str, str] = {}
    for item, reason in exemptions_raw.items():
        if isinstance(reason, dict):  # {reason: 学校无校办企业, by: 党政办 张三 2022-09-01}
            if set(reason) - {"reason", "by"} or not isinstance(reason.get("by", ""), str):
                raise doc.error(
                    ("exemptions", item),
                    f"exemption of {item} takes reason and by only",
                    f"write {item}: {{reason: 学校无校办企业, by: 党政办 张三}}",
                )
            if reason.get("by", "").strip():
                exempted_by[item] = reason["by"].strip()
            reason = reason.get("reason")
        if not isinstance(item, str) or not ITEM_ID.match(item):
            raise doc.error(
                ("exemptions", item),
                f"'{item}' is not a checklist item id",
                "use ids such as moe-17 (see `auditor checklist`)",
            )
        if not isinstance(reason, str) or not reason.strip():
            raise doc.error(
                ("exemptions", item),
                f"exemption of {item} has no reason",
                f"write the reason shown in reports, e.g. {item}: 暂未涉及（学校无校办企业）",
            )
        exemptions[item] = reason.strip()
    store_raw = raw.get("store", "auditor.sqlite")
    store_raw = _typed(doc, ("store",), store_raw, str, "a file path")
    store = Path(store_raw)
    if not store.is_absolute():
        store = Path(doc.path).resolve().parent / store
    extra_raw = raw.get("checklist_extra") or []
    extra_raw = [extra_raw] if isinstance(extra_raw, str) else extra_raw
    if not isinstance(extra_raw, list) or not all(isinstance(x, str) for x in extra_raw):
        raise doc.error(
            ("checklist_extra",),
            "'checklist_extra' must be a file path or a list of them",
            "write for example: checklist_extra: [hunan-extra.yaml]",
        )
    base = Path(doc.path).resolve().parent
    extra = tuple(p if p.is_absolute() else base / p for p in map(Path, extra_raw))
    retention = raw.get("retention") or {}
    if not isinstance(retention, dict) or set(retention) - {"keep_runs"}:
        raise doc.error(
            ("retention",), "'retention' takes keep_runs only", "write retention: {keep_runs: 30}"
        )
    keep_runs = _typed(doc, ("retention", "keep_runs"), retention.get("keep_runs", 30), int, "a whole number")
    if keep_runs < 1:
        raise doc.error(("retention", "keep_runs"), "keep_runs must be at least 1", "write keep_runs: 30")
    rect = raw.get("rectification") or {}
    if not isinstance(rect, dict) or set(rect) - {"working_days", "holidays"}:
        raise doc.error(
            ("rectification",),
            "'rectification' takes working_days and holidays",
            "write rectification: {working_days: 10, holidays: [2022-10-03]}",
        )
    rectify_days = _typed(
        doc, ("rectification", "working_days"), rect.get("working_days", 10), int, "a whole number"
    )
    if rectify_days < 1:
        raise doc.error(
            ("rectification", "working_days"), "working_days must be at least 1", "write working_days: 10"
        )
    holidays = rect.get("holidays") or []
    if not isinstance(holidays, list) or not all(isinstance(h, date) for h in holidays):
        raise doc.error(
            ("rectification", "holidays"), "holidays must be a list of dates", "write holidays: [2022-10-03]"
        )
    docs = raw.get("documents") or {}
    if not isinstance(docs, dict) or set(docs) - {"max_bytes"}:
        raise doc.error(
            ("documents",), "'documents' takes max_bytes only", "write documents: {max_bytes: 20971520}"
        )
    max_bytes = _typed(doc, ("documents", "max_bytes"), docs.get("max_bytes", 20 * 1024 * 1024), int, "bytes")
    if max_bytes < 1024:
        raise doc.error(
            ("documents", "max_bytes"), "max_bytes must be at least 1024", "write max_bytes: 20971520"
        )
    requests = _requests(doc, raw.get("annual_report"))
    weights = _weights(doc, raw.get("assessment"))
    reviews = Path(_typed(doc, ("reviews",), raw.get("reviews", "reviews.yaml"), str, "a file path"))
    reviews = reviews if reviews.is_absolute() else base / reviews
    fingerprint = hashlib.sha256(
        json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()[:16]
    return SiteConfig(
        path=doc.path,
        school=school.strip(),
        start_urls=start_urls,
        allowed_domains=domains,
        profile=_profile(doc, raw.get("profile")),
        exemptions=exemptions,
        crawl=_crawl(doc, raw.get("crawl")),
        store=store,
        fingerprint=fingerprint,
        checklist_extra=extra,
        reviews=reviews,
        alerts=_alerts(doc, raw.get("alerts")),
        keep_runs=keep_runs,
        departments=load_departments(doc, raw.get("departments")),
        exempted_by=exempted_by,
        exemption_lines={i: doc.line("exemptions", i) or 0 for i in exemptions},
        rectify_days=rectify_days,
        holidays=frozenset(holidays),
        documents_max_bytes=max_bytes,
        requests=requests,
        weights=weights,
    )


def _requests(doc: Located, raw: Any) -> dict[str, dict[str, int]]:
    hint = "write annual_report: {requests: {2021-2022: {received: 3, granted: 2, partly: 1, refused: 0}}}"
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"requests"}:
        raise doc.error(("annual_report",), "'annual_report' takes requests only", hint)
    out: dict[str, dict[str, int]] = {}
    for year, figures in (raw.get("requests") or {}).items():
        key = ("annual_report", "requests", year)
        if not re.match(r"^\d{4}-\d{4}$", str(year)) or not isinstance(figures, dict):
            raise doc.error(key, f"'{year}' must be an academic year (2021-2022) with its figures", hint)
        for k, v in figures.items():
            if k not in REQUEST_KEYS or not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise doc.error(
                    key + (k,),
                    f"requests {year}: {k} = {v!r} is not understood",
                    "known: " + ", ".join(REQUEST_KEYS),
                )
        out[str(year)] = dict(figures)
    return out


def _weights(doc: Located, raw: Any) -> dict[str, float]:
    from auditor.weights import DEFAULT_WEIGHTS

    return weights(doc, "assessment", raw, DEFAULT_WEIGHTS, "write assessment: {weights: {gap_found: 5}}")


def weights(doc: Located, key: str, raw: Any, known: dict[str, float], hint: str) -> dict[str, float]:
    """`key: {weights: {name: number ≥ 0}}` over the defaults `known` (the assessment's, the province index's)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"weights"}:
        raise doc.error((key,), f"'{key}' takes weights only", hint)
    out: dict[str, float] = {}
    for k, v in (raw.get("weights") or {}).items():
        if k not in known or not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
            raise doc.error(
                (key, "weights", k),
                f"{key} weight {k} = {v!r} is not understood",
                "known (each a number ≥ 0): " + ", ".join(known),
            )
        out[k] = float(v)
    return out
