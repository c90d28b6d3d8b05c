"""findings.json — the stable contract other tools read (schema auditor.findings/1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(findings: dict[str, Any], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "findings.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(findings, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)  # never leave a half-written file for the tools that read it
    return path
