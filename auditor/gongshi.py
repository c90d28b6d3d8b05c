"""公示 and the periods they state (issue 26): a school posts a 公示 (资助 results, 推免 and 拟录取 lists, 拟聘
cadres…) for a period the rules set a minimum for, and must take it down when the period is over — above all
when it lists people's personal data. This module recognises a 公示 by its title, reads the period its text
states ("公示期为2023年9月1日至9月7日", "公示时间：5个工作日"), and counts it on China's calendar; the minimum
durations are data (rules/gongshi.yaml), each with its source.

`judge` turns a night's store into findings; `watch` names the 公示 the documents pass asks for again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor import yamlsrc
from auditor.privacy.detect import mask_text
from auditor.workdays import working

RULES = Path(__file__).resolve().parent.parent / "rules" / "gongshi.yaml"
UNITS = ("workday", "day")


@dataclass(frozen=True)
class Kind:
    """A kind of 公示, by the words its title holds, and the shortest period a rule allows for it (None: no
    national minimum was found; its period is still read, and checked against its own end)."""

    name: str
    words: tuple[str, ...]
    minimum: int | None
    unit: str  # workday | day
    source: str


@dataclass(frozen=True)
class Rules:
    kinds: tuple[Kind, ...]
    grace_days: int  # days after a period's end before a 公示 still online with personal data is a finding
    grace_source: str


def load(path: Path = RULES) -> Rules:
    """rules/gongshi.yaml, each error naming its file and line."""
    doc = yamlsrc.load_located(path)
    kinds = []
    for n, k in enumerate(doc.data.get("kinds") or []):
        key = ("kinds", n)
        if not isinstance(k, dict) or not k.get("name") or not k.get("words"):
            raise doc.error(key, "a kind needs a name and the words its titles hold", "see the file's header")
        unit = k.get("unit", "workday")
        if unit not in UNITS or not (k.get("minimum") is None or isinstance(k.get("minimum"), int)):
            raise doc.error(
                key, f"minimum must be a whole number of {' or '.join(UNITS)}s", "e.g. minimum: 5"
            )
        if k.get("minimum") is not None and not k.get("source"):
            raise doc.error(key, "a minimum needs its source (the rule and where it was read)", "add source:")
        kinds.append(Kind(k["name"], tuple(k["words"]), k.get("minimum"), unit, k.get("source") or ""))
    grace = doc.data.get("take_down") or {}
    if not isinstance(grace.get("grace_days"), int):
        raise doc.error(("take_down",), "take_down.grace_days must be a whole number of days", "e.g. 30")
    return Rules(tuple(kinds), grace["grace_days"], grace.get("source") or "")


def kind_of(title: str, rules: Rules) -> Kind | None:
    """The 公示's kind, for a title that says it is a 公示 (the first kind whose words it holds)."""
    if "公示" not in title:
        return None
    return next((k for k in rules.kinds if any(w in title for w in k.words)), None)


_D = r"(?:(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日?|(\d{4})[-./](\d{1,2})[-./](\d{1,2}))"
_TO = r"\s*(?:[（(][^）)]{0,12}[）)])?\s*(?:至|到|—+|－|-|~|～|－－)\s*"
_WHEN = r"(?:\s*[（(]?(?:星期|周)[一二三四五六日天][）)]?)?(?:\s*\d{1,2}[:：]\d{2})?"  # a weekday, an hour
RANGE = re.compile(
    _D + _WHEN + _TO + r"(?:" + _D + r"|(\d{1,2})\s*日)" + _WHEN
)  # "9月1日至7日": the day alone
NUMBER = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
LENGTH = re.compile(
    r"公示(?:期|时间|期限|时限)?\s*(?:为|是|：|:)?\s*(?:不少于|不低于|不得少于)?\s*"
    + NUMBER
    + r"\s*个?\s*(工作日|天|日)"
)
NEAR = 40  # characters before a range where "公示" must be said (the sentence stating the period)
CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Stated:
    """The period a 公示 states: its sentence as written, and its first and last day (a length with no start
    counts from the day it was published)."""

    sentence: str
    start: date
    end: date


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + CN.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN.get(tens, 0) * 10 + CN.get(ones, 0)
    return CN.get(text, 0)


def _day(groups: tuple[str | None, ...], year: int, month: int | None = None) -> date | None:
    y, m, d, y2, m2, d2 = groups
    try:
        if y2:
            return date(int(y2), int(m2 or 0), int(d2 or 0))
        return date(int(y) if y else year, int(m) if m else (month or 0), int(d or 0))
    except ValueError:
        return None


def stated(text: str, published: date | None) -> Stated | None:
    """The period `text` states for its 公示: a range of days after the word 公示, else a length (from
    `published`). None when it states neither (or a length with no publication date to count from)."""
    flat = re.sub(r"\s+", " ", text)
    for m in RANGE.finditer(flat):
        if not _says_gongshi(flat, m.start(), m.end()):
            continue
        first = _day(m.groups()[:6], published.year if published else 0)
        if first is None:
            continue
        if m.group(13):  # the day alone: in the first day's month
            last = _day((None, None, m.group(13), None, None, None), first.year, first.month)
        else:
            last = _day(m.groups()[6:12], first.year)
        if last is not None and last < first and not (m.group(7) or m.group(10)):
            last = last.replace(year=first.year + 1)  # 12月28日至1月4日: the next year's
        if last is not None and last >= first:
            return Stated(_sentence(flat, m.start(), m.end()), first, last)
    if (m := LENGTH.search(flat)) and published is not None:
        n, unit = _number(m.group(1)), "workday" if m.group(2) == "工作日" else "day"
        if n:
            return Stated(_sentence(flat, m.start(), m.end()), published, end_of(published, n, unit))
    return None


def _says_gongshi(text: str, start: int, end: int) -> bool:
    """Whether the sentence holding a range of days says it is the 公示's: "公示" before it in the same sentence
    (at most NEAR characters back), or right after it ("自9月1日至9月7日公示") — not a 报名时间 two sentences on."""
    before = text[max(0, start - NEAR) : start]
    before = before[max(before.rfind(c) for c in "。；;！\n") + 1 :]
    return "公示" in before or "公示" in text[end : end + 6]


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a match, as the report quotes it (at most 80 characters), personal data masked (a
    sentence may go on to the phone to call with an objection)."""
    a = max(text.rfind(c, 0, start) for c in "。；;！\n") + 1
    ends = [i for i in (text.find(c, end) for c in "。；;！\n") if i != -1]
    b = min(ends) + 1 if ends else len(text)
    return mask_text(text[a:b].strip())[:80]


def end_of(start: date, length: int, unit: str) -> date:
    """The last day of a period of `length` units starting on `start` (a non-working start does not count)."""
    if unit == "day":
        return start + timedelta(days=length - 1)
    d, left = start - timedelta(days=1), length
    while left > 0:
        d += timedelta(days=1)
        if working(d)[0]:
            left -= 1
    return d


def length_in(start: date, end: date, unit: str) -> int:
    """How many units (working days on China's calendar, or days) from `start` to `end`, both counted."""
    days = (end - start).days + 1
    if unit == "day":
        return days
    return sum(working(start + timedelta(days=n))[0] for n in range(days))


def too_short(period: Stated, kind: Kind) -> bool:
    return kind.minimum is not None and length_in(period.start, period.end, kind.unit) < kind.minimum


# a 公示 published this long ago or less is read for its period; older ones only with personal data
RECENT_DAYS = 400


def judge(
    store: Any,
    run_id: int,
    previous_run: int | None,
    as_of: date,
    rules: Rules,
    personal: set[str],
    owner_of_host: dict[str, str],
    coordinator: str,
) -> list[dict[str, Any]]:
    """The night's 公示 findings (the store is given, not imported): one entry per 公示 and problem —
    `short` (its stated period is under its kind's minimum), `expired_personal` (personal data still online
    `grace_days` after its period ended: it should have been taken down), `removed_early` (online at the last
    complete crawl, gone tonight before its period ended). `personal`: URLs of pages whose text or files hold
    personal data (auditor.privacy)."""
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], Stated | None] = {}
    recent = (as_of - timedelta(days=RECENT_DAYS)).isoformat()
    for page in store.notice_pages(run_id):
        kind = kind_of(page["title"] or "", rules)
        if kind is None or not (page["url"] in personal or (page["published"] or "") >= recent):
            continue
        period = _period_of(store, page, seen)
        if period is None:
            continue
        entry = _entry(page, kind, period, owner_of_host, coordinator)
        if too_short(period, kind):
            out.append({**entry, "problem": "short"})
        over = (as_of - period.end).days  # days since its period ended
        if page["url"] in personal and over > rules.grace_days:
            out.append(
                {**entry, "problem": "expired_personal", "days_over": over, "source": rules.grace_source}
            )
    if previous_run is not None:
        out += _removed_early(store, run_id, previous_run, as_of, rules, owner_of_host, coordinator, seen)
    return out


def _period_of(
    store: Any, page: Any, seen: dict[tuple[str, str], Stated | None] | None = None
) -> Stated | None:
    """The period a stored 公示 page states (`seen`: what this night already read, by payload and date — the
    last crawl's copy of a page is mostly tonight's)."""
    key = (page["body_sha256"] or "", page["published"] or "")
    if seen is not None and key in seen:
        return seen[key]
    period = _read_period(store, page)
    if seen is not None:
        seen[key] = period
    return period


def _read_period(store: Any, page: Any) -> Stated | None:
    from auditor.extract import decode_html
    from auditor.extract.html import article_lines

    got = store.body(page["body_sha256"]) if page["body_sha256"] else None
    if got is None:
        return None
    html, _ = decode_html(got[0], None)
    published = date.fromisoformat(page["published"]) if page["published"] else None
    return stated("\n".join(article_lines(html)), published)


def _entry(page: Any, kind: Kind, period: Stated, owners: dict[str, str], coordinator: str) -> dict[str, Any]:
    return {
        "url": page["url"],
        "title": page["title"],
        "kind": kind.name,
        "stated": period.sentence,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "length": length_in(period.start, period.end, kind.unit),
        "unit": kind.unit,
        "minimum": kind.minimum,
        "source": kind.source,
        "department": owners.get(urlsplit(page["url"]).hostname or "") or coordinator,
        "published": page["published"],
    }


def watch(store: Any, runs: list[int], day: date, rules: Rules | None = None) -> list[str]:
    """The 公示 of `runs` (tonight's and the last complete crawl's) whose stated period runs past `day`: the
    documents pass asks for each again, so a 公示 taken down before its end is seen gone, however the crawl
    kept or missed it."""
    rules = rules or load()
    recent = (day - timedelta(days=RECENT_DAYS)).isoformat()
    out: dict[str, None] = {}
    for run_id in runs:
        for page in store.notice_pages(run_id):
            if (
                page["url"] in out
                or (page["published"] or "") < recent
                or kind_of(page["title"] or "", rules) is None
            ):
                continue
            period = _period_of(store, page)
            if period is not None and period.end >= day:
                out[page["url"]] = None
    return list(out)


def _removed_early(
    store: Any,
    run_id: int,
    previous_run: int,
    as_of: date,
    rules: Rules,
    owners: dict[str, str],
    coordinator: str,
    seen: dict[tuple[str, str], Stated | None],
) -> list[dict[str, Any]]:
    """公示 the last complete crawl saw whose period had not ended by tonight, and that tonight's crawl found
    gone (an error answer) or no longer reached."""
    before = [p for p in store.notice_pages(previous_run) if kind_of(p["title"] or "", rules)]
    if not before:
        return []
    tonight = store.responses(run_id, [p["url"] for p in before])  # the documents pass's answer first
    out = []
    for page in before:
        now = tonight.get(page["url"])
        if now is not None and (now["status"] or 0) < 400:
            continue
        kind = kind_of(page["title"] or "", rules)
        period = _period_of(store, page, seen)
        if kind is None or period is None or period.end < as_of:
            continue
        entry = _entry(page, kind, period, owners, coordinator)
        out.append(
            {
                **entry,
                "problem": "removed_early",
                "last_seen": store.run(previous_run).started_at[:10],
                "tonight": f"HTTP {now['status']}" if now is not None else "not_reached",
            }
        )
    return out


def carried(found: list[dict[str, Any]], last: list[dict[str, Any]], today: str) -> list[dict[str, Any]]:
    """Each finding's first_seen is fixed the night it was first found (same URL and problem as one the last
    complete audit had: that audit's date carries over)."""
    since = {(g["url"], g["problem"]): g.get("first_seen") for g in last}
    return [{**g, "first_seen": since.get((g["url"], g["problem"])) or today} for g in found]
