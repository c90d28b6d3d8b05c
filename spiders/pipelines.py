"""Write crawled items to the store in batched transactions (see auditor.store.BatchWriter).

A store that cannot be written (a full disk, a size limit) stops the crawl at once: a crawl that was not
stored must never be audited as if the site lacked what it could not record. The first error goes to the
spider (`store_error`), and how many records were committed to the crawl's stats (`auditor/stored`), for
auditor.crawl to fail the run with. Any other exception on a record is Scrapy's item_error (the spider counts
it); one while finishing the store (hops, settling chains) fails the run like a full disk."""

from __future__ import annotations

from typing import Any

from auditor.errors import StoreWriteError
from auditor.store import BatchWriter, Store


class StorePipeline:
    def __init__(self, store_path: str, run_id: int, crawler: Any = None) -> None:
        self.store = Store(store_path)
        self.run_id = run_id
        self.writer = BatchWriter(self.store, run_id)
        self.crawler = crawler
        self.error: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler.settings.get("AUDITOR_STORE"), crawler.settings.getint("AUDITOR_RUN_ID"), crawler)

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        if self.error is None:  # after the first failure nothing more is tried: one error, not thousands
            try:
                self.writer.add(item)
            except StoreWriteError as e:
                self._failed(e)
        return item

    def close_spider(self, spider: Any = None) -> None:
        try:
            if self.error is None:
                self.writer.flush()
                spider = getattr(self.crawler, "spider", None)
                hops = getattr(spider, "redirect_hops", [])
                if hops:
                    self.store.write_hops(self.run_id, hops)
                    for kind, n in self.store.settle_redirects(self.run_id).items():
                        if spider is not None:
                            spider.errors[kind] += n  # a loop is an error of the crawl's, like a timeout
        except Exception as e:  # whatever it was, the crawl's record is incomplete
            self._failed(e)
        finally:
            if self.crawler is not None:
                self.crawler.stats.set_value("auditor/stored", self.writer.written)
            self.store.close()

    def _failed(self, error: BaseException) -> None:
        self.error = error.why if isinstance(error, StoreWriteError) else repr(error)
        spider = getattr(self.crawler, "spider", None)
        if spider is not None:
            spider.store_error = self.error  # its next callback closes the crawl (CloseSpider)
