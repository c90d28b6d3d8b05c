"""What an answer from a school's site means (a vocabulary: the rules decide with it, the reports name it):
which statuses are a dead link, which a guard's refusal, and what each of the crawl's own error names says.
"""

from __future__ import annotations

WAF_STATUSES = (401, 403, 407, 412, 429)  # a guard's answer: cannot verify, never a gap
BROKEN_STATUSES = (404, 410)  # gone (and every 5xx still answered after the night's retries)

# Requests that got no answer even after the night's late retries: the public cannot open it either
DEAD_ERRORS = {
    "dns": ("域名无法解析", "its host name does not resolve"),
    "timeout": ("请求超时", "times out"),
    "refused": ("连接被拒绝", "refuses connections"),
}
# Requests the crawl made but could not complete for reasons of its own or the site's guard: cannot verify
REFUSALS = {
    "robots": ("被 robots.txt 禁止抓取", "is forbidden to crawlers by robots.txt"),
    "redirect_loop": ("重定向形成循环，无法到达页面", "redirects in a loop"),
    "redirect_limit": ("重定向次数过多（超过 10 次）", "redirects more than 10 times"),
    "redirect_offsite": ("重定向到允许抓取的域名以外", "redirects outside the allowed domains"),
    "redirect_unreached": ("重定向后的地址未能抓取", "redirects to an address the crawl could not fetch"),
    "too_large": ("文件过大，未下载", "is larger than the crawl downloads"),
}


def error_label(key: str) -> str:
    """A crawl error's name as a report says it: http_412 → HTTP 412, timeout → 请求超时."""
    if key.startswith("http_"):
        return f"HTTP {key[5:]}"
    if key.startswith("challenge"):
        return "访问验证页面"
    return (DEAD_ERRORS.get(key) or REFUSALS.get(key) or (key,))[0]


def is_broken(status: int | None) -> bool:
    return status is not None and (status in BROKEN_STATUSES or 500 <= status < 600)
