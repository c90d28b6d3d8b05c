"""Province nights on a real queue (issue 16): Dramatiq over a real redis-server on 127.0.0.1, `auditor worker`s
as separate processes, `auditor province run --queue` as the coordinator — and the faults that matter at scale:
a worker killed mid-school, Redis restarted empty mid-night, Redis gone for good, a school whose site is down,
and politeness per host IP shared by crawls on different workers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from auditor.demo import local_env
from auditor.demo.server import DemoHTTPServer
from auditor.demo.site import load_college
from auditor.province.queue import Job, Lease, write_result
from auditor.province.worker import Held, Worker
from tests.conftest import run_auditor, run_bench, wait_for_pages
from tests.redisd import RedisServer

pytestmark = pytest.mark.system  # real redis-server and worker processes

FAST = {"delay": 0, "autothrottle": False, "concurrency": 16, "concurrency_per_host": 8, "max_depth": 40}


@pytest.fixture(scope="module")
def shared_redis():
    """The suite's Redis (.ci/run starts one: AUDITOR_TEST_REDIS), else one of this module's own."""
    given = os.environ.get("AUDITOR_TEST_REDIS")
    if given:
        import redis

        redis.Redis.from_url(given).flushall()  # what an earlier suite (the other venv's) left
        yield given.rsplit("/", 1)[0]
        return
    server = RedisServer().start()
    yield server.url().rsplit("/", 1)[0]
    server.stop()


def college(n: int, news: int = 20) -> dict:
    """The demo college renamed (every school of a night has the same pages, so the same findings)."""
    text = yaml.safe_dump(load_college(), allow_unicode=True)
    data = yaml.safe_load(text.replace("湘岳", f"湘{'东南北中'[n]}").replace("xyvtc", f"q{n}vtc"))
    data["news"]["count"] = news
    return data


def entry(server: DemoHTTPServer, **crawl: object) -> dict:
    site = server.site
    return {"school": site.school, "start_urls": [site.start_url], "allowed_domains": [site.domain], **site.config,
            "crawl": {"resolve": {site.domain: "127.0.0.1"}, **crawl}}  # fmt: skip


DOWN = {"school": "湘西职业技术学院", "start_urls": ["http://www.xxvtc.test:9/"], "allowed_domains": ["xxvtc.test"],
        "crawl": {"resolve": {"xxvtc.test": "127.0.0.1"}, "retries": 0, "timeout": 3}}  # fmt: skip


def write_province(base: Path, schools: list[dict], **top: object) -> Path:
    base.mkdir(parents=True, exist_ok=True)
    path = base / "province.yaml"
    doc = {"province": "湖南", "defaults": {"crawl": FAST}, "schools": schools, **top}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


class Workers:
    """`auditor worker` processes, each logging to its own file."""

    def __init__(self, url: str, base: Path) -> None:
        self.url, self.base, self.procs = url, base, {}

    def start(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.base / f"worker-{name}.log").open("ab")
        args = [sys.executable, "-m", "auditor.cli", "worker", "--queue", self.url, "--name", name]
        self.procs[name] = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=local_env())
        return self.procs[name]

    def log(self, name: str) -> str:
        path = self.base / f"worker-{name}.log"
        return path.read_text("utf-8") if path.exists() else ""

    def stop(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()


def coordinator(config: Path, url: str, as_of: str = "2022-11-15") -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "auditor.cli", "province", "run", "--config", str(config), "--queue", url,
            "--as-of", as_of]  # fmt: skip
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=local_env()
    )


def wait_for(what: Callable[[], object], timeout: float, why: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {why}")


def statuses(folder: Path) -> dict[str, str]:
    items = json.loads((folder / "reports" / "findings.json").read_text("utf-8"))["items"]
    return {i["id"]: i["status"] for i in items}


def children_running(config: Path) -> int:
    out = subprocess.run(
        ["pgrep", "-f", f"auditor.cli run --config {config}"], capture_output=True, text=True
    )
    return len(out.stdout.split())


@pytest.fixture(scope="module")
def night(shared_redis, tmp_path_factory):
    """Two workers, four schools: one slow (its worker is killed a few seconds into it), two ordinary, one
    whose site is down."""
    base = tmp_path_factory.mktemp("queued")
    servers = [DemoHTTPServer(0, college(i)).start() for i in range(3)]
    slow = entry(servers[0], delay=0.05, concurrency=2, concurrency_per_host=1)
    config = write_province(base, [slow, entry(servers[1]), entry(servers[2]), DOWN])
    url = f"{shared_redis}/1"
    workers = Workers(url, base)
    workers.start("w1"), workers.start("w2")
    coord = coordinator(config, url)
    victim = servers[0].school
    taker = wait_for(
        lambda: next((n for n in ("w1", "w2") if f"took {victim}" in workers.log(n)), None),
        120,
        "the slow school",
    )
    wait_for_pages(base / victim / "auditor.sqlite", 20, 120)  # well into its crawl (about 200 pages)
    workers.procs[taker].kill()
    victim_config = base / victim / "site.yaml"
    deadline = time.monotonic() + 10  # the orphaned crawl dies with its worker (before any retry: 15 s)
    while (orphans := children_running(victim_config)) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        out, _ = coord.communicate(timeout=600)
    finally:
        workers.stop()
        for s in servers:
            s.stop()
    yield {"config": config, "base": base, "out": out, "code": coord.returncode, "workers": workers,
           "taker": taker, "victim": victim, "orphans": orphans, "schools": [s.school for s in servers]}  # fmt: skip


def test_a_small_province_runs_end_to_end_on_two_workers_and_a_real_redis(night):
    assert night["code"] == 3, night["out"]  # the school whose site is down: inconclusive, named
    summary = json.loads((night["config"].parent / "province-run.json").read_text("utf-8"))
    by = {s["school"]: s for s in summary["schools"]}
    assert summary["queue"].startswith("redis://127.0.0.1:") and summary["night"]
    assert all(by[s]["outcome"] == "complete" for s in night["schools"]), by
    assert by["湘西职业技术学院"]["outcome"] == "inconclusive"
    # each worker logs each school it takes and finishes, by name
    logs = {n: night["workers"].log(n) for n in ("w1", "w2")}
    assert all("took " in text for text in logs.values()), logs
    for school in night["schools"]:
        assert any(f"finished {school}: complete" in text for text in logs.values()), (school, logs)
    assert {by[s]["worker"] for s in night["schools"]} <= {"w1", "w2"}
    # the province report reads what the queued night wrote, as it does for the embedded default
    report = run_auditor(
        "province", "report", "--config", str(night["config"]), "--out", str(night["base"] / "out")
    )
    assert report.returncode == 0, report.stdout + report.stderr
    data = json.loads((night["base"] / "out" / "province.json").read_text("utf-8"))
    assert {s["school"] for s in data["schools"] if s["score"] is not None} == set(night["schools"])


def test_a_worker_killed_mid_school_is_retried_by_another_once_and_accuses_no_one(night):
    victim, taker = night["victim"], night["taker"]
    other = "w2" if taker == "w1" else "w1"
    summary = json.loads((night["config"].parent / "province-run.json").read_text("utf-8"))
    got = next(s for s in summary["schools"] if s["school"] == victim)
    assert got["outcome"] == "complete" and got["worker"] == other, got
    assert f"took {victim}" in night["workers"].log(other)
    assert night["orphans"] == 0  # the killed worker's crawl died with it (nothing ran beside the retry)
    folder = night["base"] / victim
    db = sqlite3.connect(folder / "auditor.sqlite")
    runs = db.execute("SELECT status FROM runs ORDER BY id").fetchall()
    audits = db.execute("SELECT as_of, status FROM audits").fetchall()
    assert len(runs) == 2 and runs[0][0] != "complete" and runs[1][0] == "complete", (
        runs
    )  # cut short, then whole
    assert audits == [("2022-11-15", "complete")]  # one night audited once: no duplicate run
    # no false gaps: the killed school's findings are its identical siblings' findings
    sibling = next(s for s in night["schools"] if s != victim)
    assert statuses(folder) == statuses(night["base"] / sibling)


def test_a_school_whose_site_is_down_does_not_hold_up_the_others(night):
    summary = json.loads((night["config"].parent / "province-run.json").read_text("utf-8"))
    down = next(s for s in summary["schools"] if s["school"] == "湘西职业技术学院")
    assert down["outcome"] == "inconclusive" and down["exit"] == 3 and down["seconds"] < 60
    assert "湘西职业技术学院：无法核实" in night["out"]


def test_redis_restarted_empty_mid_night_and_the_night_still_completes(tmp_path):
    redis = RedisServer().start()
    servers = [DemoHTTPServer(0, college(i)).start() for i in range(3)]
    config = write_province(tmp_path, [entry(s) for s in servers])
    workers = Workers(redis.url(), tmp_path)
    try:
        workers.start("w1"), workers.start("w2")
        coord = coordinator(config, redis.url())
        wait_for(lambda: "took " in workers.log("w1") + workers.log("w2"), 120, "a school taken")
        redis.stop()  # everything queued, leased and delivered is gone
        wait_for(
            lambda: "could not renew its lease" in workers.log("w1") + workers.log("w2"), 60, "Redis missed"
        )
        redis.start()
        out, _ = coord.communicate(timeout=600)
    finally:
        workers.stop()
        redis.stop()
        for s in servers:
            s.stop()
    assert coord.returncode == 0, out
    assert "队列无应答" in out and "重新排入队列（第 2 次）" in out
    summary = json.loads((tmp_path / "province-run.json").read_text("utf-8"))
    assert [s["outcome"] for s in summary["schools"]] == ["complete"] * 3
    for s in servers:  # and each night audited once, whatever the queue forgot
        audits = sqlite3.connect(tmp_path / s.school / "auditor.sqlite").execute(
            "SELECT count(*) FROM audits"
        )
        assert audits.fetchone()[0] == 1


def test_redis_gone_for_good_leaves_every_unfinished_school_inconclusive_never_missing(tmp_path):
    """The coordinator in this process, on a clock the test moves past the night's end once Redis is gone: no
    waiting out `night_hours`."""
    import threading

    from auditor.province.config import load_province
    from auditor.province.dispatch import run_queued

    redis = RedisServer().start()
    servers = [DemoHTTPServer(0, college(i)).start() for i in range(2)]
    config = write_province(tmp_path, [entry(s) for s in servers], night_hours=1)
    workers = Workers(redis.url(), tmp_path)
    gone = threading.Event()
    said: list[str] = []
    summary: dict = {}
    try:
        workers.start("w1")  # one worker: the second school is still queued when Redis goes
        coord = threading.Thread(target=lambda: summary.update(run_queued(
            load_province(config), redis.url(), say=said.append, poll=0.2,
            clock=lambda: time.monotonic() + (7200 if gone.is_set() else 0),
        )))  # fmt: skip
        coord.start()
        wait_for(lambda: "took " in workers.log("w1"), 60, "a school taken")
        redis.stop()
        wait_for(lambda: any("队列无应答" in line for line in said), 30, "the coordinator to miss Redis")
        gone.set()  # the night's hours are up
        coord.join(60)
        assert not coord.is_alive()
    finally:
        workers.stop()
        for s in servers:
            s.stop()
    by = {s["school"]: s for s in summary["schools"]}
    assert set(by) == {s.school for s in servers}  # every school is in the night's summary
    left = [s for s in by.values() if s["outcome"] != "complete"]
    assert left and all(
        s["outcome"] == "inconclusive" and "within the night's 1 h" in s["reason"] for s in left
    )


def test_politeness_per_host_ip_holds_across_crawls_on_different_workers(shared_redis, tmp_path):
    """Two schools on one IP (127.0.0.1), crawled at once by two processes with delay 0.15 s: their requests,
    merged, are 0.15 s apart as if one crawler sent them. Without the shared limiter they interleave."""
    servers = [DemoHTTPServer(0, college(i)).start() for i in range(2)]
    env = {**local_env(), "AUDITOR_POLITENESS_REDIS": f"{shared_redis}/2"}
    procs = []
    try:
        for i, s in enumerate(servers):
            cfg = {**entry(s, delay=0.15, autothrottle=False, max_pages=25, concurrency=4, concurrency_per_host=2),
                   "store": str(tmp_path / f"s{i}.sqlite")}  # fmt: skip
            path = tmp_path / f"site{i}.yaml"
            path.write_text(yaml.safe_dump(cfg, allow_unicode=True), "utf-8")
            args = [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(path)]
            procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env))
        for p in procs:
            p.wait(300)
        times = sorted(h.at for s in servers for h in s.hits)
    finally:
        for s in servers:
            s.stop()
    assert all(len(s.hits) >= 20 for s in servers)  # both crawled, at the same time
    first_end = min(max(h.at for h in s.hits) for s in servers)
    overlap = [t for t in times if t <= first_end]
    gaps = [b - a for a, b in zip(overlap, overlap[1:], strict=False)]
    # a slot is taken when the request leaves; the server notes it when it arrives, so a loaded machine's
    # jitter shortens some gaps — never to the near-zero of two crawlers interleaving
    assert len(gaps) > 20 and min(gaps) >= 0.1 and sorted(gaps)[len(gaps) // 2] >= 0.14, sorted(gaps)[:5]


def test_a_message_delivered_again_runs_nothing_and_a_held_school_waits(shared_redis, tmp_path):
    url = f"{shared_redis}/3"
    w = Worker(url, "w9", lambda line: said.append(line))
    said: list[str] = []
    job = Job("n1", "湘东职业技术学院", str(tmp_path), str(tmp_path / "site.yaml"), "x", None)
    write_result(job.result_path, {"school": job.school, "outcome": "complete", "worker": "w8"})
    w.job(**job.message())  # no site.yaml: had it run anything, it would have failed
    assert said and "skipped 湘东职业技术学院: already done this night by w8" in said[-1]
    other = Job("n1", "湘南职业技术学院", str(tmp_path / "b"), str(tmp_path / "b" / "site.yaml"), "x", None)
    lease = Lease(w.client, "n1", other.school, "someone-else")
    assert lease.take()
    with pytest.raises(Held):
        w.job(**other.message())
    assert not Lease(w.client, "n1", other.school, "w9").renew()  # another's lease is never renewed as ours
    lease.release()


def test_a_bad_or_unreachable_queue_is_said_plainly(tmp_path):
    config = write_province(tmp_path, [DOWN])
    bad = run_auditor("province", "run", "--config", str(config), "--queue", "http://x")
    assert bad.returncode == 2 and "不是 Redis 地址" in bad.stdout + bad.stderr
    gone = run_auditor("province", "run", "--config", str(config), "--queue", "redis://127.0.0.1:9/0")
    assert gone.returncode == 3 and "未运行任何学校" in gone.stdout + gone.stderr
    worker = run_auditor("worker", "--queue", "redis:/nohost")
    assert worker.returncode == 2


def test_the_queue_benchmark_runs_at_ci_sizes():
    """bench/province.py --queue on two small schools and two workers: every night complete, figures printed."""
    proc = run_bench("province.py", "--queue", "--schools", "2", "--min-pages", "190", "--max-pages", "200",
                     "--workers", "2", timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("workers 2"))
    assert "2/2 complete (exit 0)" in line and "pages/s per worker" in line and "queue overhead" in line


def test_politeness_reserves_per_ip_on_redis_and_spaces_its_own_requests_while_redis_is_away(shared_redis):
    from spiders.politeness import SharedPolitenessMiddleware

    live = SharedPolitenessMiddleware(f"{shared_redis}/4", 0.2, {"q9vtc.test": "10.9.9.9"})
    assert live.ip("zs.q9vtc.test") == "10.9.9.9"  # a pinned name's subdomains share its address
    first, second, third = (live.shared("10.9.9.9") for _ in range(3))
    assert first == 0 and 150 <= second <= 200 and 350 <= third <= 400  # one request per 0.2 s for this IP
    assert live.shared("10.9.9.8") == 0  # another IP has its own budget
    gone = SharedPolitenessMiddleware("redis://127.0.0.1:9/0", 0.2, {})
    assert gone.shared("10.9.9.9") is None and gone.retry_at > 0  # not asked again at every request
    waits = [gone.local("10.9.9.9") for _ in range(3)]
    assert waits[0] == 0 and 190 <= waits[1] <= 200 and 390 <= waits[2] <= 400
