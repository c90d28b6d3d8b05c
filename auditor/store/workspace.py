"""What the workspace keeps (issue 27): users, sessions, its append-only log, departments' responses and the
office's reassignments. Plain reads and writes: who may do what is decided by auditor.web, not here."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.store.connection import Connection, now_iso


def _utc(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Workspace(Connection):
    """Users, sessions, the workspace log, responses and reassignments."""

    # users -------------------------------------------------------------------------------------------------
    def user(self, name: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM users WHERE name=?", (name,)).fetchone()

    def users(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM users ORDER BY role, department, name").fetchall()

    def add_user(self, name: str, role: str, department: str, password_hash: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO users(name, role, department, password, created_at, changed_at) VALUES (?,?,?,?,?,?)",
                (name, role, department, password_hash, now_iso(), now_iso()),
            )
            self._log(db, name, "user_added", detail={"role": role, "department": department, "by": "cli"})

    def set_password(self, name: str, password_hash: str) -> None:
        """A new password ends every session of the user."""
        with self.transaction() as db:
            db.execute(
                "UPDATE users SET password=?, changed_at=? WHERE name=?", (password_hash, now_iso(), name)
            )
            db.execute("DELETE FROM sessions WHERE user=?", (name,))
            self._log(db, name, "password_changed", detail={"by": "cli"})

    def disable_user(self, name: str) -> None:
        """Disabled: cannot sign in, and every open session ends now."""
        with self.transaction() as db:
            db.execute("UPDATE users SET disabled=1, changed_at=? WHERE name=?", (now_iso(), name))
            db.execute("DELETE FROM sessions WHERE user=?", (name,))
            self._log(db, name, "user_disabled", detail={"by": "cli"})

    # sessions ----------------------------------------------------------------------------------------------
    def open_session(self, token_hash: str, user: str, csrf: str, hours: float) -> None:
        now = datetime.now(UTC)
        with self.transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (_utc(now),))
            db.execute(
                "INSERT INTO sessions(token, user, csrf, created_at, expires_at) VALUES (?,?,?,?,?)",
                (token_hash, user, csrf, _utc(now), _utc(now + timedelta(hours=hours))),
            )

    def session(self, token_hash: str) -> sqlite3.Row | None:
        """A live session and its user (a disabled user's or an expired one is none)."""
        return self.db.execute(
            "SELECT s.token, s.csrf, s.expires_at, u.name, u.role, u.department FROM sessions s"
            " JOIN users u ON u.name = s.user WHERE s.token=? AND s.expires_at > ? AND u.disabled = 0",
            (token_hash, _utc()),
        ).fetchone()

    def close_session(self, token_hash: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM sessions WHERE token=?", (token_hash,))

    # the log -----------------------------------------------------------------------------------------------
    @staticmethod
    def _log(
        db: sqlite3.Connection, user: str, event: str, item: str = "", ip: str = "", detail: Any = None
    ) -> None:
        db.execute(
            "INSERT INTO workspace_log(at, user, event, item, ip, detail) VALUES (?,?,?,?,?,?)",
            (_utc(), user, event, item, ip, json.dumps(detail or {}, ensure_ascii=False)),
        )

    def log(self, user: str, event: str, item: str = "", ip: str = "", detail: Any = None) -> None:
        with self.transaction() as db:
            self._log(db, user, event, item, ip, detail)

    def failures_since(
        self, minutes: int, user: str | None = None, ip: str | None = None, event: str = "sign_in_failed"
    ) -> int:
        """Sign-in failures (or another event) in the last `minutes`, for a name, from an address, or both."""
        since = _utc(datetime.now(UTC) - timedelta(minutes=minutes))
        sql, args = "SELECT count(*) FROM workspace_log WHERE event=? AND at > ?", [event, since]
        for column, value in (("user", user), ("ip", ip)):
            if value is not None:
                sql, args = sql + f" AND {column}=?", [*args, value]
        return int(self.db.execute(sql, args).fetchone()[0])

    def recent(self, user: str, event: str, item: str, seconds: int) -> bool:
        """Whether `user` did `event` on `item` in the last `seconds` (a cooldown)."""
        since = _utc(datetime.now(UTC) - timedelta(seconds=seconds))
        return bool(
            self.db.execute(
                "SELECT 1 FROM workspace_log WHERE item=? AND event=? AND user=? AND at > ? LIMIT 1",
                (item, event, user, since),
            ).fetchone()
        )

    def log_entries(self, item: str | None = None, most: int = 200) -> list[sqlite3.Row]:
        """The newest entries first (one item's, or all)."""
        if item is None:
            sql, args = "SELECT * FROM workspace_log ORDER BY id DESC LIMIT ?", (most,)
        else:
            sql, args = "SELECT * FROM workspace_log WHERE item=? ORDER BY id DESC LIMIT ?", (item, most)
        return self.db.execute(sql, args).fetchall()

    # responses and reassignments ---------------------------------------------------------------------------
    def add_response(self, response: dict[str, Any], ip: str = "") -> None:
        r = response
        with self.transaction() as db:
            db.execute(
                "INSERT INTO responses(item, department, user, kind, url, text, at, audit_id) VALUES (?,?,?,?,?,?,?,?)",
                (
                    r["item"],
                    r["department"],
                    r["user"],
                    r["kind"],
                    r["url"],
                    r["text"],
                    _utc(),
                    r["audit_id"],
                ),
            )
            self._log(db, r["user"], "response", r["item"], ip, {k: r[k] for k in ("kind", "url", "text")})

    def answers(self, item: str | None = None) -> list[sqlite3.Row]:
        """Responses in the order they were made (one item's, or all)."""
        if item is None:
            return self.db.execute("SELECT * FROM responses ORDER BY id").fetchall()
        return self.db.execute("SELECT * FROM responses WHERE item=? ORDER BY id", (item,)).fetchall()

    def latest_responses(self) -> dict[str, sqlite3.Row]:
        """Each item's newest response."""
        rows = self.db.execute(
            "SELECT * FROM responses WHERE id IN (SELECT max(id) FROM responses GROUP BY item)"
        ).fetchall()
        return {r["item"]: r for r in rows}

    def reassign(self, item: str, department: str, user: str, reason: str, ip: str = "") -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO assignments(item, department, user, reason, at) VALUES (?,?,?,?,?)",
                (item, department, user, reason, _utc()),
            )
            self._log(db, user, "reassign", item, ip, {"department": department, "reason": reason})

    def assignments(self) -> dict[str, sqlite3.Row]:
        """Each item's newest reassignment (an empty department gives it back to the checklist's owner)."""
        rows = self.db.execute(
            "SELECT * FROM assignments WHERE id IN (SELECT max(id) FROM assignments GROUP BY item)"
        ).fetchall()
        return {r["item"]: r for r in rows}
