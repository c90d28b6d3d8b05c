"""Finding messages in Chinese (default) and English, kept apart from the rules that raise them."""

from __future__ import annotations

from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    "presence.missing": {
        "zh": "未发现“{short}”：本次抓取的 {pages} 个页面中，没有标题、栏目、链接文字、附件名或信息公开目录与之相符的页面"
        "（检索范围：{hosts}）。{aside_zh}应公开：{publish}。",
        "en": "“{short}” was not found: none of the {pages} crawled pages has a title, column, link text, attachment name "
        "or directory entry matching it (searched: {hosts}). {aside_en} To publish: {publish}.",
    },
    "blank_column.blank": {
        "zh": "“{short}”栏目存在但没有内容（页面显示“{placeholder}”）：{url}。应公开：{publish}。",
        "en": "The column for “{short}” exists but is empty (it says “{placeholder}”): {url}. To publish: {publish}.",
    },
    "blank_column.empty": {
        "zh": "“{short}”栏目存在但没有任何内容（无条目、无附件、无正文）：{url}。应公开：{publish}。",
        "en": "The column for “{short}” exists but holds nothing (no entries, files or text): {url}. To publish: {publish}.",
    },
    "applicability.not_applicable": {"zh": "不适用：{reason}", "en": "Not applicable: {reason}"},
    "exemption.exempt": {"zh": "暂未涉及：{reason}", "en": "Exempted: {reason}"},
    "unverifiable.scripted": {
        "zh": "无法核实“{short}”：栏目 {url} 的列表由脚本加载，本次抓取看不到其条目。",
        "en": "Cannot verify “{short}”: the list of {url} is loaded by a script the crawl does not run.",
    },
    "broken.entry": {
        "zh": "“{short}”栏目“{column}”（{column_url}）列出的文件均无法打开：“{title}” {url} {answer_zh}"
        "（失效 {count} 项）{since_zh}。",
        "en": "Every document the column “{column}” ({column_url}) lists for “{short}” is dead: “{title}” {url} "
        "{answer_en} ({count} dead){since_en}.",
    },
    "unverifiable.blocked": {
        "zh": "无法核实“{short}”：{url} {why_zh}。",
        "en": "Cannot verify “{short}”: {url} {why_en}.",
    },
    "unverifiable.claim": {
        "zh": "信息公开目录将“{short}”链接到未抓取的地址 {url}（站外或未能访问），无法核实。",
        "en": "The disclosure directory links “{short}” to {url}, which was not crawled (off-site or unreachable): cannot verify.",
    },
    "broken.page": {
        "zh": "“{short}”的页面无法打开：{url} {answer_zh}{since_zh}。",
        "en": "The page for “{short}” cannot be opened: {url} {answer_en}{since_en}.",
    },
    "broken.attachment": {
        "zh": "“{short}”最新文件 {title} 的附件无法下载：{names}；页面 {url}{since_zh}。",
        "en": "Attachments of the newest “{short}” document ({title}) cannot be downloaded: {names}; page {url}{since_en}.",
    },
    "freshness.none": {
        "zh": "截至 {as_of}，未发现任何一期“{short}”（{want}版应于 {deadline} 前发布）。{aside_zh}应公开：{publish}。",
        "en": "As of {as_of}, no edition of “{short}” was found (the {want} edition was due by {deadline}). {aside_en} "
        "To publish: {publish}.",
    },
    "freshness.undated": {
        "zh": "“{short}”的文件均未注明发布时间或所属年度（如{edition}，{url}），视为未更新；应有 {want} 版。",
        "en": "No document for “{short}” shows a publication date or period (e.g. {url}): counted as not updated; "
        "the {want} edition is due.",
    },
    "freshness.behind": {
        "zh": "截至 {as_of}，未发现 {want} 的“{short}”（应于 {deadline} 前发布）；{since_zh}最新版本为 {have}：{edition}，"
        "{url}。{aside_zh}应公开：{publish}。",
        "en": "As of {as_of}, the {want} edition of “{short}” is missing (due by {deadline}); {since_en}the newest is "
        "{have}: {title} ({url}). {aside_en} To publish: {publish}.",
    },
    "annual_report.part_missing": {
        "zh": "{year}“{title}”缺少“{part}”部分：报告的标题行与附件名中均无“{words}”（{url}）。",
        "en": "The {year} annual report “{title}” lacks the part “{part}”: none of its headings or file names holds "
        "“{words}” ({url}).",
    },
    "annual_report.no_period": {
        "zh": "{year}“{title}”未说明数据统计期限（应为 {want}）：{url}。",
        "en": "The {year} annual report “{title}” does not state its statistics period (it should be {want}): {url}.",
    },
    "annual_report.wrong_period": {
        "zh": "{year}“{title}”所述统计期限为 {stated}，与所报学年不符：{url}。",
        "en": "The {year} annual report “{title}” states the statistics period {stated}, not the year it reports on: {url}.",
    },
    "annual_report.late": {
        "zh": "{year}“{title}”发布于 {published}，晚于应发布日期 {due}（晚 {days} 天）：{url}。",
        "en": "The {year} annual report “{title}” was published on {published}, {days} days after it was due ({due}): {url}.",
    },
    "annual_report.channel": {
        "zh": "{year}“{title}”未发布在信息公开专栏（网址与栏目均不含“{words}”，信息公开目录亦未指向）：{url}。",
        "en": "The {year} annual report “{title}” is not on the disclosure column (neither its address nor its column "
        "says “{words}”, nor does the directory point there): {url}.",
    },
    "annual_report.unread": {
        "zh": "{year}“{title}”的内容未能完整读取（{names}：扫描件、未下载或不含报告正文），其 {parts} 个部分未核查：{url}。",
        "en": "The text of the {year} annual report “{title}” could not be read in full ({names}: a scan, not downloaded, "
        "or not the report's body); its {parts} parts were not checked: {url}.",
    },
    "content.incomplete": {
        "zh": "“{short}”最新文件“{title}”的内容不全：附件 {names} 中缺少 {missing}（{url}）。",
        "en": "The newest “{short}” document ({title}) is incomplete: {names} lacks {missing} ({url}).",
    },
    "content.wrong_period": {
        "zh": "“{short}”文件“{title}”标题为{claimed}，但文件内容为{stated}，不计为{claimed}版（{url}）。",
        "en": "“{short}”: {title} is titled {claimed} but its content is for {stated}; not counted as the {claimed} "
        "edition ({url}).",
    },
    "content.scanned": {
        "zh": "“{short}”文件“{name}”为扫描件（无文字层），内容未核查（{url}）。",
        "en": "“{short}”: {name} is a scanned image with no text; its content was not checked ({url}).",
    },
    "content.unchecked": {
        "zh": "“{short}”文件“{name}”内容未核查：{why_zh}（{url}）。",
        "en": "“{short}”: the content of {name} was not checked: {why_en} ({url}).",
    },
    "audit.crawl_incomplete": {
        "zh": "本次抓取不完整（{reason}），不据此认定“{short}”存在问题。{would_zh}",
        "en": "This crawl was incomplete ({reason}); no problem with “{short}” is concluded from it. {would_en}",
    },
}


# Why a downloaded document's content was not checked (evidence.text / evidence.reader): a limit it crossed,
# or what kept it from being read. {detail} is what was found, with the limit.
UNCHECKED: dict[str, tuple[str, str]] = {
    "zip_bytes": ("超出读取限制：解压后大小 {detail}", "over a reading limit: uncompressed size {detail}"),
    "zip_ratio": (
        "超出读取限制：压缩比 {detail}（疑似压缩炸弹）",
        "over a reading limit: compression ratio {detail}",
    ),
    "zip_entries": ("超出读取限制：压缩包条目数 {detail}", "over a reading limit: entries {detail}"),
    "rows": ("超出读取限制：表格行数 {detail}", "over a reading limit: rows {detail}"),
    "cells": ("超出读取限制：表格单元格数 {detail}", "over a reading limit: cells {detail}"),
    "pdf_pages": ("超出读取限制：PDF 页数 {detail}", "over a reading limit: PDF pages {detail}"),
    "page_content": (
        "超出读取限制：单页内容流 {detail}",
        "over a reading limit: one page's content streams {detail}",
    ),
    "pdf_content": (
        "超出读取限制：PDF 内容流总量 {detail}",
        "over a reading limit: content streams {detail}",
    ),
    "seconds": ("超出读取时限 {detail}，已中止", "over the reading time limit of {detail}; stopped"),
    "memory": ("超出读取内存上限 {detail}，已中止", "over the reading memory limit of {detail}; stopped"),
    "budget": (
        "本次检查的文件读取总时长 {detail} 已用完，留待下次",
        "tonight's reading budget of {detail} was spent",
    ),
    "died": ("读取进程异常退出（{detail}）", "the reading process died ({detail})"),
    "unreadable": ("文件无法解析（{detail}）", "the file could not be parsed ({detail})"),
    "capped": (
        "文件超过下载上限，只下载了前一部分",
        "only the first part was downloaded (over the size cap)",
    ),
    "format": ("不是可读取的文档格式", "not a document format that is read"),
    "no_office": (
        "本机未安装 LibreOffice，无法读取 .doc 文件",
        "LibreOffice is not installed to read a .doc file",
    ),
    "office_failed": ("LibreOffice 未能读取该文件", "LibreOffice could not read it"),
    "not_downloaded": ("文件未下载", "the file was not downloaded"),
}


COPIES = "存档"  # beside the reports: the archived copies and screenshots the HTML report links
REASONS = {  # why an archived record cannot be shown
    "missing": "存档文件不存在（可能已按保留策略删除）",
    "mismatch": "存档内容与记录的 SHA-256 不符（文件已被改动或损坏）",
    "none": "未存档（该地址没有可存档的响应，如连接超时）",
    "copy": "存档副本未能生成（页面内容无法安全转写）",
}
SHOT_REASONS = {  # why a gap has no screenshot
    "timeout": "截图超时（页面在时限内未能渲染完成），已中止",
    "browser": "浏览器未能生成截图",
    "no_browser": "本机未安装 Chromium",
    "missing": REASONS["missing"],
    "mismatch": REASONS["mismatch"],
    "copy": REASONS["copy"],
}


def unchecked(error: str, detail: str | None) -> tuple[str, str]:
    """(zh, en) of why a document was not read; an error this release does not know is shown as it is."""
    zh, en = UNCHECKED.get(error, (error, error))
    return zh.format(detail=detail or ""), en.format(detail=detail or "")


def render(key: str, lang: str, params: dict[str, Any]) -> str:
    from auditor.urls import readable

    entry = CATALOG[key]
    shown = {k: readable(v) if k.endswith("url") and v else v for k, v in params.items()}  # URLs as read
    text = (entry.get(lang) or entry["zh"]).format_map(_Blank(shown)).strip()
    return " ".join(text.split()) if lang == "en" else text


class _Blank(dict):
    """Message parameters; one a stored finding from an earlier release lacks renders as nothing — or, where
    that release said it another way, as it said it then."""

    def __missing__(self, key: str) -> str:
        if key in ("answer_zh", "answer_en") and self.get("status"):
            return f"返回 HTTP {self['status']}" if key == "answer_zh" else f"answers HTTP {self['status']}"
        return ""
