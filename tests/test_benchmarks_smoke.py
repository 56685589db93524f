"""Smoke tests for the benchmark scripts (not benchmarks themselves).

The generator must give valid, deterministic scenarios with every
feature the benchmark claims; run.py must run end to end on S.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from rotaplan.io.scenario_file import fixed_problems
from rotaplan.model import build_scenario

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str, alias: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(alias, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return module


# run.py imports its siblings as ``generate`` and ``milp_baseline``.
generate_mod = _load("generate", "generate")
run_mod = _load("run", "rotaplan_bench_run")


@pytest.mark.parametrize("family", ["S", "M", "L", "XL", "greedy600"])
@pytest.mark.parametrize("supply", ["ample", "tight", "short"])
def test_generated_scenarios_are_valid(family: str, supply: str) -> None:
    scale = 1.0 if family == "S" else 0.05
    data = generate_mod.generate(family, supply, seed=3, scale=scale)
    scenario = build_scenario(data)
    # Fixed deployments must keep every rule but H2/H7 by themselves,
    # or loading the file would fail.
    assert fixed_problems(scenario) == []
    assert scenario.requirements and scenario.units


def test_rotation_multiplier_matches_the_formula() -> None:
    # Active armor: (270 + 2*21 + 540) / (270 - 10) = 852 / 260 -> 4.
    assert generate_mod.rotation_multiplier(270, 21, 10, 2.0) == 4
    # Reserve: (270 + 42 + 1080) / 260 = 1392 / 260 = 5.35 -> 6.
    assert generate_mod.rotation_multiplier(270, 21, 10, 4.0) == 6


def test_lithuania_family_tight_supply_is_the_multiplier() -> None:
    data = generate_mod.generate("S", "tight", seed=0)
    by_cap: dict[str, int] = {}
    for unit in data["units"]:
        by_cap[unit["capability"]] = by_cap.get(unit["capability"], 0) + 1
    # Armor: a standing slot plus a surge slot, 4 active units each;
    # artillery: one standing slot, 4 units; one Guard substitute.
    assert by_cap == {
        "armored-battalion": 8,
        "field-artillery-battery": 4,
        "mechanized-infantry-battalion": 1,
    }


def test_supply_levels_order_units_and_share_demand() -> None:
    levels = {
        s: generate_mod.generate("M", s, seed=1)
        for s in ("ample", "tight", "short")
    }
    counts = {s: len(d["units"]) for s, d in levels.items()}
    assert counts["short"] < counts["tight"] < counts["ample"]
    assert (
        levels["short"]["requirements"]
        == levels["tight"]["requirements"]
        == levels["ample"]["requirements"]
    )


def test_m_family_has_every_feature() -> None:
    data = generate_mod.generate("M", "tight", seed=0)
    units = data["units"]
    assert any(u.get("component") == "reserve" for u in units)
    assert any("blackouts" in u for u in units)
    assert any("available_from" in u or "available_until" in u for u in units)
    assert any("last_return" in u for u in units)
    assert any("SURGE" in r["id"] for r in data["requirements"])
    assert any(r["count"] == 2 for r in data["requirements"])
    assert data["substitutions"] and data["fixed"] and data["exercises"]
    assert any("capacity_troops" in s for s in data["sites"])
    assert data["components"]["reserve"]["dwell_ratio"] == 4.0


def test_generator_is_deterministic() -> None:
    a = generate_mod.generate("L", "tight", seed=5, scale=0.1)
    b = generate_mod.generate("L", "tight", seed=5, scale=0.1)
    c = generate_mod.generate("L", "tight", seed=6, scale=0.1)
    assert a == b
    assert a != c


def test_greedy_benchmark_instance_has_its_size() -> None:
    data = generate_mod.generate("greedy600", "tight", seed=0)
    assert len(data["units"]) == 600
    assert len(data["requirements"]) == 80


def test_run_main_on_s_writes_checked_results(tmp_path: Path) -> None:
    status = run_mod.main(
        [
            "--families",
            "S",
            "--supplies",
            "tight",
            "--methods",
            "greedy",
            "milp",
            "--time-limit",
            "2",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    payload = json.loads((tmp_path / "latest.json").read_text())
    runs = {r["method"]: r for r in payload["runs"]}
    assert set(runs) == {"greedy", "milp"}
    for rec in runs.values():
        assert not rec["status"].startswith(("error", "crashed", "killed"))
        assert rec["valid"] is True
        assert rec["peak_mb"] > 0
    # The MILP's own plan, before any repair, keeps every rule.
    assert runs["milp"]["valid_as_solved"] in (True, None)
    assert runs["milp"]["dropped"] == 0
    assert (tmp_path / "latest.md").read_text().startswith("Benchmark run")
    assert "S-tight-s0" in payload["ratios"]


def test_replan_changes_are_valid_scenarios_with_the_change() -> None:
    import yaml

    from rotaplan.solve import solve

    replan_mod = _load("replan", "rotaplan_bench_replan")
    data = yaml.safe_load(replan_mod.EXAMPLE.read_text(encoding="utf-8"))
    plan = solve(build_scenario(data), method="greedy").plan
    changed = dict(replan_mod.changes_of(data, plan))
    assert len(changed) == 5
    for name, scenario in changed.items():
        built = build_scenario(scenario)
        assert fixed_problems(built) == []
        if name.startswith("lose "):
            gone = name.split()[1]
            assert gone not in {u.id for u in built.units}
        if name.startswith("blackout "):
            dark = name.split()[1]
            assert any(u.blackouts for u in built.units if u.id == dark)
    assert any(
        e.id == "NEW-EXERCISE"
        for e in build_scenario(changed["new exercise"]).exercises
    )
