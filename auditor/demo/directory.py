"""The 信息公开目录 table (`directory:`): one row per item, grouped by category, each linking the columns, pages
or hosts that hold it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditor.demo.markup import esc


def directory_table(d: dict[str, Any], link_for: Callable[[str], str]) -> str:
    rows, last_cat = [], None
    entries = d["rows"]
    for i, (cat, label, dept, *targets) in enumerate(entries, 1):
        cat_cell = ""
        if cat != last_cat:
            span = sum(1 for e in entries if e[0] == cat)
            cat_cell = f'<td rowspan="{span}" class="lb">{esc(cat)}</td>'
            last_cat = cat
        refs = [t for t in targets if t]
        # "（27）本科生占全日制在校生总数的比例…"
        label = f"（{i}）{label}" if d.get("numbered") else label
        links = esc(label)
        if refs:
            links = f'<a href="{esc(link_for(refs[0]))}" target="_blank">{esc(label)}</a>' + "".join(
                f' <a href="{esc(link_for(r))}" target="_blank">（{k}）</a>'
                for k, r in enumerate(refs[1:], 2)
            )
        extra = f"<td>{esc(d['update'])}</td>" if d.get("update") else ""  # a 更新时间 column: "变动即更"
        rows.append(f"<tr><td>{i}</td>{cat_cell}<td>{links}</td><td>{esc(dept)}</td>{extra}</tr>")
    header = "".join(f"<th>{esc(h)}</th>" for h in d.get("header", ["序号", "类别", "公开事项", "负责部门"]))
    return f'<table class="gkml" border="1"><tr>{header}</tr>' + "".join(rows) + "</table>"
