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


class _Builder:
    """Builds plain data from YAML nodes, line by line. Refuses what a config file never needs and an
    attacker would use: aliases (a "billion laughs" file expands exponentially), keys given twice (the
    second silently wins in PyYAML), values PyYAML cannot construct (2022-02-30 as a date)."""

    def __init__(self, path: str) -> None:
        self.path, self.lines, self.seen = path, {}, set()
        self.loader = yaml.SafeLoader("")

    def error(self, node: yaml.Node, message: str, hint: str) -> InputError:
        return InputError(self.path, node.start_mark.line + 1, message, hint)

    def build(self, node: yaml.Node, key: Key) -> Any:
        if id(node) in self.seen:
            raise self.error(
                node,
                "YAML aliases (*name) are not supported here",
                "write the value out again instead of referring to an &anchor",
            )
        self.seen.add(id(node))
        self.lines.setdefault(key, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for k_node, v_node in node.value:
                k = self.scalar(k_node)
                if isinstance(k, list):
                    k = tuple(k)
                if k in out:
                    raise self.error(
                        k_node,
                        f"key '{k}' appears twice (first on line {self.lines[key + (k,)]})",
                        "keep one of them",
                    )
                self.lines[key + (k,)] = k_node.start_mark.line + 1
                if isinstance(k, bool):  # `on:` is read as true; a model may take it as the word it is
                    self.lines.setdefault(key + (k_node.value,), k_node.start_mark.line + 1)
                out[k] = self.build(v_node, key + (k,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, key + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            if isinstance(node, yaml.SequenceNode):
                return [self.scalar(n) for n in node.value]
            raise self.error(node, "a mapping cannot be a key", "use a plain word as the key")
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError) as e:
            raise self.error(
                node,
                f"'{node.value}' is not a valid value ({e})",
                "dates are YYYY-MM-DD and must exist (no 2022-02-30, no month 13)",
            ) from None


def load_located(path: str | Path) -> Located:
    """Parse `path`; a syntax error becomes an InputError with the line YAML reported."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            str(p),
            None,
            "file not found",
            "check the path, or create it from the example in docs/configuration.md",
        ) from None
    except IsADirectoryError:
        raise InputError(
            str(p), None, "this is a directory, not a YAML file", "name the file itself"
        ) from None
    except UnicodeDecodeError as e:
        raise InputError(str(p), None, f"not UTF-8 text ({e.reason})", "save the file as UTF-8") from None
    except OSError as e:
        raise InputError(
            str(p), None, f"cannot be read ({e.strerror})", "check the path and its permissions"
        ) from None
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
    builder = _Builder(str(p))
    data = builder.build(node, ()) if node is not None else None
    return Located(str(p), data, builder.lines)
