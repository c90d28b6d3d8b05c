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
from pydantic import Field

from auditor.config import load_config
from auditor.errors import InputError, words
from auditor.province.index import DEFAULT_WEIGHTS
from auditor.validation import Model, Says, Text, check, weights
from auditor.wording import say
from auditor.yamlsrc import Located, load_located

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


Scoring = weights("Scoring", DEFAULT_WEIGHTS)  # the transparency score's weights (rules/transparency.yaml)


class ProvinceFile(Model):
    """province.yaml: a province's schools (each a site.yaml, or one inline) and how its nights run."""

    province: Text = Field(examples=["湖南"])
    schools: list[dict[str, Any]] = Field(min_length=1, examples=[[{"config": "schools/xzsh/site.yaml"}]])
    defaults: dict[str, Any] = Field({}, examples=[{"crawl": {"delay": 0.5}}])  # site.yaml settings for all
    scoring: Scoring = Field(
        Scoring(), examples=[{"weights": {"completion": 60, "annual_report": 25, "timeliness": 15}}]
    )
    parallel: int = Field(default_factory=lambda: max(1, min(4, (os.cpu_count() or 2) // 2)), ge=1)
    objection_days: int = Field(10, ge=1)
    publish_departments: bool = False
    night_hours: float = Field(10.0, gt=0, le=48)


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
    if "config" in entry:
        if set(entry) - {"config"}:
            raise doc.error(key, *words("school_config_alone"))
        own = (base / str(entry["config"])).resolve()
        if not own.is_file():
            raise doc.error(key + ("config",), *words("school_config_missing", path=own))
        load_config(own)  # its own mistakes are named in its own file, at their own lines
        raw, origin, home = _absolute(load_located(own).data, own.parent), str(own), own.parent
    else:
        raw, origin, home = dict(entry), f"{doc.path}:{doc.line(*key)}", None
    name = raw.get("school")
    if not isinstance(name, str) or not name.strip():
        raise doc.error(key, *words("school_name"))
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
        prefix = say("errors.school_prefix", name=name)
        raise InputError(doc.path, doc.line(*at), prefix + e.message, e.hint) from None
    return School(name.strip(), folder, config, origin)


def load_province(path: str | Path) -> ProvinceConfig:
    doc = load_located(path)
    raw = check(doc, ProvinceFile, doc.data, Says("province_root"), see="see_province")
    base = Path(doc.path).resolve().parent
    parsed = [_school(doc, i, s, raw.defaults, base) for i, s in enumerate(raw.schools)]
    names = [s.name for s in parsed]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise doc.error(("schools",), *words("school_twice", name=twice))
    return ProvinceConfig(
        Path(doc.path), raw.province, tuple(parsed), raw.scoring.weights.model_dump(exclude_unset=True),
        raw.parallel, raw.objection_days, raw.publish_departments, raw.night_hours,
    )  # fmt: skip
