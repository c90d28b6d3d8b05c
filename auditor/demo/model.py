"""What a fixture college is once built: every URL it serves (Resource) and the truth about them (Site) — which
URLs are pages, attachments, traps, robots-disallowed, and which belong to which column — so tests and
benchmarks can check a crawl against it."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

SITE_MODIFIED = 1668470400.0  # 2022-11-15 00:00 UTC: when every demo page was "last modified"


@dataclass
class Resource:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    kind: str = "page"  # page | attachment | redirect | robots
    robots_disallowed: bool = False
    modified: float = SITE_MODIFIED

    @property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.body).hexdigest()[:16] + '"'


@dataclass
class Site:
    domain: str
    port: int
    hosts: dict[str, dict[str, Any]]
    as_of: date
    config: dict[str, Any]
    school: str = ""
    resources: dict[tuple[str, str], Resource] = field(default_factory=dict)
    attachment_links: set[str] = field(default_factory=set)
    head_refused: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # column ref → its URLs
    trap_host: str = ""
    trap_prefix: str = "/calendar.jsp"
    # sub → an IP to use as the host name (benchmarks)
    addresses: dict[str, str] = field(default_factory=dict)
    # hosts whose server answers a bare 403 to everything (a host spelling it refuses: `forbidden: true`)
    forbidden: set[str] = field(default_factory=set)
    # (host, path) → the answers its first requests get before the real one (`fault: {answers: …}`)
    scripted: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def host(self, sub: str) -> str:
        if sub in self.addresses:
            return self.addresses[sub]
        return f"{sub}.{self.domain}" if sub else self.domain

    def url(self, sub: str, path: str) -> str:
        return f"http://{self.host(sub)}:{self.port}{path}"

    def add(self, sub: str, path: str, res: Resource) -> None:
        self.resources[(self.host(sub), path)] = res

    @property
    def start_url(self) -> str:
        return self.url("", "/")

    def expected_pages(self, obey_robots: bool = True) -> set[str]:
        """Every HTML page URL a complete crawl must record (redirect stubs are recorded as chains)."""
        return {
            f"http://{h}:{self.port}{p}"
            for (h, p), r in self.resources.items()
            if r.kind == "page" and not (obey_robots and r.robots_disallowed)
        }

    def expected_attachments(self) -> set[str]:
        return set(self.attachment_links)

    def change(self, url: str, old: bytes, new: bytes, when: float) -> None:
        """Edit a served page in place (the next crawl must notice): replace `old` with `new` in its body."""
        host, path = url.split("//", 1)[1].split("/", 1)
        res = self.resources[(host.split(":")[0], "/" + path)]
        assert old in res.body, f"{old!r} not in {url}"
        res.body, res.modified = res.body.replace(old, new), when

    def resolve_ref(self, ref: str) -> set[str]:
        """'xxgk:jbxx/xxgkndbg' → the column's list pages, articles and attachments; 'www:/path' → that URL."""
        sub, rest = ref.split(":", 1)
        if rest.startswith("/"):
            return {self.url(sub, rest)}
        if ref not in self.members:
            raise KeyError(f"no column {ref}")
        return self.members[ref]
