"""Province mode on one machine (issue 15): N synthetic schools built with the fixture-college builder (the demo
college renamed, news stories varied so the schools range from --min-pages to --max-pages), each served on
127.0.0.1, run by `auditor province run` (the embedded default) once per --parallel setting, each time from
empty stores. Politeness off (delay 0, AutoThrottle off), as bench/crawl.py: this measures the machine.

Prints, per setting: wall time, schools per hour, pages per second, and per school CPU seconds and peak RSS
(os.wait4 of each child), and the ratio of each setting's wall time to parallel=1's in the same command.

    python bench/province.py [--schools 20] [--min-pages 500] [--max-pages 5000] [--parallel 1,2]

With --queue (issue 16) the same schools are run on a real queue instead: a redis-server on a loopback port,
`auditor worker` processes (one setting per --workers value, each a whole night from empty stores) and
`auditor province run --queue` as the coordinator. Prints, per setting: wall time and its ratio to the first
setting's, schools per hour, pages per second per worker, and the queue's overhead per school — the time a
worker spent on a school outside its `auditor run` child (lease, result file, acknowledgement) plus the time it
waited for its next school while schools were still queued (from the result files' taken/finished times).

    python bench/province.py --queue [--workers 1,2]
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
    ap.add_argument("--queue", action="store_true", help="run the nights on Redis and auditor workers")
    ap.add_argument("--workers", default="1,2", help="with --queue: comma-separated worker counts")
    args = ap.parse_args()
    n = args.schools
    sizes = [round(args.min_pages + (args.max_pages - args.min_pages) * i / max(1, n - 1)) for i in range(n)]
    servers = [DemoHTTPServer(0, college(i, size)).start() for i, size in enumerate(sizes)]
    fast = {"delay": 0, "autothrottle": False, "concurrency": 16, "concurrency_per_host": 8, "max_depth": 40,
            "max_pages": 20000}  # fmt: skip
    print(f"{n} schools of {min(sizes)}–{max(sizes)} pages (news + {BASE_PAGES}), politeness off")
    base_wall = None
    try:
        settings = args.workers if args.queue else args.parallel
        for parallel in [int(x) for x in settings.split(",")]:
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
                command = [sys.executable, "-m", "auditor.cli", "province", "run", "--config", str(config),
                           "--as-of", "2022-11-15"]  # fmt: skip
                if args.queue:
                    wall, proc, overhead = queued(command, parallel, Path(tmp))
                else:
                    started = time.monotonic()
                    proc = subprocess.run(command, capture_output=True, text=True, env=local_env(), cwd=ROOT)
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
                what = "workers" if args.queue else "parallel"
                rate = (
                    f"{pages / wall / parallel:.0f} pages/s per worker"
                    if args.queue
                    else f"{pages / wall:.0f} pages/s"
                )
                print(
                    f"{what} {parallel}: {wall:.0f} s ({wall / base_wall:.2f}× {what} {settings.split(',')[0]}), "
                    f"{done}/{n} complete (exit {proc.returncode}), {n / wall * 3600:.0f} schools/hour, "
                    f"{rate} ({pages} pages); per school CPU {statistics.mean(cpu):.1f} s mean "
                    f"(max {max(cpu):.1f}), peak RSS {statistics.mean(rss):.0f} MB mean (max {max(rss):.0f})"
                    + (f"; queue overhead {overhead:.2f} s per school" if args.queue else "")
                )
    finally:
        for s in servers:
            s.stop()
    return 0


def queued(
    command: list[str], workers: int, tmp: Path
) -> tuple[float, subprocess.CompletedProcess[str], float]:
    """One night on a fresh redis-server with `workers` auditor workers; (wall, coordinator, overhead/school)."""
    from tests.redisd import RedisServer

    redis = RedisServer().start()
    procs = [
        subprocess.Popen([sys.executable, "-m", "auditor.cli", "worker", "--queue", redis.url(), "--name", f"w{i}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=local_env(), cwd=ROOT)
        for i in range(workers)
    ]  # fmt: skip
    try:
        time.sleep(2)  # the workers are up before the night starts: their start-up is not the queue's cost
        started, t0 = time.monotonic(), time.time()
        proc = subprocess.run(
            [*command, "--queue", redis.url()], capture_output=True, text=True, env=local_env(), cwd=ROOT
        )
        wall = time.monotonic() - started
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(60)
        redis.stop()
    jobs = [json.loads(f.read_text("utf-8")) for f in tmp.glob("*/nights/*.json")]
    overhead = 0.0
    for name in {j["worker"] for j in jobs}:
        free = t0  # when this worker was last free
        for j in sorted((j for j in jobs if j["worker"] == name), key=lambda j: j["taken_at"]):
            overhead += (j["taken_at"] - free) + (j["finished_at"] - j["taken_at"] - j["seconds"])
            free = j["finished_at"]
    return wall, proc, overhead / max(1, len(jobs))


if __name__ == "__main__":
    sys.exit(main())
