"""Passwords kept only as a slow, salted hash: scrypt from the standard library (RFC 7914), nothing to build.

N=2**15, r=8, p=1: 32 MB and ~0.11 s a guess on this project's 2-core machines (measured), so a sign-in stays
within the workspace's 200 ms while a stolen store costs an attacker that much per guess. OWASP's cheapest listed
setting (N=2**17) would take ~0.45 s here. The parameters are kept with each hash: raising them later leaves the
old hashes readable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

N, R, P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, n: int = N) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=R, p=P, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${n}${R}${P}${_b64(salt)}${_b64(key)}"


def verify(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from (in constant time over the hash)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            maxmem=_MAXMEM, dklen=len(base64.b64decode(key)),
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(key))


@cache
def unknown() -> str:
    """A hash no password matches, checked when the name is unknown: a wrong name costs what a wrong password
    does, so the time taken does not tell which names exist."""
    return hash_password(secrets.token_urlsafe(16))
