"""The year-long store builder (bench/yearstore.py) writes nights as the crawl records them: one run a night,
every page of the site in each, an edited page stored with its new body, an unchanged one as a 304 copy of
the previous night's record, and retention dropping what keep_runs no longer keeps."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from auditor.store import Store

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def yearstore():
    spec = importlib.util.spec_from_file_location("bench_yearstore", ROOT / "bench" / "yearstore.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_nights_store_edited_pages_anew_and_unchanged_ones_as_304_copies(yearstore, tmp_path):
    seen = []
    year = yearstore.build_year(
        tmp_path / "auditor.sqlite", pages=120, nights=4, change=0.05, revisit_days=1, keep_runs=3,
        audit=False, on_night=seen.append,
    )  # fmt: skip
    assert year.pages == 120 and year.files > 0
    assert [r.night for r in seen] == [1, 2, 3, 4] and seen == year.nights
    first, *later = year.nights
    assert len(first.fetched) == 120 and first.not_modified == 0 and not first.edited
    assert all(len(r.edited) == 6 for r in later)
    with Store(year.store) as store:
        runs = store.runs()
        assert [r.id for r in runs] == [r.run_id for r in year.nights]
        assert all(r.status == "complete" for r in runs)
        # retention as the nightly runs it: keep_runs 3 drops the first run's crawled records on night 4
        assert year.nights[3].pruned.runs == [runs[0].id] and store.count("pages", runs[0].id) == 0
        for night, previous in zip(year.nights[2:], year.nights[1:3], strict=True):
            run = night.run_id
            assert store.count("pages", run) == 120
            assert store.count("attachments", run) == year.files
            before = {p["url"]: p for p in store.pages(previous.run_id)}
            now = {p["url"]: p for p in store.pages(run)}
            assert set(now) == set(before)
            assert set(night.fetched) >= set(night.edited)  # every page asked (revisit_days 1)
            for url in night.edited:  # a new body, parsed tonight
                page = now[url]
                assert page["unchanged_since"] is None and page["requested_run"] == run
                assert page["body_sha256"] != before[url]["body_sha256"]
                assert page["etag"] != before[url]["etag"]
                body, _ = store.body(page["body_sha256"])
                mark = f"第{night.night}晚"
                assert mark.encode() in body or mark.encode("gbk") in body
            copies = [u for u in now if u not in night.fetched]
            assert len(copies) == night.not_modified > 100
            for url in copies:  # 304: last night's record, copied
                page = now[url]
                assert page["unchanged_since"] == previous.run_id and page["requested_run"] == run
                assert page["body_sha256"] == before[url]["body_sha256"]
                assert page["text_hash"] == before[url]["text_hash"]


def test_the_rotation_keeps_pages_unasked_as_the_spider_does(yearstore, tmp_path):
    year = yearstore.build_year(tmp_path / "auditor.sqlite", pages=120, nights=2, audit=False)
    night = year.nights[1]
    with Store(year.store) as store:
        assert store.count("pages", night.run_id) == 120
        pages = store.pages(night.run_id)
        kept = [p for p in pages if p["requested_run"] == year.nights[0].run_id]
    # revisit_days 7 (the default): most pages are not asked the second night, the list pages always are
    assert night.kept > 0 and len(kept) + night.not_modified + len(night.fetched) == 120
    assert not any(p["listing"] for p in kept)
