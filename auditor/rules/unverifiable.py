"""inconclusive: the item's only evidence could not be checked — a WAF challenge (412), 403, captcha, or a
信息公开目录 link to a site outside the crawl. Reported as 'cannot verify', never as missing or broken.

Good: 教职工争议解决 column answers 200 → verified.
Bad: it answers 412 with a safeline challenge → inconclusive, "check by hand".
"""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.rules import Context, is_blocked

BASIS = "无法核实：对方网站拒绝或未抓取，不作为未公开处理（请人工核实）"


def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    fetched = {e.url for e in evidence}
    claims = [u for u in ctx.claimed_by_directory if u not in fetched]
    blocked = [e for e in evidence if is_blocked(e)]
    if not blocked and not claims:
        return []
    if any(e.usable for e in evidence) and not claims:
        return []  # a blocked copy does not matter when a readable one exists
    out = []
    for e in blocked[:2]:
        why_zh = f"返回 HTTP {e.status}（访问验证/权限限制）" if e.status else f"请求失败（{e.error}）"
        why_en = f"answers HTTP {e.status} (challenge or access restriction)" if e.status else f"failed ({e.error})"
        out.append(Finding("unverifiable", "inconclusive", "info", "unverifiable.blocked",
                           {"short": item.short, "url": e.url, "why_zh": why_zh, "why_en": why_en}, BASIS, e.url))
    for url in claims[:2]:
        out.append(Finding("unverifiable", "inconclusive", "info", "unverifiable.claim",
                           {"short": item.short, "url": url}, BASIS, url))
    return out
