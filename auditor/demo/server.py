"""Serve the demo college on 127.0.0.1: one threaded server that routes by Host.

It also answers as a plain HTTP proxy (absolute-form request lines), so the crawl can be tested
both directly (with `crawl.resolve` pinning the demo host names to 127.0.0.1) and through a proxy
(`http_proxy=http://127.0.0.1:PORT`). A proxied request for any other host is refused and logged:
a test can prove nothing outside the demo was fetched.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from auditor.demo.site import Resource, Site, build_site, calendar_page


@dataclass(frozen=True)
class Hit:
    method: str
    host: str
    path: str
    status: int
    via_proxy: bool
    at: float = field(default_factory=time.monotonic)  # when it came: a test can see Retry-After honoured


class _Handler(BaseHTTPRequestHandler):
    server: DemoHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: the hit log is the record
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_CONNECT(self) -> None:
        """A tunnel (how an https request goes through a proxy) is always to somewhere outside the demo:
        logged, so a test can see it was tried, and refused."""
        self.server.record(Hit("CONNECT", self.path.rsplit(":", 1)[0].lower(), "", 403, True))
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.close_connection = True

    def _serve(self, head: bool) -> None:
        site = self.server.site
        via_proxy = self.path.startswith("http://")
        if via_proxy:
            parts = urlsplit(self.path)
            host, path = (parts.hostname or ""), parts.path + ("?" + parts.query if parts.query else "")
        else:
            host, path = (self.headers.get("Host") or "").split(":")[0].lower(), self.path
        status, headers, body = self.server.scripted(host, path) or self._lookup(
            site, host, path, head, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        )
        self.server.record(Hit(self.command, host, path, status, via_proxy))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Server", "VWebServer")
        if status == 200 and any(k == "Content-Type" and "html" in v for k, v in headers):
            # as VSB sites do: a session cookie for the whole school domain (Scrapy then asks whether that
            # domain is a public suffix — which must not mean fetching the suffix list from the internet)
            self.send_header(
                "Set-Cookie", f"JSESSIONID=demo{len(self.server.hits)}; Path=/; Domain=.{site.domain}"
            )
        self.end_headers()
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # crawlers hang up after the headers of files they only size up

    @staticmethod
    def _lookup(
        site: Site,
        host: str,
        path: str,
        head: bool,
        if_none_match: str | None = None,
        if_modified_since: str | None = None,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        if host != site.domain and not host.endswith("." + site.domain):
            return 403, [("Content-Type", "text/plain")], b"demo proxy: off-site request refused\n"
        if (
            host in site.forbidden
        ):  # nginx's own refusal, no guard's page: the server does not serve this name
            body = b"<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center><hr><center>nginx</center></body></html>"
            return 403, [("Content-Type", "text/html")], body
        if head and host in site.head_refused:
            return 405, [("Content-Type", "text/html"), ("Allow", "GET, POST")], b""
        if path.startswith(site.trap_prefix) and host == site.trap_host:
            ym = parse_qs(urlsplit(path).query).get("ym", ["2022-11"])[0]
            return 200, [("Content-Type", "text/html; charset=utf-8")], calendar_page(ym)
        res = site.resources.get((host, path)) or site.resources.get(
            (host, unquote(path))
        )  # as a server decodes
        if res is None:
            return (
                404,
                [("Content-Type", "text/html; charset=utf-8")],
                "<h1>404</h1><p>页面不存在</p>".encode(),
            )
        if res.status != 200:
            return res.status, res.headers, res.body
        validators = [("ETag", res.etag), ("Last-Modified", formatdate(res.modified, usegmt=True))]
        if _not_modified(res, if_none_match, if_modified_since):
            return 304, validators, b""
        return res.status, res.headers + validators, res.body


def _not_modified(res: Resource, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 7232: If-None-Match decides when present; otherwise If-Modified-Since."""
    if if_none_match:
        return res.etag in [t.strip() for t in if_none_match.split(",")] or if_none_match.strip() == "*"
    if if_modified_since:
        try:
            return res.modified <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


class DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0, data: dict[str, Any] | None = None) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.site = build_site(self.server_address[1], data)
        self.hits: list[Hit] = []
        self.tries: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    @property
    def school(self) -> str:
        return self.site.school

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def scripted(self, host: str, path: str) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """The answer a misbehaving page gives this time (Site.scripted), or None to serve it normally."""
        answers = self.site.scripted.get((host, path))
        if not answers:
            return None
        with self._lock:
            self.tries[(host, path)] += 1
            n = self.tries[(host, path)]
        if n > len(answers):
            return None
        a = answers[n - 1]
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if a.get("retry_after") is not None:
            headers.append(("Retry-After", str(a["retry_after"])))
        return a["status"], headers, f"<html><body><h1>{a['status']}</h1></body></html>".encode()

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    def start(self) -> DemoHTTPServer:
        threading.Thread(target=self.serve_forever, name="demo-college", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
