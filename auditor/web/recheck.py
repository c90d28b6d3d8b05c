"""复查: fetch an item's URLs now, on a user's request, and say what each answers — before the next night.

Only the school's own hosts (site.yaml's allowed_domains) are fetched, redirects included: the workspace must not
become a way to make the server request any address a user types. Each answer is told as the status, where it
ended, its title, and whether its bytes are those archived last night. Nothing is decided here: the next night's
audit is what verifies a response (auditor.responses)."""

from __future__ import annotations

import hashlib
import html
import http.client
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from auditor import __version__
from auditor.extract.decode import decode_html
from auditor.privacy.detect import mask_text

MOST_URLS = 6
COOLDOWN_SECONDS = (
    30  # between two 复查 of one item by one user: each is up to MOST_URLS requests and a log row
)
MOST_BYTES = 5 * 1024 * 1024
SECONDS = 10
AGENT = f"auditor/{__version__} (re-check asked for in the disclosure workspace)"
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def inside(url: str, domains: tuple[str, ...], ports: frozenset[int] = frozenset()) -> bool:
    """An address of the school's own sites: http(s), a host under its domains (by name, never an address
    literal), on the web's ports or one its start URLs use, no user name in it."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return (
        parts.scheme in ("http", "https")
        and not parts.username
        and port in {80, 443, *ports}
        and host.replace(".", "").replace("-", "").isalnum()
        and any(host == d or host.endswith("." + d) for d in domains)
    )


def _pin(host: str, pinned: dict[str, str]) -> str | None:
    """The address site.yaml's crawl.resolve pins `host` to (exactly or as a subdomain), as the crawl reads it."""
    return next((ip for name, ip in pinned.items() if host == name or host.endswith("." + name)), None)


def _request(url: str, pinned: dict[str, str]) -> urllib.request.Request:
    """A request for `url`; a host site.yaml pins (crawl.resolve, for a plain-http test or demo site) is asked
    at its pinned address under its own name, as the crawl asks it."""
    parts = urlsplit(url)
    headers = {"User-Agent": AGENT}
    if (ip := _pin((parts.hostname or "").lower(), pinned)) and parts.scheme == "http":
        headers["Host"] = parts.netloc
        url = parts._replace(netloc=ip + (f":{parts.port}" if parts.port else "")).geturl()
    return urllib.request.Request(url, headers=headers)


class _Within(urllib.request.HTTPRedirectHandler):
    def __init__(self, domains: tuple[str, ...], pinned: dict[str, str], ports: frozenset[int]) -> None:
        self.domains, self.pinned, self.ports = domains, pinned, ports

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if req.get_header("Host") and urlsplit(newurl).hostname in self.pinned.values():
            newurl = urlsplit(newurl)._replace(netloc=req.get_header("Host")).geturl()  # a relative Location
        if not inside(newurl, self.domains, self.ports):
            raise urllib.error.HTTPError(newurl, code, "redirect outside the school's sites", headers, fp)
        return _request(newurl, self.pinned)


def fetch(
    url: str, domains: tuple[str, ...], archived: str | None = None, pinned: dict[str, str] | None = None,
    ports: frozenset[int] = frozenset(),
) -> dict[str, Any]:  # fmt: skip
    """What `url` answers now: {url, status, title, sha256, same_as_archived, problem}."""
    out: dict[str, Any] = {"url": url, "status": None, "title": "", "sha256": "", "problem": ""}
    if not inside(url, domains, ports):
        return out | {"problem": "outside"}
    pinned = {k.lower(): v for k, v in (pinned or {}).items()}
    opener = urllib.request.build_opener(_Within(domains, pinned, ports), urllib.request.ProxyHandler({}))
    request = _request(url, pinned)
    try:
        with opener.open(request, timeout=SECONDS) as answer:
            body = answer.read(MOST_BYTES)
            out.update(status=answer.status, type=answer.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as e:
        return out | {"status": e.code, "problem": "outside" if "outside" in str(e.reason) else "http"}
    except (
        urllib.error.URLError,
        http.client.HTTPException,
        OSError,
        ValueError,
    ) as e:  # whatever it answers
        return out | {"problem": "unreachable", "detail": str(getattr(e, "reason", e))[:200]}
    out["sha256"] = hashlib.sha256(body).hexdigest()
    if "html" in out.get("type", "") or body.lstrip()[:1] == b"<":
        text, _ = decode_html(body, out.get("type"))
        if m := TITLE.search(text):
            out["title"] = mask_text(" ".join(html.unescape(m.group(1)).split())[:200])
    out["same_as_archived"] = (out["sha256"] == archived) if archived else None
    return out
