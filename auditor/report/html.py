"""The gap report for the discipline inspection office: one self-contained, printable HTML file.

Jinja2 with autoescaping: everything taken from crawled pages is text, never markup; links are http(s)
only; the page carries a Content-Security-Policy that forbids any script, so nothing a crawled page
contains can run. Printed on A4, every page carries the school, the date, the check's number and a page
number (CSS page-margin boxes), and each department's table header repeats on its every page.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from auditor import safe
from auditor.clock import beijing
from auditor.messages import COPIES, REASONS, SHOT_REASONS
from auditor.report.view import (
    REVIEW_FLAGS,
    attempt_banner,
    by_category,
    by_department,
    crawl_errors,
    message,
    open_gaps,
    rectify_text,
    response_text,
    review_label,
    review_text,
    rotation,
    rule_label,
    set_aside_items,
    status_label,
    summary,
    t,
    to_check,
)
from auditor.statuses import ORDER
from auditor.wording import name as named


def css_string(text: str) -> str:
    """A CSS string literal of `text`: quotes, backslashes and anything that could end the <style> escaped
    (the template inserts it with |safe: nothing but word characters and a few marks is left unescaped)."""
    return '"' + re.sub(r"[^\w .:#/·，、（）-]", lambda m: f"\\{ord(m.group()):x} ", text) + '"'


def css_page(lang: str) -> str:
    """第 N 页，共 M 页 for the page-margin box."""
    if lang == "en":
        return f"{css_string('Page ')} counter(page) {css_string(' of ')} counter(pages)"
    return f"{css_string('第 ')} counter(page) {css_string(' 页，共 ')} counter(pages) {css_string(' 页')}"


def _screenshot(item: dict[str, Any], assets: Path | None) -> str:
    """The gap's screenshot as a data: URI (the report stays one self-contained file), or ""."""
    shot = item.get("screenshot")
    if not shot or assets is None:
        return ""
    png = assets / Path(shot["file"]).name
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode() if png.exists() else ""


def render_html(findings: dict[str, Any], lang: str = "zh", assets: Path | None = None) -> str:
    env = Environment(
        loader=PackageLoader("auditor.report", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    counts = findings["counts"]
    return env.get_template("gap_report.html.j2").render(
        f=findings,
        s=summary(findings),
        lang=lang,
        changes=findings.get("changes"),
        shown=[s for s in ORDER if counts.get(s)],
        categories=by_category(findings),
        departments=by_department(findings),
        gaps=open_gaps(findings),
        checks=to_check(findings),
        aside=set_aside_items(findings),
        exempt=[it for it in findings["items"] if it["status"] in ("exempt", "not_applicable")],
        published=[it for it in findings["items"] if it["status"] == "ok"],
        errors=crawl_errors(findings["run"], lang),
        rotation=rotation(findings["run"], lang),
        css_school=css_string(f"{safe.plain(findings['school'])} {t('title', lang)}"),
        css_when=css_string(
            f"{t('as_of', lang)} {findings['run']['as_of']} · {t('audit', lang)} #{findings['audit']['id']}"
        ),
        css_page=css_page(lang),
        t=lambda k: t(k, lang),
        status=lambda s: status_label(s, lang),
        rule=lambda r: rule_label(r, lang),
        review=lambda r: review_label(r, lang),
        review_flag=lambda k: REVIEW_FLAGS.get(lang, REVIEW_FLAGS["zh"])[k],
        msg=lambda fd: message(fd, lang),
        when=beijing,
        review_text=lambda r: review_text(r, lang),
        response_text=lambda r: response_text(r, lang),
        safe_link=safe.link,
        readable=safe.readable,
        copies=COPIES,
        screenshot=lambda it: _screenshot(it, assets),
        shots_skipped=((findings.get("evidence") or {}).get("screenshots") or {}).get("skipped", ""),
        archive_problem=lambda k: REASONS.get(k, k),
        pii=lambda k: named("pii", k, lang),
        named=lambda table, k: named(table, k, lang),
        shot_problem=lambda k: SHOT_REASONS.get(k, k),
        rectify=lambda it: rectify_text(it, lang),
        banner=attempt_banner(findings, lang) if findings.get("latest_attempt") else "",
    )


def write_html(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    path = out_dir / "gap-report.html"
    path.write_text(render_html(findings, lang, out_dir / COPIES), encoding="utf-8")
    return path
