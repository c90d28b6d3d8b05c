"""content: what the item's document really contains, read from the downloaded file (auditor.evidence).
A finding here never sets a status by itself: an ok item keeps it and shows it; only a document that states
another period stops counting as the edition its title claims (freshness then judges the item)."""

from __future__ import annotations

from auditor.checklist import Item
from auditor.findings import Evidence, Finding
from auditor.messages import unchecked
from auditor.rules import Context, rule

BASIS = "《高等学校信息公开事项清单》（教办函〔2014〕23号）所列公开内容"
QUIET = {"not_downloaded", "format"}  # not the document's fault and not news: no finding of their own


def _newest(item: Item, evidence: list[Evidence]) -> Evidence | None:
    """The document that stands for the item: the newest usable edition with downloaded files."""
    docs = [e for e in evidence if e.usable and e.is_document and e.contents]
    return max(docs, key=lambda e: (e.edition_start or 0, e.published or ""), default=None)


CONTENT = rule(
    "content",
    "ok",
    "info",
    ("content.wrong_period", "content.scanned", "content.unchecked", "content.incomplete"),
    basis=BASIS,
    cites_item=False,
    order=12,
)


@CONTENT.checker
def check(item: Item, evidence: list[Evidence], ctx: Context) -> list[Finding]:
    e = _newest(item, evidence)
    if e is None:
        return []
    out = []
    params = {"short": item.short, "title": e.title, "url": e.url}
    if item.content.period and e.content_period and e.period and e.content_period_start != e.period_start:
        out.append(
            CONTENT.finding(
                item,
                "content.wrong_period",
                {**params, "claimed": e.period, "stated": e.content_period},
                e.url,
            )
        )
    readable = [c for c in e.contents if c.get("text")]
    scanned = [c for c in e.contents if c.get("scanned")]
    if scanned and not readable:
        out.append(CONTENT.finding(item, "content.scanned", {**params, "name": scanned[0]["name"]}, e.url))
    for c in e.contents:
        if c.get("error") and not c.get("text") and c["error"] not in QUIET:
            why_zh, why_en = unchecked(c["error"], c.get("detail"))
            out.append(
                CONTENT.finding(
                    item,
                    "content.unchecked",
                    {**params, "name": c["name"], "why_zh": why_zh, "why_en": why_en, "url": c["url"]},
                    e.url,
                )
            )
    if item.content.require and readable:
        text = "\n".join(c["text"] for c in readable)
        missing = item.content.missing(text)
        if missing:
            out.append(
                CONTENT.finding(
                    item,
                    "content.incomplete",
                    {
                        **params,
                        "missing": "、".join(missing),
                        "names": "、".join(c["name"] for c in readable),
                    },
                    e.url,
                )
            )
    return out
