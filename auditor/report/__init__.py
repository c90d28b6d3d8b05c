"""Renderers only: a findings dict (the findings.json contract) in, files or terminal out.
None of them decides what is a gap."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_all(findings: dict[str, Any], out_dir: Path, lang: str = "zh") -> list[Path]:
    """findings.json, the HTML gap report, the Excel workbook, the 清单表 as XLSX, DOCX and Markdown, and
    a 整改通知 per department with open gaps."""
    from auditor.report import disclosure, html, json_out, notices, xlsx

    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        json_out.write_json(findings, out_dir),
        html.write_html(findings, out_dir, lang),
        xlsx.write_xlsx(findings, out_dir, lang),
        disclosure.write_xlsx(findings, out_dir, lang),
        disclosure.write_docx(findings, out_dir, lang),
        disclosure.write_markdown(findings, out_dir, lang),
        *notices.write_notices(findings, out_dir),
    ]
