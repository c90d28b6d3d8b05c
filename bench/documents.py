"""What reading documents under limits costs (issue 22): every document the demo's audit reads (its files and
the annual report's page), read in this process as before (the baseline) and through the reader (a child
process with memory, CPU and time limits), in the same run; then the crafted files of tests/bombs.py through
the reader: each one's time and the limit it met.

    python bench/documents.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/incremental.py would shadow Twisted's "incremental"

from auditor.audit import run_audit  # noqa: E402
from auditor.checklist import for_site  # noqa: E402
from auditor.config import load_config  # noqa: E402
from auditor.demo import demo_config, local_env  # noqa: E402
from auditor.demo.server import DemoHTTPServer  # noqa: E402
from auditor.evidence.reader import Reader  # noqa: E402
from auditor.evidence.text import extract, page_text  # noqa: E402
from auditor.store import Store  # noqa: E402
from tests import bombs  # noqa: E402


def demo_documents(folder: Path) -> list[tuple[bytes, str, str, bool, bool]]:
    """(body, content type, name, capped, as a page) of each document the demo's audit reads."""
    server = DemoHTTPServer(0).start()
    try:
        config = demo_config(server, folder)
        subprocess.run([sys.executable, "-m", "auditor.cli", "crawl", "--config", str(config)],
                       capture_output=True, check=True, env=local_env(), cwd=ROOT)  # fmt: skip
    finally:
        server.stop()
    cfg = load_config(config)
    with Store(cfg.store) as store:
        result = run_audit(store, cfg, for_site(cfg), date(2022, 11, 15))
        read = [(c["sha256"], c["name"], c["format"] == "html") for it in result.items for e in it.evidence
                for c in e.contents]  # fmt: skip
        out, seen = [], set()
        for sha, name, page in read:
            if sha in seen:
                continue
            seen.add(sha)
            body, capped = store.body(sha) or (b"", False)
            row = store.db.execute(
                "SELECT content_type FROM attachments WHERE body_sha256=? UNION ALL "
                "SELECT content_type FROM pages WHERE body_sha256=? LIMIT 1",
                (sha, sha),
            ).fetchone()
            out.append((body, (row[0] if row else "") or "", name, capped, page))
    return out


def in_process(docs: list[tuple[bytes, str, str, bool, bool]]) -> float:
    started = time.perf_counter()
    for body, kind, name, capped, page in docs:
        page_text(body, kind) if page else extract(body, kind, name, capped)
    return time.perf_counter() - started


def through_reader(docs: list[tuple[bytes, str, str, bool, bool]]) -> float:
    started = time.perf_counter()
    with Reader() as reader:
        for body, kind, name, capped, page in docs:
            reader.read(body, kind, name, capped, page)
    return time.perf_counter() - started


CRAFTED = [
    ("2 MB .docx → 2 GB", bombs.docx_bomb, "a.docx"),
    ("1 MB .xlsx → 1 GB cell", bombs.xlsx_one_cell_bomb, "a.xlsx"),
    ("8 sheets claiming A1:XFD1048576", bombs.xlsx_dimension_bomb, "a.xlsx"),
    ("100 pages × one 5 MB stream", bombs.pdf_shared_stream, "a.pdf"),
    ("header declaring 2 KB of 300 MB", bombs.docx_lying_header, "a.docx"),
    ("100,000 entries", bombs.docx_many_entries, "a.docx"),
    ("a cell spanning 10⁹ columns", bombs.docx_grid_span, "a.docx"),
    ("one page, 3.5 MB of text operators", bombs.pdf_slow_page, "a.pdf"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each way (median shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        docs = demo_documents(Path(tmp))
    pages = sum(1 for d in docs if d[4])
    print(f"demo: {len(docs)} documents the audit reads ({len(docs) - pages} files, {pages} pages), "
          f"{sum(len(d[0]) for d in docs) / 2**20:.1f} MB")  # fmt: skip
    before = statistics.median(in_process(docs) for _ in range(args.rounds))
    after = statistics.median(through_reader(docs) for _ in range(args.rounds))
    print(f"{'in this process (before)':<34}{before:>8.2f} s")
    print(f"{'through the reader (after)':<34}{after:>8.2f} s   {after / before:.2f}× before")
    print("\ncrafted files through the reader:")
    with Reader() as reader:
        for what, make, name in CRAFTED:
            body = make()
            started = time.perf_counter()
            got = reader.read(body, "", name)
            took = time.perf_counter() - started
            verdict = f"{got['error']}: {got.get('detail') or ''}" if got.get("error") else "read"
            print(f"  {what:<38}{len(body) / 1024:>9.0f} KB{took:>8.2f} s  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
