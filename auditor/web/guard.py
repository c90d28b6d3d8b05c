"""Who is asking, and may they: sessions, the sign-in throttle, CSRF tokens and the headers every answer carries.

- A session is a random cookie (HttpOnly, SameSite=Lax, Secure over https); the store keeps only its SHA-256,
  with the user and the session's CSRF token. It ends after `SESSION_HOURS`, at sign-out, and when the user is
  disabled or given a new password. The user's role and department are read from the store on every request.
- Every POST carries `csrf_token`: the session's, or — for the sign-in form, before there is a session — the one
  in a short-lived cookie set with the form (double submit). A POST without the right one is refused with 403.
- Sign-in is throttled on the store's own log: `FAILURES` failed tries for a name from one address, or
  `FAILURES_FROM_ONE_ADDRESS` from one address, or `FAILURES_FOR_ONE_NAME` for a name from anywhere, in
  `WINDOW_MINUTES`, refuse the next tries (429) until the window has passed — the password is not even
  checked, so the throttle cannot be used to guess; a stranger elsewhere cannot lock a user out with five tries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from auditor.store import Store

SESSION_COOKIE = "auditor_session"
LOGIN_COOKIE = "auditor_login"  # the sign-in form's CSRF token, before there is a session
SESSION_HOURS = 10  # a working day; then sign in again
FAILURES = 5  # for one name from one address
FAILURES_FROM_ONE_ADDRESS = 20  # whatever the names
FAILURES_FOR_ONE_NAME = 30  # from any address: guessing spread over many machines, without locking a user out
WINDOW_MINUTES = 15
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# An archived copy is a crawled page: shown with nothing able to run, in a sandbox of its own origin
COPY_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True)
class User:
    name: str
    role: str  # office | department
    department: str
    csrf: str
    token: str  # the session's hash (to close it)

    @property
    def office(self) -> bool:
        return self.role == "office"

    def may_answer(self, owner: str) -> bool:
        """Only the department that owns an item answers for it (the office decides instead)."""
        return not self.office and owner == self.department

    def may_see(self, owner: str) -> bool:
        """An office user sees every item; a department user only those its department owns."""
        return self.office or owner == self.department


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def address(request: Request) -> str:
    return request.client.host if request.client else ""


def current_user(request: Request, store: Store) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    row = store.session(_hash(token))
    if row is None:
        return None
    return User(row["name"], row["role"], row["department"], row["csrf"], row["token"])


def start_session(response: Response, request: Request, store: Store, user: str) -> None:
    token = secrets.token_urlsafe(32)
    store.open_session(_hash(token), user, new_token(), SESSION_HOURS)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")


def end_session(response: Response, store: Store, user: User) -> None:
    store.close_session(user.token)
    response.delete_cookie(SESSION_COOKIE, path="/")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def set_login_cookie(response: Response, request: Request, token: str) -> None:
    """The sign-in form's token, in a cookie only the sign-in path receives, for an hour."""
    response.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
        secure=request.url.scheme == "https", path="/login",
    )  # fmt: skip


def token_ok(sent: object, expected: str | None) -> bool:
    """The token sent is the one expected (compared as bytes, in constant time; any text is just wrong)."""
    if not isinstance(sent, str) or not expected:
        return False
    return hmac.compare_digest(sent.encode("utf-8", "replace"), expected.encode("utf-8"))


def unknown_name(name: str) -> str:
    """How a name no user has is logged: its hash, so a password typed into the name field is not kept."""
    return "?" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def throttled(store: Store, name: str, ip: str) -> bool:
    return (
        store.failures_since(WINDOW_MINUTES, user=name, ip=ip) >= FAILURES
        or store.failures_since(WINDOW_MINUTES, ip=ip) >= FAILURES_FROM_ONE_ADDRESS
        or store.failures_since(WINDOW_MINUTES, user=name) >= FAILURES_FOR_ONE_NAME
    )


def secure_headers(headers: MutableMapping[str, str], policy: str = CSP) -> None:
    headers["Content-Security-Policy"] = policy
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers.setdefault("Cache-Control", "no-store")
