"""The evidence room: what the documents contain, the WARC archive of what decided each status, and
screenshots rendered from the archive. It reads what the store holds and never opens a connection."""

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
