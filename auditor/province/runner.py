"""The embedded default: every school's night on this machine, in parallel processes (bounded), each the
ordinary `auditor run` on its effective site.yaml — its own store, its own lock, its own reports — so a
province office starts with one command and a school whose site is down holds up no one else.

Each child's exit code, wall time, CPU time and peak memory (os.wait4) are kept in province-run.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from auditor import wording
from auditor.province.config import ProvinceConfig, School
from auditor.wording import say as words

OUTCOME = {0: "complete", 1: "complete", 2: "config_error", 3: "inconclusive", 4: "internal_error"}


def run_school(
    school: School,
    as_of: date | None,
    env: dict[str, str] | None = None,
    started: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> dict[str, Any]:
    """One school's nightly job in a child process that dies with this one (the CLI arms PR_SET_PDEATHSIG when
    AUDITOR_PARENT_PID is set); never raises for what the child did. `started` is handed the child."""
    args = [
        sys.executable,
        "-m",
        "auditor.cli",
        "run",
        "--config",
        str(school.config),
        "--out",
        str(school.reports),
    ]
    if as_of:
        args += ["--as-of", as_of.isoformat()]
    log = school.folder / "province-run.log"
    t0 = time.monotonic()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(args[3:])}\n")
        out.flush()
        child_env = dict(os.environ if env is None else env, AUDITOR_PARENT_PID=str(os.getpid()))
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=child_env)
        if started:
            started(proc)
        _, status, usage = os.wait4(proc.pid, 0)  # its CPU time and peak memory, which Popen cannot give
        proc.returncode = code = os.waitstatus_to_exitcode(status)
    return {
        "school": school.name,
        "exit": code,
        "outcome": OUTCOME.get(code, "killed" if code < 0 else "internal_error"),
        "seconds": round(time.monotonic() - t0, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        "log": str(log),
    }


def run_province(
    province: ProvinceConfig,
    as_of: date | None = None,
    say: Callable[[str], None] = print,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Every school, `province.parallel` at a time. Returns (and writes) the night's summary."""
    started = time.monotonic()
    say(
        words(
            "province.start",
            province=province.province,
            schools=len(province.schools),
            parallel=province.parallel,
        )
    )

    def one(school: School) -> dict[str, Any]:
        got = run_school(school, as_of, env)
        say(
            words(
                "province.school",
                name=school.name,
                outcome=wording.name("province.outcome", got["outcome"]),
                exit=got["exit"],
                seconds=f"{got['seconds']:.0f}",
                worker="",
            )
        )
        return got

    with ThreadPoolExecutor(max_workers=province.parallel) as pool:
        results = list(pool.map(one, province.schools))
    night = {
        "schema": "auditor.province-run/1",
        "province": province.province,
        "as_of": as_of.isoformat() if as_of else None,
        "parallel": province.parallel,
        "seconds": round(time.monotonic() - started, 2),
        "schools": results,
    }
    path = province.path.parent / "province-run.json"
    path.write_text(json.dumps(night, ensure_ascii=False, indent=1), encoding="utf-8")
    return night


def exit_code(night: dict[str, Any]) -> int:
    """0 when every school's night was complete (gaps are each school's business, not a failure of the
    province's night); 3 when any school's was not (named in the summary)."""
    return 0 if all(s["outcome"] == "complete" for s in night["schools"]) else 3
