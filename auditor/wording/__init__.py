"""Every word the product shows a person, kept as data in one catalogue: the YAML files beside this module, one
per room (findings, evidence, reports, cli). Each entry is `section.name: {zh: …, en: …}`; Chinese is the
default and a missing English falls back to it. `{fields}` are filled from the facts given, and a fact an older
stored finding lacks renders as nothing rather than failing a report."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGS = ("zh", "en")
HERE = Path(__file__).parent
_SPOKEN = ["zh"]  # the language a command's messages are in, set once by the command line (like a locale)


def use(lang: str) -> None:
    """Speak `lang` in this process's messages (the CLI's --lang); reports are always given theirs."""
    _SPOKEN[0] = lang if lang in LANGS else "zh"


def _flatten(node: dict[str, Any], prefix: str, out: dict[str, dict[str, Any]]) -> None:
    for key, value in node.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value and set(value) <= set(LANGS):
            out[name] = value
        elif isinstance(value, dict):
            _flatten(value, name, out)
        else:
            raise ValueError(f"{name}: an entry is {{zh: …, en: …}}, not {value!r}")


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Every entry of every room, by its dotted key ("status.ok", "presence.missing", "cli.refused")."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(HERE.glob("*.yaml")):  # libyaml's parser when PyYAML has it: every process reads these
        _flatten(yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}, "", out)
    return out


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def word(key: str, lang: str | None = None) -> Any:
    """An entry as written (a text, or a list of column heads), in `lang` (default: the language spoken, see
    `use`) or else in Chinese."""
    entry = catalogue()[key]
    return entry.get(lang or _SPOKEN[0], entry["zh"])


def say(key: str, lang: str | None = None, /, **facts: Any) -> str:
    """An entry with its `{fields}` filled from `facts`."""
    return str(word(key, lang)).format_map(Facts(facts))


def name(section: str, code: str, lang: str | None = None) -> str:
    """The word for a code of `section` (an outcome, a status), or the code itself when it has none."""
    return say(f"{section}.{code}", lang) if f"{section}.{code}" in catalogue() else code


def table(section: str) -> dict[str, dict[str, Any]]:
    """A section as {lang: {name: text}}, for renderers that look words up by a code (a status, a rule);
    a name without English is left out of the English table so the renderer's own fallback applies."""
    head = section + "."
    out: dict[str, dict[str, Any]] = {lang: {} for lang in LANGS}
    for key, entry in catalogue().items():
        if key.startswith(head) and "." not in key[len(head) :]:
            for lang, text in entry.items():
                out[lang][key[len(head) :]] = tuple(text) if isinstance(text, list) else text
    return out


class Facts(dict):
    """A message's facts; one that is missing renders as nothing."""

    def __missing__(self, key: str) -> str:
        return ""
