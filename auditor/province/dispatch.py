"""`auditor province run --queue redis://…`: the coordinator. It puts every school's night on the queue, then
watches the schools' result files until each has one or the night's time (`night_hours`) is up, and writes the
same province-run.json as the embedded default — so `province report` and cron read one format.

It trusts no single component: a school the queue no longer holds (Redis restarted empty, a message lost)
and no worker holds a lease on is put back on the queue after a lease's lifetime, up to `ATTEMPTS` times; a
school with no result when the night's time is up is reported inconclusive with the reason, never left out."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from auditor import wording
from auditor.province.config import ProvinceConfig
from auditor.province.queue import (
    ATTEMPTS,
    LEASE_MS,
    Job,
    broker,
    declare,
    in_flight,
    read_result,
    redis_client,
    shown,
    unreachable,
)
from auditor.wording import say as words

POLL_S = 2.0


class QueueUnreachable(Exception):
    """Redis did not answer when the night was to be enqueued: nothing was run."""


def night_id() -> str:
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


def _missing(school: str, reason: str, attempts: int) -> dict[str, Any]:
    return {"school": school, "exit": None, "outcome": "inconclusive", "reason": reason, "attempts": attempts,
            "seconds": None, "cpu_seconds": None, "max_rss_mb": None, "worker": None}  # fmt: skip


def run_queued(
    province: ProvinceConfig,
    url: str,
    as_of: date | None = None,
    say: Callable[[str], None] = print,
    poll: float = POLL_S,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Enqueue the night, wait for it, write and return province-run.json's content. `clock`: the night's
    time (a test moves it on instead of waiting hours)."""
    started = clock()
    night = night_id()
    client = redis_client(url)
    actor = declare(broker(url))
    jobs = {
        s.name: Job(
            night, s.name, str(s.folder), str(s.config), s.source, as_of.isoformat() if as_of else None
        )
        for s in province.schools
    }
    try:
        for job in jobs.values():
            actor.send(**job.message())
    except unreachable() as e:
        raise QueueUnreachable(f"{shown(url)}: {e}") from None
    attempts = dict.fromkeys(jobs, 1)
    say(
        words("province.queued", province=province.province, schools=len(jobs), queue=shown(url), night=night)
    )
    deadline = started + province.night_hours * 3600
    results: dict[str, dict[str, Any]] = {}
    lost_since: dict[str, float] = {}
    away = False  # the queue did not answer last time we asked
    while len(results) < len(jobs) and clock() < deadline:
        time.sleep(poll)
        for name, job in jobs.items():
            if name not in results and (got := read_result(job.result_path)):
                results[name] = got
                say(
                    words(
                        "province.school",
                        name=name,
                        outcome=wording.name("province.outcome", got["outcome"]),
                        exit=got["exit"],
                        seconds=f"{got['seconds']:.0f}",
                        worker=f", {got['worker']}",
                    )
                )
        pending = [n for n in jobs if n not in results]
        try:
            held = in_flight(client, night)
        except unreachable() as e:
            if not away:
                say(words("province.queue_away", why=e))
            away = True
            continue
        if away:
            say(words("province.queue_back"))
            away = False
        if (
            pending
            and all(n not in held and attempts[n] >= ATTEMPTS for n in pending)
            and all(clock() - lost_since.get(n, clock()) >= LEASE_MS / 1000 for n in pending)
        ):
            break  # every school left has been lost and re-queued as often as it may be
        for name in pending:
            if name in held:
                lost_since.pop(name, None)
                continue
            since = lost_since.setdefault(name, clock())
            if clock() - since < LEASE_MS / 1000 or attempts[name] >= ATTEMPTS:
                continue
            if read_result(jobs[name].result_path):  # finished between the two reads
                continue
            attempts[name] += 1
            jobs[name] = dataclasses.replace(jobs[name], attempt=attempts[name])
            try:
                actor.send(**jobs[name].message())
            except unreachable() as e:  # Redis away again: the next round tries
                say(words("province.requeue_failed", name=name, why=f"{type(e).__name__}: {e}"))
                attempts[name] -= 1
                continue
            lost_since.pop(name, None)
            say(words("province.requeued", name=name, attempt=attempts[name]))
    for name in jobs:
        if name not in results:
            reason = (
                f"no result within the night's {province.night_hours:g} h"
                if attempts[name] < ATTEMPTS
                else f"lost by the queue {ATTEMPTS} times"
            )
            results[name] = _missing(name, reason, attempts[name])
            say(words("province.lost", name=name, why=reason))
    summary = {
        "schema": "auditor.province-run/1",
        "province": province.province,
        "as_of": as_of.isoformat() if as_of else None,
        "queue": shown(url),
        "night": night,
        "seconds": round(clock() - started, 2),
        "schools": [results[s.name] for s in province.schools],
    }
    path = province.path.parent / "province-run.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary
