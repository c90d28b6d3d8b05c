"""Block and challenge pages: an answer (200, or the 503/521 some WAFs use) that is a WAF's "prove you are
human" page, a captcha, or a "campus network only" notice is not the page that was asked for. Recognised by
the marks the WAFs Chinese colleges use leave in their pages; such a page is 'cannot verify', never a document
and never a dead link.

    block_kind('<script>function YunSuoAutoJump(){…}</script>', '')   → '云锁'
    block_kind('', '请开启JavaScript并刷新该页')                          → None (no WAF mark, and a page may say so)

Sources of the marks (real challenge pages, seen through the project's search tool on 2026-12-01): 云锁's
`YunSuoAutoJump()` / `security_verify_data=` redirect script and `security_verify_img` captcha (a government
site's /zwdt/bzdt.htm, quoted in public scrapers); 加速乐's 521 answer whose script sets `__jsl_clearance`
(MgArcher/jiasule issue #3, gsxt.gov.cn); Cloudflare's "Just a moment..." page with `cf-browser-verification`
and its `/cdn-cgi/l/chk_jschl` form (codemanki/cloudscraper specs/fixtures/js_challenge.html).
"""

from __future__ import annotations

import re

# (name, marks of its challenge code — count anywhere, words — count on a short page only). A WAF's cookie
# or badge can sit on every ordinary page of a protected site (安全狗's safedog-flow-item, a "网站安全狗" badge):
# those are never code marks.
WAFS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "云锁",
        ("yunsuo_session_verify", "YunSuoAutoJump", "security_verify_data", "security_verify_img"),
        ("云锁",),
    ),
    ("安全狗", (), ("safedog", "安全狗", "网站防火墙")),
    ("加速乐", ("__jsl_clearance", "jsl_clearance"), ("加速乐", "jiasule")),
    ("知道创宇", (), ("创宇盾", "yunaq", "知道创宇", "365cyd")),
    ("长亭雷池", ("safeline_bot_challenge",), ("SafeLine", "雷池")),
    ("阿里云盾", ("_waf_bd8ce2ce37", "acw_sc__v2"), ("errors.aliyun.com", "阿里云盾")),
    ("腾讯云WAF", (), ("waf.tencent-cloud.com", "腾讯T-Sec")),
    ("百度云加速", (), ("su.baidu.com", "yunjiasu")),
    ("360网站卫士", (), ("wangzhan.360.cn",)),
    (
        "Cloudflare",
        (
            "cf-browser-verification",
            "cf_chl_",
            "jschl_vc",
            "/cdn-cgi/l/chk_jschl",
            "/cdn-cgi/challenge-platform",
        ),
        ("Attention Required! | Cloudflare", "<title>Just a moment...</title>"),
    ),
)
# Words of a page that only guards the real one; judged on short pages only (an article may mention them)
GUARDS = re.compile(
    r"请输入验证码|人机验证|滑动验证|拖动滑块|安全验证|访问验证|您的访问被拒绝|访问被拦截|您当前ip并非校内地址|"
    r"仅限校内访问|请在校园网内访问|请使用校园网访问"
)
SHORT = 300  # Chinese characters of text: a block page says little; an article about a WAF says more


def block_kind(source: str, text: str) -> str | None:
    """The WAF or guard whose page this is, or None for an ordinary page."""
    short = len(text) < SHORT
    for name, code, words in WAFS:
        if any(m in source for m in code) or (short and any(m in source for m in words)):
            return name
    if short and (m := GUARDS.search(text)):
        return m.group(0)
    return None
