"""`auditor users`: the workspace's accounts, managed from the command line (there is no default account and
no sign-up). A password is read from standard input, never from the command line (where `ps` and the shell's
history would keep it): at a terminal it is asked twice without echo; from a pipe, one line is read."""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

from auditor.errors import InputError
from auditor.store import Store
from auditor.web import views
from auditor.web.passwords import hash_password
from auditor.wording import say

ROLES = ("office", "department")
MIN_LENGTH = 10


def read_password(stream: TextIO | None = None) -> str:
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass(say("users.password_prompt"))
        if getpass.getpass(say("users.password_again")) != first:
            raise InputError("password", None, say("users.password_mismatch"), say("users.password_hint"))
    else:
        first = stream.readline().rstrip("\r\n")
    if len(first) < MIN_LENGTH:
        raise InputError(
            "password", None, say("users.password_short", least=MIN_LENGTH), say("users.password_hint")
        )
    return first


def add(store: Store, name: str, role: str, department: str, listed: list[str], password: str) -> None:
    name = name.strip()
    if not name or len(name) > 64:
        raise InputError("NAME", None, say("users.bad_name"))
    if store.user(name) is not None:
        raise InputError("NAME", None, say("users.exists", name=name), say("users.exists_hint"))
    if role == "department":
        known = views.departments(listed, views.Latest().get(store))
        if department not in known:
            raise InputError(
                "--department", None, say("users.unknown_department", department=department),
                say("users.departments_are", names="、".join(known) or "—"),
            )  # fmt: skip
    store.add_user(name, role, department if role == "department" else "", hash_password(password))


def existing(store: Store, name: str) -> None:
    if store.user(name) is None:
        raise InputError("NAME", None, say("users.no_such_user", name=name), say("users.list_hint"))
