"""Province nights on a real queue: Dramatiq over Redis (issue 16). What the coordinator and the workers share —
the broker, the one actor, the keys — and the two promises they rely on:

- **At least once.** Dramatiq's Redis broker keeps a message a worker has taken in that worker's unacked set
  until the job returns; a worker that stops heart-beating (killed, machine gone) has its messages put back on
  the queue by the next worker's maintenance pass, `HEARTBEAT_MS` later. A school is never dropped because its
  worker died.
- **At most one worker per school.** A lease (`Lease`, a Redis key holding the worker's token, renewed while the
  child runs) guards each school of a night; the result is a file in the school's folder, written before the
  message is acknowledged, so a message delivered twice finds the result and runs nothing.

Results live on the filesystem beside the school's store, not in Redis: a Redis restart (with or without
persistence) loses nothing a worker has finished.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import InputError

NAMESPACE = "auditor"
QUEUE = "province"
ACTOR = "school_night"
HEARTBEAT_MS = 15_000  # a worker silent this long is dead: its schools go back on the queue
LEASE_MS = 15_000  # a school's lease outlives a worker by this much; renewed every third of it
TIME_LIMIT_MS = 24 * 3600 * 1000  # a school's night is bounded by its own crawl.max_seconds, not by the queue
ATTEMPTS = 3  # enqueues of one school in one night (the first and two after the queue lost it)

_RENEW = """
local held = redis.call('get', KEYS[1])
if held == ARGV[1] or not held then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def check_url(url: str) -> str:
    """A redis:// URL, or a clear error naming the flag (exit 2)."""
    parts = urlsplit(url)
    db = parts.path.strip("/")
    if parts.scheme not in ("redis", "rediss") or not parts.hostname or (db and not db.isdigit()):
        raise InputError.said("--queue", None, "not_redis", input=url)
    return url


def shown(url: str) -> str:
    """The URL without its password, for logs and province-run.json."""
    return re.sub(r"//[^@/]*@", "//***@", url)


def unreachable() -> tuple[type[BaseException], ...]:
    """The errors that mean Redis did not answer (refused, timed out, the connection dropped): those alone are
    'the queue is unreachable'; any other is a bug and surfaces as one."""
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(check_url(url), socket_timeout=5, socket_connect_timeout=5)


def broker(url: str) -> Any:
    """Dramatiq's Redis broker, with maintenance on every command so a dead worker's school is requeued one
    heartbeat timeout after it died, not at random (the default runs it on 1 command in 1,000)."""
    from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker

    return RedisBroker(
        url=check_url(url),
        namespace=NAMESPACE,
        heartbeat_timeout=HEARTBEAT_MS,
        maintenance_chance=MAINTENANCE_SCALE,
        socket_timeout=5,
        socket_connect_timeout=5,
    )


def declare(b: Any, fn: Any = None) -> Any:
    """The one actor, on broker `b`: the coordinator declares it to send, the worker with the function."""
    import dramatiq

    def unbound(**_: Any) -> None:  # the coordinator only sends
        raise RuntimeError("the coordinator does not run jobs")

    return dramatiq.actor(
        fn or unbound,
        broker=b,
        actor_name=ACTOR,
        queue_name=QUEUE,
        max_retries=20,  # retries are for "another worker holds this school" and a worker shutting down
        min_backoff=5_000,
        max_backoff=60_000,
        time_limit=TIME_LIMIT_MS,
        max_age=TIME_LIMIT_MS,
    )


@dataclass(frozen=True)
class Job:
    """One school's night, as the message carries it (JSON): enough for a worker that shares the province's
    folder to run it."""

    night: str
    school: str
    folder: str
    config: str
    source: str
    as_of: str | None
    attempt: int = 1

    @property
    def result_path(self) -> Path:
        return result_path(Path(self.folder), self.night)

    def message(self) -> dict[str, Any]:
        return asdict(self)


def result_path(folder: Path, night: str) -> Path:
    return folder / "nights" / f"{night}.json"


def read_result(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # not written yet (it is written whole, by rename)


def write_result(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def lease_key(night: str, school: str) -> str:
    return f"{NAMESPACE}:lease:{night}:{school}"


class Lease:
    """One worker's hold on one school for one night."""

    def __init__(self, client: Any, night: str, school: str, token: str) -> None:
        self.client, self.key, self.token = client, lease_key(night, school), token

    def take(self) -> bool:
        return bool(self.client.set(self.key, self.token, nx=True, px=LEASE_MS))

    def renew(self) -> bool:
        """True while it is ours — re-taken if Redis lost it (restarted empty); False once another holds it."""
        return bool(self.client.eval(_RENEW, 1, self.key, self.token, LEASE_MS))

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, self.key, self.token)


def in_flight(client: Any, night: str) -> set[str]:
    """The schools of `night` the queue still holds (waiting, delayed for a retry, or taken and unacknowledged)
    or a worker holds a lease on. Reads Dramatiq's Redis layout: `<ns>:<queue>.msgs` is a hash of every
    message not yet acknowledged (its dispatch.lua documents it)."""
    from dramatiq import Message

    held: set[str] = set()
    for queue in (QUEUE, f"{QUEUE}.DQ"):
        for raw in client.hvals(f"{NAMESPACE}:{queue}.msgs"):
            kwargs = Message.decode(raw).kwargs or {}
            if kwargs.get("night") == night:
                held.add(kwargs.get("school", ""))
    prefix = lease_key(night, "")  # a night id holds no glob characters
    for key in client.scan_iter(match=prefix + "*", count=500):
        held.add(key.decode("utf-8")[len(prefix) :])
    return held


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")
