"""`auditor worker --queue redis://…`: takes schools' nights off the queue, on any machine that has the project,
reaches Redis and the schools, and shares the province's folder (each school's store, config and results).

A job is the embedded default's `run_school` — the ordinary `auditor run` in a child process — between a lease
taken and a result file written; the child dies with the worker (PR_SET_PDEATHSIG, set by the CLI), so a
killed worker leaves no crawl running beside the one that retries it. Every crawl the worker starts shares
per-host politeness through the same Redis (spiders/politeness.py, keyed by the host's IP address)."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from auditor.province.config import School
from auditor.province.queue import (
    LEASE_MS,
    Job,
    Lease,
    declare,
    now,
    read_result,
    redis_client,
    shown,
    unreachable,
    write_result,
)
from auditor.province.runner import run_school


class Held(Exception):
    """Another worker holds this school's lease: try again later (Dramatiq's retry, with backoff)."""


class Interrupted(Exception):
    """This worker is shutting down: the school goes back on the queue for another worker."""


class Worker:
    def __init__(self, url: str, name: str, say: Callable[[str], None]) -> None:
        self.url, self.name, self.say = url, name, say
        self.client = redis_client(url)
        self.stopping = threading.Event()
        self.children: set[subprocess.Popen[bytes]] = set()

    def log(self, text: str) -> None:
        self.say(f"{now()} [{self.name}] {text}")

    def job(self, **message: Any) -> None:
        """One school's night. Raises only to have Dramatiq retry it later."""
        job = Job(**message)
        done = read_result(job.result_path)
        if done:
            self.log(f"skipped {job.school}: already done this night by {done.get('worker', '?')}")
            return
        if self.stopping.is_set():
            raise Interrupted(job.school)
        lease = Lease(self.client, job.night, job.school, f"{self.name}/{uuid.uuid4().hex[:8]}")
        if not lease.take():
            self.log(f"{job.school}: another worker holds it; will look again")
            raise Held(job.school)
        try:
            self._run(job, lease)
        except (Held, Interrupted):
            raise
        except Exception as e:  # a bug here: said once, in the result, never retried twenty times
            result = {"school": job.school, "exit": 4, "outcome": "internal_error", "reason": f"{type(e).__name__}: {e}",
                      "seconds": 0.0, "cpu_seconds": 0.0, "max_rss_mb": 0.0, "worker": self.name, "attempt": job.attempt}  # fmt: skip
            write_result(job.result_path, result)
            self.log(f"finished {job.school}: internal error ({result['reason']})")
        finally:
            with contextlib.suppress(Exception):  # Redis away: the lease expires by itself
                lease.release()

    def _run(self, job: Job, lease: Lease) -> None:
        self.log(f"took {job.school} (night {job.night}, attempt {job.attempt})")
        taken = time.time()
        lost, finished = threading.Event(), threading.Event()
        proc: list[subprocess.Popen[bytes]] = []

        def started(p: subprocess.Popen[bytes]) -> None:
            proc.append(p)
            self.children.add(p)

        def keep() -> None:
            """Renew the lease while the child runs. Another worker took it, or it could not be renewed for as
            long as it lasts (so another may have taken it): stop the child — two workers never crawl one school."""
            renewed = time.monotonic()
            while not finished.wait(LEASE_MS / 3000):
                try:
                    ours = lease.renew()
                except unreachable() as e:
                    self.log(f"{job.school}: could not renew its lease ({type(e).__name__}: {e})")
                    if time.monotonic() - renewed < LEASE_MS / 1000:
                        continue
                    ours = False
                if ours:
                    renewed = time.monotonic()
                    continue
                lost.set()
                for p in proc:
                    p.terminate()
                return

        env = dict(os.environ)
        env["AUDITOR_POLITENESS_REDIS"] = self.url  # crawls on every worker space their requests per host IP
        keeper = threading.Thread(target=keep, daemon=True)
        keeper.start()
        school = School(job.school, Path(job.folder), Path(job.config), job.source)
        try:
            result = run_school(school, date.fromisoformat(job.as_of) if job.as_of else None, env, started)
        finally:
            finished.set()
            for p in proc:
                self.children.discard(p)
        if lost.is_set():
            self.log(f"{job.school}: lost its lease to another worker; stopped, its result is theirs")
            return
        if self.stopping.is_set() and result["outcome"] != "complete":
            self.log(f"{job.school}: stopped by shutdown; back on the queue")
            raise Interrupted(job.school)
        result.update(worker=self.name, attempt=job.attempt, taken_at=taken, finished_at=time.time())
        write_result(job.result_path, result)
        self.log(
            f"finished {job.school}: {result['outcome']} (exit {result['exit']}, {result['seconds']:.0f} s)"
        )

    def stop(self) -> None:
        """Stop taking schools; stop the running children (their schools go back on the queue)."""
        self.stopping.set()
        for p in list(self.children):
            p.terminate()


def serve(url: str, schools: int = 1, name: str = "", say: Callable[[str], None] = print) -> int:
    """Run until SIGTERM or SIGINT. `schools` nights at a time (each a child process)."""
    import dramatiq

    from auditor.province.queue import broker

    # the only exceptions that reach Dramatiq are Held and Interrupted (a job turns anything else into an
    # internal_error result): expected, said in our own log line, not worth a traceback each
    logging.getLogger("dramatiq.worker.WorkerThread").setLevel(logging.CRITICAL)
    w = Worker(url, name or f"{socket.gethostname()}-{os.getpid()}", say)
    b = broker(url)
    declare(b, w.job)
    engine = dramatiq.Worker(b, worker_threads=schools, worker_timeout=1000)
    engine.queue_prefetch = schools  # never hold a school another idle worker could take
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    w.log(f"waiting for schools on {shown(url)} ({schools} at a time)")
    engine.start()
    try:
        stop.wait()
    finally:
        w.log("stopping")
        w.stop()
        engine.stop(timeout=30_000)
        w.log("stopped")
    return 0
