"""What a night costs after the first (issue 13): whole `auditor run`s under the default politeness.

Serves the demo college with N news stories (news is most of a real college's pages; evidence and list
pages a minority) on 127.0.0.1 and runs `auditor run` (crawl, documents, audit, reports, archive) with the
crawl settings a user gets by default — per-host delay, concurrency and AutoThrottle, `revisit_days` 7 —
three nights:
  1. the first night (everything requested);
  2. an unchanged night: the revisit rotation requests list pages, the last audit's evidence and 1/7 of the
     rest; its findings must equal the first night's, and every evidence page and file must be requested;
  3. a night after a change: 2 % of the news stories edited, the 部门预算's XLS (evidence) now answering 404,
     a new edition (the 2021届 就业质量年度报告) published in its column — both must be found that night.
Prints wall times, × the first night, requests sent against the policy's floor (what must be requested +
1/N of the rest) and what each night found. Goal: unchanged night ≤ 0.25 × the first.

    python bench/incremental.py [--pages 600]
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# not bench/: bench/incremental.py would shadow the "incremental" package Twisted imports
sys.path[0] = str(ROOT)

import yaml  # noqa: E402

from auditor.crawl import required  # noqa: E402
from auditor.demo import demo_config, local_env  # noqa: E402
from auditor.demo.server import DemoHTTPServer  # noqa: E402
from auditor.demo.site import build_site, load_college  # noqa: E402
from auditor.store import Store  # noqa: E402

AS_OF = "2022-11-15"
NEW_EDITION = {
    "title": "湘岳职业技术学院2021届毕业生就业质量年度报告",
    "date": "2021-12-28",
    "body": "2021届毕业生共4102人，就业率92.6%。",
    "attachments": [{"name": "2021届毕业生就业质量年度报告.pdf"}],
}
DEAD = "2022年部门预算公开表.xls"


def polite_config(server: DemoHTTPServer, tmp: Path) -> Path:
    """The demo's config with the crawl settings left at their defaults (only the host pinning kept)."""
    path = demo_config(server, tmp)
    data = yaml.safe_load(path.read_text("utf-8"))
    data["crawl"] = {"resolve": data["crawl"]["resolve"], "max_pages": 100_000, "max_depth": 400}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def night(config: Path, out: Path) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditor.cli",
            "run",
            "--config",
            str(config),
            "--as-of",
            AS_OF,
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=local_env(),
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"auditor run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed, json.loads((out / "findings.json").read_text("utf-8"))


def statuses(findings: dict[str, Any]) -> dict[str, str]:
    return {it["id"]: it["status"] for it in findings["items"]}


def plant(server: DemoHTTPServer, data: dict[str, Any], pages: int) -> list[str]:
    """Night 3's changes, served from now on: 2 % of news edited, the dead XLS, the new edition."""
    changed = data["columns"]
    for col in changed:
        if col["id"] == 4102:
            col["articles"].insert(0, NEW_EDITION)
        for a in col.get("articles", []):
            for f in a.get("attachments", []):
                if f["name"] == DEAD:
                    f["status"] = 404
    site, new = server.site, build_site(server.site.port, data)
    now = time.time()
    for key, res in new.resources.items():
        old = site.resources.get(key)
        if old is None or old.body != res.body or old.status != res.status:
            res.modified = now
            site.resources[key] = res
    news = sorted(u for u in site.members["www:news"] if "/info/1016/" in u)
    edited = news[:: max(1, len(news) // max(1, round(pages * 0.02)))][: round(pages * 0.02)]
    for url in edited:
        site.change(url, b"</p></div></div>", "（更正）</p></div></div>".encode(), now)
    return edited


def requests_of(store: Store, run_id: int) -> int:
    """Pages and files the night requested (not kept from an earlier night)."""
    return sum(
        store.db.execute(
            f"SELECT count(*) FROM {t} WHERE run_id=? AND requested_run=?", (run_id, run_id)
        ).fetchone()[0]
        for t in ("pages", "attachments")
    )


def floor(store: Store, run_id: int, must: list[str], days: int) -> int:
    """The policy's floor for a night after `run_id`: what must be asked (start and list pages, evidence)
    and 1/N of everything else it knew."""
    info = store.revisit_info(run_id)
    forced = {u for u, (listing, _, _) in info.items() if listing} | (set(must) & set(info))
    return len(forced) + round((len(info) - len(forced)) / days)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=int, default=600, help="news stories in the demo college (default 600)"
    )
    args = parser.parse_args()
    data = copy.deepcopy(load_college())
    data["news"]["count"] = args.pages
    server = DemoHTTPServer(0, copy.deepcopy(data)).start()
    try:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            config = polite_config(server, tmp)
            store_path = tmp / "auditor.sqlite"
            t1, f1 = night(config, tmp / "n1")
            with Store(store_path) as store:
                must = required(store)
            h1 = len(server.hits)
            t2, f2 = night(config, tmp / "n2")
            asked2 = {h.path for h in server.hits[h1:]}
            unasked = sorted(
                {
                    e["url"]
                    for it in f1["items"]
                    for e in it["evidence"]
                    if e.get("fetched") and e["url"].split(str(server.port), 1)[1] not in asked2
                }
            )
            with Store(store_path) as store:
                runs = [r.id for r in store.runs()]
                sent2, floor2 = requests_of(store, runs[1]), floor(store, runs[0], must, 7)
                must = required(store)
            edited = plant(server, data, args.pages)
            t3, f3 = night(config, tmp / "n3")
            with Store(store_path) as store:
                runs = [r.id for r in store.runs()]
                sent3, floor3 = requests_of(store, runs[2]), floor(store, runs[1], must, 7)
                reparsed = {
                    row[0]
                    for row in store.db.execute(
                        "SELECT url FROM pages WHERE run_id=? AND requested_run=? AND unchanged_since IS NULL",
                        (runs[2], runs[2]),
                    )
                }
    finally:
        server.stop()
    budget = next(
        (it for it in f3["items"] if any(DEAD in json.dumps(f, ensure_ascii=False) for f in it["findings"])),
        None,
    )
    edition = next(
        (
            it
            for it in f3["items"]
            if any(NEW_EDITION["title"] in (e.get("title") or "") for e in it["evidence"])
        ),
        None,
    )
    ratio = t2 / t1
    print(f"site: the demo college with {args.pages} news stories, default politeness, revisit_days 7")
    print(f"{'night':<34} {'wall s':>8} {'× first':>8} {'requests':>9} {'floor':>6}")
    print(f"{'1 first':<34} {t1:>8.1f} {1:>8.2f} {'':>9} {'':>6}")
    print(f"{'2 unchanged':<34} {t2:>8.1f} {ratio:>8.2f} {sent2:>9} {floor2:>6}")
    print(f"{'3 2 % edited, dead XLS, new edition':<34} {t3:>8.1f} {t3 / t1:>8.2f} {sent3:>9} {floor3:>6}")
    same = statuses(f1) == statuses(f2)
    print(f"night 2: statuses identical to night 1: {same}; evidence not requested: {len(unasked)}")
    found_dead = budget is not None
    print(f"night 3: dead evidence XLS found: {found_dead} ({budget['id'] if budget else '-'})")
    print(
        f"night 3: new edition found: {edition is not None} ({edition['id'] + ' ' + edition['status'] if edition else '-'}); "
        f"edited stories re-parsed: {len(set(edited) & reparsed)}/{len(edited)} (the rest wait their turn)"
    )
    ok = ratio <= 0.25 and same and not unasked and found_dead and edition is not None
    print(
        f"goal (unchanged night ≤ 0.25 × first, same findings, evidence re-checked, both plants found): {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
