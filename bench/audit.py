"""Audit speed and memory on large stores (issue 6).

Builds synthetic stores (the demo college's real disclosure pages, plus news stories with realistic titles,
decoys, list pages with entries, anchors and a 信息公开目录), then audits each against the full checklist in a
fresh process, printing: time to load signals from SQLite, match + rules time, and peak RSS. Goal: match +
rules ≤ 10 s at 100,000 pages, linear growth from 10k to 100k, peak RSS ≤ 500 MB.

    python bench/audit.py [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# not bench/: bench/incremental.py would shadow the "incremental" package Twisted imports
sys.path[0] = str(ROOT)

from auditor.demo.site import NEWS_WORDS, load_college  # noqa: E402
from auditor.store import Store  # noqa: E402

CONFIG = """school: 湘岳职业技术学院
start_urls: [http://www.xyvtc.test/]
allowed_domains: [xyvtc.test]
profile: {type: vocational, graduate_programs: false, province: 湖南, double_first_class: true}
exemptions: {moe-17: 学校无校办企业}
store: auditor.sqlite
"""
NAV = ["学校概况", "新闻中心", "通知公告", "信息公开", "招生就业", "教学科研", "校园文化"]


def page(
    url: str,
    title: str,
    crumbs: list[str],
    when: str | None,
    links: list[dict],
    entries: list[dict] | None = None,
    directory: list[dict] | None = None,
) -> dict:
    return {
        "kind": "page",
        "url": url,
        "final_url": url,
        "status": 200,
        "title": title,
        "html_title": title,
        "breadcrumb": crumbs,
        "published": when,
        "excerpt": title * 3,
        "text_hash": str(hash(url)),
        "links": links,
        "entries": entries or [],
        "directory": directory or [],
        "content_type": "text/html",
        "etag": '"x"',
    }


def list_page(url: str, title: str, crumbs: list[str], entries: list[dict], nav: list[dict]) -> dict:
    """A column page: the site's navigation, then a link to each of its entries."""
    links = [
        {"url": e["url"], "text": e["title"], "context": "body", "is_attachment": False} for e in entries
    ]
    return page(url, title, crumbs, None, nav + links, entries)


def build(path: Path, size: int) -> None:
    rng = random.Random(size)
    data = load_college()
    items: list[dict] = []
    nav = [
        {"url": f"http://www.xyvtc.test/nav/{i}.htm", "text": t, "context": "body", "is_attachment": False}
        for i, t in enumerate(NAV)
    ]
    n = 0
    for col in data["columns"]:  # the real disclosure columns and articles
        host, slug = col["host"], col["slug"]
        list_url = f"http://{host}.xyvtc.test/{slug}.htm"
        arts = col.get("articles") or []
        entries = []
        for a in arts:
            n += 1
            url = f"http://{host}.xyvtc.test/info/{col['id']}/{n}.htm"
            when = a["date"].isoformat() if a.get("date") else None
            entries.append({"title": a["title"], "url": url, "date": when})
            items.append(page(url, a["title"], [col["category"], col["name"]], when, nav))
        items.append(list_page(list_url, col["name"], [col["category"], col["name"]], entries, nav))
    rows = [
        {
            "label": label,
            "category": cat,
            "department": dept,
            "number": str(i),
            "links": [
                {"url": f"http://{t.split(':')[0]}.xyvtc.test/{t.split(':')[1]}.htm", "text": label}
                for t in targets
                if t and ":" in t and not t.startswith("http")
            ],
        }
        for i, (cat, label, dept, *targets) in enumerate(data["directory"]["rows"])
    ]
    items.append(
        page("http://xxgk.xyvtc.test/xxgkml.htm", "信息公开目录", ["信息公开目录"], None, nav, directory=rows)
    )
    decoys = data["news"]["decoys"]
    start = date(2016, 1, 1)
    news_total = size - len(items)
    per_list = 20
    for block in range(0, news_total, per_list + 1):
        list_url = f"http://www.xyvtc.test/xwzx/xxyw/{block // per_list}.htm"
        entries = []
        for j in range(min(per_list, news_total - block - 1)):
            i = block + j
            when = (start + timedelta(days=i * 3650 // max(1, news_total))).isoformat()
            if i % 97 == 5:
                title = decoys[i % len(decoys)]
            else:
                a, b = rng.sample(NEWS_WORDS, 2)
                title = f"我校{a}{b}工作取得新成效（{i}）"
            url = f"http://www.xyvtc.test/info/1016/{i}.htm"
            entries.append({"title": title, "url": url, "date": when})
            items.append(page(url, title, ["学校新闻"], when, nav))
        items.append(list_page(list_url, "学校新闻", ["新闻中心", "学校新闻"], entries, nav))
    with Store(path) as store:
        run_id = store.start_run("湘岳职业技术学院", "bench", "bench", "bench", ["http://www.xyvtc.test/"])
        for k in range(0, len(items), 2000):
            store.write_batch(run_id, items[k : k + 2000])
        store.finish_run(
            run_id, "complete", "finished", {"counts": {"pages": len(items), "attachments": 0}, "errors": {}}
        )


def measure(tmp: Path) -> dict:
    """In this (fresh) process, one `run_audit` pass; its stages are timed by wrapping them."""
    import auditor.audit as audit
    from auditor.checklist import load_checklist
    from auditor.config import load_config

    timings: dict[str, float] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kw):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    match_mod = __import__("auditor.match", fromlist=["load_signals"])
    # the chunked scan (the pages model's own reads count as rules)
    match_mod.load_signals = timed("load", match_mod.load_signals)
    audit.Matcher.match = timed("match", audit.Matcher.match)
    cfg = load_config(tmp / "site.yaml")
    checklist = load_checklist()
    with Store(cfg.store) as store:
        started = time.perf_counter()
        result = audit.run_audit(store, cfg, checklist, date(2022, 11, 15))
        total = time.perf_counter() - started
    return {
        "pages": result.run["pages"],
        "load": timings["load"],
        "match": timings["match"],
        "rules": total - timings["load"] - timings["match"],
        "match_rules": total - timings["load"],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "gaps": len(result.gaps()),
    }


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "site.yaml").write_text(CONFIG, encoding="utf-8")
            build(Path(tmp) / "auditor.sqlite", size)
            proc = subprocess.run(
                [sys.executable, __file__, "--measure", tmp], capture_output=True, text=True, cwd=ROOT
            )
            if proc.returncode != 0:
                raise SystemExit(proc.stderr)
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(
        f"{'pages':>8} {'load s':>7} {'match s':>8} {'rest s':>8} {'match+rules s':>14} {'peak RSS MB':>12} {'gaps':>5}"
    )
    for r in results:
        print(
            f"{r['pages']:>8} {r['load']:>7.2f} {r['match']:>8.2f} {r['rules']:>8.2f} {r['match_rules']:>14.2f} "
            f"{r['rss_mb']:>12.0f} {r['gaps']:>5}"
        )
    big, small = results[-1], results[0]
    ok = big["match_rules"] <= 10 and big["rss_mb"] <= 500
    if len(results) > 1:
        scale = big["pages"] / small["pages"]
        growth = big["match_rules"] / max(small["match_rules"], 1e-9)
        print(
            f"growth {small['pages']}→{big['pages']} pages (×{scale:.1f}): match+rules ×{growth:.1f}, "
            f"RSS +{(big['rss_mb'] - small['rss_mb']) / ((big['pages'] - small['pages']) / 10_000):.0f} MB per 10k pages"
        )
        ok = ok and growth <= scale * 1.3
    print(f"goal (≤ 10 s and ≤ 500 MB at the largest size, linear growth): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
