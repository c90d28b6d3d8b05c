"""The workspace's routes over one school's store: sign-in, the office's dashboard and gap list, an item's page
with its decisions, responses and 复查, the 整改台账 export, the log. Every handler asks `guard` who is asking and
checks the role and the item's department on the server; every POST checks its CSRF token first."""

from __future__ import annotations

import io
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auditor import reviews, safe
from auditor.checklist import for_site
from auditor.clock import beijing
from auditor.config import SiteConfig
from auditor.errors import InputError
from auditor.evidence import archive
from auditor.privacy.detect import mask_text
from auditor.report import xlsx
from auditor.report.view import (
    rectify_text,
    response_text,
    review_text,
    rule_label,
    status_label,
    summary,
)
from auditor.responses import KINDS
from auditor.reviews import DECISIONS, WITHDRAWN, decide
from auditor.store import Store
from auditor.web import guard, passwords, recheck, views
from auditor.web.guard import User
from auditor.wording import catalogue, say
from auditor.wording import name as named

STATIC = Path(__file__).parent / "static"
MOST_FORM_BYTES = 64 * 1024  # a decision or a response is a few lines: nothing bigger is read


def t(key: str, /, **facts: Any) -> str:
    return say(f"web.{key}", "zh", **facts)


class Workspace:
    """One school's workspace: its config, checklist and store."""

    def __init__(self, cfg: SiteConfig) -> None:
        self.cfg = cfg
        self.item_ids = set(for_site(cfg).ids())
        self.latest = views.Latest()
        self._local = threading.local()
        self.signing_in = threading.Lock()  # one sign-in attempt at a time (see _attempt)
        self.env = Environment(
            loader=PackageLoader("auditor.web", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            t=t, status_label=lambda s: status_label(s, "zh"), review_text=lambda r: review_text(r, "zh"),
            rectify_text=lambda it: rectify_text(it, "zh"), response_text=lambda r: response_text(r, "zh"), rule_label=lambda r: rule_label(r, "zh"),
            link=safe.link, readable=safe.readable, when=beijing, named=named, school=cfg.school,
        )  # fmt: skip

    @property
    def store(self) -> Store:
        """This thread's connection (SQLite's are not shared between threads): the event loop's, or a worker
        thread's; held by the thread alone, so it is closed when its thread ends."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.cfg.store)
        return store

    def close(self) -> None:
        """At shutdown, the event loop's connection (the workers' end with their threads)."""
        if (store := getattr(self._local, "store", None)) is not None:
            store.close()

    def departments(self, night: views.Night | None) -> list[str]:
        return views.departments([d.name for d in self.cfg.departments.listed], night)

    def page(self, name: str, user: User | None, status: int = 200, **ctx: Any) -> HTMLResponse:
        night = ctx.pop("night", None) or (self.latest.get(self.store) if user else None)
        body = self.env.get_template(name).render(
            user=user, csrf=user.csrf if user else "", night=night, **ctx
        )
        return HTMLResponse(body, status_code=status)


def _user(request: Request) -> User:
    user = request.state.user
    if user is None:
        raise HTTPException(303, headers={"Location": "/login"})
    return user


async def _form(request: Request) -> dict[str, str]:
    """The POST's form, once its CSRF token is checked (403 without the right one). Only a plain form
    (urlencoded, what every form here sends) of at most MOST_FORM_BYTES, counted as it arrives whatever the
    headers say: no file is ever taken, and a body is never read past the cap."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise HTTPException(400, t("http_400"))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MOST_FORM_BYTES:
            raise HTTPException(413, t("http_413"))
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, max_num_fields=20, strict_parsing=False
        )
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, t("http_400")) from None
    form = dict(reversed(pairs))  # the first value of a repeated field
    expected = request.state.user.csrf if request.state.user else request.cookies.get(guard.LOGIN_COOKIE)
    if not guard.token_ok(form.get("csrf_token"), expected):
        raise HTTPException(403, t("csrf_refused"))
    return form


def _text(form: dict[str, str], key: str, most: int = 2000) -> str:
    return form.get(key, "").strip()[:most]


def _words(form: dict[str, str], key: str, most: int = 2000) -> str:
    """What a person typed to be kept and shown (a reason, an answer, a URL): personal data in it masked before
    it is stored, as everything crawled is — a 身份证号 pasted into an explanation never leaves the store whole."""
    return mask_text(_text(form, key, most))


def _item(ws: Workspace, user: User, item_id: str) -> tuple[views.Night, dict[str, Any]]:
    """The item, if this user may see it: another department's is 404, as if it did not exist."""
    night = ws.latest.get(ws.store)
    item = night.item(item_id) if night else None
    if night is None or item is None or not user.may_see(item["owner"]):
        raise HTTPException(404, t("no_item"))
    return night, item


# --- sign-in ---------------------------------------------------------------------------------------------
async def login_page(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    if request.state.user:
        return RedirectResponse("/", 303)
    return _login_form(ws, request)


def _login_form(ws: Workspace, request: Request, status: int = 200, **ctx: Any) -> HTMLResponse:
    """The sign-in form with its CSRF token (the one its cookie holds, or a new one set with it)."""
    token = request.cookies.get(guard.LOGIN_COOKIE) or guard.new_token()
    response = ws.page("login.html.j2", None, status, login_csrf=token, **ctx)
    guard.set_login_cookie(response, request, token)
    return response


def _attempt(ws: Workspace, name: str, password: str, ip: str) -> str:
    """One sign-in attempt: ok | failed | throttled. Attempts are taken one at a time, in a worker thread (each
    is ~0.1 s of scrypt; the event loop stays free): the throttle has counted every earlier failure before the
    next attempt is checked, so a burst of simultaneous guesses cannot slip past it."""
    with ws.signing_in:
        row = ws.store.user(name)
        # a name no user has is logged as its hash: a password typed into the name field is not kept
        logged = name if row is not None else guard.unknown_name(name)
        if guard.throttled(ws.store, logged, ip):
            # logged once a window: refusals do not grow the append-only log at a stranger's pace
            if not ws.store.failures_since(guard.WINDOW_MINUTES, logged, ip, "sign_in_throttled"):
                ws.store.log(logged, "sign_in_throttled", ip=ip)
            return "throttled"
        usable = row is not None and not row["disabled"]
        if not passwords.verify(password, row["password"] if usable else passwords.unknown()) or not usable:
            ws.store.log(logged, "sign_in_failed", ip=ip)
            return "failed"
        ws.store.log(name, "sign_in", ip=ip)
        return "ok"


async def login(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    try:
        form = await _form(request)
    except HTTPException as e:
        if e.status_code != 403:
            raise
        return _login_form(ws, request, 403, error=t("login_expired"))  # a form left open past its hour
    name, ip = _text(form, "username", 100), guard.address(request)
    outcome = await run_in_threadpool(_attempt, ws, name, form.get("password", ""), ip)
    if outcome == "throttled":
        return _login_form(
            ws, request, 429, error=t("throttled", minutes=guard.WINDOW_MINUTES), username=name
        )
    if outcome == "failed":
        return _login_form(ws, request, 401, error=t("bad_login"), username=name)
    response = RedirectResponse("/", 303)
    guard.start_session(response, request, ws.store, name)
    return response


async def logout(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    user = _user(request)
    await _form(request)
    response = RedirectResponse("/login", 303)
    guard.end_session(response, ws.store, user)
    ws.store.log(user.name, "sign_out", ip=guard.address(request))
    return response


# --- pages -----------------------------------------------------------------------------------------------
def _reading(request: Request) -> tuple[Workspace, User, views.Night]:
    """Who is reading, and the newest audit (a store with none answers the page that says so)."""
    ws: Workspace = request.app.state.ws
    user = _user(request)
    night = ws.latest.get(ws.store)
    if night is None:
        raise HTTPException(404, t("no_audit_hint"))
    return ws, user, night


async def home(request: Request) -> Response:
    ws, user, night = _reading(request)
    seen = views.scoped(night.findings, user)
    if not user.office:
        mine = views.chosen(seen["items"], {"status": "open"})
        answered = ws.store.latest_responses()
        return ws.page("department.html.j2", user, night=night, f=seen, items=mine, answered=answered)
    categories, rows = views.grid(seen)
    return ws.page(
        "dashboard.html.j2", user, night=night, f=seen, s=summary(seen), categories=categories,
        rows=rows, trend=views.trend_svg(ws.store.trend()), changes=seen.get("changes") or {},
        answered=ws.store.latest_responses(),
    )  # fmt: skip


def _listed(request: Request) -> tuple[Workspace, User, views.Night, dict[str, str], list[dict[str, Any]]]:
    """The gap list as this user may see it, with the filters asked for (the page and its 台账 alike)."""
    ws, user, night = _reading(request)
    query = {k: request.query_params.get(k, "") for k in views.FILTERS}
    return ws, user, night, query, views.chosen(views.visible(night.items, user), query)


async def gaps(request: Request) -> Response:
    ws, user, night, query, items = _listed(request)
    categories = list(dict.fromkeys(it["category"] for it in night.items))
    return ws.page(
        "gaps.html.j2", user, night=night, items=items, query=query, categories=categories,
        departments=ws.departments(night) if user.office else [user.department],
        export="/gaps.xlsx?" + urlencode({k: v for k, v in query.items() if v}),
    )  # fmt: skip


async def gaps_xlsx(request: Request) -> Response:
    """The 整改台账 of what the list shows (same filters, same user's scope), for the office's files."""
    ws, user, night, query, items = _listed(request)
    buffer = io.BytesIO()
    xlsx.ledger_of(items, night.findings, user.department or "", buffer)
    ws.store.log(
        user.name,
        "export",
        ip=guard.address(request),
        detail={"filters": {k: mask_text(v) for k, v in query.items()}, "rows": len(items)},
    )
    name = f"zhenggai-taizhang-{night.findings['run']['as_of']}.xlsx"
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def item_page(request: Request, message: str = "", error: str = "", status: int = 200) -> Response:
    ws: Workspace = request.app.state.ws
    user = _user(request)
    night, item = _item(ws, user, request.path_params["item_id"])
    store = ws.store
    return ws.page(
        "item.html.j2", user, status, night=night, it=item, history=views.nights(store, item["id"]),
        responses=store.answers(item["id"]), log=views.log_rows(store, item["id"], 50),
        reviews=store.review_events(item["id"]),
        departments=ws.departments(night), decisions=DECISIONS, kinds=KINDS, message=message or _done(request),
        error=error, may_respond=user.may_answer(item["owner"]),
    )  # fmt: skip


def _done(request: Request) -> str:
    done = request.query_params.get("done")
    return t(f"done_{done}") if done in DONE else ""


DONE = ("decision", "response", "assign", "recheck")


def _back(item_id: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/items/{item_id}?done={done}", 303)


async def _acting(
    request: Request, office_only: bool = False
) -> tuple[Workspace, User, dict[str, str], views.Night, dict[str, Any]]:
    """A form posted about an item: its token checked first, then the role, then the item's department."""
    ws: Workspace = request.app.state.ws
    user = _user(request)
    form = await _form(request)
    if office_only and not user.office:
        raise HTTPException(403, t("office_only"))
    night, item = _item(ws, user, request.path_params["item_id"])
    return ws, user, form, night, item


async def decide_item(request: Request) -> Response:
    ws, user, form, _, item = await _acting(request, office_only=True)
    decision, reason = _text(form, "decision", 30), _words(form, "reason")
    try:
        if decision not in (*DECISIONS, WITHDRAWN):
            raise InputError("decision", None, t("bad_decision"))
        if not reason:
            raise InputError("reason", None, t("reason_needed"))
        due = date.fromisoformat(due_text) if (due_text := _text(form, "due", 10)) else None
        decide(ws.store, ws.item_ids, item["id"], decision, user.name, reason, due, date.today(), "web")
    except ValueError:
        return await item_page(request, error=t("bad_date"), status=400)
    except InputError as e:
        return await item_page(request, error=e.message, status=400)
    ws.store.log(user.name, "decision", item["id"], guard.address(request),
                 {"decision": decision, "reason": reason, "due": due_text})  # fmt: skip
    return _back(item["id"], "decision")


async def assign_item(request: Request) -> Response:
    ws, user, form, night, item = await _acting(request, office_only=True)
    department, reason = _text(form, "department", 100), _words(form, "reason")
    if department not in ws.departments(night) or not reason:
        return await item_page(request, error=t("assign_needs"), status=400)
    ws.store.reassign(item["id"], department, user.name, reason, guard.address(request))
    return _back(item["id"], "assign")


async def respond_item(request: Request) -> Response:
    """A department's answer about its own item (the office decides; it does not answer for a department)."""
    ws, user, form, night, item = await _acting(request)
    if not user.may_answer(item["owner"]):
        raise HTTPException(403, t("department_only"))
    kind, url, text = _text(form, "kind", 20), _words(form, "url", 1000), _words(form, "text")
    if kind not in KINDS:
        return await item_page(request, error=t("bad_kind"), status=400)
    if kind == "fixed" and not safe.link(url):
        return await item_page(request, error=t("url_needed"), status=400)
    if kind != "fixed" and not text:
        return await item_page(request, error=t("text_needed"), status=400)
    ws.store.add_response(
        {"item": item["id"], "department": user.department, "user": user.name, "kind": kind,
         "url": url if kind == "fixed" else "", "text": text, "audit_id": night.audit_id},
        guard.address(request),
    )  # fmt: skip
    return _back(item["id"], "response")


async def recheck_item(request: Request) -> Response:
    """复查 now: the URL of the item's latest response and its evidence, fetched from the school's own hosts."""
    ws, user, _, _, item = await _acting(request)
    if ws.store.recent(user.name, "recheck", item["id"], recheck.COOLDOWN_SECONDS):
        return await item_page(request, error=t("recheck_wait", seconds=recheck.COOLDOWN_SECONDS), status=429)
    answered = ws.store.answers(item["id"])
    urls = [answered[-1]["url"]] if answered and answered[-1]["url"] else []
    archived = {e["url"]: (e.get("archive") or {}).get("sha256") for e in item["evidence"]}
    urls = list(dict.fromkeys([*urls, *archived]))[: recheck.MOST_URLS]
    pinned, ports = ws.cfg.crawl.resolve, frozenset(urlsplit(u).port or 80 for u in ws.cfg.start_urls)
    found = [
        await run_in_threadpool(recheck.fetch, u, ws.cfg.allowed_domains, archived.get(u), pinned, ports)
        for u in urls
    ]
    ws.store.log(user.name, "recheck", item["id"], guard.address(request), {"results": found})
    return _back(item["id"], "recheck")


async def archived_copy(request: Request) -> Response:
    """An evidence's archived copy, as the report's folder holds it: a page rebuilt safe and masked, an inert
    file as served — but never a file holding personal data (its WARC record is the evidence)."""
    ws: Workspace = request.app.state.ws
    user = _user(request)
    night, item = _item(ws, user, request.path_params["item_id"])
    n = request.path_params["n"]
    if not 0 <= n < len(item["evidence"]) or not item["evidence"][n].get("archive"):
        raise HTTPException(404, t("no_copy"))
    e = item["evidence"][n]
    row = {**e["archive"], "url": e["url"]}  # read and rebuilt in a worker thread (its own store connection)
    name, payload, problem = await run_in_threadpool(
        lambda: archive.copy_of(ws.store, ws.cfg.store, row, e, e["archive"])
    )
    if payload is None:
        raise HTTPException(404, t("copy_problem", problem=named("archive", problem, "zh")))
    if name.endswith(".html"):
        response: Response = HTMLResponse(payload)
        guard.secure_headers(response.headers, guard.COPY_CSP)
        return response
    return Response(payload, media_type=archive.media_type(name),
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


async def screenshot(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    user = _user(request)
    _, item = _item(ws, user, request.path_params["item_id"])
    shot = item.get("screenshot")
    png = archive.folder(ws.cfg.store) / shot["file"] if shot else None
    if png is None or not png.is_file() or png.suffix != ".png":
        raise HTTPException(404, t("no_copy"))
    return Response(png.read_bytes(), media_type="image/png")


def _office(request: Request) -> tuple[Workspace, User]:
    ws: Workspace = request.app.state.ws
    user = _user(request)
    if not user.office:
        raise HTTPException(403, t("office_only"))
    return ws, user


async def log_page(request: Request) -> Response:
    ws, user = _office(request)
    return ws.page("log.html.j2", user, entries=views.log_rows(ws.store, None, 500))


async def reviews_yaml(request: Request) -> Response:
    """The decisions honoured now, every source's, as a reviews.yaml (for those who keep the file)."""
    ws, _ = _office(request)
    body = reviews.as_file(ws.store)
    return PlainTextResponse(body, headers={"Content-Disposition": 'attachment; filename="reviews.yaml"'})


# --- the application -------------------------------------------------------------------------------------
class Guarded:
    """Every request: who is asking (from the store), and the security headers on every answer."""

    def __init__(self, app: ASGIApp, ws: Workspace) -> None:
        self.app, self.ws = app, ws

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        scope.setdefault("state", {})["user"] = guard.current_user(request, self.ws.store)

        async def headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer = MutableHeaders(scope=message)
                if "content-security-policy" not in answer:  # an archived copy carries its own
                    guard.secure_headers(answer)
            await send(message)

        await self.app(scope, receive, headers)


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 303:
        return RedirectResponse(exc.headers["Location"] if exc.headers else "/login", 303)
    ws: Workspace = request.app.state.ws
    detail = exc.detail  # ours are worded; Starlette's own (the status's phrase) are not shown
    if not detail or detail == HTTPStatus(exc.status_code).phrase:
        known = f"web.http_{exc.status_code}" in catalogue()
        detail = t(f"http_{exc.status_code}" if known else "http_other")
    return ws.page("refused.html.j2", request.state.user, exc.status_code, detail=detail,
                   night=None if request.state.user is None else ws.latest.get(ws.store))  # fmt: skip


def create_app(cfg: SiteConfig) -> Starlette:
    ws = Workspace(cfg)
    routes = [
        Route("/", home),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/gaps", gaps),
        Route("/gaps.xlsx", gaps_xlsx),
        Route("/items/{item_id}", item_page),
        Route("/items/{item_id}/decide", decide_item, methods=["POST"]),
        Route("/items/{item_id}/assign", assign_item, methods=["POST"]),
        Route("/items/{item_id}/respond", respond_item, methods=["POST"]),
        Route("/items/{item_id}/recheck", recheck_item, methods=["POST"]),
        Route("/items/{item_id}/copy/{n:int}", archived_copy),
        Route("/items/{item_id}/screenshot", screenshot),
        Route("/log", log_page),
        Route("/reviews.yaml", reviews_yaml),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        ws.close()

    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guarded, ws=ws)],
        exception_handlers={HTTPException: refused},
        lifespan=lifespan,
    )
    app.state.ws = ws
    return app
