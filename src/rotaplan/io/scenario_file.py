"""Read a scenario from a YAML or JSON file, safely."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ..analyze.check import check
from ..analyze.costs import cost_problems
from ..model import (
    Deployment,
    Plan,
    Problem,
    Scenario,
    ScenarioError,
    build_scenario,
)
from .errors import InputError

MAX_FILE_BYTES = 20 * 1024 * 1024
# A scenario's parsed tree, aliases expanded, may hold at most this many
# nodes; a "billion laughs" document blows far past it while a 2,000-unit
# scenario stays near 100,000.
MAX_NODES = 2_000_000


class _SafeLoader(yaml.SafeLoader):
    """The safe loader, but dates stay text: the schema parses them, so
    that ``2024-02-30`` gets a message with its field path."""


def _mapping_without_repeats(
    loader: _SafeLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    """A mapping whose keys are each written once: YAML itself keeps the
    last of two equal keys, silently dropping what the planner wrote."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, str | int | float | bool) and key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} is written twice in one mapping",
                key_node.start_mark,
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_SafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats
)
_SafeLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_data(path: Path) -> Any:
    """Parse a YAML or JSON file into plain data, with every guard."""
    name = str(path)
    if not path.exists():
        raise InputError(name, "(file)", "no such file", "check the path")
    if path.is_dir():
        raise InputError(
            name, "(file)", "is a folder, not a file", "name a scenario file"
        )
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            name,
            "(file)",
            f"{size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            "split the scenario or remove what it does not need",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            name, "(file)", f"not UTF-8 text ({exc.reason})", "save as UTF-8"
        ) from None
    if not text.strip():
        raise InputError(
            name,
            "(file)",
            "the file is empty",
            "write a scenario (see 'rotaplan init')",
        )
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                name,
                f"line {exc.lineno}, column {exc.colno}",
                f"not valid JSON: {exc.msg}",
                "fix the JSON syntax there",
            ) from None
    else:
        try:
            data = yaml.load(text, Loader=_SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = (
                f"line {mark.line + 1}, column {mark.column + 1}"
                if mark
                else "(file)"
            )
            raise InputError(
                name,
                where,
                f"not valid YAML: {exc.problem}",
                "fix the YAML syntax there",
            ) from None
        except yaml.YAMLError as exc:
            raise InputError(
                name, "(file)", f"not valid YAML: {exc}", "fix the YAML"
            ) from None
    nodes = _expanded_size(data)
    if nodes > MAX_NODES:
        raise InputError(
            name,
            "(file)",
            f"expands to more than {MAX_NODES:,} values (aliases "
            "referring to aliases?)",
            "write the scenario without nested YAML aliases",
        )
    return data


def _expanded_size(data: Any) -> int:
    """Number of values in ``data`` with shared sub-trees counted each
    time they are referenced, computed without expanding them."""
    memo: dict[int, int] = {}

    def size(node: Any) -> int:
        if isinstance(node, dict):
            children = list(node.keys()) + list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            return 1
        key = id(node)
        if key in memo:
            return memo[key]
        memo[key] = MAX_NODES + 1  # a cycle counts as too large
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_NODES:
                break
        memo[key] = total
        return total

    return size(data)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (YAML or JSON).

    Raises
    ------
    InputError
        Naming the file, the field path and the fix, for every problem.
    """
    path = Path(path)
    data = read_data(path)
    try:
        scenario = build_scenario(data)
    except ScenarioError as exc:
        raise InputError.from_problems(str(path), exc.problems) from None
    problems = cost_problems(scenario) + fixed_problems(scenario)
    if problems:
        raise InputError.from_problems(str(path), problems)
    return scenario


def fixed_problems(scenario: Scenario) -> list[Problem]:
    """Fixed deployments that by themselves break a rule (not H2/H7)."""
    if not scenario.fixed:
        return []
    plan = Plan(
        scenario=scenario.name,
        deployments=[
            Deployment(f.unit, f.requirement, f.start, f.end, fixed=True)
            for f in scenario.fixed
        ],
    )
    result = check(scenario, plan)
    return [
        Problem(
            path="fixed" if v.deployment is None else f"fixed[{v.deployment}]",
            message=f"{v.rule}: {v.message}",
            fix="correct this fixed deployment or the unit's data; "
            "fixed deployments must keep every rule but H2 and H7",
        )
        for v in result.violations
        if v.rule not in ("H2", "H7")
    ]
