"""The gap report for the discipline inspection office: one self-contained, printable HTML file.

Jinja2 with autoescaping: everything taken from crawled pages is text, never markup; the page also
carries a Content-Security-Policy that forbids any script, so nothing a crawled page contains can run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from auditor.report.view import (
    ORDER,
    attempt_banner,
    by_category,
    by_department,
    decision_label,
    message,
    open_gap_count,
    set_aside,
    status_label,
    t,
)


def render_html(findings: dict[str, Any], lang: str = "zh") -> str:
    env = Environment(
        loader=PackageLoader("auditor.report", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    counts = findings["counts"]
    return env.get_template("gap_report.html.j2").render(
        f=findings,
        lang=lang,
        open_gaps=open_gap_count(findings),
        changes=findings.get("changes"),
        shown=[s for s in ORDER if counts.get(s)],
        categories=by_category(findings),
        departments=by_department(findings),
        t=lambda k: t(k, lang),
        status=lambda s: status_label(s, lang),
        decision=lambda d: decision_label(d, lang),
        msg=lambda fd: message(fd, lang),
        set_aside=set_aside,
        banner=attempt_banner(findings, lang) if findings.get("latest_attempt") else "",
    )


def write_html(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    path = out_dir / "gap-report.html"
    path.write_text(render_html(findings, lang), encoding="utf-8")
    return path
