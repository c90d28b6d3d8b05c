"""A store made from a fixture college's pages without a crawl: every page the builder renders (VSB, WebPlus,
static GBK, JS lists, Drupal, Hanweb, .shtml — the layouts of auditor/demo/layouts/) is decoded and extracted
as the spider would, and written as one complete run. For audit tests on realistic HTML that need to be fast
and exact about which pages exist."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml

from auditor.audit import run_audit
from auditor.checklist import for_site
from auditor.config import load_config
from auditor.demo.site import Builder, Resource
from auditor.extract import decode_html, extract_page
from auditor.extract.attachment import filename_from_disposition, filename_from_url
from auditor.extract.record import page_record
from auditor.findings import AuditResult, ItemResult
from auditor.store import Store

PORT = 80  # URLs carry no port, as on a real site


def college(
    columns: list[dict[str, Any]],
    hosts: dict[str, dict[str, Any]],
    directory: list[list[Any]] | None = None,
    school: str = "示例大学",
    **extra: Any,
) -> dict[str, Any]:
    data = {
        "school": school,
        "domain": "sl.test",
        "site_as_of": date(2024, 11, 20),
        "hosts": hosts,
        "columns": columns,
        **extra,
    }
    if directory:
        data["directory"] = {"path": "/xxgkml.htm", "rows": directory}
    return data


def write_store(
    data: dict[str, Any],
    tmp: Path,
    profile: dict[str, Any] | None = None,
    saved: dict[str, str] | None = None,
) -> Path:
    """Render the college, store every resource as a complete crawl would, return its site.yaml.
    `saved`: URL → a saved page (tests/fixtures/…) served in place of, or besides, what the builder renders."""
    site = Builder(PORT, data).build()
    for url, html in (saved or {}).items():
        host, path = url.split("//", 1)[1].split("/", 1)
        site.resources[(host, "/" + path)] = Resource(
            200, html.encode("utf-8"), [("Content-Type", "text/html")]
        )
    config = tmp / "site.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "school": data["school"],
                "start_urls": [site.start_url],
                "allowed_domains": [site.domain],
                "profile": profile
                or {"type": "undergraduate", "graduate_programs": True, "province": "湖北"},
            },
            allow_unicode=True,
        ),
        "utf-8",
    )
    with Store(tmp / "auditor.sqlite") as store:
        run = store.start_run(data["school"], str(config), "test", "test", [site.start_url])
        items, hops = [], []
        for (host, path), res in site.resources.items():
            url = f"http://{host}{path}"
            headers = dict(res.headers)
            if res.kind == "attachment":
                items.append(
                    {
                        "kind": "attachment",
                        "url": url,
                        "status": res.status,
                        "method": "HEAD",
                        "filename": filename_from_disposition(headers.get("Content-Disposition"))
                        or filename_from_url(url),
                        "last_modified": None,
                        "error": None if res.status < 400 else f"http_{res.status}",
                    }
                )
            elif "Location" in headers:
                hops.append((url, urljoin(url, headers["Location"])))
            elif res.kind in ("page", "redirect"):
                text, _ = decode_html(res.body, headers.get("Content-Type"))
                sig = extract_page(url, text)
                if sig.redirect_to:
                    hops.append((url, sig.redirect_to))
                else:
                    items.append(
                        page_record(
                            url, sig, res.status, body=res.body, content_type=headers.get("Content-Type")
                        )
                    )
        store.write_batch(run, items)
        store.write_hops(run, hops)
        pages = sum(i["kind"] == "page" for i in items)
        store.finish_run(
            run,
            "complete",
            "finished",
            {"counts": {"pages": pages, "attachments": len(items) - pages}, "errors": {}},
        )
    return config


def audit(config: Path, as_of: str) -> dict[str, ItemResult]:
    cfg = load_config(config)
    with Store(cfg.store) as store:
        result: AuditResult = run_audit(store, cfg, for_site(cfg), date.fromisoformat(as_of))
    return {it.id: it for it in result.items}
