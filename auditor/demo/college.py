"""A college as data (auditor/demo/college.yaml for the demo, bench/sites/*.yaml for the evaluation): loading it,
its generated news, and which articles are on the site on the day it stands at."""

from __future__ import annotations

import random
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

NEWS_WORDS = [
    "学院",
    "开展",
    "主题教育",
    "实训基地",
    "校企合作",
    "技能竞赛",
    "党史学习",
    "志愿服务",
    "新生入学",
    "安全教育",
    "教学检查",
    "产教融合",
    "专业建设",
    "课程思政",
    "科技创新",
    "劳动教育",
    "心理健康",
    "疫情防控",
    "乡村振兴",
    "职业技能",
]


def load_college(path: str | Path | None = None) -> dict[str, Any]:
    text = (
        Path(path).read_text("utf-8")
        if path
        else resources.files("auditor.demo").joinpath("college.yaml").read_text("utf-8")
    )
    return yaml.safe_load(text)


def on_site(a: dict[str, Any], on: date | str | None) -> bool:
    """On the site yet: published on or before the day the site stands at (`site_on`, None: every article).
    The demo's history serves the college as it stood on each earlier night."""
    return on is None or not a.get("date") or str(a["date"]) <= str(on)


def make_news(
    cfg: dict[str, Any], rng: random.Random, split: bool, on: date | str | None
) -> list[dict[str, Any]]:
    """The `news:` section's stories, newest first, as shown on day `on`; `split`: story 121 runs over two pages
    (the portal's CMS splits long articles)."""
    start = date.fromisoformat(str(cfg.get("start", "2020-01-06")))
    span = int(cfg.get("days", 1040))
    out = []
    decoys = list(cfg.get("decoys", []))
    for i in range(cfg["count"]):
        when = start + timedelta(days=int(i * span / cfg["count"]) + rng.randint(0, 2))
        if decoys and i % 25 == 7:
            title = decoys.pop(0)
        else:
            a, b = rng.sample(NEWS_WORDS, 2)
            title = f"我校{a}{b}工作取得新成效（{i + 1}）"
        body = (
            f"{when.year}年{when.month}月{when.day}日，{title.replace('我校', '学校')}。"
            + "".join(rng.choice(NEWS_WORDS) + "，" for _ in range(30))
            + "。"
        )
        undated = i % 50 == 13 and i // 50 < cfg.get("undated", 0)
        out.append(
            {
                "id": 5000 + i,
                "title": title,
                "date": None if undated else when.isoformat(),
                "body": body,
                "split": i == 120 and split,
            }
        )
    out.reverse()  # lists show newest first
    return [a for a in out if on_site(a, on)]
