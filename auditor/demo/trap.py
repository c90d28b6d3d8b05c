"""The endless 校历 calendar the portal serves under /calendar.jsp: a crawler trap."""

from __future__ import annotations

from auditor.demo.markup import html_page


def calendar_page(ym: str) -> bytes:
    """The endless 校历 calendar: every month links to the next and previous one (a crawler trap)."""
    y, m = (int(x) for x in ym.split("-")) if "-" in ym else (2022, 11)
    prev_m, next_m = (y - (m == 1), (m - 2) % 12 + 1), (y + (m == 12), m % 12 + 1)
    body = (
        f'<h2>{y}年{m}月 校历</h2><a href="/calendar.jsp?ym={prev_m[0]}-{prev_m[1]:02d}">上月</a> '
        f'<a href="/calendar.jsp?ym={next_m[0]}-{next_m[1]:02d}">下月</a>'
    )
    return html_page(f"校历 {ym}", body).encode()
