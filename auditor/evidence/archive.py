"""The evidence archive: every page and file that decided a status — each item's evidence, its files, the
pages that link to dead targets and the dead targets' answers, the 信息公开目录 and the start page — as
WARC 1.1 (ISO 28500, written with warcio), one gzipped file per run under archive/ beside the store. A
payload an earlier run archived is written as a revisit record pointing at it, so a page unchanged for
months is stored once. The store keeps an index (URL → file, offset, SHA-256 of the payload); reading a
record back checks the hash, and a missing file or a hash that does not match is said, never papered over
with live content."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from auditor.clock import beijing
from auditor.findings import AuditResult
from auditor.store import Store


def folder(store_path: Path) -> Path:
    return store_path.parent / "archive"


def warc_name(run_id: int) -> str:
    return f"run-{run_id}.warc.gz"


def urls_to_archive(result: AuditResult, extra: list[str]) -> list[str]:
    """What decided each status: evidence, its files, the pages linking to dead targets, and `extra`."""
    out: dict[str, None] = dict.fromkeys(extra)
    for it in result.items:
        for e in it.evidence:
            out[e.url] = None
            if e.column:
                out[e.column] = None
            out.update((c["url"], None) for c in e.contents)
            out.update((a["url"], None) for a in e.attachments[:3])
        for f in it.findings:
            if f.link:
                out.update((u, None) for u in (f.link.get("source"), f.link.get("target")) if u)
    return [u for u in out if u]


def _http_headers(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (k, v)
        for k, v in (record.get("headers") or {}).items()
        if k.lower() not in ("content-encoding", "transfer-encoding")
    ]


@dataclass
class Written:
    records: int = 0
    revisits: int = 0
    bytes: int = 0
    file: str = ""


def write(store: Store, store_path: Path, run_id: int, urls: list[str]) -> Written:
    """Archive `urls` as run `run_id` received them (those not archived for this run already)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    done = {r["url"] for r in store.archived(run_id)}
    todo = [u for u in urls if u not in done]
    records = store.responses(run_id, todo)
    path = folder(store_path) / warc_name(run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = Written(file=path.name)
    rows = []
    with path.open("ab") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        for url in todo:
            rec = records.get(url)
            if rec is None or rec.get("status") is None:
                continue  # no answer to archive (a timeout, a refused request): the finding says why
            got = store.body(rec["body_sha256"]) if rec.get("body_sha256") else None
            body = got[0] if got else b""
            sha = hashlib.sha256(body).hexdigest()
            http = StatusAndHeaders(f"{rec['status']} -", _http_headers(rec), protocol="HTTP/1.1")
            date = {"WARC-Date": _warc_date(rec.get("fetched_at"))}
            earlier = [r for r in store.archived(sha256=sha) if r["run_id"] != run_id] if body else []
            if earlier:
                first = earlier[0]
                record = writer.create_revisit_record(
                    url, _sha1_digest(body), first["url"], first["archived_at"], http_headers=http,
                    warc_headers_dict=date,
                )  # fmt: skip
                kind, refers = "revisit", first["warc"]
                written.revisits += 1
            else:
                record = writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                    warc_headers_dict=date,
                )  # fmt: skip
                kind, refers = "response", None
            start = fh.tell()
            writer.write_record(record)
            rows.append(
                {"url": url, "record": kind, "sha256": sha, "warc": path.name, "offset": start,
                 "length": fh.tell() - start, "refers_to": refers, "archived_at": date["WARC-Date"]}
            )  # fmt: skip
            written.records += 1
        written.bytes = fh.tell()
    store.record_archive(run_id, rows)
    return written


def _warc_date(stamp: str | None) -> str:
    from datetime import datetime

    moment = datetime.fromisoformat(stamp) if stamp else datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha1_digest(body: bytes) -> str:
    import base64

    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


def read(store_path: Path, row: dict[str, Any], store: Store | None = None) -> tuple[bytes | None, str]:
    """(payload, problem) of an archive index row: a revisit is read from the record it points at; the
    payload's SHA-256 is checked against the index. problem is '' or a key of REASONS."""
    import zlib

    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    if row["record"] == "revisit" and store is not None:
        originals = [r for r in store.archived(sha256=row["sha256"]) if r["record"] == "response"]
        if not originals:
            return None, "missing"
        row = dict(originals[0])
    path = folder(store_path) / row["warc"]
    if not path.exists():
        return None, "missing"
    with path.open("rb") as fh:
        fh.seek(row["offset"])
        try:
            record = next(iter(ArchiveIterator(fh)))
            payload = record.content_stream().read()
        except (
            ArchiveLoadFailed,
            StopIteration,
            EOFError,
            zlib.error,
            ValueError,
        ):  # truncated or overwritten
            return None, "mismatch"  # (a bug raises something else, and is not told as tampering)
    if hashlib.sha256(payload).hexdigest() != row["sha256"]:
        return None, "mismatch"
    return payload, ""


# Files kept in the report folder as they were served: types no browser runs anything in when it opens them
# (nor serves with a scriptable type, by these suffixes). Anything else — .html, .svg, .xml, a .jsp, no
# suffix — is markup until shown otherwise, and is written as a sanitised page.
INERT = {
    "application/pdf": ".pdf", "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/zip": ".zip", "application/x-rar-compressed": ".rar", "application/vnd.rar": ".rar",
    "application/x-7z-compressed": ".7z", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
    "text/plain": ".txt", "text/csv": ".csv",
}  # fmt: skip
INERT_SUFFIXES = {*INERT.values(), ".wps", ".et", ".dps", ".ofd", ".jpeg", ".bmp", ".tif", ".tiff", ".mp4"}
BINARY = (
    "application/octet-stream",
    "binary/octet-stream",
    "application/force-download",
    "application/x-download",
)


def copy_name(url: str, sha: str, is_file: bool, content_type: str | None = None) -> str:
    """The exported copy's file name: a page — or a file that is markup — as .html (sanitised), a file of
    an inert type with that type's suffix, an unknown binary as .bin."""
    if not is_file:
        return f"{sha}.html"
    kind = (content_type or "").split(";")[0].strip().lower()
    suffix = Path(url.split("?")[0]).suffix.lower()
    if kind in INERT:
        return sha + INERT[kind]
    if (not kind or kind in BINARY) and suffix in INERT_SUFFIXES:
        return sha + suffix
    if kind in BINARY:
        return f"{sha}.bin"
    return f"{sha}.html"


MAGIC = {b"%PDF": ".pdf", b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg", b"GIF8": ".gif"}


def sniffed_suffix(payload: bytes) -> str:
    """An inert type the bytes show (documents, images), or ''."""
    from auditor.evidence.text import sniff

    kind = sniff(payload)
    if kind != "other":
        return "." + kind
    return next((suffix for magic, suffix in MAGIC.items() if payload.startswith(magic)), "")


def attach(store: Store, store_path: Path, result: AuditResult) -> None:
    """Name each evidence's archived record (file, offset, SHA-256, exported copy) in the findings."""
    index = {r["url"]: dict(r) for r in store.archived(result.run["id"])}
    types = {u: r.get("content_type") for u, r in store.responses(result.run["id"], list(index)).items()}
    for it in result.items:
        for e in it.evidence:
            row = index.get(e.url)
            e.archive = (
                {"warc": row["warc"], "offset": row["offset"], "record": row["record"], "sha256": row["sha256"],
                 "archived_at": row["archived_at"],
                 "saved_as": copy_name(e.url, row["sha256"], e.is_file, types.get(e.url)),
                 "content_type": types.get(e.url)}
                if row else None
            )  # fmt: skip
            for c in e.contents:
                c["archived"] = c["url"] in index


def export(store: Store, store_path: Path, findings: dict[str, Any], out_dir: Path) -> None:
    """Write each evidence's archived copy (hash checked) and each gap's screenshot under `out_dir`, for the
    HTML report to link; mark in `findings` what could not be read back (missing file, hash mismatch).
    Every copy is safe to open — or to serve, when `out_dir` is a web folder: pages and markup files are
    rebuilt by the sanitiser with the policy first (every time: a copy an older release wrote is replaced);
    only inert types are written as served; nothing else is left in the folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_url = {r["url"]: dict(r) for r in store.archived(findings["run"]["id"])}
    written: dict[str, tuple[str, str]] = {}  # evidence URL → (file name, problem), once per export
    for it in findings["items"]:
        for e in it["evidence"]:
            a = e.get("archive")
            if not a:
                continue
            if e["url"] not in written:
                row = by_url.get(e["url"]) or {**a, "url": e["url"]}
                written[e["url"]] = _copy(store, store_path, row, e, a, out_dir)
            a["saved_as"], a["problem"] = written[e["url"]]
        shot = it.get("screenshot")
        if shot:
            src = folder(store_path) / shot["file"]
            shot["present"] = src.exists()
            if src.exists():
                (out_dir / Path(shot["file"]).name).write_bytes(src.read_bytes())
                written[shot["file"]] = (Path(shot["file"]).name, "")
    keep = {name for name, _ in written.values()}
    for stale in out_dir.iterdir():
        if stale.name not in keep and stale.is_file():
            stale.unlink()


def _copy(
    store: Store, store_path: Path, row: dict[str, Any], e: dict[str, Any], a: dict[str, Any], out_dir: Path
) -> tuple[str, str]:
    """(file name, problem) of one evidence's copy under `out_dir`."""
    name = copy_name(e["url"], a["sha256"], bool(e.get("is_file")), a.get("content_type"))
    if (out_dir / name).exists() and not name.endswith(".html"):
        return name, ""  # an inert file is the same bytes every night
    name, payload, problem = copy_of(store, store_path, row, e, a)
    if payload is not None:
        (out_dir / name).write_bytes(payload)
    return name, problem


def copy_of(
    store: Store, store_path: Path, row: dict[str, Any], e: dict[str, Any], a: dict[str, Any]
) -> tuple[str, bytes | None, str]:
    """(file name, bytes, problem) of one evidence's copy as it may be shown — the report's folder and the
    workspace both show this: a page (or markup) rebuilt by the sanitiser and masked, an inert file as served,
    none of a file holding personal data (problem 'privacy': its WARC record is the evidence)."""
    from auditor.evidence.sanitise import safe_copy

    name = copy_name(e["url"], a["sha256"], bool(e.get("is_file")), a.get("content_type"))
    payload, problem = read(store_path, row, store)
    if payload is None:
        return name, None, problem
    if not name.endswith(".html") and (store.document(a["sha256"]) or {}).get("privacy"):
        return name, None, "privacy"
    if e.get("is_file") and name.endswith((".html", ".bin")) and (suffix := sniffed_suffix(payload)):
        name = a["sha256"] + suffix  # a download.jsp that served a PDF: the PDF
    if name.endswith(".html"):
        try:
            payload = safe_copy(
                payload, e["url"], beijing(a["archived_at"]), a["sha256"], a.get("content_type")
            )
        except Exception:  # whatever a page holds: no copy of it, said so; the others are written
            return name, None, "copy"
    return name, payload, problem


def media_type(name: str) -> str:
    """The type a copy is served as, by the suffix copy_of gave it (never a scriptable one but sanitised .html)."""
    suffix = Path(name).suffix.lower()
    by_suffix = {v: k for k, v in INERT.items()}
    return by_suffix.get(suffix) or (
        "text/html; charset=utf-8" if suffix == ".html" else "application/octet-stream"
    )


def prune_files(store: Store, store_path: Path) -> list[str]:
    """Delete the WARC files no archive record needs any more (after store.prune)."""
    keep = store.archive_files()
    gone = []
    for path in folder(store_path).glob("run-*.warc.gz"):
        if path.name not in keep:
            path.unlink()
            gone.append(path.name)
    return gone
