"""The declared dependency minimums are the ones CI tests: constraints/lowest.txt pins exactly the lowest
version pyproject.toml allows for every direct dependency (CI installs with it and runs the whole suite)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
REQ = re.compile(r'"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)"')


def declared_minimums() -> list[tuple[str, str]]:
    """(name, lowest version) of every dependency and optional dependency — not the build system's."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    return REQ.findall(text[text.index("[project]") : text.index("[project.scripts]")])


def _version(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def test_lowest_constraints_are_the_declared_minimums():
    declared = {n.lower(): _version(v) for n, v in declared_minimums()}
    pinned = {}
    for line in (ROOT / "constraints" / "lowest.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.strip().lower()] = _version(version.strip())
    assert declared and declared == pinned


def test_the_lock_file_satisfies_the_declared_minimums():
    locked = {}
    for line in (ROOT / "requirements.lock").read_text("utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            locked[name.strip().lower().replace("_", "-")] = version.strip()
    for name, low in declared_minimums():
        if name.lower() in ("pytest", "aiosmtpd", "hypothesis", "import-linter"):
            continue  # test tools: not part of a deployment
        have = locked[name.lower().replace("_", "-")]
        assert _version(re.match(r"[0-9.]+", have).group(0).rstrip(".")) >= _version(low), name


def test_every_module_imports():
    """A name moved between modules breaks only the code paths that import it late (inside a function):
    import them all here, in the fast tier, rather than meet it in a night's child process."""
    import importlib
    import pkgutil

    import auditor
    import spiders

    for package in (auditor, spiders):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
