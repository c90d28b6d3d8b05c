"""How the store grows over a year of nights (issue 24).

Builds a year with bench/yearstore.py (the demo college with `--pages` HTML pages, `--change` of them edited
each night, crawled, documents-passed, audited with its evidence archive and pruned as the nightly does,
with site.yaml's defaults: revisit_days 7, keep_runs 30) and prints:

- the store's size on disk (the SQLite file and its WAL; the WARC archive beside it apart) at nights 1, 30,
  90, 180 and the last, with the rows of each kind it holds, and where the bytes are (SQLite's dbstat);
- the time of one audit as the nightly records it (`audit.audit_and_record`, evidence archive included,
  screenshots left out as in the build) on a copy of the store as it stood after night 1 and after the last
  night, each timed `--repeat` times alternately (so a noisy machine weighs on both alike), median, and the
  ratio last / night 1 — with the two parts that can grow apart: the decision (`run_audit`) and history
  (`history.attach`, which reads every stored audit);
- what retention dropped over the year, as `Store.prune` says it (the runs), what the store still keeps, and
  the archive records it kept of dropped runs (and how many of those a kept run's revisits point into).

`--weight-kb 43` pads every page as bench/crawl.py does for "realistic" pages (a hundred-link menu, 友情链接,
styles and scripts); the default keeps the demo's light pages (about 7 links a page).

Goals (issue 24): the store under 1 GB at night 365; the audit at night 365 no slower than 1.5 × night 1.
A goal missed is printed as MISSED; the exit code is 0 either way (a measurement, not a test).

    python bench/store_growth.py [--nights 365] [--pages 5000] [--change 0.02] [--repeat 5] [--weight-kb 0]
                                 [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# not bench/: bench/incremental.py would shadow the "incremental" package Twisted imports
sys.path[0] = str(ROOT)

from bench.yearstore import NightRecord, build_year, no_screenshots, wal_bytes  # noqa: E402

CHECKPOINTS = (1, 30, 90, 180, 365)
GOAL_BYTES = 1_000_000_000  # 1 GB
GOAL_RATIO = 1.5
MB = 1_000_000
TABLES = ("pages", "links", "entries", "directory", "redirects", "attachments", "bodies", "documents", "archive",
          "audits", "audit_items")  # fmt: skip


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def rows(store: Path) -> dict[str, int]:
    """Rows of each table (read-only, beside the Store: a measurement, not a write)."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def space(store: Path) -> list[tuple[str, int, int]]:
    """(table or index, bytes in the file, of which unused) from SQLite's dbstat, largest first; free pages last."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        got = db.execute(
            "SELECT name, sum(pgsize), sum(unused) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
        free = (
            db.execute("PRAGMA freelist_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
        )
    return [*got, ("(free pages)", free, free)]


def archive_left(store: Path, oldest_kept: int) -> tuple[int, int, int]:
    """Archive records retention left of runs whose crawl it dropped: (records, runs, of those runs the
    WARCs a kept run's revisit records still point into)."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        records, runs = db.execute(
            "SELECT count(*), count(DISTINCT run_id) FROM archive WHERE run_id < ?", (oldest_kept,)
        ).fetchone()
        needed = db.execute(
            "SELECT count(DISTINCT warc) FROM archive WHERE run_id < ?1 AND warc IN"
            " (SELECT refers_to FROM archive WHERE run_id >= ?1 AND refers_to IS NOT NULL)",
            (oldest_kept,),
        ).fetchone()[0]
    return records, runs, needed


def snapshot(store: Path, into: Path) -> Path:
    """A copy of the closed store, its site.yaml and its archive (what an audit of it reads and writes)."""
    into.mkdir(parents=True)
    shutil.copy2(store, into / store.name)
    shutil.copy2(store.parent / "site.yaml", into / "site.yaml")
    if (store.parent / "archive").exists():
        shutil.copytree(store.parent / "archive", into / "archive")
    return into / "site.yaml"


@contextmanager
def timing(parts: dict[str, float]) -> Iterator[None]:
    """Time the audit's decision and its history read where audit_and_record calls them."""
    import auditor.audit as audit
    import auditor.history as history

    found = audit.run_audit, history.attach

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                parts[name] = parts.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    audit.run_audit, history.attach = timed("decide", found[0]), timed("history", found[1])
    try:
        yield
    finally:
        audit.run_audit, history.attach = found


def audit_once(config: Path, as_of: date, work: Path) -> dict[str, float]:
    """One audit as the nightly records it, on a fresh copy of a snapshot: (total, decide, history) seconds."""
    from auditor.audit import audit_and_record
    from auditor.checklist import check_exemptions, for_site
    from auditor.config import load_config
    from auditor.store import Store

    if work.exists():
        shutil.rmtree(work)
    cfg = load_config(snapshot(config.parent / "auditor.sqlite", work))
    checklist = for_site(cfg)
    check_exemptions(checklist, cfg.exemptions, cfg.path, cfg.exemption_lines)
    parts: dict[str, float] = {}
    with no_screenshots(True), timing(parts), Store(cfg.store) as store:
        started = time.perf_counter()
        audit_and_record(store, cfg, checklist, as_of)
        parts["total"] = time.perf_counter() - started
    shutil.rmtree(work)
    return parts


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--change", type=float, default=0.02, help="share of pages edited each night")
    parser.add_argument("--repeat", type=int, default=5, help="audits timed on each snapshot")
    parser.add_argument("--weight-kb", type=int, default=0, help="pad pages to this weight (0: the demo's)")
    parser.add_argument("--keep", type=Path, help="build the year here and keep it (a new folder)")
    args = parser.parse_args()

    from auditor.config import load_config
    from auditor.store import Store

    tmp = Path(tempfile.mkdtemp(prefix="store-growth-"))
    work = args.keep or tmp / "year"
    store = work / "auditor.sqlite"
    last = args.nights
    checks = sorted({n for n in CHECKPOINTS if n <= last} | {last})
    measured: list[dict[str, Any]] = []
    snaps: dict[int, tuple[Path, date]] = {}
    pruned: list[int] = []
    dropped: dict[str, int] = {}
    files_dropped: list[str] = []
    started, cpu = time.perf_counter(), time.process_time()

    def on_night(r: NightRecord) -> None:
        pruned.extend(r.pruned.runs)
        files_dropped.extend(r.pruned.files)
        for table, n in r.pruned.rows.items():
            dropped[table] = dropped.get(table, 0) + n
        if r.night in checks:
            size = store.stat().st_size + wal_bytes(store)
            measured.append(
                {"night": r.night, "size": size, "wal": wal_bytes(store), "archive": folder_bytes(work / "archive"),
                 "rows": rows(store)}
            )  # fmt: skip
            print(
                f"night {r.night:>3}: {size / MB:8.1f} MB, built in {time.perf_counter() - started:6.0f} s",
                flush=True,
            )
        if r.night in (1, last):
            snaps[r.night] = (snapshot(store, tmp / f"night-{r.night}"), r.as_of)

    weight = f"padded to {args.weight_kb} KB" if args.weight_kb else "as the demo renders them"
    print(
        f"building {last} nights of a {args.pages}-page college ({args.change:.0%} edited a night, pages {weight})",
        flush=True,
    )
    year = build_year(
        store, pages=args.pages, nights=last, change=args.change, weight_kb=args.weight_kb, on_night=on_night
    )
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu

    # --- the audit, night 1 against the last night, alternately ---------------------------------------------
    times: dict[int, list[dict[str, float]]] = {n: [] for n in dict.fromkeys((1, last))}
    for _ in range(args.repeat):
        for n in times:
            config, as_of = snaps[n]
            times[n].append(audit_once(config, as_of, tmp / "audit"))

    def median(n: int, part: str) -> float:
        return statistics.median(t[part] for t in times[n])

    # --- report ---------------------------------------------------------------------------------------------
    print(
        f"\nsite: {year.pages} HTML pages, {year.files} files, {round(args.change * year.pages)} pages edited a "
        f"night; build: {build_s:.0f} s ({build_s / last:.2f} s a night; CPU {build_cpu:.0f} s)"
    )
    kinds = ("pages", "links", "entries", "attachments", "bodies", "archive", "audits", "audit_items")
    print(
        f"{'night':>5} {'store MB':>9} {'× night 1':>9} {'archive MB':>10} "
        + " ".join(f"{k:>11}" for k in kinds)
    )
    for m in measured:
        print(
            f"{m['night']:>5} {m['size'] / MB:>9.1f} {m['size'] / measured[0]['size']:>9.2f} "
            f"{m['archive'] / MB:>10.1f} " + " ".join(f"{m['rows'][k]:>11,}" for k in kinds)
        )
    print(
        f"(store: the SQLite file and its WAL once the night's process closed it; the WAL at a night's end, before "
        f"it closed: up to {max(r.wal_bytes for r in year.nights) / MB:.1f} MB. archive: the WARC files beside it)"
    )
    print(f"\nwhere the bytes are at night {last} (dbstat, MB; unused: room inside the table's own pages):")
    for name, size, unused in space(store)[:14]:
        print(f"  {name:<26} {size / MB:>8.1f}  unused {unused / MB:>6.1f}")

    keep_runs = load_config(year.config).keep_runs
    with Store(store) as s:
        oldest, newest, runs_kept = s.stored_runs()
    end = measured[-1]["rows"]
    span = f" (runs {min(pruned)}–{max(pruned)})" if pruned else ""
    print(
        f"\nretention (keep_runs {keep_runs}): Store.prune said it dropped the crawled records of {len(pruned)} runs{span}"
        f" — rows: {', '.join(f'{t} {n:,}' for t, n in dropped.items()) or 'none'}; WARC files: {len(files_dropped)}"
    )
    print(
        f"  kept: the crawled records of {runs_kept} runs ({oldest}–{newest}), all {end['audits']} audits and their "
        f"{end['audit_items']:,} item results, {end['bodies']:,} payloads, {end['archive']:,} archive records, "
        f"{len(list((work / 'archive').glob('*.warc.gz')))} WARC files"
    )
    if oldest:
        records, runs, needed = archive_left(store, oldest)
        print(
            f"  archive records of dropped runs still kept: {records:,} of {runs} runs, whose WARCs a kept run's "
            f"revisit records need: {needed}"
        )

    print(f"\naudit as the nightly records it (audit_and_record), median of {args.repeat}, seconds:")
    print(f"{'night':>5} {'total':>7} {'decide':>7} {'history':>8}")
    for n in times:
        print(f"{n:>5} {median(n, 'total'):>7.2f} {median(n, 'decide'):>7.2f} {median(n, 'history'):>8.2f}")
    ratio = median(last, "total") / median(1, "total")
    size = measured[-1]["size"]
    print(
        f"\nstore at night {last}: {size / MB:.0f} MB — goal < {GOAL_BYTES / MB:.0f} MB: {verdict(size < GOAL_BYTES)}"
    )
    print(
        f"audit at night {last} / night 1: {ratio:.2f}× — goal ≤ {GOAL_RATIO}×: {verdict(ratio <= GOAL_RATIO)}"
    )
    if args.keep:
        print(f"the year is kept in {work}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
