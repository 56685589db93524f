"""Shared test settings and helpers for rotaplan's test suite."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

# ``import strategies`` from any test module, whatever the rootdir.
sys.path.insert(0, str(Path(__file__).parent))
from strategies import SUITE_EXAMPLES

# Property tests run a modest number of examples with no per-example
# deadline: the suite must stay fast on two cores, and a slow example
# on a loaded machine is not a failure. The examples are the same on
# every run (derandomize), so a run's verdict depends on the code alone;
# new examples are drawn by the hunt below.
settings.register_profile(
    "rotaplan",
    max_examples=SUITE_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# A long hunt for bugs, by hand, with fresh random examples on every
# run: HYPOTHESIS_PROFILE=thorough pytest ...
settings.register_profile(
    "thorough",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "rotaplan"))

WriteFile = Callable[..., Path]


@pytest.fixture
def write_scenario(tmp_path: Path) -> WriteFile:
    """Write scenario data (or raw text) to a file and return its path.

    ``write_scenario(data)`` writes YAML; ``suffix=".json"`` writes JSON;
    a ``str`` is written as it is.
    """

    def write(
        content: dict[str, Any] | list[Any] | str,
        name: str = "scenario",
        suffix: str = ".yaml",
    ) -> Path:
        path = tmp_path / f"{name}{suffix}"
        if isinstance(content, str):
            text = content
        elif suffix == ".json":
            text = json.dumps(content, indent=2)
        else:
            text = yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
