"""The nightly job: incremental re-crawls (unchanged, then changed), a stopped server, a killed run, overlapping
runs, alerts to a real local SMTP server and webhook, and retention — all against sites served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller

from auditor.demo import demo_config, local_env
from auditor.demo.server import DemoHTTPServer
from auditor.lock import RunLock
from auditor.store import Store
from tests.conftest import run_auditor

pytestmark = pytest.mark.integration  # whole nights in a child process


def run(config: Path, as_of: str = "2022-11-15") -> tuple[int, dict, str]:
    out = config.parent / f"out-{time.monotonic_ns()}"
    proc = run_auditor("run", "--config", str(config), "--as-of", as_of, "--out", str(out))
    path = out / "findings.json"
    return (
        proc.returncode,
        json.loads(path.read_text("utf-8")) if path.exists() else {},
        proc.stdout + proc.stderr,
    )


def statuses(findings: dict) -> dict[str, tuple[str, str | None]]:
    return {
        it["id"]: (it["status"], it["evidence"][0]["url"] if it["evidence"] else None)
        for it in findings["items"]
    }


def test_unchanged_then_changed_recrawl(tmp_path):
    server = DemoHTTPServer(0).start()
    try:
        # every page asked every night (no rotation): conditional requests and vanished pages on their own
        config = demo_config(server, tmp_path, revisit_days=1)
        code1, first, _ = run(config)
        code2, second, out2 = run(config)
        assert code1 == code2 == 1
        assert statuses(first) == statuses(second), "an unchanged site gives identical findings"
        assert "304" in out2
        with Store(tmp_path / "auditor.sqlite") as store:
            runs = store.runs()
            assert runs[1].stats["counts"]["not_modified"] >= 400 and not runs[1].stats["counts"].get(
                "revisit_kept"
            )
            assert runs[1].stats["previous_run"] == runs[0].id
            assert store.count("links", runs[1].id) == store.count("links", runs[0].id)
            assert store.count("entries", runs[1].id) == store.count("entries", runs[0].id)
        # change one page (the undated 因公出国 article gets a date) and drop another (学校简介, unlinked)
        site = server.site
        undated = next(u for u in site.members["xxgk:rsxx/cg"] if "/info/" in u)
        site.change(
            undated,
            "情况</b><i>点击".encode(),
            "情况</b><i>时间：2022-11-10</i><i>点击".encode(),
            time.time(),
        )
        site.change(
            site.url("www", "/index.htm"),
            '<li><a href="/xxgk1/xxjj.htm">学校简介</a></li>'.encode(),
            b"",
            time.time(),
        )
        code3, third, out3 = run(config, "2022-11-16")
        assert code3 == 1
        assert statuses(second)["moe-23"][0] == "stale" and statuses(third)["moe-23"][0] == "ok", (
            "changed page re-extracted"
        )
        [resolved] = [r for r in third["changes"]["resolved"] if r["id"] == "moe-23"]
        assert resolved["was"] == "stale" and resolved["now"] == "ok" and resolved["why"].startswith("已公开")
        with Store(tmp_path / "auditor.sqlite") as store:
            last = store.runs()[-1]
            assert last.stats["counts"]["vanished"] == 1
            row = store.db.execute(
                "SELECT published, unchanged_since FROM pages WHERE run_id=? AND url=?", (last.id, undated)
            ).fetchone()
            assert row["published"] == "2022-11-10" and row["unchanged_since"] is None
        assert "vanished 1" in out3
    finally:
        server.stop()


class Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Webhook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture()
def receivers():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's controller cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    hook = HTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    Webhook.received = []
    yield inbox, port, hook.server_address[1]
    smtp.stop()
    hook.shutdown()


def with_alerts(config: Path, smtp_port: int, hook_port: int) -> None:
    data = yaml.safe_load(config.read_text("utf-8"))
    data["alerts"] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "email_to": ["jjc@xyvtc.test"],  # the central list: 纪检监察处
        "email_from": "auditor@xyvtc.test",
        "webhook": f"http://127.0.0.1:{hook_port}/hook",
    }
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_alerts_and_a_stopped_server(tmp_path, receivers):
    inbox, smtp_port, hook_port = receivers
    server = DemoHTTPServer(0).start()
    config = demo_config(server, tmp_path, retries=0, timeout=5)
    with_alerts(config, smtp_port, hook_port)
    code, first, out = run(config)
    assert code == 1 and "已发送提醒：email" in out and "已发送提醒：webhook" in out
    from email import message_from_bytes, policy

    mails = {m["To"]: m for m in (message_from_bytes(raw, policy=policy.default) for raw in inbox.messages)}
    central = mails["jjc@xyvtc.test"]  # the central list hears everything
    assert "新发现" in central["Subject"] and "dfc-self-evaluation" in central.get_content()
    assert "moe-34" in central.get_content()
    # each department with contacts (departments: in site.yaml) hears about its own new gaps, and only those
    planning = mails["fzgh@xyvtc.test"].get_content()
    assert "dfc-self-evaluation" in planning and "moe-34" not in planning and "moe-20" not in planning
    assert "cwc@xyvtc.test" in mails and "moe-20" in mails["cwc@xyvtc.test"].get_content()
    assert all(not to.startswith("团委") for to in mails)  # 校团委 lists no contacts: the central list only
    hook = Webhook.received[-1]
    assert hook["event"] == ["new_gaps"] and {g["id"] for g in hook["new_gaps"]} >= {
        "dfc-self-evaluation",
        "moe-34",
    }
    # the site goes down: exit 3, the last complete audit stays current, no new gaps, an "inconclusive" alert
    server.stop()
    code, second, out = run(config, "2022-11-16")
    assert code == 3 and "起始页面" in out
    assert (
        second["audit"]["id"] == first["audit"]["id"] and second["latest_attempt"]["status"] == "inconclusive"
    )
    assert statuses(second) == statuses(first)
    assert Webhook.received[-1]["event"] == ["inconclusive"]
    msg = message_from_bytes(inbox.messages[-1], policy=policy.default)
    assert "无法完成" in msg["Subject"]


def test_killed_run_then_next_run_succeeds_and_overlap_is_refused(tmp_path):
    server = DemoHTTPServer(0).start()
    try:
        config = demo_config(server, tmp_path, delay=0.02, concurrency=1, concurrency_per_host=1)
        env = local_env()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "auditor.cli",
                "run",
                "--config",
                str(config),
                "--as-of",
                "2022-11-15",
                "--out",
                str(tmp_path / "out"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        db = tmp_path / "auditor.sqlite"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
                    if c.execute("SELECT count(*) FROM pages").fetchone()[0] >= 40:
                        break
            except sqlite3.OperationalError:
                continue
        # while it runs, a second run for the same site is refused
        overlap = run_auditor(
            "run", "--config", str(config), "--as-of", "2022-11-15", "--out", str(tmp_path / "o2")
        )
        assert overlap.returncode == 3 and "本站点的另一次运行正在进行" in overlap.stderr
        said = " ".join(overlap.stderr.split())
        assert f" 上的进程 {proc.pid}，自 " in said and '{"pid"' not in said  # the holder in words, not JSON
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # the slow crawl only had to be caught alive; the next night may go at full speed
        data = yaml.safe_load(config.read_text("utf-8"))
        data["crawl"].update(delay=0, concurrency=16, concurrency_per_host=8)
        config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        code, findings, out = run(config)
        assert code == 1 and "过期锁（stale lock）" in out
        with Store(db) as store:
            assert [r.status for r in store.runs()] == ["interrupted", "complete"]
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            # restarted cheaply from the killed run's pages (how many it stored before the kill depends on the
            # machine's load): every one it had stored with a validator is tonight its copy — answered 304 or
            # kept by the revisit rotation — none fetched whole again
            r1, r2 = (r.id for r in store.runs())
            copied = store.db.execute(
                "SELECT a.url, b.unchanged_since FROM pages a LEFT JOIN pages b ON b.run_id=? AND b.url=a.url "
                "WHERE a.run_id=? AND (a.etag IS NOT NULL OR a.last_modified IS NOT NULL)",
                (r2, r1),
            ).fetchall()
            assert len(copied) >= 20 and all(since == r1 for _, since in copied), copied
            assert store.runs()[1].stats["counts"]["not_modified"] > 0
        assert (
            next(it for it in findings["items"] if it["id"] == "dfc-self-evaluation")["status"] == "missing"
        )
    finally:
        server.stop()


def test_lock_held_in_process_refuses_and_releases(tmp_path):
    store = tmp_path / "auditor.sqlite"
    with RunLock(store):
        from auditor.lock import Busy

        with pytest.raises(Busy), RunLock(store):
            pass
    with RunLock(store) as again:
        assert again.stale is None  # released cleanly: nothing stale


def test_retention_keeps_history(tmp_path):
    server = DemoHTTPServer(0).start()
    try:
        config = demo_config(server, tmp_path)
        data = yaml.safe_load(config.read_text("utf-8"))
        data["retention"] = {"keep_runs": 1}
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        run(config)
        code, findings, out = run(config, "2022-11-16")
        assert code == 1 and "保留策略" in out
        with Store(tmp_path / "auditor.sqlite") as store:
            runs = store.runs()
            assert store.count("pages", runs[0].id) == 0 and store.count("pages", runs[1].id) > 400
            assert len(store.audits()) == 2
        assert findings["changes"]["previous_audit"] is not None
        hist = run_auditor("history", "moe-06", "--config", str(config))
        assert hist.stdout.count("逾期") == 2
    finally:
        server.stop()
