"""The workspace's rules over HTTP (auditor serve, in-process): sign-in, sessions, CSRF, the throttle, who sees
and does what, the headers, escaping — on a store written as the nightly job writes it (one audit of hand-made
findings whose titles are hostile)."""

from __future__ import annotations

import io
import re
import socket
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from threading import Thread

import pytest
import yaml
from openpyxl import load_workbook
from starlette.routing import Route
from starlette.testclient import TestClient

from auditor.cli import build_parser
from auditor.cli import main as auditor
from auditor.config import load_config
from auditor.findings import AuditResult, Evidence, Finding, ItemResult
from auditor.reviews import sync
from auditor.store import Store
from auditor.web import guard, recheck
from auditor.web.app import create_app
from auditor.web.passwords import hash_password, verify

HOSTILE = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'  # and test_reports.EVIL, in the browser
PASSWORDS = {"office": "office-secret-1", "caiwu": "caiwu-secret-1", "zhaosheng": "zhaosheng-secret-1",
             "dangban": "dangban-secret-1"}  # fmt: skip


def _item(item_id: str, owner: str, status: str, title: str = "") -> ItemResult:
    it = ItemResult(
        item_id, title or f"{item_id} 事项", title or f"{item_id}", "财务、资产及收费信息", owner, "checklist", status,
        int(item_id[4:]), basis="《高等学校信息公开办法》",
    )  # fmt: skip
    it.evidence = [
        Evidence(f"http://www.example.edu.cn/{item_id}.html", title or item_id, 90.0, "title", title, item_id)
    ]
    if status != "ok":
        it.findings = [Finding("presence", status, "high", "presence.missing", {}, "教办函〔2014〕23号")]
    return it


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A school's config and store: one complete audit with 财务处's two items (one with a hostile title) and
    招生就业处's one, and three users."""
    folder = tmp_path_factory.mktemp("web")
    config = _config(folder, "示例职业技术学院")
    result = AuditResult("示例职业技术学院", "2022-11-15", "complete", "", {"id": 1}, ["moe"], "fp", "t")
    result.items = [
        _item("moe-20", "财务处", "missing", HOSTILE),
        _item("moe-21", "财务处", "ok"),
        _item("moe-34", "招生就业处", "missing"),
    ]
    result.items[2].screenshot = {"url": "http://www.example.edu.cn/moe-34.html", "file": "shots/moe34.png",
                                  "captured": "2022-11-15T02:00:00Z", "sha256": "ab" * 32}  # fmt: skip
    result.items[2].evidence[0].archive = {"warc": "run-1.warc.gz", "offset": 0, "record": "response", "sha256": "ab" * 32,
                                           "archived_at": "2022-11-15T02:00:00Z", "saved_as": "x.html",
                                           "content_type": "text/html"}  # fmt: skip
    (folder / "archive" / "shots").mkdir(parents=True)
    (folder / "archive" / "shots" / "moe34.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    findings = result.as_json()
    items = findings.pop("items")
    with Store(folder / "auditor.sqlite") as store:
        store.save_audit(findings, [(it["id"], it["status"], "fp", it["open"], it) for it in items])
        store.add_user("office", "office", "", hash_password(PASSWORDS["office"]))
        store.add_user("caiwu", "department", "财务处", hash_password(PASSWORDS["caiwu"]))
        store.add_user("zhaosheng", "department", "招生就业处", hash_password(PASSWORDS["zhaosheng"]))
        store.add_user("dangban", "office", "", hash_password(PASSWORDS["dangban"]))  # the throttle's target
    return config


def _config(folder: Path, school: str) -> Path:
    """A school's site.yaml with its store beside it."""
    config = folder / "site.yaml"
    config.write_text(yaml.safe_dump({"school": school, "start_urls": ["http://www.example.edu.cn/"],
                                      "allowed_domains": ["example.edu.cn"], "store": "auditor.sqlite"},
                                     allow_unicode=True), encoding="utf-8")  # fmt: skip
    return config


def _token(html: str) -> str:
    found = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', html)
    assert found, html[:500]
    return found.group(1)


def client(site: Path, base: str = "http://127.0.0.1") -> TestClient:
    return TestClient(create_app(load_config(site)), base_url=base, follow_redirects=False)


def signed_in(site: Path, name: str, base: str = "http://127.0.0.1") -> TestClient:
    c = client(site, base)
    token = _token(c.get("/login").text)
    r = c.post("/login", data={"username": name, "password": PASSWORDS[name], "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return c


def _paths(c: TestClient, method: str) -> list[str]:
    """Every route of the app answering `method`, with an item's id and evidence number filled in."""
    return [r.path.replace("{item_id}", "moe-20").replace("{n:int}", "0") for r in c.app.routes  # type: ignore[attr-defined]
            if isinstance(r, Route) and method in (r.methods or ())]  # fmt: skip


def test_signed_out_every_page_leads_to_the_sign_in_form_with_its_fields(site):
    c = client(site)
    pages = [p for p in _paths(c, "GET") if p != "/login"]
    assert {
        "/",
        "/gaps",
        "/items/moe-20",
        "/log",
        "/gaps.xlsx",
        "/reviews.yaml",
        "/items/moe-20/screenshot",
    } <= set(pages)
    for path in pages:
        r = c.get(path)
        assert r.status_code in (302, 303) and r.headers["location"] == "/login", path
    form = c.get("/login").text
    assert 'name="username"' in form and 'name="password"' in form and 'type="password"' in form
    assert re.search(r'type="hidden" name="csrf_token" value="[\w-]{20,}"', form)


WRITTEN = ("review_events", "responses", "assignments", "workspace_log", "sessions")


def _counts(site: Path) -> dict[str, int]:
    with sqlite3.connect(site.parent / "auditor.sqlite") as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in WRITTEN}


def test_a_post_without_its_token_is_refused_whatever_the_route(site):
    """Every POST route of the app, for the user it is meant for: no token, a wrong one or one that is not
    text → 403 with the reason, and nothing written."""
    users = {"office": signed_in(site, "office"), "caiwu": signed_in(site, "caiwu")}
    posts = _paths(users["office"], "POST")
    assert {
        "/login",
        "/logout",
        "/items/moe-20/decide",
        "/items/moe-20/respond",
        "/items/moe-20/recheck",
    } <= set(posts)
    before = _counts(site)
    form = {
        "decision": "exempted",
        "reason": "r",
        "kind": "explained",
        "text": "t",
        "department": "招生就业处",
    }
    for path in posts:
        user = users["caiwu" if path.endswith(("/respond", "/recheck")) else "office"]
        for token in ({}, {"csrf_token": "forged"}, {"csrf_token": "令牌"}):
            r = user.post(path, data=form | token)
            assert r.status_code == 403 and ("csrf_token" in r.text or "登录页面已过期" in r.text), (
                path,
                token,
            )
    assert _counts(site) == before
    fresh = client(site)
    fresh.get("/login")
    r = fresh.post("/login", data={"username": "office", "password": PASSWORDS["office"]})
    assert r.status_code == 403 and guard.SESSION_COOKIE not in r.cookies


def test_the_session_cookie_is_httponly_and_samesite_and_secure_over_https(site):
    for base, secure in (("http://127.0.0.1", False), ("https://audit.example.edu.cn", True)):
        c = client(site, base)
        token = _token(c.get("/login").text)
        r = c.post(
            "/login", data={"username": "office", "password": PASSWORDS["office"], "csrf_token": token}
        )
        cookie = next(
            v for k, v in r.headers.multi_items() if k == "set-cookie" and guard.SESSION_COOKIE in v
        )
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert ("Secure" in cookie) is secure


def test_simultaneous_guesses_cannot_slip_past_the_throttle(site):
    """Twelve wrong passwords at once for one name: the throttle has counted each before the next is checked."""
    c = client(site)
    token = _token(c.get("/login").text)
    guess = {"username": "dangban", "password": "not-it-0", "csrf_token": token}
    with ThreadPoolExecutor(12) as pool:
        codes = sorted(
            pool.map(lambda _: c.post("/login", data=guess).status_code, range(12))
        )  # one app, at once
    assert codes == [401] * guard.FAILURES + [429] * (12 - guard.FAILURES)
    with sqlite3.connect(site.parent / "auditor.sqlite") as db:
        throttled = db.execute(
            "SELECT count(*) FROM workspace_log WHERE event='sign_in_throttled'"
        ).fetchone()[0]
    assert throttled == 1  # refusals are logged once a window: they cannot grow the log without end


def test_a_name_nobody_has_is_logged_as_its_hash(site):
    c = client(site)
    token = _token(c.get("/login").text)
    c.post("/login", data={"username": "Pa55word-typed-here", "password": "x", "csrf_token": token})
    with sqlite3.connect(site.parent / "auditor.sqlite") as db:
        logged = [r[0] for r in db.execute("SELECT user FROM workspace_log WHERE event='sign_in_failed'")]
    assert "Pa55word-typed-here" not in logged and any(u.startswith("?") for u in logged)


def test_failed_sign_ins_are_throttled_even_for_the_right_password_and_logged_without_it(site):
    c = client(site)
    token = _token(c.get("/login").text)
    for _ in range(guard.FAILURES):
        r = c.post("/login", data={"username": "zhaosheng", "password": "wrong-guess-0", "csrf_token": token})
        assert r.status_code == 401 and "用户名或密码不正确" in r.text
    right = {"username": "zhaosheng", "password": PASSWORDS["zhaosheng"], "csrf_token": token}
    r = c.post("/login", data=right)
    assert r.status_code == 429 and guard.SESSION_COOKIE not in r.cookies
    with sqlite3.connect(site.parent / "auditor.sqlite") as db:
        events = db.execute("SELECT event, detail FROM workspace_log WHERE user='zhaosheng'").fetchall()
        users = db.execute("SELECT password FROM users").fetchall()
    assert [e for e, _ in events].count("sign_in_failed") == guard.FAILURES and (
        "sign_in_throttled",
        "{}",
    ) in events
    text = repr(events) + repr(users)
    assert not any(p in text for p in [*PASSWORDS.values(), "wrong-guess-0"])
    assert all(u[0].startswith("scrypt$") for u in users)


def test_no_file_is_taken_and_no_form_is_read_before_its_token(site):
    caiwu = signed_in(site, "caiwu")
    token = _token(caiwu.get("/items/moe-20").text)
    upload = caiwu.post("/items/moe-20/respond", data={"kind": "explained", "text": "见附件", "csrf_token": token},
                        files={"file": ("x.pdf", b"%PDF-1.4", "application/pdf")})  # fmt: skip
    assert upload.status_code == 400 and "上传" in upload.text
    big = caiwu.post(
        "/items/moe-20/respond", data={"kind": "explained", "text": "长" * 70000, "csrf_token": token}
    )
    assert big.status_code == 413
    with Store(site.parent / "auditor.sqlite") as store:
        assert not [r for r in store.answers("moe-20") if r["kind"] == "explained"]


def test_a_department_sees_and_answers_only_its_own_items(site):
    caiwu = signed_in(site, "caiwu")
    home = caiwu.get("/").text
    assert "/items/moe-20" in home and "moe-34" not in home
    assert "moe-34" not in caiwu.get("/gaps?status=all").text
    for path in ("/items/moe-34", "/items/moe-34/copy/0", "/items/moe-34/screenshot", "/items/no-such"):
        r = caiwu.get(path)
        assert r.status_code == 404 and "没有这个事项" in r.text, path
    office = signed_in(
        site, "office"
    )  # the same addresses answer the office: the refusal was the department's
    assert office.get("/items/moe-34/screenshot").content.startswith(b"\x89PNG")
    assert "存档副本无法显示" in office.get("/items/moe-34/copy/0").text
    token = _token(home)
    answer = {"kind": "fixed", "url": "http://www.example.edu.cn/x.pdf", "csrf_token": token}
    assert caiwu.post("/items/moe-34/respond", data=answer).status_code == 404
    assert (
        caiwu.post(
            "/items/moe-20/decide", data={"decision": "exempted", "reason": "r", "csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        caiwu.post(
            "/items/moe-20/assign", data={"department": "招生就业处", "reason": "r", "csrf_token": token}
        ).status_code
        == 403
    )
    assert caiwu.get("/log").status_code == 403 and caiwu.get("/reviews.yaml").status_code == 403
    sheet = load_workbook(io.BytesIO(caiwu.get("/gaps.xlsx?status=all").content)).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == ["moe-20", "moe-21"]


def test_a_response_is_kept_logged_and_shown_to_the_office_and_the_next_audit_checks_it(site):
    caiwu = signed_in(site, "caiwu")
    token = _token(caiwu.get("/items/moe-20").text)
    r = caiwu.post(
        "/items/moe-20/respond", data={"kind": "fixed", "url": "javascript:alert(1)", "csrf_token": token}
    )
    assert r.status_code == 400 and "网址" in r.text  # only an http(s) address is a place a document is
    r = caiwu.post(
        "/items/moe-20/respond",
        data={"kind": "fixed", "url": "http://www.example.edu.cn/js.pdf", "csrf_token": token},
    )
    assert r.status_code == 303
    page = signed_in(site, "office").get("/items/moe-20").text
    assert "http://www.example.edu.cn/js.pdf" in page and "caiwu" in page and "已整改" in page
    with Store(site.parent / "auditor.sqlite") as store:
        assert store.latest_responses()["moe-20"]["url"] == "http://www.example.edu.cn/js.pdf"
        assert [e["event"] for e in store.log_entries("moe-20")][0] == "response"


def test_personal_data_typed_into_an_answer_or_a_reason_is_kept_only_masked(site):
    caiwu, office = signed_in(site, "caiwu"), signed_in(site, "office")
    said = "学生 11010519491231002X 的家长 13912345678 已确认"
    answer = {"kind": "explained", "text": said, "csrf_token": _token(caiwu.get("/items/moe-20").text)}
    assert caiwu.post("/items/moe-20/respond", data=answer).status_code == 303
    move = {"department": "财务处", "reason": said, "csrf_token": _token(office.get("/items/moe-20").text)}
    assert office.post("/items/moe-20/assign", data=move).status_code == 303
    page = office.get("/items/moe-20").text + office.get("/log").text
    assert "110105********002X" in page and "139****5678" in page
    db = b"".join(f.read_bytes() for f in site.parent.glob("auditor.sqlite*"))  # the journal too
    for full in ("11010519491231002X", "13912345678"):
        assert full not in page and full.encode() not in db


def test_a_decision_made_in_the_workspace_is_an_event_the_next_audit_honours(site):
    office = signed_in(site, "office")
    token = _token(office.get("/items/moe-34").text)
    r = office.post(
        "/items/moe-34/decide", data={"decision": "acknowledged", "reason": "正在编制", "csrf_token": token}
    )
    assert r.status_code == 400 and "整改期限" in r.text  # a promise has its day
    r = office.post("/items/moe-34/decide", data={"decision": "acknowledged", "due": "2022-12-20", "reason": "正在编制",
                                                  "csrf_token": token})  # fmt: skip
    assert r.status_code == 303
    with Store(site.parent / "auditor.sqlite") as store:
        honoured = {r.item: r for r in sync(store, [], date(2022, 11, 16))}
        assert store.log_entries("moe-34")[0]["event"] == "decision"
    assert honoured["moe-34"].decision == "acknowledged" and honoured["moe-34"].due == "2022-12-20"
    assert honoured["moe-34"].reviewer == "office" and honoured["moe-34"].status == "missing"
    assert "正在编制" in office.get("/items/moe-34").text


def test_every_page_carries_a_policy_with_no_inline_script_and_crawled_text_stays_text(site):
    office = signed_in(site, "office")
    for path in ("/", "/gaps", "/gaps?status=all", "/items/moe-20", "/log", "/login", "/items/none"):
        r = office.get(path)
        policy = r.headers["content-security-policy"]
        assert (
            "script-src 'self'" in policy
            and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        )
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert all('src="/static/' in tag for tag in re.findall(r"<script[^>]*>", r.text)), path
        assert " on" not in "".join(re.findall(r"<[^>]+>", r.text)).replace(" onerror=alert(1)&gt;", ""), path
    page = office.get("/items/moe-20").text
    assert '<script>alert("x")</script>' not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_a_disabled_user_or_a_new_password_ends_the_sessions_at_once(site, monkeypatch, capsys):
    caiwu = signed_in(site, "caiwu")
    assert caiwu.get("/").status_code == 200
    monkeypatch.setattr("sys.stdin", io.StringIO("another-secret-2\n"))
    assert auditor(["users", "passwd", "caiwu", "--config", str(site)]) == 0
    assert caiwu.get("/").status_code == 303
    PASSWORDS["caiwu"] = "another-secret-2"
    caiwu = signed_in(site, "caiwu")
    assert auditor(["users", "disable", "caiwu", "--config", str(site)]) == 0
    assert caiwu.get("/").status_code == 303
    c = client(site)
    token = _token(c.get("/login").text)
    r = c.post("/login", data={"username": "caiwu", "password": PASSWORDS["caiwu"], "csrf_token": token})
    assert r.status_code == 401
    assert "another-secret-2" not in capsys.readouterr().out


def test_users_are_added_from_standard_input_with_a_known_department_and_no_password_on_the_command_line(
    site, monkeypatch
):
    add = build_parser()._subparsers._group_actions[0].choices["users"]  # type: ignore[union-attr]
    assert not any("pass" in o for a in add._actions for o in a.option_strings if o != "--help")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert auditor(["users", "add", "x1", "--role", "office", "--config", str(site)]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pw\n"))
    assert (
        auditor(
            ["users", "add", "x2", "--role", "department", "--department", "不存在处", "--config", str(site)]
        )
        == 2
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pw\n"))
    assert (
        auditor(
            [
                "users",
                "add",
                "x3",
                "--role",
                "department",
                "--department",
                "招生就业处",
                "--config",
                str(site),
            ]
        )
        == 0
    )
    with Store(site.parent / "auditor.sqlite") as store:
        row = store.user("x3")
        assert store.user("x1") is None and store.user("x2") is None
    assert row["department"] == "招生就业处" and verify("long-enough-pw", row["password"])
    assert not verify("long-enough-px", row["password"])


def test_the_workspace_listens_on_this_machine_unless_told_and_a_taken_port_is_exit_2(site, capsys):
    args = build_parser().parse_args(["serve", "--config", str(site)])
    assert args.host == "127.0.0.1"
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        assert (
            auditor(["serve", "--config", str(site), "--port", port]) == 2
        )  # never 1: cron reads it as gaps
    assert "--port" in capsys.readouterr().err


def test_recheck_never_asks_a_host_outside_the_school_nor_follows_a_redirect_out():
    domains = ("example.edu.cn",)
    for url in ("http://169.254.169.254/latest/meta-data/", "http://example.edu.cn.evil.com/", "file:///etc/passwd",
                "ftp://www.example.edu.cn/x", "http://www.example.edu.cn:22/", "http://user@www.example.edu.cn/",
                "http://127.0.0.1%09.example.edu.cn/x", "http://[::1]/"):  # fmt: skip
        assert recheck.fetch(url, domains)["problem"] == "outside", url
    assert recheck.inside("https://xxgk.example.edu.cn/a", domains)

    class Away(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 — http.server's name
            self.send_response(302)
            self.send_header(
                "Location", "http://169.254.169.254/latest/meta-data/" if self.path == "/out" else "/in"
            )
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Away)
    Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        pins, ports = {"example.edu.cn": "127.0.0.1"}, frozenset({port})
        out = recheck.fetch(f"http://www.example.edu.cn:{port}/out", domains, None, pins, ports)
        assert out["problem"] == "outside" and out["status"] == 302
        loop = recheck.fetch(f"http://www.example.edu.cn:{port}/in", domains, None, pins, ports)
        assert (
            loop["problem"] == "http" and loop["status"] == 302
        )  # a redirect loop is an answer, not a crash
    finally:
        server.shutdown()


def test_a_decision_withdrawn_and_made_again_the_same_day_is_kept_each_time(site):
    office = signed_in(site, "office")
    token = _token(office.get("/items/moe-21").text)
    for decision in ("exempted", "withdrawn", "exempted"):
        r = office.post(
            "/items/moe-21/decide", data={"decision": decision, "reason": "本校不设此项", "csrf_token": token}
        )
        assert r.status_code == 303
    with Store(site.parent / "auditor.sqlite") as store:
        kept = [e["decision"] for e in store.review_events() if e["item"] == "moe-21"]
        honoured = {r.item: r.decision for r in sync(store, [], date(2022, 11, 16))}
    assert kept == ["exempted", "withdrawn", "exempted"] and honoured["moe-21"] == "exempted"


def test_a_night_that_could_not_conclude_leaves_the_last_complete_one_standing(tmp_path):
    config = _config(tmp_path, "学院")
    with Store(tmp_path / "auditor.sqlite") as store:
        for day, status in (("2022-11-15", "complete"), ("2022-11-16", "inconclusive")):
            result = AuditResult(
                "学院",
                day,
                status,
                "start_unreachable" if status != "complete" else "",
                {"id": 1},
                [],
                "fp",
                "t",
            )
            result.items = [_item("moe-20", "财务处", "missing" if status == "complete" else "inconclusive")]
            findings = result.as_json()
            items = findings.pop("items")
            store.save_audit(findings, [(it["id"], it["status"], "fp", it["open"], it) for it in items])
        store.add_user("office", "office", "", hash_password(PASSWORDS["office"]))
    office = signed_in(config, "office")
    home = office.get("/").text
    assert "2022-11-16 的检查未能完成" in home and "2022-11-15 的检查" in home
    assert re.search(r"<strong>1</strong> 项未整改问题", home)
    token = _token(home)
    r = office.post(
        "/items/moe-20/decide", data={"decision": "false_positive", "reason": "已公开", "csrf_token": token}
    )
    assert r.status_code == 303  # judged on the standing night's status (missing), not the failed one's


def test_the_log_cannot_be_rewritten(site):
    with (
        sqlite3.connect(site.parent / "auditor.sqlite") as db,
        pytest.raises(sqlite3.DatabaseError, match="append-only"),
    ):
        db.execute("DELETE FROM workspace_log")


def test_a_store_with_no_audit_yet_says_what_to_run(tmp_path):
    config = _config(tmp_path, "新学院")
    with Store(tmp_path / "auditor.sqlite") as store:
        store.add_user("office", "office", "", hash_password(PASSWORDS["office"]))
    office = signed_in(config, "office")
    for path in ("/", "/gaps", "/gaps.xlsx", "/items/moe-20"):
        r = office.get(path)
        assert r.status_code == 404 and ("auditor run" in r.text or "没有这个事项" in r.text), path
