"""Load and validate a site's YAML config (site.yaml). Every error names the file, the line and the fix.

The file is the model SiteFile; its JSON Schema is docs/site.schema.json (`python -m auditor.config` writes it).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, create_model, model_validator

from auditor.departments import Department, Departments, load_departments
from auditor.errors import words
from auditor.validation import Listed, Model, Says, Text, check, fault, weights
from auditor.weights import DEFAULT_WEIGHTS
from auditor.yamlsrc import load_located

EXAMPLE = """school: 示例职业技术学院
start_urls: [http://www.example.edu.cn/]
allowed_domains: [example.edu.cn]
profile: {type: vocational, graduate_programs: false, province: 湖南, double_first_class: true}
exemptions: {moe-17: 学校无校办企业}"""

ITEM_ID = re.compile(r"^(moe-(0[1-9]|[1-4][0-9]|50)|[a-z][a-z0-9-]*[a-z0-9])$")
# 依申请公开 figures only the office knows, per academic year, for the annual report's draft
REQUEST_KEYS = {
    "received": "收到信息公开申请",
    "granted": "予以公开",
    "partly": "部分公开",
    "refused": "不予公开",
    "not_held": "信息不存在或非本校职责",
    "fees": "收取费用（元）",
}


class Profile(Model):
    """What kind of school this is; decides which checklist items apply."""

    type: Annotated[
        Literal["vocational", "undergraduate"],
        Says("school_type"),
    ] = "undergraduate"
    graduate_programs: bool = False
    province: str = Field("", examples=["湖南"])
    double_first_class: bool = False


def _ip(ip: str) -> str:
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise fault("not_ip") from None
    return ip


class CrawlSettings(Model):
    """Politeness and bounds. Defaults suit a nightly crawl of one school's site family; the least values are
    those below which a crawl cannot run as asked (Scrapy reads 0 seconds or 0 pages as "no limit")."""

    obey_robots: bool = True
    max_pages: int = Field(20000, ge=1)
    max_depth: int = Field(12, ge=1)
    max_seconds: int = Field(3600, ge=1)
    max_response_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    concurrency: int = Field(8, ge=1)
    concurrency_per_host: int = Field(2, ge=1)
    delay: float = Field(0.25, ge=0.0)
    autothrottle: bool = True
    trap_chain: int = Field(30, ge=1)
    # tries after the first, later the same night, for a 5xx, 408, 429 or network failure
    retries: int = Field(2, ge=0)
    retry_wait_max: int = Field(60, ge=0)  # seconds: the most a server's Retry-After is honoured
    timeout: int = Field(30, ge=1)
    user_agent: str = ""
    # who runs this crawl, named in its user agent: an e-mail address or a web page (e.g. the 党政办's)
    contact: str = Field("", examples=["dzb@example.edu.cn"])
    resolve: dict[str, Annotated[str, AfterValidator(_ip)]] = Field(
        {}, examples=[{"www.example.edu.cn": "127.0.0.1"}]
    )
    # a page nothing requires tonight is re-checked at least once in this many nights
    revisit_days: int = Field(7, ge=1)


def _http(url: str) -> str:
    if url and not url.startswith(("http://", "https://")):
        raise fault("webhook_url")
    return url


class AlertSettings(Model):
    """Who hears about new gaps and inconclusive runs. Nothing is sent unless configured."""

    on: Listed[Literal["new_gaps", "inconclusive"]] = ("new_gaps", "inconclusive")
    smtp_host: str = Field("", examples=["mail.example.edu.cn"])
    smtp_port: int = 25
    starttls: bool = False
    username: str = ""
    password_env: str = "AUDITOR_SMTP_PASSWORD"  # the password comes from the environment, never the file
    email_from: str = "auditor@localhost"
    email_to: Listed[str] = Field((), examples=[["dzb@example.edu.cn"]])
    webhook: Annotated[str, AfterValidator(_http)] = ""
    timeout: int = 20

    @model_validator(mode="before")
    @classmethod
    def _on(cls, data: Any) -> Any:  # YAML 1.1 reads the key `on` as true
        return {"on" if k is True else k: v for k, v in data.items()} if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _mail_needs_a_server(self) -> AlertSettings:
        if self.email_to and not self.smtp_host:
            raise fault("email_without_smtp")
        return self


def _start_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise fault("not_url")
    return url


def _domain(domain: str) -> str:
    if "/" in domain or ":" in domain or " " in domain:
        raise fault("not_domain")
    return domain.lower().lstrip(".")


def _item_id(item: Any) -> Any:
    if not isinstance(item, str) or not ITEM_ID.match(item):
        raise fault("not_item_id")
    return item


class Exemption(Model):
    """Why a checklist item does not apply to this school (shown in every report), and who decided it."""

    reason: Annotated[
        Text,
        Says("exemption_reason"),
    ]
    by: str = Field("", examples=["党政办 张三 2022-09-01"])


def _reason(value: Any) -> Any:
    return {"reason": value} if value is None or isinstance(value, str) else value  # moe-17: 学校无校办企业


def _or_reason(schema: dict[str, Any]) -> None:  # the schema says so too
    schema["additionalProperties"] = {"anyOf": [{"type": "string"}, schema["additionalProperties"]]}


class Retention(Model):
    keep_runs: int = Field(30, ge=1)


class Rectification(Model):
    """整改时限: the working days a department is given to fix a gap, and the school's own days off."""

    working_days: int = Field(10, ge=1)
    holidays: Listed[date] = Field((), examples=[[date(2022, 10, 3)]])


class Documents(Model):
    max_bytes: int = Field(20 * 1024 * 1024, ge=1024)  # candidate documents are downloaded up to this size


def _academic_year(year: Any) -> Any:
    if not re.match(r"^\d{4}-\d{4}$", str(year)):
        raise fault("academic_year")
    return year


Figures = create_model(
    "Figures", __base__=Model, **{k: (int, Field(None, ge=0, description=v)) for k, v in REQUEST_KEYS.items()}
)
Assessment = weights("Assessment", DEFAULT_WEIGHTS)  # the assessment's weights (rules/assessment.yaml)


class AnnualReport(Model):
    """依申请公开 figures only the office knows, per academic year, for `auditor annual-report`."""

    requests: dict[Annotated[str, BeforeValidator(_academic_year)], Figures] = Field(
        {}, examples=[{"2021-2022": {"received": 3, "granted": 2, "partly": 1, "refused": 0}}]
    )


class SiteFile(Model):
    """site.yaml: a school's websites, what kind of school it is, its exemptions and settings
    (docs/configuration.md). Every key but school, start_urls and allowed_domains has a default."""

    school: Text = Field(examples=["示例职业技术学院"])
    start_urls: Listed[Annotated[str, AfterValidator(_start_url)]] = Field(
        min_length=1, examples=[["http://www.example.edu.cn/"]]
    )
    allowed_domains: Listed[Annotated[str, AfterValidator(_domain)]] = Field(
        min_length=1, examples=[["example.edu.cn"]]
    )  # and their subdomains
    profile: Profile = Field(Profile(), examples=[{"type": "vocational", "province": "湖南"}])
    exemptions: dict[
        Annotated[str, BeforeValidator(_item_id)], Annotated[Exemption, BeforeValidator(_reason)]
    ] = Field({}, examples=[{"moe-17": "学校无校办企业"}], json_schema_extra=_or_reason)
    crawl: CrawlSettings = Field(CrawlSettings(), examples=[{"max_pages": 5000}])
    store: Text = "auditor.sqlite"  # relative to site.yaml
    checklist_extra: Listed[Text] = Field((), examples=[["hunan-extra.yaml"]])
    reviews: Text = "reviews.yaml"
    alerts: AlertSettings = Field(
        AlertSettings(), examples=[{"smtp_host": "mail.example.edu.cn", "email_to": ["dzb@example.edu.cn"]}]
    )
    retention: Retention = Field(Retention(), examples=[{"keep_runs": 30}])
    departments: str | list[Department] = []  # a list, or the file holding it (departments.py)
    rectification: Rectification = Field(
        Rectification(), examples=[{"working_days": 10, "holidays": [date(2022, 10, 3)]}]
    )
    documents: Documents = Field(Documents(), examples=[{"max_bytes": 20971520}])
    annual_report: AnnualReport = AnnualReport()
    assessment: Assessment = Field(Assessment(), examples=[{"weights": {"gap_found": 5}}])


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


def load_config(path: str | Path) -> SiteConfig:
    """Read and validate `path`. Raises InputError (file, line, what, fix) on anything wrong."""
    doc = load_located(path)
    raw = doc.data
    departments = load_departments(doc, raw.get("departments") if isinstance(raw, dict) else None)
    root = Says("config_root", (("example", EXAMPLE),))
    site = check(doc, SiteFile, raw, root)
    for i, url in enumerate(site.start_urls):
        host = urlsplit(url).hostname or ""
        if not any(host == d or host.endswith("." + d) for d in site.allowed_domains):
            said = words("start_outside", host=host, domains=list(site.allowed_domains))
            raise doc.error(("start_urls", i), *said)
    base = Path(doc.path).resolve().parent
    return SiteConfig(
        path=doc.path,
        school=site.school,
        start_urls=site.start_urls,
        allowed_domains=site.allowed_domains,
        profile=site.profile,
        exemptions={item: e.reason for item, e in site.exemptions.items()},
        crawl=site.crawl,
        store=base / site.store,
        fingerprint=hashlib.sha256(
            json.dumps(_text_keys(raw), sort_keys=True, ensure_ascii=False, default=str).encode()
        ).hexdigest()[:16],
        checklist_extra=tuple(base / p for p in site.checklist_extra),
        reviews=base / site.reviews,
        alerts=site.alerts,
        keep_runs=site.retention.keep_runs,
        departments=departments,
        exempted_by={item: e.by for item, e in site.exemptions.items() if e.by},
        exemption_lines={item: doc.line("exemptions", item) or 0 for item in site.exemptions},
        rectify_days=site.rectification.working_days,
        holidays=frozenset(site.rectification.holidays),
        documents_max_bytes=site.documents.max_bytes,
        requests={year: f.model_dump(exclude_unset=True) for year, f in site.annual_report.requests.items()},
        weights=site.assessment.weights.model_dump(exclude_unset=True),
    )


def _text_keys(value: Any) -> Any:  # `on:` is read as true, and true cannot be sorted among words
    if isinstance(value, dict):
        return {str(k): _text_keys(v) for k, v in value.items()}
    return [_text_keys(v) for v in value] if isinstance(value, list) else value


def json_schema() -> str:
    """The JSON Schema of site.yaml, as published in docs/site.schema.json (for editors and other tools)."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **SiteFile.model_json_schema()}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(json_schema())
