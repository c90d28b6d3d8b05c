"""auditor — 信息公开合规审计: crawl a college's websites and audit them against the disclosure checklist."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("auditor")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
