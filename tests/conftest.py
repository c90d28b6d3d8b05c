"""Shared fixtures: the demo college served on 127.0.0.1, a helper that runs `auditor crawl` for real, and the
test tiers.

Tiers (markers): `unit` — everything else, the default `pytest` (under a minute); `integration` — real crawls,
whole audits in a child process, Chromium, LibreOffice (a test using one of HEAVY's fixtures is marked so
here; others say so themselves); `system` — real Redis queues, province nights, the demo's year. README says
which command runs which."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor import wording
from auditor.demo import demo_config, local_env
from auditor.demo.server import DemoHTTPServer

# A night photographs its open gaps in Chromium (~12 s an audit): only the tests about screenshots, and the
# shared audits the report tests read, ask for them (SHOTS); every other night the suite runs goes without.
os.environ.setdefault("AUDITOR_SCREENSHOTS", "off")
SHOTS = {"AUDITOR_SCREENSHOTS": "on"}


@pytest.fixture(autouse=True)
def chinese_unless_told() -> Iterator[None]:
    """`auditor … --lang en` in-process sets the process's language: the next test starts from the default."""
    yield
    wording.use("zh")


@pytest.fixture()
def english() -> Iterator[None]:
    """Messages in English for this test (`--lang en`): the tests of a message's every case assert its English
    words; the Chinese default is asserted where the command line's own output is."""
    wording.use("en")
    yield
    wording.use("zh")


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoHTTPServer]:
    server = DemoHTTPServer(0).start()
    yield server
    server.stop()


def run_auditor(
    *args: str, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process (Twisted's reactor cannot restart inside one process)."""
    full_env = local_env()
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "auditor.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


def night_on(
    data: dict, folder: Path, as_of: str, port: int = 0
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One `auditor run` over the college `data` served on 127.0.0.1 (on `port`: two nights on one port crawl the
    same URLs), its config and store in `folder`: (the process, its --out folder, out-<as_of>)."""
    server = DemoHTTPServer(port, data).start()
    try:
        config = demo_config(server, folder)
        out = folder / f"out-{as_of}"
        proc = run_auditor("run", "--config", str(config), "--out", str(out), "--as-of", as_of)
    finally:
        server.stop()
    return proc, out


def run_bench(script: str, *args: str, timeout: int = 1200) -> subprocess.CompletedProcess[str]:
    """A bench/ script at CI sizes, from the project root (so the bench code cannot rot unnoticed)."""
    root = Path(__file__).parents[1]
    return subprocess.run(
        [sys.executable, str(root / "bench" / script), *args],
        capture_output=True, text=True, timeout=timeout, cwd=root, env=local_env(),
    )  # fmt: skip


def crawl_demo(
    server: DemoHTTPServer, out: Path, env: dict[str, str] | None = None, **crawl: object
) -> tuple[subprocess.CompletedProcess[str], Path]:
    config = demo_config(server, out, **crawl)
    return run_auditor("crawl", "--config", str(config), env=env), out / "auditor.sqlite"


@pytest.fixture(scope="session")
def demo_crawl(demo_server, tmp_path_factory):
    """One real crawl of the demo college, shared: (process, store path, requests the server saw)."""
    n0 = len(demo_server.hits)
    out = tmp_path_factory.mktemp("demo-crawl")
    proc, db = crawl_demo(demo_server, out)
    return proc, db, demo_server.hits[n0:]


@pytest.fixture()
def demo_copy(demo_crawl, tmp_path) -> Path:
    """A private copy of the shared demo crawl (config + store), for tests that add audits or reviews."""
    return _copy_demo(demo_crawl, tmp_path)


def _copy_demo(demo_crawl, folder: Path) -> Path:
    import shutil
    import sqlite3

    src_dir = demo_crawl[1].parent
    shutil.copy(src_dir / "site.yaml", folder / "site.yaml")
    with sqlite3.connect(demo_crawl[1]) as src, sqlite3.connect(folder / "auditor.sqlite") as dst:
        src.backup(dst)
    return folder / "site.yaml"


def _audit(config: Path) -> tuple[Path, dict]:
    import json

    out = config.parent / "out"
    proc = run_auditor(
        "audit", "--config", str(config), "--as-of", "2022-11-15", "--out", str(out), env=SHOTS
    )
    assert proc.returncode == 1, proc.stderr
    return out, json.loads((out / "findings.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def audited(demo_crawl, tmp_path_factory) -> tuple[Path, dict]:
    """The demo crawl audited as of 2022-11-15 into out/: (output dir, findings.json) — one audit a module
    shares: its tests only read it (the config is out.parent / "site.yaml")."""
    return _audit(_copy_demo(demo_crawl, tmp_path_factory.mktemp("audited")))


@pytest.fixture()
def audited_copy(demo_copy: Path) -> tuple[Path, dict]:
    """The same, audited for one test alone: for a test that changes what it then reads."""
    return _audit(demo_copy)


def wait_for_pages(store: Path, n: int, seconds: float = 60, run_id: int | None = None) -> int:
    """Wait until a running crawl has stored `n` pages (of run `run_id`, or in all; read-only: the crawl keeps
    writing); how many it has."""
    import sqlite3
    import time

    deadline, stored = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and stored < n:
        time.sleep(0.2)
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
                query = "SELECT count(*) FROM pages" + (" WHERE run_id=?" if run_id is not None else "")
                stored = db.execute(query, () if run_id is None else (run_id,)).fetchone()[0]
        except sqlite3.OperationalError:
            continue
    return stored


HEAVY = {
    "demo_server",
    "demo_crawl",
    "demo_copy",
    "audited",
    "audited_copy",
    "night",
    "hostile_night",
    "receivers",
}
SYSTEM = {"province", "shared_redis"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tiers: a test using a real crawl's fixtures is integration, a queue's or a province's is system,
    any other not marked otherwise is unit."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if not (item.get_closest_marker("integration") or item.get_closest_marker("system")):
            if used & SYSTEM:
                item.add_marker(pytest.mark.system)
            elif used & HEAVY:
                item.add_marker(pytest.mark.integration)
        if not (item.get_closest_marker("integration") or item.get_closest_marker("system")):
            item.add_marker(pytest.mark.unit)
    items.sort(
        key=lambda item: LONGEST_FIRST.get(item.path.stem, len(LONGEST_FIRST))
    )  # stable: order kept within


# Modules by how long they take, longest first (`--durations`, 2026-12-06): with `--dist loadfile` a worker takes
# a whole module, so a long one started last would keep one worker busy while the others wait
LONGEST_FIRST = {
    name: n
    for n, name in enumerate(
        ("test_yearly", "test_queue", "test_province", "test_hostile", "test_crawl", "test_bench_accuracy",
         "test_nightly", "test_evidence", "test_untrusted", "test_revisit", "test_privacy_formats", "test_history",
         "test_audit", "test_reports", "test_gongshi", "test_web_browser", "test_bench_web")
    )
}  # fmt: skip


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the cores. A third of the integration and system tiers' time is waiting
    (crawl timeouts, child processes, Chromium starting), which the spare worker fills (docs/benchmarks.md,
    "CI time")."""
    return (os.cpu_count() or 1) + 1
