"""Shared fixtures: the demo college served on 127.0.0.1, and a helper that runs `auditor crawl` for real."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.demo import demo_config, local_env
from auditor.demo.server import DemoHTTPServer


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
    import shutil
    import sqlite3

    src_dir = demo_crawl[1].parent
    shutil.copy(src_dir / "site.yaml", tmp_path / "site.yaml")
    with sqlite3.connect(demo_crawl[1]) as src, sqlite3.connect(tmp_path / "auditor.sqlite") as dst:
        src.backup(dst)
    return tmp_path / "site.yaml"


@pytest.fixture()
def audited(demo_copy: Path) -> tuple[Path, dict]:
    """The demo copy audited as of 2022-11-15 into out/: (output dir, findings.json)."""
    import json

    out = demo_copy.parent / "out"
    proc = run_auditor("audit", "--config", str(demo_copy), "--as-of", "2022-11-15", "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    return out, json.loads((out / "findings.json").read_text("utf-8"))


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
