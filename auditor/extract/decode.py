"""Bytes → text for Chinese pages: charset from the HTTP header, else <meta>, else a BOM, else sniffing.

GB2312/GBK are decoded as GB18030 (their superset), which is what browsers do; w3lib implements the
WHATWG rules so we do not hand-write them.
"""

from __future__ import annotations

from w3lib.encoding import html_body_declared_encoding, html_to_unicode


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Handles a header that disagrees with <meta> the way browsers do."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_sniff)
    if text.count("\ufffd") > 3:  # mis-declared header (common on old GBK sites): trust <meta>, then sniff
        for alt in (html_body_declared_encoding(body), _sniff(body)):
            if alt and alt != encoding:
                alt_enc, alt_text = html_to_unicode(f"text/html; charset={alt}", body)
                if alt_text.count("\ufffd") < text.count("\ufffd"):
                    return alt_text, alt_enc
    return text, encoding


def _sniff(body: bytes) -> str | None:
    for enc in ("utf-8", "gb18030"):
        try:
            body.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return None
