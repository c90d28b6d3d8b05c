"""Write crawled items to the store in batched transactions (see auditor.store.BatchWriter)."""

from __future__ import annotations

from typing import Any

from auditor.store import BatchWriter, Store


class StorePipeline:
    def __init__(self, store_path: str, run_id: int, crawler: Any = None) -> None:
        self.store = Store(store_path)
        self.run_id = run_id
        self.writer = BatchWriter(self.store, run_id)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler.settings.get("AUDITOR_STORE"), crawler.settings.getint("AUDITOR_RUN_ID"), crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.writer.add(item)
        return item

    def close_spider(self) -> None:
        self.writer.flush()
        hops = getattr(getattr(self.crawler, "spider", None), "redirect_hops", [])
        if hops:
            self.store.write_hops(self.run_id, hops)
        self.store.close()
