"""Load YAML while remembering the line each value came from, so validation errors can name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from auditor.errors import InputError

Key = tuple[Any, ...]


class Located:
    """A loaded YAML document plus the 1-based line of every mapping key / sequence item in it."""

    def __init__(self, path: str, data: Any, lines: dict[Key, int]) -> None:
        self.path, self.data, self._lines = path, data, lines

    def line(self, *key: Any) -> int | None:
        """Line of `key` (a path like ("crawl", "max_pages")), or of its nearest located parent."""
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return self._lines.get((), 1)

    def error(self, key: Key, message: str, hint: str = "") -> InputError:
        return InputError(self.path, self.line(*key), message, hint)


def _build(node: yaml.Node, key: Key, lines: dict[Key, int], loader: yaml.SafeLoader) -> Any:
    lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for k_node, v_node in node.value:
            k = loader.construct_object(k_node, deep=True)
            if isinstance(k, list):
                k = tuple(k)
            lines[key + (k,)] = k_node.start_mark.line + 1
            out[k] = _build(v_node, key + (k,), lines, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, key + (i,), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_located(path: str | Path) -> Located:
    """Parse `path`; a syntax error becomes an InputError with the line YAML reported."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            str(p), None, "file not found", "check the path, or create it from the README example"
        ) from None
    except UnicodeDecodeError as e:
        raise InputError(str(p), None, f"not UTF-8 text ({e.reason})", "save the file as UTF-8") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise InputError(
            str(p),
            line,
            f"YAML syntax error: {e.problem}",
            "check indentation and quoting on that line (quote values containing ':' or '#')",
        ) from None
    finally:
        loader.dispose()
    lines: dict[Key, int] = {}
    data = _build(node, (), lines, yaml.SafeLoader("")) if node is not None else None
    return Located(str(p), data, lines)
