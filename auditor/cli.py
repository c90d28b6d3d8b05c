"""The `auditor` command line. Thin: parse arguments, call the library, map outcomes to exit codes.

Exit codes (for cron): 0 done, nothing open; 1 gaps found; 2 usage or config error; 3 inconclusive
(site unreachable, crawl cut short or failed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console

from auditor import __version__
from auditor.errors import InputError

EXIT_OK, EXIT_GAPS, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3


def _console() -> Console:
    return Console(stderr=False, highlight=False)


def cmd_crawl(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.crawl import print_summary, run_crawl

    cfg = load_config(args.config)
    console = _console()
    result = run_crawl(cfg, Console(stderr=True))
    print_summary(result, console)
    return EXIT_OK if result.status == "complete" else EXIT_INCONCLUSIVE


def cmd_demo(args: argparse.Namespace) -> int:
    from auditor.config import load_config
    from auditor.crawl import print_summary, run_crawl
    from auditor.demo import demo_config, start_server

    console = _console()
    server = start_server(args.port)
    try:
        out = Path(args.out) / "demo"
        cfg = load_config(demo_config(server, out))
        console.print(f"[bold]演示学院[/] {cfg.school} — serving on 127.0.0.1:{server.port}, "
                      f"crawling {cfg.start_urls[0]}")
        result = run_crawl(cfg, Console(stderr=True))
        print_summary(result, console)
        console.print(f"config: {cfg.path}\nstore:  {cfg.store}")
        return EXIT_OK if result.status == "complete" else EXIT_INCONCLUSIVE
    finally:
        server.stop()


def cmd_serve_demo(args: argparse.Namespace) -> int:
    from auditor.demo import demo_config, start_server

    server = start_server(args.port)
    path = demo_config(server, Path(args.out) / "demo")
    console = _console()
    console.print(f"演示学院 serving on http://127.0.0.1:{server.port} (hosts *.{server.site.domain}, routed by Host; "
                  f"also usable as an HTTP proxy)")
    console.print(f"start URL: {server.site.start_url}\nconfig for `auditor crawl`: {path}\nCtrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        server.stop()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="auditor", description="信息公开合规审计 — audit a college's websites against the "
                                "national disclosure checklist (教办函〔2014〕23号).")
    p.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("crawl", help="crawl a site into the store")
    c.add_argument("--config", required=True, help="the site's YAML config (site.yaml)")
    c.set_defaults(func=cmd_crawl)

    d = sub.add_parser("demo", help="serve the bundled demo college, crawl and audit it, write reports")
    d.add_argument("--out", default="reports", help="output directory (default: reports)")
    d.add_argument("--port", type=int, default=8410, help="port for the demo server (default 8410; a free one if taken)")
    d.set_defaults(func=cmd_demo)

    s = sub.add_parser("serve-demo", help="only serve the demo college, so you can crawl it yourself")
    s.add_argument("--out", default="reports", help="where to write the demo's site.yaml (default: reports)")
    s.add_argument("--port", type=int, default=8410)
    s.set_defaults(func=cmd_serve_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as e:
        Console(stderr=True, highlight=False).print(f"[red]error:[/] {e}", markup=True, soft_wrap=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
