"""Crawl speed against Scrapy's own limit and the tools a user might pick instead (issue 6).

Writes a 10,000+ page college (the demo with N news stories; lists, articles, attachments, GBK pages) to disk
and serves it with nginx on loopback addresses (127.0.0.2 … one per host, so no tool needs DNS), checks with
a bare threaded client that nginx is not the bottleneck, then crawls it with
  (a) `auditor crawl`, politeness off (no delay, no AutoThrottle, 16 concurrent requests);
  (b) a bare Scrapy spider that only follows links, same concurrency (bench/bare_follow.py);
  (c) linkchecker (16 threads) and `wget --spider -r`.
Requests are counted in nginx's access log, the same way for every tool, and CPU seconds per 1,000 requests
are read from each crawler's own process (and its children). `--weight-kb` pads every page to about that
many KB with what real college pages carry besides their own content (issue 13 measured 30–80 KB): a
mega-menu of a hundred links to the site's own columns and pages, inline styles and scripts (the CMS's
configuration and statistics code), 友情链接 to other schools; `--weight-kb 0` serves the demo's light pages.
Goal: auditor ≥ 0.9 × bare Scrapy on realistic (43 KB) pages, ≥ 3 × linkchecker (requests per second).
`--memory-pages 100000` also measures peak RSS of an auditor crawl of that size.

    python bench/crawl.py [--pages 10000] [--weight-kb 0 43] [--memory-pages 100000]
"""

from __future__ import annotations

import argparse
import copy
import http.client
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# not bench/: bench/incremental.py would shadow the "incremental" package Twisted imports
sys.path[0] = str(ROOT)

import yaml  # noqa: E402

from auditor.demo import local_env  # noqa: E402
from auditor.demo.site import Site, build_site, load_college  # noqa: E402

ADDRESSES = {
    "": "127.0.0.1",
    "www": "127.0.0.2",
    "xxgk": "127.0.0.3",
    "zs": "127.0.0.4",
    "cwc": "127.0.0.5",
    "jy": "127.0.0.6",
}
ENV = local_env()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def furniture(site: Site, host: str, kb: int) -> str:
    """A real page's weight besides its content: menu links to the host's own pages (so no request is
    added, as on a real site where the menu links columns already crawled), styles, scripts, 友情链接."""
    own = sorted(p for (h, p), r in site.resources.items() if h == host and r.kind == "page")[:100]
    menu = "".join(
        f'<li class="nav-item"><a href="{p}" target="_self">栏目导航{i}</a></li>' for i, p in enumerate(own)
    )
    friends = "".join(
        f'<a href="http://www.school{i}.edu.cn/" target="_blank" title="兄弟院校{i}">兄弟院校{i}</a>'
        for i in range(30)
    )
    rule = (
        ".nav-item{{float:left;margin:0 {i}px;padding:0 12px;font:14px/40px 'Microsoft YaHei';color:#333}}\n"
    )
    code = (
        "_hmt.push(['_trackEvent','column','{i}','/system/resource/js/vsb/{i}.js',{{\"owner\":1413{i}}}]);\n"
    )
    parts = [
        f'<div class="mega-menu"><ul>{menu}</ul></div>',
        f'<div class="footer-links">友情链接：{friends}</div>',
    ]
    i = 0
    while sum(len(x.encode()) for x in parts) < kb * 1024:
        parts.append(f"<style>{''.join(rule.format(i=i + j) for j in range(20))}</style>")
        parts.append(f"<script>var _hmt=_hmt||[];{''.join(code.format(i=i + j) for j in range(20))}</script>")
        i += 20
    return "".join(parts)


def weigh(site: Site, kb: int) -> None:
    """Pad every HTML page of the site to about `kb` KB (its own charset kept)."""
    if kb <= 0:
        return
    pads: dict[str, str] = {}
    for (host, _), res in site.resources.items():
        if res.kind != "page" or res.status != 200 or b"</body>" not in res.body.lower():
            continue
        pad = pads.setdefault(host, furniture(site, host, kb - 2))
        try:
            res.body.decode("utf-8")
            charset = "utf-8"
        except UnicodeDecodeError:
            charset = "gbk"
        cut = res.body.lower().rfind(b"</body>")
        res.body = res.body[:cut] + pad.encode(charset) + res.body[cut:]


def write_site(site: Site, root: Path) -> dict[str, str]:
    """Files under root/<address>/<path>; redirects returned as {host+uri: location} for nginx."""
    redirects: dict[str, str] = {}
    for (host, path), res in site.resources.items():
        if res.kind == "redirect" and res.status in (301, 302):
            target = dict(res.headers)["Location"]
            redirects[f"{host}{path}"] = (
                target if target.startswith("http") else f"http://{host}:{site.port}{target}"
            )
            continue
        if res.status != 200:
            continue  # a missing file answers 404, like the broken attachment it stands for
        name = "__root__.html" if path == "/" else path.lstrip("/")
        f = root / host / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(res.body)
    return redirects


def nginx_conf(tmp: Path, port: int, redirects: dict[str, str]) -> Path:
    listens = "\n".join(f"    listen {ip}:{port};" for ip in ADDRESSES.values())
    rmap = "\n".join(f'    "{k}" "{v}";' for k, v in redirects.items())
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  map_hash_bucket_size 256;
  default_type application/octet-stream;
  log_format bench '$request_method $host $status "$request_uri"';
  access_log {tmp}/access.log bench;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  keepalive_requests 100000;
  map "$host$request_uri" $redir {{
    default "";
{rmap}
  }}
  server {{
{listens}
    root {tmp}/site/$host;
    location = / {{ if ($redir) {{ return 302 $redir; }} try_files /__root__.html =404; }}
    location / {{ if ($redir) {{ return 302 $redir; }} try_files "$uri$is_args$args" $uri =404; }}
  }}
}}
""",
        encoding="utf-8",
    )
    return conf


def log_lines(tmp: Path) -> list[str]:
    path = tmp / "access.log"
    return path.read_text("utf-8", "replace").splitlines() if path.exists() else []


def bare_client(urls: list[str], threads: int = 16) -> float:
    """Requests/s a plain threaded HTTP client gets from the server: the server's headroom."""

    def worker(chunk: list[str]) -> None:
        conns: dict[str, http.client.HTTPConnection] = {}
        for u in chunk:
            hostport, _, path = u[len("http://") :].partition("/")
            host, _, port = hostport.partition(":")
            conn = conns.setdefault(host, http.client.HTTPConnection(host, int(port)))
            conn.request("GET", "/" + path)
            conn.getresponse().read()

    chunks = [urls[i::threads] for i in range(threads)]
    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return len(urls) / (time.perf_counter() - started)


def timed(
    cmd: list[str], tmp: Path, cwd: Path = ROOT, limit: float = 1800
) -> tuple[float, int, int, subprocess.CompletedProcess[str], float]:
    """(seconds, requests, peak RSS MB of the child, process, CPU seconds of it and its children) for one
    tool's run (stopped after `limit` s)."""
    before = len(log_lines(tmp))
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss0 = usage0.ru_maxrss
    print(f"running {Path(cmd[0]).name} {' '.join(cmd[1:3])} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=cwd, timeout=limit)
    except subprocess.TimeoutExpired:
        proc = subprocess.CompletedProcess(cmd, -9, "", f"stopped after {limit:.0f} s")
    seconds = time.perf_counter() - started
    time.sleep(0.3)  # let nginx flush its log
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime
    rss = usage.ru_maxrss
    return seconds, len(log_lines(tmp)) - before, (rss if rss > rss0 else 0) // 1024, proc, cpu


def serve(pages: int, tmp: Path, weight_kb: int = 0) -> tuple[Site, subprocess.Popen[bytes], int]:
    data = copy.deepcopy(load_college())
    data["news"]["count"] = pages
    data["addresses"] = ADDRESSES
    port = free_port()
    site = build_site(port, data)
    weigh(site, weight_kb)
    tmp.chmod(0o755)  # nginx's workers run as www-data; mkdtemp makes 0700 directories
    redirects = write_site(site, tmp / "site")
    nginx = subprocess.Popen(
        ["nginx", "-c", str(nginx_conf(tmp, port, redirects)), "-p", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.2", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return site, nginx, port


def auditor_config(tmp: Path, port: int, max_pages: int = 1_000_000) -> Path:
    config = tmp / "site.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "school": "湘岳职业技术学院",
                "start_urls": [f"http://127.0.0.2:{port}/index.htm"],
                "allowed_domains": list(ADDRESSES.values()),
                "store": "auditor.sqlite",
                "crawl": {
                    "delay": 0,
                    "autothrottle": False,
                    "concurrency": 16,
                    "concurrency_per_host": 16,
                    "max_pages": max_pages,
                    "max_depth": 100_000,
                    "max_seconds": 7200,
                },
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return config


def memory_run(pages: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        site, nginx, port = serve(pages, tmp)
        try:
            seconds, requests, rss, proc, _ = timed(
                [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(auditor_config(tmp, port))],
                tmp,
            )
        finally:
            nginx.terminate()
        print(
            f"memory: auditor crawl of {len(site.expected_pages())} pages: {requests} requests in {seconds:.0f} s, "
            f"peak RSS {rss} MB (exit {proc.returncode})"
        )


def crawl_pair(pages: int, weight_kb: int, limit: float, tmp: Path) -> tuple[Site, list[Row], float, int]:
    """auditor and the bare spider on one site, one after the other; the server is left running for
    whatever else is measured on it (the caller stops it)."""
    site, nginx, port = serve(pages, tmp, weight_kb)
    NGINX.append(nginx)
    headroom = bare_client(sorted(site.expected_pages()))
    start = f"http://127.0.0.2:{port}/index.htm"  # past the JavaScript redirect only auditor follows
    rows: list[Row] = []
    cmd = [sys.executable, "-m", "auditor.cli", "crawl", "--config", str(auditor_config(tmp, port))]
    t, n, rss, proc, cpu = timed(cmd, tmp, limit=limit)
    rows.append(("auditor crawl", t, n, rss, proc.returncode, cpu))
    cmd = [sys.executable, str(ROOT / "bench" / "bare_follow.py"), start, *ADDRESSES.values()]
    t, n, rss, proc, cpu = timed(cmd, tmp, limit=limit)
    rows.append(("bare Scrapy (follow links)", t, n, rss, proc.returncode, cpu))
    return site, rows, headroom, port


def other_tools(tmp: Path, port: int, limit: float) -> list[Row]:
    start = f"http://127.0.0.2:{port}/index.htm"
    hosts = list(ADDRESSES.values())
    rc = tmp / "linkcheckerrc"
    rc.write_text(
        f"[checking]\nthreads=16\nmaxrequestspersecond=10000\n[filtering]\ninternlinks=^http://127\\.0\\.0\\.[0-9]+:{port}/\n"
        "[output]\nlog=none\n",
        encoding="utf-8",
    )
    rows: list[Row] = []
    cmd = ["linkchecker", "-f", str(rc), "--no-status", "--no-warnings", start]
    t, n, rss, proc, cpu = timed(cmd, tmp, cwd=tmp, limit=limit)
    rows.append(("linkchecker (16 threads)", t, n, rss, proc.returncode, cpu))
    wget = [
        "wget",
        "--spider",
        "-r",
        "-l",
        "inf",
        "-nd",
        "-H",
        "-D",
        ",".join(hosts),
        "-e",
        "robots=on",
        "-q",
    ]
    t, n, rss, proc, cpu = timed([*wget, "-P", str(tmp / "wget"), start], tmp, limit=limit)
    rows.append(("wget --spider -r", t, n, rss, proc.returncode, cpu))
    return rows


Row = tuple[str, float, int, int, int, float]  # name, seconds, requests, peak RSS MB, exit, CPU seconds
NGINX: list[subprocess.Popen[bytes]] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=int, default=10_000, help="news stories in the generated college (default 10000)"
    )
    parser.add_argument(
        "--weight-kb",
        type=int,
        nargs="+",
        default=[0, 43],
        help="page weights to measure, KB (0: the demo's light pages; default 0 43)",
    )
    parser.add_argument(
        "--memory-pages", type=int, default=0, help="also measure peak RSS of an auditor crawl this big"
    )
    parser.add_argument("--limit", type=float, default=1800, help="stop any one tool after this many seconds")
    parser.add_argument("--no-others", action="store_true", help="skip linkchecker and wget")
    parser.add_argument(
        "--only-memory", action="store_true", help="skip the speed comparison; just the --memory-pages crawl"
    )
    args = parser.parse_args()
    if args.only_memory:
        memory_run(args.memory_pages or 100_000)
        return 0
    for tool in ("nginx", *(() if args.no_others else ("linkchecker", "wget"))):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed: apt-get install nginx-light linkchecker wget")
    ok = True
    for n, kb in enumerate(args.weight_kb):
        tmp = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
        try:
            site, rows, headroom, port = crawl_pair(args.pages, kb, args.limit, tmp)
            if n == 0 and not args.no_others:
                rows += other_tools(tmp, port, args.limit)
            pages = sorted(site.expected_pages())
            size = sum(len(r.body) for r in site.resources.values() if r.kind == "page")
        finally:
            for nginx in NGINX:
                nginx.terminate()
            NGINX.clear()
            shutil.rmtree(tmp, ignore_errors=True)
        print(
            f"\nsite ({kb or 'light'} KB pages): {len(pages)} pages (mean {size / 1024 / max(len(pages), 1):.1f} KB) + "
            f"{len(site.expected_attachments())} attachments on nginx; a bare threaded client gets {headroom:.0f} requests/s"
        )
        print(
            f"{'crawler':<28} {'seconds':>8} {'requests':>9} {'req/s':>7} {'CPU s/1000':>11} {'peak RSS MB':>12} {'exit':>5}"
        )
        for name, t, req, rss, rc_, cpu in rows:
            print(
                f"{name:<28} {t:>8.1f} {req:>9} {req / t:>7.0f} {cpu / max(req, 1) * 1000:>11.2f} {rss:>12} {rc_:>5}"
            )
        by = {name: req / t for name, t, req, _, _, _ in rows}
        vs_scrapy = by["auditor crawl"] / by["bare Scrapy (follow links)"]
        line = f"auditor / bare Scrapy: {vs_scrapy:.2f} (goal ≥ 0.9 on realistic pages)"
        if "linkchecker (16 threads)" in by:
            vs_lc = by["auditor crawl"] / by["linkchecker (16 threads)"]
            line += f"; auditor / linkchecker: {vs_lc:.2f} (goal ≥ 3); auditor / wget: {by['auditor crawl'] / by['wget --spider -r']:.2f}"
            ok = ok and vs_lc >= 3
        print(line)
        ok = ok and (vs_scrapy >= 0.9 or kb < 30)
    if args.memory_pages:
        memory_run(args.memory_pages)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
