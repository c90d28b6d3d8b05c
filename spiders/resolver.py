"""Pin host names to addresses (like curl --resolve), for auditing a staging copy or the demo college."""

from __future__ import annotations

from typing import Any

from scrapy.resolver import CachingThreadedResolver
from scrapy.settings import default_settings
from twisted.internet import defer

# The setting that names the resolver: Scrapy 2.14 renamed DNS_RESOLVER (the old name then only warns)
SETTING = "TWISTED_DNS_RESOLVER" if hasattr(default_settings, "TWISTED_DNS_RESOLVER") else "DNS_RESOLVER"


def pins(settings: Any) -> dict[str, str]:
    return {k.lower().lstrip("."): v for k, v in (settings.getdict("AUDITOR_RESOLVE") or {}).items()}


def pinned(name: str, pins: dict[str, str]) -> str | None:
    """The address `name` is pinned to (exactly, or as a subdomain of a pinned name), if any."""
    host = name.lower()
    for name_, address in pins.items():
        if host == name_ or host.endswith("." + name_):
            return address
    return None


class PinnedResolver(CachingThreadedResolver):
    """A name matching a key of AUDITOR_RESOLVE (exactly, or as a subdomain) resolves to its value."""

    pins: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PinnedResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.pins = pins(crawler.settings)
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:  # noqa: N802 (Twisted's name)
        address = pinned(name, self.pins)
        return defer.succeed(address) if address else super().getHostByName(name, timeout)
