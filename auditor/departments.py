"""Who owns what: the school's departments by their official names, the names sites use for them, and whom
to tell. Sites name one office many ways (党政办 / 党委办公室、校长办公室 / 学校办公室); reports group
items under the official name and keep the name the site used beside it.

In site.yaml, `departments:` is a list, or the path of a departments.yaml holding `departments: [...]`:

    departments:
      - name: 党委办公室（校长办公室）
        aliases: [党政办, 党委办公室, 校长办公室, 学校办公室]
        contacts: [dzb@example.edu.cn]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.yamlsrc import Located, load_located

KEYS = {"name", "aliases", "contacts"}
SEPARATORS = re.compile(r"[、，,／/;；]")
NOISE = re.compile(r"[\s（）()【】\[\]]")


@dataclass(frozen=True)
class Department:
    name: str
    aliases: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()


def _key(name: str) -> str:
    return NOISE.sub("", name)


@dataclass(frozen=True)
class Departments:
    listed: tuple[Department, ...] = ()

    def official(self, seen: str) -> Department | None:
        """The department `seen` names: by its name or an alias, whole or — for 党委办公室、校长办公室 —
        every part naming the same one. None when the school has not listed it."""
        index = {_key(a): d for d in self.listed for a in (d.name, *d.aliases)}
        if found := index.get(_key(seen)):
            return found
        parts = {index.get(_key(p)) for p in SEPARATORS.split(seen) if p.strip()}
        return parts.pop() if len(parts) == 1 and None not in parts else None

    def contacts(self, name: str) -> tuple[str, ...]:
        return next((d.contacts for d in self.listed if d.name == name), ())


def _strings(doc: Located, key: tuple[Any, ...], value: Any, what: str) -> tuple[str, ...]:
    value = [value] if isinstance(value, str) else (value or [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise doc.error(key, f"'{key[-1]}' must be a list of {what}", f"write {key[-1]}: [..., ...]")
    return tuple(v.strip() for v in value)


def load_departments(doc: Located, raw: Any) -> Departments:
    """`raw` is site.yaml's departments: value (a list, or a file path resolved beside site.yaml)."""
    key: tuple[Any, ...] = ("departments",)
    if isinstance(raw, str):
        path = Path(raw) if Path(raw).is_absolute() else Path(doc.path).resolve().parent / raw
        if not path.exists():
            raise doc.error(key, f"departments file {path} does not exist", "create it, or list them here")
        doc = load_located(path)
        if not isinstance(doc.data, dict) or not isinstance(doc.data.get("departments"), list):
            raise doc.error(
                (), "a departments file holds a 'departments:' list", "start it with: departments:"
            )
        raw = doc.data["departments"]
    if raw is None:
        return Departments()
    if not isinstance(raw, list):
        raise doc.error(key, "'departments' must be a list", "start each with '- name: 财务处'")
    out: list[Department] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(raw):
        at = (*key, i)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise doc.error(at, "each department needs a name", "write '- name: 财务处'")
        for k in entry:
            if k not in KEYS:
                raise doc.error(
                    (*at, k), f"unknown key '{k}' in a department", "known keys: aliases, contacts, name"
                )
        dept = Department(
            entry["name"].strip(),
            _strings(doc, (*at, "aliases"), entry.get("aliases"), "names"),
            _strings(doc, (*at, "contacts"), entry.get("contacts"), "e-mail addresses"),
        )
        for contact in dept.contacts:
            if "@" not in contact:
                raise doc.error(
                    (*at, "contacts"), f"'{contact}' is not an e-mail address", "write name@school.edu.cn"
                )
        for name in (dept.name, *dept.aliases):
            if _key(name) in seen and seen[_key(name)] != dept.name:
                raise doc.error(
                    at,
                    f"'{name}' names both {seen[_key(name)]} and {dept.name}",
                    "keep it under one department",
                )
            seen[_key(name)] = dept.name
        out.append(dept)
    return Departments(tuple(out))
