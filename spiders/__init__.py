"""Scrapy side of auditor: follow links on a college's hosts, yield pages and attachments.

Knows HTML and HTTP, nothing about the checklist (see docs/ARCHITECTURE.md).
"""
