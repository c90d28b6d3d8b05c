"""The workspace in a real browser (Debian's Chromium driven by Playwright — never a browser Playwright
downloads): on the audited demo college, the office decides, a department responds and cannot open another
department's item, the office sees the response, and the next audit's findings and HTML report carry both."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.cli import main as auditor
from auditor.demo import local_env
from tests.conftest import run_auditor
from tests.test_reports import EVIL  # the hostile title the report tests render

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def workspace(audited) -> Iterator[tuple[str, Path, dict]]:
    """`auditor serve` over the audited demo store, with an office user and the user of the department that
    owns the most urgent open gap: (base URL, config, findings)."""
    out, findings = audited
    config = out.parent / "site.yaml"
    owner = next(it["owner"] for it in findings["items"] if it["open"])
    for name, role, extra in (("李四", "office", []), ("王五", "department", ["--department", owner])):
        sys.stdin, saved = io.StringIO(f"{name}-password-1\n"), sys.stdin
        try:
            assert auditor(["users", "add", name, "--role", role, *extra, "--config", str(config)]) == 0
        finally:
            sys.stdin = saved
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "auditor.cli", "serve", "--config", str(config), "--port", str(port)],
        env=local_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until it accepts connections (or has died)
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", config, findings
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is installed by .ci/run"
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=FLAGS)
        yield b
        b.close()


def _sign_in(browser, base: str, name: str):  # type: ignore[no-untyped-def]
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/")
    assert page.url == base + "/login"
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", f"{name}-password-1")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page, errors


def test_office_decides_department_responds_office_sees_it_and_the_next_report_carries_both(
    workspace, browser
):
    base, config, findings = workspace
    gap = next(it for it in findings["items"] if it["open"])
    other = next(it for it in findings["items"] if it["owner"] != gap["owner"])

    office, office_errors = _sign_in(browser, base, "李四")
    dialogs: list[str] = []
    office.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert office.locator("svg.trend polyline").count() >= 1  # the trend, drawn on the server
    office.goto(f"{base}/items/{gap['id']}")
    office.select_option("select[name=decision]", "acknowledged")
    office.fill("input[name=due]", "2022-12-30")
    office.fill("textarea[name=reason]", "部门已着手编制，限期公开")
    office.click("form[action$='/decide'] button[type=submit]")
    office.wait_for_selector("p.done")
    assert "限期公开" in office.inner_text("body")

    dept, dept_errors = _sign_in(browser, base, "王五")
    assert gap["id"] in dept.inner_text("main") and other["id"] not in dept.inner_text("main")
    answer = dept.goto(f"{base}/items/{other['id']}")
    assert answer is not None and answer.status == 404  # another department's item, whatever the URL
    dept_errors.clear()  # (the browser reports that 404 as a console error)
    dept.goto(f"{base}/items/{gap['id']}")
    dept.check("input[name=kind][value=explained]")  # words a department types are shown, never run
    dept.fill("textarea[name=text]", EVIL)
    dept.click("form[action$='/respond'] button[type=submit]")
    dept.wait_for_selector("p.done")
    dept.check("input[name=kind][value=fixed]")
    url = gap["evidence"][0]["url"] if gap["evidence"] else findings["run"].get("start_url", "")
    dept.fill("input[name=url]", url)
    dept.click("form[action$='/respond'] button[type=submit]")
    dept.wait_for_selector("p.done")

    office.goto(f"{base}/items/{gap['id']}")
    assert (
        url in office.inner_text("body")
        and "王五" in office.inner_text("body")
        and EVIL in office.inner_text("body")
    )
    assert office.evaluate("document.body.getAttribute('data-pwned')") is None and not dialogs
    office.goto(base + "/")
    answers = office.inner_text("section.responses")  # the departments' latest responses
    assert gap["id"] in answers and gap["owner"] in answers and "王五" in answers
    assert not office_errors and not dept_errors, (office_errors, dept_errors)  # nothing the policy blocked

    out = config.parent / "out-next"
    proc = run_auditor("audit", "--config", str(config), "--as-of", "2022-11-16", "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    after = {it["id"]: it for it in json.loads((out / "findings.json").read_text("utf-8"))["items"]}[
        gap["id"]
    ]
    assert after["review"]["decision"] == "acknowledged" and after["review"]["reviewer"] == "李四"
    assert after["review"]["due"] == "2022-12-30" and after["rectify_by"] == "2022-12-30"
    assert after["response"]["kind"] == "fixed" and after["response"]["url"] == url
    assert after["response"]["verdict"] == "still_open" and after["response"]["url_crawled"] is True
    report = (out / "gap-report.html").read_text("utf-8")
    assert "部门回复" in report and "王五" in report and "部门已着手编制" in report


def test_a_phone_reads_every_page_without_scrolling_sideways_and_recheck_and_copies_work(workspace, browser):
    base, _, findings = workspace
    gap = next(it for it in findings["items"] if it["open"] and it["evidence"])
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", "李四")
    page.fill("input[name=password]", "李四-password-1")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    for path in ("/", "/gaps?status=all", f"/items/{gap['id']}", "/log"):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path  # the tables reflow
    page.goto(base + "/gaps?status=all")
    assert page.evaluate("getComputedStyle(document.querySelector('table.gaps td')).display") == "block"

    page.goto(f"{base}/items/{gap['id']}")
    page.click("form[action$='/recheck'] button[type=submit]")
    page.wait_for_selector("p.done")
    assert "HTTP 200" in page.inner_text("body")  # asked the demo college again, now

    copy = context.request.get(f"{base}/items/{gap['id']}/copy/0")
    assert copy.status == 200 and "sandbox" in copy.headers["content-security-policy"]
    assert gap["evidence"][0]["archive"]["sha256"][:12] in copy.text()  # the archived copy, stamped
    context.close()
