"""Labelled evaluation of mapping and rules on the fixture colleges (issue 3).

For each bench/sites/*.truth.yaml: serve that college on 127.0.0.1, crawl it with `auditor crawl`
(a real subprocess), audit it as of the truth's date, and compare with the truth. Prints per site:
top-1 mapping accuracy, evidence precision, status accuracy, gap recall, false gaps.
Goal on every site: top-1 ≥ 0.95, status ≥ 0.95, gap recall 1.0, at most one false gap.

    python bench/accuracy.py [-v]        # -v lists every disagreement
Exit code 1 when a site misses the goal.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/incremental.py would shadow the "incremental" package Twisted imports

from auditor.audit import run_audit  # noqa: E402
from auditor.checklist import load_checklist  # noqa: E402
from auditor.config import load_config  # noqa: E402
from auditor.demo import demo_config  # noqa: E402
from auditor.demo.server import DemoHTTPServer  # noqa: E402
from auditor.demo.site import load_college  # noqa: E402
from auditor.findings import GAPS, AuditResult  # noqa: E402
from auditor.store import Store  # noqa: E402

SITES = Path(__file__).parent / "sites"


@dataclass
class Score:
    site: str
    top1: float
    precision: float
    status: float
    gap_recall: float
    false_gaps: int
    notes: list[str] = field(default_factory=list)

    @property
    def meets_goal(self) -> bool:
        return self.top1 >= 0.95 and self.status >= 0.95 and self.gap_recall == 1.0 and self.false_gaps <= 1


def crawl_and_audit(truth_path: Path, workdir: Path) -> tuple[AuditResult, DemoHTTPServer]:
    truth = yaml.safe_load(truth_path.read_text("utf-8"))
    data = load_college((truth_path.parent / truth["site"]).resolve())
    server = DemoHTTPServer(0, data).start()
    config = demo_config(server, workdir)
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "crawl", "--config", str(config)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        server.stop()
        raise SystemExit(f"crawl of {truth_path.name} failed:\n{proc.stdout}\n{proc.stderr}")
    cfg = load_config(config)
    with Store(cfg.store) as store:
        result = run_audit(store, cfg, load_checklist(extra=cfg.checklist_extra), date.fromisoformat(str(truth["as_of"])))
    return result, server


def score(name: str, result: AuditResult, truth: dict, server: DemoHTTPServer) -> Score:
    items = {it.id: it for it in result.items}
    top_hits = top_total = ev_good = ev_total = status_ok = gaps_found = gaps_total = false_gaps = 0
    notes = []
    for item_id, want in truth["items"].items():
        got = items[item_id]
        acceptable = set().union(*(server.site.resolve_ref(r) for r in want.get("evidence", []))) if want.get("evidence") else set()
        if want["status"] == got.status:
            status_ok += 1
        else:
            notes.append(f"{item_id}: status {got.status}, expected {want['status']}")
        if want["status"] in GAPS:
            gaps_total += 1
            gaps_found += got.status in GAPS
        elif got.status in GAPS:
            false_gaps += 1
        if acceptable and want["status"] not in ("not_applicable", "exempt"):
            top_total += 1
            if got.evidence and got.evidence[0].url in acceptable:
                top_hits += 1
            else:
                notes.append(f"{item_id}: top evidence {got.evidence[0].url if got.evidence else 'none'} not acceptable")
            for e in got.evidence:
                ev_total += 1
                ev_good += e.url in acceptable
                if e.url not in acceptable:
                    notes.append(f"{item_id}: extra evidence {e.url} ({e.explain()})")
    return Score(name, top_hits / max(1, top_total), ev_good / max(1, ev_total), status_ok / len(truth["items"]),
                 gaps_found / max(1, gaps_total), false_gaps, notes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    scores = []
    for truth_path in sorted(SITES.glob("*.truth.yaml")):
        truth = yaml.safe_load(truth_path.read_text("utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            result, server = crawl_and_audit(truth_path, Path(tmp))
            try:
                scores.append(score(truth_path.name.split(".")[0], result, truth, server))
            finally:
                server.stop()
    print(f"{'site':<12} {'top-1':>6} {'evid.prec':>9} {'status':>7} {'gap recall':>10} {'false gaps':>10}  goal")
    for s in scores:
        print(f"{s.site:<12} {s.top1:>6.3f} {s.precision:>9.3f} {s.status:>7.3f} {s.gap_recall:>10.3f} {s.false_gaps:>10d}  "
              f"{'met' if s.meets_goal else 'MISSED'}")
        if args.verbose:
            for n in s.notes:
                print(f"    {n}")
    return 0 if all(s.meets_goal for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
