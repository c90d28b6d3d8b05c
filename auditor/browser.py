"""Headless Chromium, as this machine has it: where it is, and the flags every use needs (the reports printed
to PDF, the evidence screenshots). A leaf: the renderers and the evidence room both use it."""

from __future__ import annotations

import shutil

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine's closed network refuses Chromium's own requests
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
