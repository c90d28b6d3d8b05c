"""A crawl that was not stored never becomes a report of gaps: a full disk (a file-size limit stands in for
it) and a pipeline that raises on every record (a bug, or Scrapy older than the code needs) each end the run
as failed, with exit 3, a message that says why, and no report; a SIGTERM ends it partial and inconclusive."""

from __future__ import annotations

import json
import resource
import signal
import sqlite3
import subprocess
import sys

from auditor.demo import demo_config, local_env
from tests.conftest import wait_for_pages


def _runs(store) -> list[tuple[str, str]]:
    with sqlite3.connect(store) as db:
        return db.execute("SELECT status, stop_reason FROM runs").fetchall()


def test_full_disk_is_inconclusive_never_gaps(demo_server, tmp_path):
    config = demo_config(demo_server, tmp_path)
    limit = 300_000  # bytes any file may grow to: the store fills up a little way into the crawl

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "run", "--config", str(config), "--out", str(tmp_path / "rep")],
        capture_output=True,
        text=True,
        env=local_env(),
        preexec_fn=full_disk,
        timeout=300,
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "数据库未能写入" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout
    assert "records stored" in proc.stderr  # how much of the crawl was lost
    assert not list((tmp_path / "rep").glob("*")), "no report from a crawl that was not stored"
    assert [s for s, _ in _runs(tmp_path / "auditor.sqlite")] == ["failed"]


def test_a_pipeline_that_raises_fails_the_run(demo_server, tmp_path):
    config = demo_config(demo_server, tmp_path)
    code = (
        "import spiders.pipelines as p\n"
        "def broken(self, item, spider=None):\n"
        "    raise TypeError(\"process_item() missing 1 required positional argument: 'spider'\")\n"
        "p.StorePipeline.process_item = broken\n"
        "from auditor.cli import main\n"
        f"raise SystemExit(main(['run', '--config', {str(config)!r}, '--out', {str(tmp_path / 'rep')!r}]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=local_env(), timeout=300
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "TypeError" in proc.stderr and "pip check" in proc.stderr and "Traceback" not in proc.stderr
    ((status, reason),) = _runs(tmp_path / "auditor.sqlite")
    assert status == "failed" and "0 of" in reason  # 'complete, 477 pages' is what it used to say
    assert not (tmp_path / "rep").exists() or not list((tmp_path / "rep").iterdir())


def test_sigterm_ends_the_night_inconclusive(demo_server, tmp_path):
    """systemd stops a unit with SIGTERM: the crawl stops cleanly, the run is 'partial', nothing is a gap."""
    config = demo_config(demo_server, tmp_path, delay=0.02, concurrency=1, concurrency_per_host=1)
    out = tmp_path / "rep"
    proc = subprocess.Popen(
        [sys.executable, "-m", "auditor.cli", "run", "--config", str(config), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=local_env(),
    )
    wait_for_pages(tmp_path / "auditor.sqlite", 40)
    assert proc.poll() is None, "the crawl ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 3, stdout + stderr
    assert "Traceback" not in stderr
    assert [s for s, _ in _runs(tmp_path / "auditor.sqlite")] == ["partial"]
    findings = json.loads((out / "findings.json").read_text("utf-8"))
    assert findings["audit"]["status"] == "inconclusive"
    assert {i["status"] for i in findings["items"]} <= {"inconclusive", "not_applicable", "exempt"}
