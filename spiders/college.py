"""The college spider: every page and attachment link on the allowed domains, nothing beyond them."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterator
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, StopDownload
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from auditor.extract import PageSignals, decode_html
from auditor.extract.attachment import filename_from_disposition, filename_from_url
from auditor.extract.record import page_record
from auditor.store import Store, now_iso
from spiders.extraction import Extractor
from spiders.offline import use_bundled_suffix_list

HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "")
REPEATED_SEGMENTS = re.compile(r"(/[^/]+/[^/]+)\1\1")
SCHEMES = ("http", "https")  # nothing else is ever requested: no file:, ftp:, data: — whatever the host
# Requests Scrapy refuses (IgnoreRequest): recorded with why, so evidence behind them is 'cannot verify'
UNANSWERED = ("dns", "refused", "timeout")
REFUSED = (("robots.txt", "robots"), ("offsite", "redirect_offsite"), ("max redirections", "redirect_limit"))


def _failures() -> dict[str, tuple[type[BaseException], ...]]:
    """The exception types that mean each kind: Twisted's, and those newer Scrapy raises in their place."""
    from scrapy import exceptions as scrapy_errors
    from twisted.internet import error

    def scrapy(*names: str) -> tuple[type[BaseException], ...]:
        return tuple(getattr(scrapy_errors, n) for n in names if hasattr(scrapy_errors, n))

    return {
        "dns": (error.DNSLookupError, *scrapy("CannotResolveHostError")),
        "refused": (error.ConnectionRefusedError, *scrapy("DownloadConnectionRefusedError")),
        "timeout": (error.TimeoutError, error.TCPTimedOutError, *scrapy("DownloadTimeoutError")),
    }


def error_kind(failure: Failure) -> str:
    """A short, stable name for why a request failed (for 'errors by kind' and auditor.answers), by the
    failure's type as Twisted and Scrapy raise it; words are read only where Scrapy says why it ignored or
    cancelled one."""
    from scrapy.exceptions import IgnoreRequest

    for kind, types in _failures().items():
        if failure.check(*types):
            return kind
    text = str(failure.value).lower()
    if failure.check(IgnoreRequest):
        if "maxsize" in text or "larger than" in text:
            return "too_large"
        return next((kind for words, kind in REFUSED if words in text), "ignored")
    if "maxsize" in text or "cancelling download" in text or "larger than" in text:  # the download cap
        return "too_large"
    return type(failure.value).__name__


class Via(NamedTuple):
    """The page a link was found on, with its link depth and same-path chain: what the depth limit and the
    trap guard decide on. A kept page is one too, so both hold across nights as they did the first night."""

    url: str
    depth: int = 0
    chain: int = 0

    @classmethod
    def of(cls, response: Response) -> Via:
        return cls(response.url, response.meta.get("level", 0), response.meta.get("same_path_chain", 0))


class CollegeSpider(scrapy.Spider):
    name = "college"

    def __init__(
        self,
        start_urls: list[str],
        allowed_domains: list[str],
        trap_chain: int = 30,
        max_depth: int = 0,
        extract_workers: int = 0,
        previous_run: int | None = None,
        store: str | None = None,
        documents: list[str] | None = None,
        document_max_bytes: int = 20 * 1024 * 1024,
        run_id: int = 0,
        revisit_days: int = 1,
        always: list[str] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        # the revisit rotation: what last night stored and nothing requires tonight may be kept as it was
        self.run_id, self.revisit_days, self.always = run_id, revisit_days, set(always or [])
        # documents pass: download these files (a list the audit chose; the spider knows no checklist)
        self.documents = list(documents or [])
        self.document_max_bytes = document_max_bytes
        self.previous_run = previous_run
        # for the links of pages that answer 304
        self.store = Store(store) if previous_run and store else None
        self.known = self.store.revisit_info(previous_run) if self.store and revisit_days > 1 else {}
        self.to_expand: deque[Via] = deque()  # breadth-first, as the night's requests are
        self.expanding = False
        self.start_urls = list(start_urls)
        self.allowed_domains = list(allowed_domains)
        self.trap_chain, self.max_depth = trap_chain, max_depth
        self.extract = Extractor(extract_workers)
        self.seen_attachments: set[str] = set()
        # cheap pre-filter before Scrapy's dupefilter (nav links repeat on every page)
        self.requested: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.redirect_hops: list[
            tuple[str, str]
        ] = []  # (from, to): HTTP 3xx (RedirectLogMiddleware), meta and JS
        self.errors: Counter[str] = Counter()
        self.start_reached = False
        self.store_error: str | None = None  # set when a record could not be stored: the crawl stops

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> CollegeSpider:
        use_bundled_suffix_list()
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_headers, signal=signals.headers_received)
        crawler.signals.connect(spider.on_bytes, signal=signals.bytes_received)
        crawler.signals.connect(spider.on_item_error, signal=signals.item_error)
        return spider

    def on_item_error(self, item: Any, response: Any, spider: Any, failure: Failure) -> None:
        """A record the pipeline raised on (a bug, an incompatible Scrapy): the run cannot be complete."""
        self.counts["item_errors"] += 1
        self.store_error = self.store_error or f"{type(failure.value).__name__}: {failure.value}"

    # ------------------------------------------------------------------ requests
    async def start(self) -> Any:
        if self.documents:
            self.start_reached = True
            for url in self.documents:
                if self.in_scope(url):
                    yield Request(
                        url,
                        callback=self.on_document,
                        errback=self.on_error,
                        meta={"kind": "document", "download_maxsize": 0, "received": 0},
                        dont_filter=True,
                    )
            return
        for url in self.start_urls:
            yield Request(
                url, callback=self.parse, errback=self.on_error, meta={"start": True}, dont_filter=True
            )

    def on_headers(self, headers: Any, body_length: int, request: Request, spider: Any) -> None:
        """Stop after the headers for attachments fetched by GET, and for non-HTML bodies met as pages."""
        if request.meta.get("headers_only"):
            raise StopDownload(fail=False)
        if request.meta.get("kind", "page") == "page":
            ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
            if not ctype.startswith(HTML_TYPES):
                raise StopDownload(fail=False)

    def on_bytes(self, data: bytes, request: Request, spider: Any) -> None:
        """A document larger than the cap is kept as its first part, marked capped (never abandoned)."""
        if request.meta.get("kind") == "document":
            request.meta["received"] = request.meta.get("received", 0) + len(data)
            if request.meta["received"] > self.document_max_bytes:
                request.meta["capped"] = True
                raise StopDownload(fail=False)

    def in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return parts.scheme.lower() in SCHEMES and any(
            host == d or host.endswith("." + d) for d in self.allowed_domains
        )

    def chain_length(self, via: Via, url: str) -> int | None:
        """Trap guard. Endless calendars link a path to itself with a new query string, month after month:
        count such same-path hops in a row and stop past `trap_chain`. Paths that repeat their own
        segments (/a/b/a/b/a/b, from relative-link loops) are refused outright. None means: skip it."""
        here, there = urlsplit(via.url), urlsplit(url)
        if REPEATED_SEGMENTS.search(there.path):
            self.counts["trap_skipped"] += 1
            return None
        same = (here.hostname, here.path) == (there.hostname, there.path)
        chain = via.chain + 1 if same else 0
        if chain > self.trap_chain:
            self.counts["trap_skipped"] += 1
            return None
        return chain

    def keep(self, url: str) -> bool:
        """Not requested tonight: last night stored it (answered, parsed by this extraction), it is no list
        page, nothing requires it (the audit's evidence, start pages), and its turn in the rotation has not
        come — each URL's turn is one night in `revisit_days`, and never later than that since its last request."""
        info = self.known.get(url)
        if info is None or url in self.always or url in self.start_urls:
            return False
        listing, requested, parsed = info
        if listing or not parsed or requested is None or self.run_id - requested >= self.revisit_days:
            return False
        slot = int(hashlib.sha1(url.encode()).hexdigest()[:8], 16) % self.revisit_days
        return slot != self.run_id % self.revisit_days

    def kept(self, page: Via, is_attachment: bool) -> Iterator[Any]:
        """Last night's record, as it was; a page's stored links are followed so the crawl still reaches all
        (kept pages are expanded from a queue, not by recursion: thousands may link to each other), each
        from the kept page itself, so depth and trap chains count as on a night that requested it."""
        self.counts["revisit_kept"] += 1
        if is_attachment:
            self.counts["attachments"] += 1
            yield {"kind": "kept_attachment", "url": page.url, "from_run": self.previous_run}
            return
        self.counts["pages"] += 1
        yield {"kind": "kept", "url": page.url, "from_run": self.previous_run}
        self.to_expand.append(page)
        if self.expanding:
            return
        assert self.store is not None and self.previous_run is not None
        self.expanding = True
        try:
            while self.to_expand:
                via = self.to_expand.popleft()
                for link, text, attached in self.store.links_from(self.previous_run, via.url):
                    yield from self.follow(via, link, text, attached)
        finally:
            self.expanding = False

    def follow(self, via: Via, url: str, text: str, is_attachment: bool) -> Iterator[Any]:
        if self.store_error:  # what is crawled now could not be kept: stop, and let the run fail
            raise CloseSpider("store_failed")
        if url in (self.seen_attachments if is_attachment else self.requested):
            return  # a menu's links recur on every page: decided once
        if not self.in_scope(url):
            self.counts["offsite_links" if urlsplit(url).scheme.lower() in SCHEMES else "scheme_refused"] += 1
            return
        if is_attachment:
            self.seen_attachments.add(url)
            if self.known and self.keep(url):
                yield from self.kept(Via(url), is_attachment=True)
                return
            yield Request(
                url,
                method="HEAD",
                callback=self.on_attachment,
                errback=self.on_error,
                meta={"kind": "attachment", "link_text": text, "referer_page": via.url},
            )
            return
        if self.max_depth and via.depth + 1 > self.max_depth:
            self.counts["depth_skipped"] += 1
            return
        if (chain := self.chain_length(via, url)) is None:
            return
        self.requested.add(url)
        page = Via(url, via.depth + 1, chain)
        if self.known and self.keep(url):
            yield from self.kept(page, is_attachment=False)
            return
        yield Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            meta={"referer_page": via.url, "level": page.depth, "same_path_chain": chain},
        )

    def closed(self, reason: str) -> None:
        if self.extract.handed:
            self.counts["extracted_by_worker"] = self.extract.handed
        self.extract.close()
        if self.store is not None:
            self.store.close()

    # ------------------------------------------------------------------ responses
    def unchanged(self, response: Response) -> Iterator[Any]:
        """304: copy last crawl's record of the page, follow its stored links; nothing is parsed."""
        self.counts["pages"] += 1
        self.counts["not_modified"] += 1
        yield {
            "kind": "unchanged",
            "url": response.url,
            "from_run": self.previous_run,
            "depth": response.meta.get("level", 0),
            "referer": response.meta.get("referer_page"),
            "fetched_at": now_iso(),
            "redirects": response.meta.get("redirect_urls", []),
        }
        assert self.store is not None and self.previous_run is not None
        via = Via.of(response)
        for url, text, is_attachment in self.store.links_from(self.previous_run, response.url):
            yield from self.follow(via, url, text, is_attachment)

    def variant(self, url: str, tried: tuple[str, ...]) -> str | None:
        """The same path on another spelling of the host — https, or with/without www. — that the crawl may
        ask and has not: a bare 403 is often a server refusing one spelling, not a guard (issue 25)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        other = host[4:] if host.startswith("www.") else f"www.{host}"
        port = f":{parts.port}" if parts.port else ""
        for scheme, name in (("https", host), (parts.scheme, other), ("https", other)):
            alt = urlunsplit((scheme, name + port, parts.path, parts.query, ""))
            if alt != url and alt not in tried and self.in_scope(alt):
                return alt
        return None

    def try_variant(self, response: Response, record: dict[str, Any]) -> Request | None:
        """Ask a bare 403's other spelling, carrying the 403's record: stored only if no spelling answers."""
        first = response.meta.get("variant_of") or response.url
        tried = (*response.meta.get("variants_tried", ()), response.url)
        alt = self.variant(first, tried)
        if alt is None:
            return None
        keep = ("start", "referer_page", "level", "same_path_chain", "kind", "headers_only")
        meta = {k: response.meta[k] for k in keep if k in response.meta}
        return Request(
            alt,
            callback=response.request.callback if response.request else self.parse,
            errback=self.on_variant_error,
            method=response.request.method if response.request else "GET",
            dont_filter=True,
            meta={**meta, "variant_of": first, "variants_tried": tried, "variant_record": record,
                  "dont_retry": True},
        )  # fmt: skip

    def on_variant_error(self, failure: Failure) -> Iterator[Any]:
        """Another spelling that could not be reached (no TLS on the school's server, no www host): the next,
        or the 403 as it was."""
        request: Request = failure.request  # type: ignore[attr-defined]
        record = request.meta["variant_record"]
        alt = self.variant(request.meta["variant_of"], (*request.meta["variants_tried"], request.url))
        if alt is not None:
            yield request.replace(
                url=alt,
                meta={**request.meta, "variants_tried": (*request.meta["variants_tried"], request.url)},
            )
            return
        self.count_record(record)
        yield record

    def count_record(self, record: dict[str, Any]) -> None:
        self.counts["attachments" if record["kind"] == "attachment" else "pages"] += 1
        if (record.get("error") or "").startswith("challenge:"):  # a WAF's page, whatever its status
            self.errors["challenge"] += 1
        elif (record.get("status") or 0) >= 400:
            self.errors[f"http_{record['status']}"] += 1

    def answered(self, response: Response, record: dict[str, Any]) -> Iterator[Any]:
        """A response's record, after a bare 403 has tried the host's other spellings; a spelling that
        answers stands for the URL as linked (a redirect hop, so the link resolves to it)."""
        if response.status == 403 and record.get("error") in (None, "http_403"):
            if (alt := self.try_variant(response, response.meta.get("variant_record") or record)) is not None:
                yield alt
                return
            if "variant_record" in response.meta:  # every spelling refused: the URL as linked, as it answered
                self.count_record(response.meta["variant_record"])
                yield response.meta["variant_record"]
                return
        if response.status < 400 and (first := response.meta.get("variant_of")):
            self.counts["host_variants"] += 1
            self.redirect_hops.append((first, record["url"]))
        self.count_record(record)
        yield record

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        if response.meta.get("start") and response.status < 400:
            self.start_reached = True
        if response.status == 304 and self.store is not None:
            for out in self.unchanged(response):
                yield out
            return
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not ctype.split(";")[0].strip().lower().startswith(HTML_TYPES):
            for out in self.answered(
                response, self.attachment_item(response, "GET")
            ):  # a link that was a file
                yield out
            return
        text, encoding = decode_html(response.body, ctype)
        sig = await self.extract(response.url, text)  # on another core, while other responses go on
        for out in self.parsed(response, ctype, encoding, sig):
            yield out

    def parsed(self, response: Response, ctype: str, encoding: str, sig: PageSignals) -> Iterator[Any]:
        """The page's record and its links, once extracted."""
        chain = [*response.meta.get("redirect_urls", [])]
        # a WAF's challenge script "redirects" to its own verification URL: the page is recorded as blocked
        if sig.redirect_to and response.status < 400 and sig.redirect_to != response.url and not sig.blocked:
            self.counts["js_or_meta_redirects"] += 1
            self.redirect_hops.append((response.url, sig.redirect_to))
            if self.in_scope(sig.redirect_to):
                yield Request(
                    sig.redirect_to,
                    callback=self.parse,
                    errback=self.on_error,
                    meta={
                        "redirect_urls": [*chain, response.url],
                        "start": response.meta.get("start", False),
                        "referer_page": response.meta.get("referer_page"),
                        "level": response.meta.get("level", 0),  # a redirect is no hop
                        "same_path_chain": response.meta.get("same_path_chain", 0),
                    },
                )
            else:  # the stub leads outside the school (or to file:): recorded, never followed
                self.counts["pages"] += 1
                self.errors["redirect_offsite"] += 1
                yield self.refused(
                    response.request, "redirect_offsite", [*chain, response.url, sig.redirect_to]
                )
            return
        record = page_record(
            response.url,
            sig,
            response.status,
            error=f"challenge:{sig.blocked}" if sig.blocked else None,
            failed_at=first_failure(response.meta, response.status),
            attempts=response.meta.get("attempts", 1),
            redirects=chain,
            content_type=ctype,
            encoding=encoding,
            size=len(response.body),
            depth=response.meta.get("level", 0),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            referer=response.meta.get("referer_page"),
            fetched_at=now_iso(),
            body=response.body,
            headers=headers_of(response),
        )
        yield from self.answered(response, record)
        if response.status >= 400 or sig.blocked:
            return
        via = Via.of(response)
        for link in sig.links:
            if link.context != "image":  # a picture the article shows: fetched only if the audit asks
                yield from self.follow(via, link.url, link.text, link.is_attachment)

    def on_attachment(self, response: Response) -> Iterator[Any]:
        method = response.request.method if response.request else "HEAD"
        if method == "HEAD" and response.status in (405, 501, 400):
            self.counts["head_refused"] += 1  # HEAD refused: GET, but stop as soon as the headers arrive
            yield response.request.replace(
                method="GET", dont_filter=True, meta={**response.meta, "headers_only": True}
            )
            return
        item = self.attachment_item(
            response, "GET (headers only)" if response.meta.get("headers_only") else method
        )
        yield from self.answered(response, item)

    def on_document(self, response: Response) -> Iterator[Any]:
        """The documents pass: the file's record again, now with its body (its first part when capped)."""
        item = self.attachment_item(response, "GET")
        self.count_record(item)
        if response.status < 400:
            capped = bool(response.meta.get("capped"))
            item["body"] = response.body[: self.document_max_bytes] if capped else response.body
            item["capped"] = capped
            self.counts["documents"] += 1
        yield item

    def attachment_item(self, response: Response, method: str) -> dict[str, Any]:
        headers = response.headers
        length = headers.get(b"Content-Length")
        size = int(length) if length and length.isdigit() else (len(response.body) or None)
        original = (response.meta.get("redirect_urls") or [response.url])[0]
        return {
            "kind": "attachment",
            "url": original,
            "final_url": response.url,
            "status": response.status,
            "error": f"http_{response.status}" if response.status >= 400 else None,
            "content_type": (headers.get(b"Content-Type") or b"").decode("latin-1"),
            "size": size,
            "filename": filename_from_disposition(headers.get(b"Content-Disposition"))
            or filename_from_url(response.url),
            "method": method,
            "fetched_at": now_iso(),
            "last_modified": _header(response, b"Last-Modified"),
            "failed_at": first_failure(response.meta, response.status),
            "attempts": response.meta.get("attempts", 1),
            "headers": headers_of(response),
        }

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """A request that failed or was refused is recorded with why (never silently dropped): a timeout, a
        robots.txt refusal, a redirect off-site or past the limit. One deferred for a later try is not."""
        request: Request = failure.request  # type: ignore[attr-defined]
        if request.meta.get("deferred"):
            return
        kind = error_kind(failure)
        chain = [*request.meta.get("redirect_urls", [])]
        if chain and kind in UNANSWERED:  # the linked URL answered; where it sent us did not (another port…)
            kind = "redirect_unreached"
        self.errors[kind] += 1
        if request.meta.get("kind") in ("attachment", "document"):
            self.counts["attachments"] += 1
            yield {
                "kind": "attachment",
                "url": chain[0] if chain else request.url,
                "final_url": request.url,
                "status": None,
                "error": kind,
                "method": request.method,
                "fetched_at": now_iso(),
                "failed_at": first_failure(request.meta, None),
                "attempts": request.meta.get("attempts", 1),
            }
        else:
            self.counts["pages"] += 1
            yield self.refused(request, kind, [*chain, request.url] if chain else [])

    def refused(self, request: Request, kind: str, chain: list[str]) -> dict[str, Any]:
        """The record of a page that could not be had: under the URL that was linked (the chain's start)."""
        return {
            "kind": "page",
            "url": chain[0] if chain else request.url,
            "status": None,
            "error": kind,
            "redirects": chain,
            "depth": request.meta.get("level", 0),
            "referer": request.meta.get("referer_page"),
            "fetched_at": now_iso(),
            "failed_at": first_failure(request.meta, None),
            "attempts": request.meta.get("attempts", 1),
        }


def first_failure(meta: dict[str, Any], status: int | None) -> str | None:
    """When this URL first failed tonight: the first of its late retries, or now if this answer is a failure."""
    if meta.get("failed_at"):
        return str(meta["failed_at"])
    return now_iso() if status is None or status >= 400 else None


def headers_of(response: Response) -> dict[str, str]:
    """The response headers as received (latin-1, several values joined), for the archive."""
    return {
        k.decode("latin-1"): ", ".join(v.decode("latin-1") for v in vs) for k, vs in response.headers.items()
    }


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
