"""Read a scenario from a YAML or JSON file, safely."""

from __future__ import annotations

import json
from dataclasses import dataclass
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
from ..model.scenario import field_path
from .errors import InputError

MAX_FILE_BYTES = 20 * 1024 * 1024
# A scenario's parsed tree, aliases expanded, may hold at most this many
# nodes; a "billion laughs" document blows far past it while a 2,000-unit
# scenario stays near 100,000.
MAX_NODES = 2_000_000
# A scenario nests five levels (units, a unit, its blackouts, one of
# them, its start) and a plan little more; the limit keeps the parsers
# and the schema well clear of Python's recursion limit.
MAX_DEPTH = 100
# Python refuses to read integers of over 4,300 digits; no field takes
# more than ten, so anything this long is a slip, refused with its path.
MAX_DIGITS = 100


@dataclass(frozen=True)
class _Flaw:
    """Stands in the parsed tree for a value the parser cannot keep, so
    that the error can name the field it stands at."""

    key: str | None
    message: str
    fix: str


def _long_number(text: str) -> _Flaw:
    return _Flaw(
        None,
        f"a number of {len(text):,} characters",
        "correct the number; no field takes one of more than ten digits",
    )


def _json_int(text: str) -> int | _Flaw:
    return _long_number(text) if len(text) > MAX_DIGITS else int(text)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any] | _Flaw:
    """An object whose keys are each written once: JSON readers keep the
    last of two equal keys, silently dropping what the planner wrote."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            return _Flaw(
                key,
                f"key {key!r} is written twice in one object",
                "keep one of the two",
            )
        out[key] = value
    return out


class _Refused(yaml.constructor.ConstructorError):
    """YAML that parses but that rotaplan refuses, with the fix."""

    def __init__(self, problem: str, mark: yaml.Mark, fix: str) -> None:
        super().__init__(None, None, problem, mark)
        self.fix = fix


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
        if not isinstance(key_node, yaml.ScalarNode):
            # `? [a, b]` makes a list a key, which no field name is.
            raise _Refused(
                "a key is a list or mapping, not a name",
                key_node.start_mark,
                "write the key as a plain name, such as 'units'",
            )
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, str | int | float | bool) and key in seen:
            raise _Refused(
                f"key {key!r} is written twice in one mapping",
                key_node.start_mark,
                "keep one of the two",
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


def _yaml_int(loader: _SafeLoader, node: yaml.ScalarNode) -> int | _Flaw:
    if len(node.value) > MAX_DIGITS:
        return _long_number(node.value)
    return int(yaml.SafeLoader.construct_yaml_int(loader, node))


_SafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats
)
_SafeLoader.add_constructor("tag:yaml.org,2002:int", _yaml_int)
_SafeLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_FIX_BY_KIND = {
    "scenario": "write a scenario (see 'rotaplan init')",
    "plan": "give a plan written by 'rotaplan solve'",
}


def read_data(path: Path, kind: str = "scenario") -> Any:
    """Parse a YAML or JSON file into plain data, with every guard.

    ``kind`` ("scenario" or "plan") is what the file should hold; the
    fixes offered talk about it.
    """
    name = str(path)
    if not path.exists():
        raise InputError(name, "(file)", "no such file", "check the path")
    if path.is_dir():
        raise InputError(
            name, "(file)", "is a folder, not a file", f"name a {kind} file"
        )
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            name,
            "(file)",
            f"{size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            f"split the {kind} or remove what it does not need",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            name, "(file)", f"not UTF-8 text ({exc.reason})", "save as UTF-8"
        ) from None
    if not text.strip():
        raise InputError(
            name, "(file)", "the file is empty", _FIX_BY_KIND[kind]
        )
    too_deep = InputError(
        name,
        "(file)",
        f"values nested more than {MAX_DEPTH} levels deep",
        f"remove the nesting: a {kind} nests only a few levels",
    )
    if path.suffix.lower() == ".json":
        try:
            # Editors on Windows save UTF-8 with a byte order mark; the
            # YAML reader skips it, so the JSON reader does too.
            data = json.loads(
                text.removeprefix("\ufeff"),
                object_pairs_hook=_json_object,
                parse_int=_json_int,
            )
        except json.JSONDecodeError as exc:
            raise InputError(
                name,
                f"line {exc.lineno}, column {exc.colno}",
                f"not valid JSON: {exc.msg}",
                "fix the JSON syntax there",
            ) from None
        except RecursionError:
            raise too_deep from None
    else:
        try:
            data = yaml.load(text, Loader=_SafeLoader)
        except _Refused as exc:
            raise InputError(
                name, _where(exc.problem_mark), str(exc.problem), exc.fix
            ) from None
        except yaml.MarkedYAMLError as exc:
            raise InputError(
                name,
                _where(exc.problem_mark),
                f"not valid YAML: {exc.problem}",
                "fix the YAML syntax there",
            ) from None
        except yaml.YAMLError as exc:
            raise InputError(
                name, "(file)", f"not valid YAML: {exc}", "fix the YAML"
            ) from None
        except RecursionError:
            raise too_deep from None
    flaw = _first_flaw(data)
    if flaw is not None:
        where, found = flaw
        if found is None:
            too_deep.path = where
            raise too_deep
        raise InputError(name, where, found.message, found.fix)
    nodes = _expanded_size(data)
    if nodes > MAX_NODES:
        raise InputError(
            name,
            "(file)",
            f"expands to more than {MAX_NODES:,} values (aliases "
            "referring to aliases?)",
            f"write the {kind} without nested YAML aliases",
        )
    return data


def _where(mark: yaml.Mark | None) -> str:
    if mark is None:
        return "(file)"
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _first_flaw(data: Any) -> tuple[str, _Flaw | None] | None:
    """The field path of the first ``_Flaw`` in document order, or of
    the top-level field nested past ``MAX_DEPTH`` (with ``None``).

    Walked with a stack of its own, since the point is to refuse trees
    too deep for the recursive code after it.
    """
    Loc = tuple[int | str, ...]
    stack: list[tuple[Any, Loc]] = [(data, ())]
    seen: set[int] = set()
    while stack:
        node, loc = stack.pop()
        if isinstance(node, _Flaw):
            at = loc if node.key is None else (*loc, node.key)
            return field_path(at), node
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        if len(loc) >= MAX_DEPTH:
            return field_path(loc[:1]), None
        children: list[tuple[Any, Loc]]
        if isinstance(node, dict):
            children = []
            for key, value in node.items():
                if isinstance(key, _Flaw):
                    return field_path(loc), key
                part = key if isinstance(key, str) else str(key)
                children.append((value, (*loc, part)))
        else:
            children = [(item, (*loc, i)) for i, item in enumerate(node)]
        stack.extend(reversed(children))
    return None


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
