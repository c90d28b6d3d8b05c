"""Incremental re-crawl benchmark (issue 5).

Builds a college of 5,000+ pages (the demo college with 5,000 news stories) served on 127.0.0.1, then
crawls it three times with `auditor crawl`: full, again unchanged, and again with 2 % of pages changed.
Prints each crawl's wall time, the ratio re-crawl / full crawl, how many requests were answered 304,
whether every changed page was re-extracted, and whether the unchanged re-crawl's findings equal the full
crawl's. Goal: unchanged re-crawl ≤ 0.25 × full crawl; all changed pages re-extracted; identical findings.

    python bench/incremental.py [--pages 5000]
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# not bench/: bench/incremental.py would shadow the "incremental" package Twisted imports
sys.path[0] = str(ROOT)

from auditor.audit import run_audit  # noqa: E402
from auditor.checklist import load_checklist  # noqa: E402
from auditor.config import load_config  # noqa: E402
from auditor.demo import demo_config, local_env  # noqa: E402
from auditor.demo.server import DemoHTTPServer  # noqa: E402
from auditor.demo.site import load_college  # noqa: E402
from auditor.store import Store  # noqa: E402


def crawl(config: Path) -> float:
    env = local_env()
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def bare_floor(server: DemoHTTPServer, tmp: Path) -> float:
    """Wall time of a bare Scrapy spider sending only the conditional GETs (the limit for any Scrapy re-crawl)."""
    site = server.site
    pairs = [
        [f"http://{h}:{site.port}{p}", r.etag]
        for (h, p), r in site.resources.items()
        if r.kind == "page" and r.status == 200
    ]
    path = tmp / "urls.json"
    path.write_text(json.dumps(pairs), encoding="utf-8")
    env = local_env()
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bare_conditional.py"), str(path), site.domain],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return time.perf_counter() - started


def findings(store: Store, cfg, run_id: int) -> dict[str, tuple[str, list[str]]]:
    result = run_audit(store, cfg, load_checklist(), date(2022, 11, 15), run_id=run_id)
    return {it.id: (it.status, [e.url for e in it.evidence]) for it in result.items}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=int, default=5000, help="news stories to add to the demo college (default 5000)"
    )
    args = parser.parse_args()
    data = copy.deepcopy(load_college())
    data["news"]["count"] = args.pages
    server = DemoHTTPServer(0, data).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = demo_config(
                server, Path(tmp), concurrency=16, concurrency_per_host=16, max_pages=100_000, max_depth=400
            )
            total_pages = len(server.site.expected_pages())
            n0 = len(server.hits)
            full = crawl(config)
            n1 = len(server.hits)
            again = crawl(config)
            n2 = len(server.hits)
            not_modified_2 = sum(1 for h in server.hits[n1:n2] if h.status == 304)
            news = sorted(u for u in server.site.members["www:news"] if "/info/1016/" in u)
            changed = news[:: max(1, len(news) // max(1, round(total_pages * 0.02)))][
                : round(total_pages * 0.02)
            ]
            for url in changed:
                server.site.change(url, b"</p></div></div>", "（更正）</p></div></div>".encode(), time.time())
            third = crawl(config)
            not_modified_3 = sum(1 for h in server.hits[n2:] if h.status == 304)
            floor = bare_floor(server, Path(tmp))
            cfg = load_config(config)
            with Store(cfg.store) as store:
                r1, r2, r3 = (r.id for r in store.runs())
                re_extracted = {
                    row[0]
                    for row in store.db.execute(
                        "SELECT p3.url FROM pages p3 JOIN pages p2 ON p2.url = p3.url AND p2.run_id = ? "
                        "WHERE p3.run_id = ? AND p3.unchanged_since IS NULL AND p3.text_hash != p2.text_hash",
                        (r2, r3),
                    )
                }
                same = findings(store, cfg, r1) == findings(store, cfg, r2)
    finally:
        server.stop()
    ratio = again / full
    missed = sorted(set(changed) - re_extracted)
    print(f"site: {total_pages} pages ({args.pages} news), served on 127.0.0.1; requests: full {n1 - n0}")
    print(f"{'crawl':<26} {'wall s':>8} {'× full':>7} {'304s':>6}")
    print(f"{'full':<26} {full:>8.2f} {1:>7.2f} {0:>6}")
    print(f"{'unchanged re-crawl':<26} {again:>8.2f} {ratio:>7.2f} {not_modified_2:>6}")
    print(f"{'2% changed re-crawl':<26} {third:>8.2f} {third / full:>7.2f} {not_modified_3:>6}")
    print(
        f"{'bare Scrapy, 304s only':<26} {floor:>8.2f} {floor / full:>7.2f} {'':>6}  (the floor for any Scrapy re-crawl)"
    )
    print(
        f"changed pages: {len(changed)}; re-extracted: {len(set(changed) & re_extracted)}; missed: {len(missed)}"
    )
    print(f"findings of the unchanged re-crawl identical to the full crawl's: {same}")
    ok = ratio <= 0.25 and not missed and same
    print(f"goal (≤ 0.25, all changed re-extracted, identical findings): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
