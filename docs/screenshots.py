"""Regenerate the README's pictures from the bundled demo: the HTML gap report (screen), its first printed
A4 pages, the 清单事项公开情况表 and one 整改通知 as LibreOffice prints them, and the terminal summary.

    .venv/bin/python docs/screenshots.py        # needs chromium, libreoffice and poppler-utils (Debian)

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


def main() -> int:
    SHOTS.mkdir(exist_ok=True)
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
    for png in sorted(SHOTS.glob("*.png")):
        print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
