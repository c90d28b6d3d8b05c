"""province.yaml → the schools of a province, each an ordinary site.yaml the nightly job runs.

A school is a path to its own site.yaml (relative to province.yaml) or an inline site config. Either way the
province writes the school's *effective* config — its own settings over the province's `defaults:` — into
the school's folder, and the nightly job runs on that file: a school's store, reviews and extension files
stay where its own config says (paths are made absolute), an inline school's store goes in a folder named
after it beside province.yaml. Every school's config is validated before any crawl (file, line, fix).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditor.config import load_config, weights
from auditor.errors import InputError
from auditor.yamlsrc import Located, load_located

TOP = {
    "province",
    "schools",
    "defaults",
    "scoring",
    "parallel",
    "objection_days",
    "publish_departments",
    "night_hours",
}
PATH_KEYS = ("store", "reviews")
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class School:
    name: str
    folder: Path  # where its effective site.yaml, logs and reports live
    config: Path  # its effective site.yaml
    source: str  # where it was declared: province.yaml:LINE or its own site.yaml

    @property
    def reports(self) -> Path:
        return self.folder / "reports"


@dataclass(frozen=True)
class ProvinceConfig:
    path: Path
    province: str
    schools: tuple[School, ...]
    weights: dict[str, float] = field(default_factory=dict)
    parallel: int = 2
    objection_days: int = 10  # how long a school may object to its draft result before publication
    publish_departments: bool = False  # the published report leaves department detail to the school's own
    night_hours: float = (
        10.0  # on a queue: a school with no result this long after the night began is inconclusive
    )


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _absolute(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """The school's own file paths, made absolute against its own config's folder."""
    out = dict(raw)
    out.setdefault("store", "auditor.sqlite")
    out.setdefault(
        "reviews", "reviews.yaml"
    )  # where the school's own defaults would put them, not the copy's
    for k in PATH_KEYS:
        if isinstance(out.get(k), str) and not Path(out[k]).is_absolute():
            out[k] = str((base / out[k]).resolve())
    extra = out.get("checklist_extra")
    if extra:
        extra = [extra] if isinstance(extra, str) else extra
        out["checklist_extra"] = [
            str((base / e).resolve()) if not Path(e).is_absolute() else e for e in extra
        ]
    if isinstance(out.get("departments"), str):
        out["departments"] = str((base / out["departments"]).resolve())
    return out


def folder_name(school: str) -> str:
    return UNSAFE.sub("_", school).strip("._") or "school"


def _school(doc: Located, i: int, entry: Any, defaults: dict[str, Any], base: Path) -> School:
    key: tuple[Any, ...] = ("schools", i)
    hint = "write - config: schools/xzsh/site.yaml, or an inline {school: …, start_urls: […], allowed_domains: […]}"
    if not isinstance(entry, dict):
        raise doc.error(key, "each school is a mapping", hint)
    if "config" in entry:
        if set(entry) - {"config"}:
            raise doc.error(
                key, "a school given by 'config' takes nothing else", "put its settings in its site.yaml"
            )
        own = (base / str(entry["config"])).resolve()
        if not own.is_file():
            raise doc.error(
                key + ("config",), f"no such file: {own}", "give the path of the school's site.yaml"
            )
        own_doc = load_located(own)
        if not isinstance(own_doc.data, dict):
            raise own_doc.error((), "the config must be a YAML mapping", "see docs/configuration.md")
        load_config(own)  # its own mistakes are named in its own file, at their own lines
        raw, origin, home = _absolute(own_doc.data, own.parent), str(own), own.parent
    else:
        raw, origin, home = dict(entry), f"{doc.path}:{doc.line(*key)}", None
    name = raw.get("school")
    if not isinstance(name, str) or not name.strip():
        raise doc.error(key, "every school needs its name ('school')", hint)
    folder = base / folder_name(name.strip())
    if home is None:
        raw = _absolute(raw, folder)
    effective = _merge(defaults, raw)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "site.yaml"
    text = (
        f"# Written by `auditor province` from {origin} (with province.yaml's defaults). Edit the source.\n"
    )
    tmp = config.with_suffix(".tmp")
    tmp.write_text(text + yaml.safe_dump(effective, allow_unicode=True, sort_keys=False), encoding="utf-8")
    os.replace(tmp, config)
    try:
        load_config(config)  # every school checked before any crawl
    except InputError as e:  # an inline school's mistake, or the province's defaults
        at = ("defaults",) if home else key
        raise InputError(doc.path, doc.line(*at), f"school {name}: {e.message}", e.hint) from None
    return School(name.strip(), folder, config, origin)


def load_province(path: str | Path) -> ProvinceConfig:
    doc = load_located(path)
    raw = doc.data
    hint = "see docs/operations.md: province: 湖南, schools: [{config: schools/x/site.yaml}, …]"
    if not isinstance(raw, dict):
        raise doc.error((), "province.yaml must be a mapping", hint)
    for k in raw:
        if k not in TOP:
            raise doc.error((k,), f"unknown key '{k}'", "known keys: " + ", ".join(sorted(TOP)))
    if not isinstance(raw.get("province"), str) or not raw["province"].strip():
        raise doc.error(("province",), "missing 'province' (its name, e.g. 湖南)", hint)
    schools = raw.get("schools")
    if not isinstance(schools, list) or not schools:
        raise doc.error(("schools",), "'schools' must list at least one school", hint)
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise doc.error(
            ("defaults",),
            "'defaults' must be a mapping of site.yaml settings",
            "e.g. defaults: {crawl: {delay: 0.5}}",
        )
    base = Path(doc.path).resolve().parent
    parsed = [_school(doc, i, s, defaults, base) for i, s in enumerate(schools)]
    names = [s.name for s in parsed]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise doc.error(("schools",), f"school '{twice}' is listed twice", "list each school once")
    weights = _weights(doc, raw.get("scoring"))
    parallel = raw.get("parallel", max(1, min(4, (os.cpu_count() or 2) // 2)))
    days = raw.get("objection_days", 10)
    for k, v in (("parallel", parallel), ("objection_days", days)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise doc.error((k,), f"'{k}' must be a whole number of at least 1", f"write {k}: 2")
    publish = raw.get("publish_departments", False)
    if not isinstance(publish, bool):
        raise doc.error(("publish_departments",), "'publish_departments' is true or false", "write false")
    hours = raw.get("night_hours", 10)
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 48:
        raise doc.error(
            ("night_hours",),
            "'night_hours' must be a number of hours, more than 0 and at most 48",
            "write night_hours: 10",
        )
    return ProvinceConfig(
        Path(doc.path), raw["province"].strip(), tuple(parsed), weights, parallel, days, publish, float(hours)
    )


def _weights(doc: Located, raw: Any) -> dict[str, float]:
    from auditor.province.index import DEFAULT_WEIGHTS

    hint = "write scoring: {weights: {completion: 60, annual_report: 25, timeliness: 15}}"
    return weights(doc, "scoring", raw, DEFAULT_WEIGHTS, hint)
