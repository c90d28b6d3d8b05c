"""inconclusive: what could show the item could not be checked — a WAF challenge (412), 403 or captcha, a
column whose list only a script fills, or a 信息公开目录 link the crawl never stored (off-site, or it could
not be reached). Reported as 'cannot verify', never as missing or broken. A 目录 target the crawl did store
is judged like any other page (it is not 'cannot verify' because it matched nothing).

Good: 教职工争议解决 column answers 200 → verified.
Bad: it answers 412 with a safeline challenge → inconclusive, "check by hand".
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, is_blocked, rule

BASIS = "无法核实：对方网站拒绝或未抓取，不作为未公开处理（请人工核实）"


@rule("unverifiable", "inconclusive", "info", order=12)
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    out = []
    for url in ctx.unfetched[:2]:  # precedence keeps these only where they change the verdict
        out.append(
            Finding(
                "unverifiable",
                "inconclusive",
                "info",
                "unverifiable.claim",
                {"short": item.short, "url": url},
                BASIS,
                url,
            )
        )
    if any(e.usable for e in evidence):
        return out  # a blocked copy does not matter when a readable one exists
    for e in [e for e in evidence if is_blocked(e)][:2]:
        why_zh = f"返回 HTTP {e.status}（访问验证/权限限制）" if e.status else f"请求失败（{e.error}）"
        why_en = (
            f"answers HTTP {e.status} (challenge or access restriction)"
            if e.status
            else f"failed ({e.error})"
        )
        out.append(
            Finding(
                "unverifiable",
                "inconclusive",
                "info",
                "unverifiable.blocked",
                {"short": item.short, "url": e.url, "why_zh": why_zh, "why_en": why_en},
                BASIS,
                e.url,
            )
        )
    for e in [e for e in evidence if e.empty and e.scripted and not e.placeholder][:1]:
        out.append(
            Finding(
                "unverifiable",
                "inconclusive",
                "info",
                "unverifiable.scripted",
                {"short": item.short, "url": e.url},
                BASIS,
                e.url,
            )
        )
    return out
