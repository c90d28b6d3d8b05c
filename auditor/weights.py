"""The yearly assessment's scoring defaults, kept as data in rules/assessment.yaml: read here once, for the
assessment that scores with them and the config that lets a school override them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

DEFAULTS = yaml.safe_load(Path(str(resources.files("rules").joinpath("assessment.yaml"))).read_text("utf-8"))
DEFAULT_WEIGHTS: dict[str, float] = {k: float(v) for k, v in DEFAULTS["weights"].items()}
START = float(DEFAULTS["start"])
