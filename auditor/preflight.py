"""Everything a run needs, checked before it starts: a night must not crawl for an hour and then stop on a
typo. Each problem is an InputError (file, line, fix; exit 2)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from auditor.checklist import Checklist, check_exemptions, for_site
from auditor.config import SiteConfig
from auditor.errors import InputError
from auditor.reviews import load_reviews
from auditor.store import Store
from auditor.wording import say


def writable_dir(path: Path, what: str) -> None:
    """`path` is (or can become) a directory this process can write in."""
    if path.exists() and not path.is_dir():
        raise InputError.said(str(path), None, "folder_is_file", what=what)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".auditor-check-"):
            pass
    except OSError as e:
        raise InputError.said(str(path), None, "folder_unwritable", what=what, why=e.strerror) from None


def check(cfg: SiteConfig, out: Path | None = None) -> Checklist:
    """The checklist (with the school's extensions), its exemptions, the reviews, the store and the report
    directory — all before any crawl. Returns the checklist."""
    checklist = for_site(cfg)
    check_exemptions(checklist, cfg.exemptions, cfg.path, cfg.exemption_lines)
    load_reviews(cfg.reviews)
    writable_dir(cfg.store.parent, say("errors.store_folder"))
    Store(cfg.store).close()
    if out is not None:
        writable_dir(out, "--out")
    return checklist
