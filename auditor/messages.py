"""Finding messages: a rule's facts rendered by the catalogue's words (auditor/wording), in Chinese (default)
or English, kept apart from the rules that raise them."""

from __future__ import annotations

from typing import Any

from auditor.wording import Facts, catalogue, say, table, word

COPIES = "存档"  # beside the reports: the archived copies and screenshots the HTML report links
REASONS = table("archive")["zh"]  # why an archived record cannot be shown
SHOT_REASONS = {**REASONS, **table("shot")["zh"]}  # why a gap has no screenshot


def unchecked(error: str, detail: str | None) -> tuple[str, str]:
    """(zh, en) of why a document was not read (a key of the catalogue's `unchecked` section); an error this
    release does not know is shown as it is."""
    if f"unchecked.{error}" not in catalogue():
        return error, error
    return say(f"unchecked.{error}", "zh", detail=detail or ""), say(
        f"unchecked.{error}", "en", detail=detail or ""
    )


def render(key: str, lang: str, params: dict[str, Any]) -> str:
    """A finding's message: `key` is "rule.kind" in the catalogue, `params` the finding's facts."""
    from auditor.urls import readable

    shown = {k: readable(v) if k.endswith("url") and v else v for k, v in params.items()}  # URLs as read
    text = str(word(key, lang)).format_map(_Blank(shown)).strip()
    return " ".join(text.split()) if lang == "en" else text


class _Blank(Facts):
    """Message parameters; one a stored finding from an earlier release lacks renders as nothing — or, where
    that release said it another way, as it said it then."""

    def __missing__(self, key: str) -> str:
        if key in ("answer_zh", "answer_en") and self.get("status"):
            return f"返回 HTTP {self['status']}" if key == "answer_zh" else f"answers HTTP {self['status']}"
        return ""
