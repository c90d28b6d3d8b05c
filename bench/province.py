"""Province mode on one machine (issue 15): N synthetic schools built with the fixture-college builder (the demo
college renamed, news stories varied so the schools range from --min-pages to --max-pages), each served on
127.0.0.1, run by `auditor province run` (the embedded default) once per --parallel setting, each time from
empty stores. Politeness off (delay 0, AutoThrottle off), as bench/crawl.py: this measures the machine.

Prints, per setting: wall time, schools per hour, pages per second, and per school CPU seconds and peak RSS
(os.wait4 of each child), and the ratio of each setting's wall time to parallel=1's in the same command.

    python bench/province.py [--schools 20] [--min-pages 500] [--max-pages 5000] [--parallel 1,2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

import yaml  # noqa: E402

from auditor.demo import local_env  # noqa: E402
from auditor.demo.server import DemoHTTPServer  # noqa: E402
from auditor.demo.site import load_college  # noqa: E402
from auditor.store import Store  # noqa: E402

BASE_PAGES = 180  # the demo college's pages besides its news stories


def college(n: int, pages: int) -> dict:
    text = yaml.safe_dump(load_college(), allow_unicode=True)
    data = yaml.safe_load(text.replace("湘岳", f"湘{n:02d}").replace("xyvtc", f"s{n:02d}vtc"))
    data["news"]["count"] = max(10, pages - BASE_PAGES)
    return data


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schools", type=int, default=20)
    ap.add_argument("--min-pages", type=int, default=500)
    ap.add_argument("--max-pages", type=int, default=5000)
    ap.add_argument("--parallel", default="1,2", help="comma-separated settings, each a whole run")
    args = ap.parse_args()
    n = args.schools
    sizes = [round(args.min_pages + (args.max_pages - args.min_pages) * i / max(1, n - 1)) for i in range(n)]
    servers = [DemoHTTPServer(0, college(i, size)).start() for i, size in enumerate(sizes)]
    fast = {"delay": 0, "autothrottle": False, "concurrency": 16, "concurrency_per_host": 8, "max_depth": 40,
            "max_pages": 20000}  # fmt: skip
    print(f"{n} schools of {min(sizes)}–{max(sizes)} pages (news + {BASE_PAGES}), politeness off")
    base_wall = None
    try:
        for parallel in [int(x) for x in args.parallel.split(",")]:
            with tempfile.TemporaryDirectory() as tmp:
                schools = [
                    {"school": s.site.school, "start_urls": [s.site.start_url], "allowed_domains": [s.site.domain],
                     **s.site.config, "crawl": {"resolve": {s.site.domain: "127.0.0.1"}}}
                    for s in servers
                ]  # fmt: skip
                config = Path(tmp) / "province.yaml"
                config.write_text(
                    yaml.safe_dump({"province": "基准省", "parallel": parallel, "defaults": {"crawl": fast},
                                    "schools": schools}, allow_unicode=True), "utf-8",
                )  # fmt: skip
                started = time.monotonic()
                proc = subprocess.run(
                    [sys.executable, "-m", "auditor.cli", "province", "run", "--config", str(config), "--as-of", "2022-11-15"],
                    capture_output=True, text=True, env=local_env(), cwd=ROOT,
                )  # fmt: skip
                wall = time.monotonic() - started
                night = json.loads((Path(tmp) / "province-run.json").read_text("utf-8"))
                pages = 0
                for s in night["schools"]:
                    folder = Path(tmp) / s["school"]
                    with Store(folder / "auditor.sqlite") as store:
                        pages += store.count("pages", store.latest_run(status=None).id)
                done = sum(x["outcome"] == "complete" for x in night["schools"])
                cpu = [x["cpu_seconds"] for x in night["schools"]]
                rss = [x["max_rss_mb"] for x in night["schools"]]
                base_wall = base_wall or wall
                print(
                    f"parallel {parallel}: {wall:.0f} s ({wall / base_wall:.2f}× parallel {args.parallel.split(',')[0]}), "
                    f"{done}/{n} complete (exit {proc.returncode}), {n / wall * 3600:.0f} schools/hour, "
                    f"{pages / wall:.0f} pages/s ({pages} pages); per school CPU {statistics.mean(cpu):.1f} s mean "
                    f"(max {max(cpu):.1f}), peak RSS {statistics.mean(rss):.0f} MB mean (max {max(rss):.0f})"
                )
    finally:
        for s in servers:
            s.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
