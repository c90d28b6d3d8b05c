"""Labelled evaluation of mapping and rules on the fixture colleges (issue 3).

For each bench/sites/*.truth.yaml: serve that college on 127.0.0.1, crawl it with `auditor crawl`
(a real subprocess), audit it as of the truth's date, and compare with the truth. Prints per site and
in total (pooled over every labelled item): top-1 mapping accuracy, evidence precision, status accuracy,
gaps found (planted gaps reported with a gap status), false gaps. A site whose truth file says
`blind: true` had its truth written and committed before the matcher was ever run on it.
Goal on every site: top-1 ≥ 0.95, status ≥ 0.95, every planted gap found, at most one false gap.

    python bench/accuracy.py [-v] [--site NAME ...]   # -v lists every disagreement
Exit code 1 when a site misses the goal.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# not bench/: bench/incremental.py would shadow the "incremental" package Twisted imports
sys.path[0] = str(ROOT)

from auditor.audit import run_audit  # noqa: E402
from auditor.checklist import for_site  # noqa: E402
from auditor.config import load_config  # noqa: E402
from auditor.demo import demo_config, local_env  # noqa: E402
from auditor.demo.server import DemoHTTPServer  # noqa: E402
from auditor.demo.site import load_college  # noqa: E402
from auditor.findings import GAPS, AuditResult  # noqa: E402
from auditor.store import Store  # noqa: E402

SITES = Path(__file__).parent / "sites"


@dataclass
class Score:
    """Counts, so that sites can be pooled into a total; the ratios are derived from them."""

    site: str
    blind: bool = False
    top_hits: int = 0
    top_total: int = 0
    ev_good: int = 0
    ev_total: int = 0
    status_ok: int = 0
    items: int = 0
    gaps_found: int = 0
    gaps_total: int = 0
    false_gaps: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return self.top_hits / max(1, self.top_total)

    @property
    def precision(self) -> float:
        return self.ev_good / max(1, self.ev_total)

    @property
    def status(self) -> float:
        return self.status_ok / max(1, self.items)

    @property
    def gap_recall(self) -> float:
        return self.gaps_found / max(1, self.gaps_total)

    @property
    def meets_goal(self) -> bool:
        return self.top1 >= 0.95 and self.status >= 0.95 and self.gap_recall == 1.0 and self.false_gaps <= 1

    def __add__(self, other: Score) -> Score:
        fields = (
            "top_hits",
            "top_total",
            "ev_good",
            "ev_total",
            "status_ok",
            "items",
            "gaps_found",
            "gaps_total",
            "false_gaps",
        )
        return Score("total", False, *(getattr(self, f) + getattr(other, f) for f in fields))


def crawl_and_audit(truth_path: Path, workdir: Path) -> tuple[AuditResult, DemoHTTPServer]:
    truth = yaml.safe_load(truth_path.read_text("utf-8"))
    data = load_college((truth_path.parent / truth["site"]).resolve())
    server = DemoHTTPServer(0, data).start()
    config = demo_config(server, workdir)
    env = local_env()
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        server.stop()
        raise SystemExit(f"crawl of {truth_path.name} failed:\n{proc.stdout}\n{proc.stderr}")
    cfg = load_config(config)
    with Store(cfg.store) as store:
        result = run_audit(store, cfg, for_site(cfg), date.fromisoformat(str(truth["as_of"])))
    return result, server


def score(name: str, result: AuditResult, truth: dict, server: DemoHTTPServer) -> Score:
    items = {it.id: it for it in result.items}
    s = Score(name, bool(truth.get("blind")))
    for item_id, want in truth["items"].items():
        got = items[item_id]
        acceptable = (
            set().union(*(server.site.resolve_ref(r) for r in want.get("evidence", [])))
            if want.get("evidence")
            else set()
        )
        s.items += 1
        if want["status"] == got.status:
            s.status_ok += 1
        else:
            s.notes.append(f"{item_id}: status {got.status}, expected {want['status']}")
        if want["status"] in GAPS:
            s.gaps_total += 1
            s.gaps_found += got.status in GAPS
        elif got.status in GAPS:
            s.false_gaps += 1
            s.notes.append(f"{item_id}: FALSE GAP")
        if acceptable and want["status"] not in ("not_applicable", "exempt"):
            s.top_total += 1
            if got.evidence and got.evidence[0].url in acceptable:
                s.top_hits += 1
            else:
                s.notes.append(
                    f"{item_id}: top evidence {got.evidence[0].url if got.evidence else 'none'} not acceptable"
                )
            for e in got.evidence:
                s.ev_total += 1
                s.ev_good += e.url in acceptable
                if e.url not in acceptable:
                    s.notes.append(f"{item_id}: extra evidence {e.url} ({e.explain()})")
    return s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--site", action="append", default=[], help="only this college (name of its truth file)"
    )
    args = parser.parse_args()
    scores = []
    for truth_path in sorted(SITES.glob("*.truth.yaml")):
        name = truth_path.name.split(".")[0]
        if args.site and name not in args.site:
            continue
        truth = yaml.safe_load(truth_path.read_text("utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            result, server = crawl_and_audit(truth_path, Path(tmp))
            try:
                scores.append(score(name, result, truth, server))
            finally:
                server.stop()
    print(
        f"{'site':<12} {'blind':>5} {'top-1':>6} {'evid.prec':>9} {'status':>7} {'gaps found':>10} {'false gaps':>10}  goal"
    )
    total = sum(scores[1:], scores[0]) if scores else None
    for s in [*scores, *([total] if total and len(scores) > 1 else [])]:
        print(
            f"{s.site:<12} {'yes' if s.blind else '':>5} {s.top1:>6.3f} {s.precision:>9.3f} {s.status:>7.3f} "
            f"{f'{s.gaps_found}/{s.gaps_total}':>10} {s.false_gaps:>10d}  {'met' if s.meets_goal else 'MISSED'}"
        )
        if args.verbose:
            for n in s.notes:
                print(f"    {n}")
    return 0 if all(s.meets_goal for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
