"""``rotaplan compare``: what changed between two plans."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from rotaplan import Deployment, Plan, build_scenario, check
from rotaplan.analyze.compare import diff_plans, foreign_plan_problems
from rotaplan.cli.report_cmd import register
from rotaplan.io import write_plan

SCENARIO: dict[str, Any] = {
    "name": "compare",
    "horizon": {"start": "2025-01-01", "end": "2027-01-01"},
    "defaults": {
        "transit_days": 10,
        "handover_days": 5,
        "min_deployment_days": 30,
        "max_deployment_days": 200,
        "dwell_ratio": 1.0,
    },
    "sites": [{"id": "s"}],
    "units": [
        {"id": u, "capability": "armor", "troops": 100}
        for u in ("U1", "U2", "U3")
    ],
    "requirements": [
        {
            "id": "R",
            "site": "s",
            "capability": "armor",
            "start": "2025-01-01",
            "end": "2027-01-01",
        }
    ],
}


def dep(unit: str, start: str, end: str, req: str = "R") -> Deployment:
    return Deployment(
        unit, req, date.fromisoformat(start), date.fromisoformat(end)
    )


A = [
    dep("U1", "2025-01-01", "2025-06-01"),
    dep("U2", "2025-05-27", "2025-11-01"),
    dep("U3", "2025-10-27", "2026-04-01"),
    dep("U1", "2026-03-27", "2026-09-01"),
]


def kinds(first: list[Deployment], second: list[Deployment]) -> list[str]:
    diff = diff_plans(Plan("compare", first), Plan("compare", second))
    return [c.kind for c in diff.changes]


def test_identical_plans_have_no_change() -> None:
    diff = diff_plans(Plan("compare", A), Plan("compare", list(A)))
    assert diff.changes == ()
    assert diff.unchanged == 4


def test_a_tour_shifted_in_time_is_moved() -> None:
    b = [*A[:3], dep("U1", "2026-04-05", "2026-09-10")]
    diff = diff_plans(Plan("compare", A), Plan("compare", b))
    (change,) = diff.changes
    assert change.kind == "moved"
    assert change.before == A[3] and change.after == b[3]
    assert "start +9 days" in change.describe()
    assert diff.unchanged == 3


def test_two_units_trading_slots_are_two_swaps() -> None:
    b = [
        A[0],
        dep("U3", "2025-05-27", "2025-11-01"),
        dep("U2", "2025-10-27", "2026-04-01"),
        A[3],
    ]
    diff = diff_plans(Plan("compare", A), Plan("compare", b))
    assert [c.kind for c in diff.changes] == ["swapped", "swapped"]
    assert diff.changes[0].describe() == (
        "swapped on R 2025-05-27 to 2025-11-01: U2 -> U3"
    )


def test_tours_with_nothing_near_them_are_added_and_removed() -> None:
    # U1's last tour goes; U2 comes months later, overlapping nothing.
    b = [*A[:3], dep("U2", "2026-11-01", "2026-12-20")]
    assert sorted(kinds(A, b)) == ["added", "removed"]
    assert kinds(A, A[:3]) == ["removed"]
    assert kinds(A[:3], A) == ["added"]


def test_the_order_of_deployments_in_the_files_does_not_matter() -> None:
    b = [
        dep("U2", "2025-01-01", "2025-06-01"),
        dep("U1", "2025-05-20", "2025-11-01"),
        A[2],
        dep("U1", "2026-04-10", "2026-09-01"),
        dep("U2", "2026-10-01", "2026-12-01"),
    ]
    expected = diff_plans(Plan("compare", A), Plan("compare", b))
    rng = random.Random(7)
    for _ in range(10):
        a2, b2 = list(A), list(b)
        rng.shuffle(a2)
        rng.shuffle(b2)
        got = diff_plans(Plan("compare", a2), Plan("compare", b2))
        assert got == expected


def test_every_deployment_is_accounted_for_once() -> None:
    b = [
        dep("U2", "2025-01-01", "2025-06-01"),
        A[1],
        dep("U3", "2025-11-20", "2026-04-01"),
        dep("U3", "2026-09-01", "2026-12-01"),
    ]
    diff = diff_plans(Plan("compare", A), Plan("compare", b))
    before = [c.before for c in diff.changes if c.before is not None]
    after = [c.after for c in diff.changes if c.after is not None]
    assert diff.unchanged + len(before) == len(A)
    assert diff.unchanged + len(after) == len(b)


def test_a_plan_of_another_scenario_is_named_as_such() -> None:
    scenario = build_scenario(SCENARIO)
    ok = Plan("compare", A)
    assert foreign_plan_problems(scenario, ok) == []
    other = Plan("elsewhere", A)
    (problem,) = foreign_plan_problems(scenario, other)
    assert problem.path == "scenario"
    unknown = Plan("compare", [*A, dep("U9", "2025-02-01", "2025-05-01")])
    (problem,) = foreign_plan_problems(scenario, unknown)
    assert problem.path == "deployments[4].unit"


def app() -> typer.Typer:
    cli = typer.Typer()
    register(cli)
    return cli


def write(tmp_path: Path, name: str, deployments: list[Deployment]) -> Path:
    path = tmp_path / name
    write_plan(Plan("compare", deployments), path)
    return path


def test_compare_prints_changes_and_checker_measures(
    tmp_path: Path, write_scenario: Any
) -> None:
    scenario_file = write_scenario(SCENARIO)
    scenario = build_scenario(SCENARIO)
    b = [*A[:3], dep("U1", "2026-04-05", "2026-09-10")]
    a_file, b_file = write(tmp_path, "a.json", A), write(tmp_path, "b.json", b)
    result = CliRunner().invoke(
        app(), ["compare", str(scenario_file), str(a_file), str(b_file)]
    )
    assert result.exit_code == 0, result.output
    assert "1 moved, 0 swapped, 0 added, 0 removed, 3 unchanged" in (
        result.output
    )
    gap_line = next(
        line for line in result.output.splitlines() if "gap days" in line
    )
    before = check(scenario, Plan("compare", A)).measures.gap_days
    after = check(scenario, Plan("compare", b)).measures.gap_days
    assert gap_line.split()[2:4] == [f"{before:,}", f"{after:,}"]


def test_compare_as_json(tmp_path: Path, write_scenario: Any) -> None:
    scenario_file = write_scenario(SCENARIO)
    scenario = build_scenario(SCENARIO)
    b = [A[0], dep("U3", "2025-05-27", "2025-11-01")]
    a_file, b_file = write(tmp_path, "a.json", A), write(tmp_path, "b.json", b)
    result = CliRunner().invoke(
        app(),
        ["compare", str(scenario_file), str(a_file), str(b_file), "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["counts"] == {
        "moved": 0,
        "swapped": 1,
        "added": 0,
        "removed": 2,
        "unchanged": 1,
    }
    for key, plan in (("before", A), ("after", b)):
        m = check(scenario, Plan("compare", plan)).measures
        assert data[key]["gap_days"] == m.gap_days
        assert data[key]["deployments"] == m.deployments
        assert data[key]["valid"] is True


def test_compare_refuses_a_plan_of_another_scenario(
    tmp_path: Path, write_scenario: Any
) -> None:
    scenario_file = write_scenario(SCENARIO)
    a_file = write(tmp_path, "a.json", A)
    stranger = tmp_path / "b.json"
    write_plan(Plan("elsewhere", A), stranger)
    result = CliRunner().invoke(
        app(), ["compare", str(scenario_file), str(a_file), str(stranger)]
    )
    assert result.exit_code == 2
    assert f"{stranger}: scenario: the plan is for scenario 'elsewhere'" in (
        result.stderr
    )
    missing = CliRunner().invoke(
        app(),
        ["compare", str(scenario_file), str(a_file), str(tmp_path / "no")],
    )
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
