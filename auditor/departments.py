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
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from auditor.errors import words
from auditor.validation import Listed, Model, Says, Text, check, fault
from auditor.yamlsrc import Located, load_located

SEPARATORS = re.compile(r"[、，,／/;；]")
NOISE = re.compile(r"[\s（）()【】\[\]]")


def _email(address: str) -> str:
    if "@" not in address:
        raise fault("not_email")
    return address


class Department(Model):
    """One office: its official name, the names sites use for it, and who hears about its new gaps."""

    name: Annotated[Text, Says("department_name")]
    aliases: Listed[Text] = Field((), examples=[["党政办", "党委办公室", "校长办公室"]])
    contacts: Listed[Annotated[Text, AfterValidator(_email)]] = Field((), examples=[["dzb@example.edu.cn"]])


class DepartmentsFile(Model):
    departments: list[Department] = Field(examples=[[{"name": "财务处", "aliases": ["计划财务处"]}]])


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


def load_departments(doc: Located, raw: Any) -> Departments:
    """`raw` is site.yaml's departments: value (a list, or a file path resolved beside site.yaml)."""
    if isinstance(raw, str):
        path = Path(raw) if Path(raw).is_absolute() else Path(doc.path).resolve().parent / raw
        if not path.is_file():
            said = words("departments_is_dir" if path.is_dir() else "departments_missing", path=path)
            raise doc.error(("departments",), *said)
        doc = load_located(path)
        root = Says("departments_root")
        listed = check(doc, DepartmentsFile, doc.data, root).departments
    else:
        listed = check(doc, DepartmentsFile, {"departments": [] if raw is None else raw}).departments
    seen: dict[str, str] = {}
    for i, dept in enumerate(listed):
        for name in (dept.name, *dept.aliases):
            if _key(name) in seen and seen[_key(name)] != dept.name:
                said = words("department_twice", name=name, first=seen[_key(name)], second=dept.name)
                raise doc.error(("departments", i), *said)
            seen[_key(name)] = dept.name
    return Departments(tuple(listed))
