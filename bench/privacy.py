"""What looking for personal data costs the crawl (issue 26): every HTML page of the demo college (and, with
--news N, that many more news pages; --weight-kb pads them as bench/crawl.py does) extracted as the spider does,
timed whole, and the privacy scan timed alone on the same pages already parsed, in the same process; CPU
seconds per 1,000 pages and the scan's share. Goal: the text scan ≤ 5 % of the page's extraction (the crawl's
own CPU is larger still, so its share of the crawl is smaller).

    python bench/privacy.py [--rounds 5] [--news 2000] [--weight-kb 0] [--ocr 6]

With --ocr N it also reads N scanned 公示 (a 30-row list each, A4 at 144 dpi: alternately a scanned PDF and a
JPG) through the OCR reader as a night does, and prints the seconds per scanned page: the first (which loads the
models) apart from the rest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/incremental.py would shadow Twisted's "incremental"

from auditor.demo.site import build_site, load_college  # noqa: E402
from auditor.extract import decode_html  # noqa: E402
from auditor.extract import html as extractor  # noqa: E402


def pages(news: int, weight_kb: int) -> list[tuple[str, str]]:
    data = load_college()
    if news:
        data["news"]["count"] = news  # as bench/yearstore.py grows the demo
    site = build_site(80, data)
    pad = "<!-- " + "导航 " * (weight_kb * 100) + " -->" if weight_kb else ""
    out = []
    for (host, path), res in site.resources.items():
        if res.kind == "page" and any("html" in v for k, v in res.headers if k == "Content-Type"):
            text, _ = decode_html(res.body, dict(res.headers).get("Content-Type"))
            out.append((f"http://{host}{path}", text.replace("</body>", pad + "</body>")))
    return out


def cpu(batch: list[tuple[str, str]]) -> float:
    started = time.process_time()
    for url, text in batch:
        extractor.extract_page(url, text)
    return time.process_time() - started


def scan_cpu(parsed: list[tuple[object, str]]) -> float:
    """The scan alone, on pages already parsed as the extraction parses them (its own cost, without the noise
    of timing two whole extractions against each other on a shared machine)."""
    started = time.process_time()
    for root, raw in parsed:
        extractor._personal(root, raw)
    return time.process_time() - started


def ocr_seconds(n: int) -> tuple[float, list[float], int]:
    """(the first scan's seconds, each later one's, values found): N scans read by OCR in a fresh reader."""
    import random

    from auditor.demo import documents
    from auditor.evidence.reader import Reader

    rng = random.Random(26)
    lines = ["序号\t姓名\t学院\t专业班级\t身份证号\t联系电话"]
    for k in range(1, 31):
        lines.append(
            f"{k}\t学生{k:02d}\t信息学院\t软件2{k % 4}01\t320106199003070418\t139{rng.randrange(10**8):08d}"
        )
    scans = [
        documents.scanned_pdf(lines) if k % 2 == 0 else documents.picture(lines, "JPEG") for k in range(n)
    ]
    took, found = [], 0
    with Reader() as reader:
        for k, body in enumerate(scans):
            started = time.monotonic()
            got = reader.read(body, "", "名单.pdf" if k % 2 == 0 else "名单.jpg", ocr=True)
            took.append(time.monotonic() - started)
            found += sum(p["count"] for p in got.get("privacy") or [])
    return took[0], took[1:], found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--news", type=int, default=0)
    ap.add_argument("--weight-kb", type=int, default=0)
    ap.add_argument("--ocr", type=int, default=0, help="also time OCR on this many scanned 公示 pages")
    args = ap.parse_args()
    batch = pages(args.news, args.weight_kb)
    parsed = []
    for _, text in batch:
        root = extractor.tree.parse(text)
        parsed.append((root, extractor.squash(extractor.tree.text(root, " "))))
    whole, scan = [], []
    for _ in range(args.rounds):
        whole.append(cpu(batch))
        scan.append(scan_cpu(parsed))
    on, alone = statistics.median(whole), statistics.median(scan)
    per = 1000 / len(batch)
    share = alone / on if on else 0.0
    found = sum(bool(extractor._personal(root, raw)) for root, raw in parsed)
    print(
        f"{len(batch)} HTML pages ({found} with personal data), {args.rounds} rounds, CPU seconds (median):"
    )
    print(f"  extraction, privacy scan included    {on:7.3f} s  ({on * per:6.2f} s per 1,000 pages)")
    print(f"  the privacy scan alone               {alone:7.3f} s  ({alone * per:6.2f} s per 1,000 pages)")
    print(
        f"  the scan's share of extraction       {share:7.1%}  — goal ≤ 5 %: {'met' if share <= 0.05 else 'MISSED'}"
    )
    if args.ocr:
        first, rest, found = ocr_seconds(args.ocr)
        print(f"OCR of {args.ocr} scanned 公示 pages (30 rows each; {found} values found), wall seconds:")
        print(f"  the first (models loaded)            {first:7.2f} s")
        if rest:
            print(
                f"  each later page (median)             {statistics.median(rest):7.2f} s  (max {max(rest):.2f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
