"""What keeping evidence costs a night (issue 12): the documents pass, the WARC archive, the screenshots,
and the store's kept payloads — for the demo college and for one of 5,000+ pages (the demo with 5,000 news
stories), crawled twice (the second night unchanged: revisits and reused screenshots).

Ratios are against a baseline measured in the same run: the crawl without its documents pass, and the
audit's decisions (match → rules) without keeping evidence.

    python bench/evidence.py [--pages 5000]
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/incremental.py would shadow Twisted's "incremental"

from auditor.audit import keep_evidence, run_audit  # noqa: E402
from auditor.checklist import for_site  # noqa: E402
from auditor.config import load_config  # noqa: E402
from auditor.demo import demo_config, local_env  # noqa: E402
from auditor.demo.server import DemoHTTPServer  # noqa: E402
from auditor.demo.site import load_college  # noqa: E402
from auditor.store import Store  # noqa: E402


def cli(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", *args], capture_output=True, text=True,
                          env=local_env(), cwd=ROOT)  # fmt: skip
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{args[0]} failed:\n{proc.stdout}\n{proc.stderr}")
    return time.perf_counter() - started, proc.stdout


def night(config: Path, as_of: date) -> dict[str, float]:
    """One night: crawl (pages, then the documents pass, timed apart), decide, keep evidence."""
    cfg = load_config(config)
    crawl_s, out = cli("crawl", "--config", str(config))
    docs_line = next((line for line in out.splitlines() if line.startswith("documents:")), "")
    with Store(cfg.store) as store:
        run_id = store.runs()[-1].id
    docs_s, _ = cli("documents", "--config", str(config), "--run", str(run_id))  # again, to time it alone
    with Store(cfg.store) as store:
        started = time.perf_counter()
        result = run_audit(store, cfg, for_site(cfg), as_of)
        decide_s = time.perf_counter() - started
        started = time.perf_counter()
        keep_evidence(store, cfg, result)
        keep_s = time.perf_counter() - started
        bodies = store.db.execute("SELECT count(*), coalesce(sum(length(data)), 0) FROM bodies").fetchone()
        pages = store.count("pages", run_id)
    ev = result.evidence
    return {"pages": pages, "crawl_s": crawl_s, "docs_s": docs_s, "decide_s": decide_s, "keep_s": keep_s,
            "shots_s": ev["screenshots"]["seconds"], "taken": ev["screenshots"]["taken"],
            "reused": ev["screenshots"]["reused"], "records": ev["records"], "revisits": ev["revisits"],
            "warc_bytes": ev["bytes"], "bodies": bodies[0], "bodies_bytes": bodies[1],
            "store_bytes": cfg.store.stat().st_size, "docs": docs_line}  # fmt: skip


def site(news: int) -> list[dict[str, float]]:
    data = copy.deepcopy(load_college())
    if news:
        data["news"]["count"] = news
    server = DemoHTTPServer(0, data).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = demo_config(server, Path(tmp), concurrency=16, concurrency_per_host=16, max_pages=100_000,
                                 max_depth=400)  # fmt: skip
            return [night(config, date(2022, 11, 15)), night(config, date(2022, 11, 16))]
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=int, default=5000, help="news stories for the large site (default 5000)"
    )
    args = parser.parse_args()
    print(f"{'site':<12}{'night':>6}{'pages':>7}{'crawl s':>9}{'docs s':>8}{'decide s':>9}{'keep s':>8}"
          f"{'shots':>7}{'records':>8}{'revisit':>8}{'WARC KB':>9}{'bodies MB':>10}{'store MB':>9}{'keep/decide':>12}")  # fmt: skip
    for name, news in (("demo", 0), (f"{args.pages}-news", args.pages)):
        for n, r in enumerate(site(news), 1):
            print(f"{name:<12}{n:>6}{r['pages']:>7}{r['crawl_s']:>9.1f}{r['docs_s']:>8.1f}{r['decide_s']:>9.2f}"
                  f"{r['keep_s']:>8.2f}{r['taken']:>4}+{r['reused']:<2}{r['records']:>8}{r['revisits']:>8}"
                  f"{r['warc_bytes'] / 1024:>9.0f}{r['bodies_bytes'] / 2**20:>10.1f}{r['store_bytes'] / 2**20:>9.1f}"
                  f"{r['keep_s'] / max(r['decide_s'], 0.01):>12.2f}")  # fmt: skip
    print("crawl s includes its documents pass; docs s is that pass run again alone (a child process:")
    print("Scrapy's start-up is most of it). keep = archive + screenshots; shots = taken+reused.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
