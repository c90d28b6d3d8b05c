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

    def error(self, node: yaml.Node, said: str, /, **facts: object) -> InputError:
        return InputError.said(self.path, node.start_mark.line + 1, said, **facts)

    def build(self, node: yaml.Node, key: Key) -> Any:
        if id(node) in self.seen:
            raise self.error(node, "yaml_alias")
        self.seen.add(id(node))
        self.lines.setdefault(key, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for k_node, v_node in node.value:
                k = self.scalar(k_node)
                if isinstance(k, list):
                    k = tuple(k)
                if k in out:
                    raise self.error(k_node, "yaml_twice", key=k, first=self.lines[key + (k,)])
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
            raise self.error(node, "yaml_mapping_key")
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError) as e:
            raise self.error(node, "yaml_value", input=node.value, why=e) from None


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: the same nodes, faster


def load_located(path: str | Path) -> Located:
    """Parse `path`; a syntax error becomes an InputError with the line YAML reported."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.said(str(p), None, "file_missing") from None
    except IsADirectoryError:
        raise InputError.said(str(p), None, "file_is_directory") from None
    except UnicodeDecodeError as e:
        raise InputError.said(str(p), None, "file_not_utf8", why=e.reason) from None
    except OSError as e:
        raise InputError.said(str(p), None, "file_unreadable", why=e.strerror) from None
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise InputError.said(str(p), line, "yaml_syntax", why=e.problem) from None
    finally:
        loader.dispose()
    builder = _Builder(str(p))
    data = builder.build(node, ()) if node is not None else None
    return Located(str(p), data, builder.lines)
