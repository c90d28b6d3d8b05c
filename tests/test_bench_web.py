"""The workspace's benchmark (bench/web.py) runs at a CI size: a year's store built by bench/yearstore.py, two
users signed in through /login, every page timed and its SQL explained — so the bench code cannot rot."""

from __future__ import annotations

import pytest

from tests.conftest import run_bench

# a store built night by night with whole audits, then the app driven, all in a child process: the integration
# tier's kind of test (about 10 s), not the unit tier's
pytestmark = pytest.mark.integration


def test_every_page_timed_and_its_sql_explained_on_a_small_year(tmp_path):
    store = tmp_path / "year"
    proc = run_bench("web.py", "--pages", "300", "--nights", "3", "--repeat", "3", "--store-dir", str(store))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "300 pages, 3 nights" in out and "(built)" in out
    for page in (
        "/gaps?status=all&q=决算",
        "/log",
        "/gaps.xlsx",
        "/reviews.yaml",
        "/static/app.css (baseline)",
    ):
        assert page in out
    assert out.count("/items/") >= 6  # five of the office's, the department's own
    assert "department" in out and "POST /login (office)" in out
    assert "EXPLAIN QUERY PLAN" in out and "SCAN audit_items" not in out
    assert "every page: p95 < 200 ms — met" in out
    assert (store / "built.json").exists()
    again = run_bench("web.py", "--pages", "300", "--nights", "3", "--repeat", "1", "--store-dir", str(store))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "(reused)" in again.stdout  # the year is built once, its users added once
