"""Scrapy's log lines name a record by its kind and URL, never print it: Scrapy's own formatter writes the
whole item (a page's body, its text) into the log when a pipeline drops or fails it — and a 公示's body holds
身份证号 and phone numbers that must not leave the store (issue 26)."""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter


def _named(item: Any) -> str:
    if isinstance(item, dict):
        return f"{item.get('kind', 'record')} {item.get('url', '')}".strip()
    return type(item).__name__


class RecordLogFormatter(LogFormatter):
    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        out = super().scraped(item, response, spider)
        return {**out, "args": {**out["args"], "item": _named(item)}} if out else out

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        out = super().dropped(item, exception, response, spider)
        return {**out, "args": {**out["args"], "item": _named(item)}} if out else out

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        out = super().item_error(item, exception, response, spider)
        return {**out, "args": {**out["args"], "item": _named(item)}} if out else out
