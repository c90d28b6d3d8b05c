"""Page extraction on the machine's other cores: the spider hands a decoded page to a worker process and goes
on with other responses while it is parsed, so a crawl of heavy pages (a mega-menu, 20 KB of inline script)
is bound by Scrapy's own work, not by Scrapy's plus extraction's on one core (bench/crawl.py). With one core,
or if the worker dies, pages are extracted in the crawl's own process as before: the result is the same."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from auditor.extract import PageSignals, extract_page

# Pages under 16 K characters are extracted here: handing one over and back costs about what parsing it does (bench/crawl.py
# --weight-kb 0: 0.57× the bare spider handing every page over, 0.72× keeping all of them)
HANDED_OFF = 16 * 1024


def default_workers() -> int:
    """One core is the crawl's; up to two others extract (more would wait on the crawl anyway)."""
    return max(0, min(2, (os.cpu_count() or 1) - 1))


class Extractor:
    def __init__(self, workers: int) -> None:
        # spawn, not fork: the crawl process has threads (DNS, the store) whose locks a fork would copy held
        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(workers, mp_context=context) if workers > 0 else None
        self.handed = 0  # pages a worker extracted (the crawl's stats say so)

    async def __call__(self, url: str, html: str) -> PageSignals:
        if self.pool is None or len(html) < HANDED_OFF:
            return extract_page(url, html)
        try:
            done: Deferred[PageSignals] = Deferred()
            self.pool.submit(extract_page, url, html).add_done_callback(lambda f: _settle(done, f))
            signals = await maybe_deferred_to_future(done)
            self.handed += 1
            return signals
        except (BrokenProcessPool, RuntimeError):  # a worker was killed (OOM…) or the pool is shut down
            self.pool = None
            return extract_page(url, html)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def _settle(done: Deferred[PageSignals], future: Future[PageSignals]) -> None:
    """Runs on the pool's thread: hand the answer to the reactor's."""
    from twisted.internet import reactor

    error = future.exception() if not future.cancelled() else RuntimeError("extraction cancelled")
    if error is not None:
        reactor.callFromThread(done.errback, Failure(error))  # type: ignore[attr-defined]
    else:
        reactor.callFromThread(done.callback, future.result())  # type: ignore[attr-defined]
