"""Signals extracted from crawled pages: pure functions, no network, no checklist."""

from auditor.extract.dates import Period, parse_date, title_period
from auditor.extract.decode import decode_html
from auditor.extract.html import PageSignals, clean_title, clean_url, extract_page, is_attachment_url

# Raise when extraction changes what it records: a page stored by another version is fetched and parsed
# again instead of being copied from a 304 or kept by the revisit rotation.
# 3: links spelt as Scrapy requests them (percent-encoded); 4: personal data recorded, masked; 5: the pictures an
# article shows (links of context "image", for 公示 published as photos)
EXTRACTION_VERSION = 5

__all__ = [
    "EXTRACTION_VERSION",
    "PageSignals",
    "Period",
    "clean_title",
    "clean_url",
    "decode_html",
    "extract_page",
    "is_attachment_url",
    "parse_date",
    "title_period",
]
