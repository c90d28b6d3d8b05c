"""Regenerate the README's pictures from the bundled demo: the HTML gap report (screen), its first printed
A4 pages, the 清单事项公开情况表 and one 整改通知 as LibreOffice prints them, the terminal summary, and the
workspace (`auditor serve`: the office's dashboard, an item page, a department's page, and that page on a phone).

    .venv/bin/python docs/screenshots.py        # needs chromium, libreoffice and poppler-utils (Debian)
    .venv/bin/python docs/screenshots.py --workspace reports/demo/site.yaml   # only the workspace, on a demo run

Writes docs/screenshots/*.png. Nothing here is hand-made: run it again after changing a report."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from auditor.cli import main as auditor
from auditor.report import printing
from auditor.report.terminal import print_summary

SHOTS = Path(__file__).parent / "screenshots"
TERMINAL_HTML = """<!DOCTYPE html><html><head><meta charset="UTF-8"><style>
body {{ background: #1e1e1e; color: #ddd; margin: 12px; }}
pre {{ font-family: "Noto Sans Mono CJK SC", "Noto Sans Mono", monospace; font-size: 14px; line-height: 1.3; }}
</style></head><body><pre>{code}</pre></body></html>"""


def pages(pdf: Path, name: str, count: int, work: Path) -> None:
    for i, png in enumerate(printing.pdf_to_png(pdf, work / name, 1, count, dpi=70), 1):
        shutil.copy(png, SHOTS / f"{name}-{i}.png")


WORKSPACE_USERS = (("李四", "office", ""), ("王五", "department", "财务处"))


def workspace(config: Path) -> None:
    """The workspace over a demo run's store, as its users see it, in Debian's Chromium (Playwright drives it)."""
    import socket
    import subprocess
    import time

    from playwright.sync_api import sync_playwright

    from auditor.browser import chromium
    from auditor.config import load_config
    from auditor.store import Store
    from auditor.web.passwords import hash_password

    cfg = load_config(config)
    with Store(cfg.store) as store:
        for name, role, department in WORKSPACE_USERS:
            if store.user(name) is None:
                store.add_user(name, role, department, hash_password(f"{name}-screenshots"))
            else:
                store.set_password(name, hash_password(f"{name}-screenshots"))
        findings = store.findings(store.latest_audit()["id"])
    gap = next(it for it in findings["items"] if it["open"] and it["owner"] == "财务处")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "auditor.cli", "serve", "--config", str(config), "--port", str(port)]
    )
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium(),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"],
            )

            def signed_in(name: str, **context: object):  # type: ignore[no-untyped-def]
                page = browser.new_context(**context).new_page()
                page.goto(base + "/login")
                page.fill("input[name=username]", name)
                page.fill("input[name=password]", f"{name}-screenshots")
                page.click("button[type=submit]")
                page.wait_for_url(base + "/")
                return page

            dept = signed_in("王五", viewport={"width": 1200, "height": 800})
            if not gap.get("response"):
                dept.goto(f"{base}/items/{gap['id']}")
                dept.check("input[name=kind][value=explained]")
                dept.fill(
                    "textarea[name=text]",
                    "决算公开表已报学校审定，预计 11 月 30 日前在财务处网站“信息公开”栏目发布。",
                )
                dept.click("form[action$='/respond'] button[type=submit]")
                dept.wait_for_selector("p.done")
            dept.goto(base + "/")
            dept.screenshot(path=str(SHOTS / "workspace-department.png"), full_page=True)
            phone = signed_in(
                "王五", viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2
            )
            phone.screenshot(path=str(SHOTS / "workspace-phone.png"), full_page=True)
            office = signed_in("李四", viewport={"width": 1200, "height": 800})
            office.screenshot(path=str(SHOTS / "workspace-dashboard.png"), full_page=True)
            office.goto(f"{base}/items/{gap['id']}")
            office.screenshot(path=str(SHOTS / "workspace-item.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait()


def main() -> int:
    SHOTS.mkdir(exist_ok=True)
    if sys.argv[1:2] == ["--workspace"]:
        workspace(Path(sys.argv[2]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if auditor(["demo", "--out", str(work / "out")]) != 0:
            print("the demo did not run", file=sys.stderr)
            return 2
        out = work / "out" / "demo"
        printing.screenshot(out / "gap-report.html", SHOTS / "gap-report.png", 1000, 1500)
        pages(
            printing.html_to_pdf(out / "gap-report.html", work / "gap-report.pdf"), "gap-report-a4", 2, work
        )
        pages(printing.docx_to_pdf(out / "清单事项公开情况表.docx", work), "disclosure-table", 1, work)
        notice = sorted((out / "整改通知").glob("*.docx"))[0]
        pages(printing.docx_to_pdf(notice, work), "rectification-notice", 1, work)
        import json

        findings = json.loads((out / "findings.json").read_text("utf-8"))
        console = Console(
            record=True, width=80, force_terminal=True, color_system="truecolor", highlight=False
        )
        print_summary(findings, console)
        term = work / "terminal.html"
        term.write_text(console.export_html(inline_styles=True, code_format=TERMINAL_HTML), encoding="utf-8")
        printing.screenshot(term, SHOTS / "terminal-summary.png", 760, 1100)
        workspace(out / "site.yaml")
    for png in sorted(SHOTS.glob("*.png")):
        print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
