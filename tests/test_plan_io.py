"""Plan files: JSON round trip, the contract's structure (section 3),
CSV export, and bad plan files."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from rotaplan.analyze.check import check
from rotaplan.io import (
    InputError,
    dumps_plan,
    load_plan,
    plan_from_dict,
    plan_to_csv,
    write_plan,
)
from rotaplan.model import Deployment, Measures, Plan, Scenario, build_scenario
from rotaplan.solve import solve

ORIGIN = date(2025, 1, 1)


def day(n: int) -> date:
    return ORIGIN + timedelta(days=n)


def scenario() -> Scenario:
    """One year; transit 10, handover 5, 30..100 days, dwell ratio 2."""
    return build_scenario(
        {
            "name": "Plan files",
            "horizon": {"start": "2025-01-01", "end": "2026-01-01"},
            "defaults": {
                "transit_days": 10,
                "handover_days": 5,
                "min_deployment_days": 30,
                "max_deployment_days": 100,
                "dwell_ratio": 2.0,
            },
            "sites": [{"id": "camp", "capacity_troops": 1000}],
            "units": [
                {
                    "id": "A1",
                    "capability": "armor",
                    "troops": 400,
                    "last_return": day(-50).isoformat(),
                    "last_deployment_days": 30,
                },
                {"id": "A2", "capability": "armor", "troops": 400},
                {"id": "A3", "capability": "armor", "troops": 400},
                {"id": "I1", "capability": "infantry", "troops": 500},
            ],
            "requirements": [
                {
                    "id": "R",
                    "site": "camp",
                    "capability": "armor",
                    "start": "2025-01-06",
                    "end": "2026-01-01",
                }
            ],
            "substitutions": [
                {"capability": "armor", "by": "infantry", "penalty": 2}
            ],
            "fixed": [
                {
                    "unit": "A3",
                    "requirement": "R",
                    "start": "2024-12-01",
                    "end": "2025-02-01",
                }
            ],
        }
    )


def sample_plan() -> Plan:
    return Plan(
        scenario="Plan files",
        deployments=[
            Deployment("A3", "R", date(2024, 12, 1), date(2025, 2, 1), True),
            Deployment("A2", "R", day(0), day(60)),
            Deployment("A1", "R", day(30), day(90)),
        ],
        status="optimal",
        objective=Measures(
            weighted_gap_days=12.5,
            gap_days=10,
            exercise_gap_days=3,
            substitution_penalty=40.0,
            deployments=2,
        ),
        bound=15.5,
        solver={"name": "rotaplan-cpsat", "seconds": 1.25, "workers": 2},
        extra={
            "explanations": [{"requirement": "R", "why": "dwell"}],
            "changes": {"moved": 1},
        },
    )


def test_json_round_trip_keeps_everything(tmp_path: Path) -> None:
    plan = sample_plan()
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    again = load_plan(path)
    assert Counter(again.deployments) == Counter(plan.deployments)
    assert again.sorted_deployments() == plan.sorted_deployments()
    assert again.objective == plan.objective
    assert again.bound == plan.bound
    assert again.status == plan.status
    assert again.scenario == plan.scenario
    assert again.solver == plan.solver
    assert again.extra == plan.extra
    # Written again, the file is the same, byte for byte.
    write_plan(again, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text() == path.read_text()


def test_extra_keys_from_other_tools_survive(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(
            {
                "format": "rotaplan-plan/1",
                "scenario": "Plan files",
                "deployments": [
                    {
                        "unit": "A2",
                        "requirement": "R",
                        "start": "2025-01-01",
                        "end": "2025-03-02",
                    }
                ],
                "reviewed_by": "J3 plans",
                "annotations": {"A2": ["first rotation"]},
            }
        )
    )
    plan = load_plan(path)
    # "fixed" defaults to false when absent.
    assert plan.deployments == [Deployment("A2", "R", day(0), day(60))]
    out = json.loads(dumps_plan(plan))
    assert out["reviewed_by"] == "J3 plans"
    assert out["annotations"] == {"A2": ["first rotation"]}


def test_extra_keys_inside_a_deployment_survive() -> None:
    data = json.loads(dumps_plan(sample_plan()))
    data["deployments"][0]["note"] = "advance party"
    out = json.loads(dumps_plan(plan_from_dict(data)))
    assert out["deployments"][0].get("note") == "advance party"


def test_plan_json_has_the_contract_structure(tmp_path: Path) -> None:
    s = scenario()
    result = solve(s, method="greedy")
    path = tmp_path / "plan.json"
    write_plan(result.plan, path)
    data = json.loads(path.read_text(encoding="utf-8"))

    assert data["format"] == "rotaplan-plan/1"
    assert data["scenario"] == "Plan files"
    # The relay heuristic proves nothing.
    assert data["status"] == "feasible"
    objective = data["objective"]
    assert set(objective) == {
        "primary",
        "weighted_gap_days",
        "gap_days",
        "exercise_gap_days",
        "substitution_penalty",
        "deployments",
    }
    assert isinstance(objective["gap_days"], int)
    assert isinstance(objective["exercise_gap_days"], int)
    assert isinstance(objective["deployments"], int)
    assert objective["primary"] == pytest.approx(
        objective["weighted_gap_days"] + objective["exercise_gap_days"]
    )
    assert set(data["bound"]) >= {"primary"}
    assert 0 <= data["bound"]["primary"] <= objective["primary"]
    assert isinstance(data["solver"]["name"], str)
    assert data["solver"]["seconds"] >= 0

    # The objective in the file is what the checker finds in the file.
    measures = check(s, load_plan(path)).measures
    assert measures.as_dict() == pytest.approx(objective)

    fixed_keys = {
        (f.unit, f.requirement, f.start.isoformat(), f.end.isoformat())
        for f in s.fixed
    }
    assert data["deployments"]
    for row in data["deployments"]:
        assert set(row) >= {"unit", "requirement", "start", "end", "fixed"}
        for key in ("start", "end"):
            assert date.fromisoformat(row[key]).isoformat() == row[key]
        assert row["fixed"] is (
            (row["unit"], row["requirement"], row["start"], row["end"])
            in fixed_keys
        )
    assert sum(row["fixed"] for row in data["deployments"]) == 1


def test_csv_columns_and_dwell_before() -> None:
    plan = Plan(
        scenario="Plan files",
        deployments=[
            # Listed out of order: the CSV is in order of start.
            Deployment("A1", "R", day(250), day(300)),
            Deployment("A3", "R", date(2024, 12, 1), date(2025, 2, 1), True),
            Deployment("A1", "R", day(30), day(90)),
            Deployment("A2", "R", day(85), day(145)),
        ],
    )
    s = scenario()
    assert check(s, plan).valid
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(s, plan))))
    assert list(rows[0]) == [
        "unit",
        "capability",
        "requirement",
        "site",
        "start",
        "end",
        "days_on_site",
        "dwell_before_days",
        "fixed",
    ]
    assert [(r["unit"], r["start"]) for r in rows] == [
        ("A3", "2024-12-01"),
        ("A1", "2025-01-31"),
        ("A2", "2025-03-27"),
        ("A1", "2025-09-08"),
    ]
    # A3 and A2 have no history: nothing to say.
    assert rows[0]["dwell_before_days"] == ""
    assert rows[2]["dwell_before_days"] == ""
    # A1 came home day -50; leaves for day 30 on day 30 - 10 = 20:
    # 70 days at home.
    assert rows[1]["dwell_before_days"] == "70"
    # Home again day 90 + 10 = 100; leaves for day 250 on day 240:
    # 140 days at home.
    assert rows[3]["dwell_before_days"] == "140"
    assert rows[1]["days_on_site"] == "60"
    assert [r["fixed"] for r in rows] == ["yes", "no", "no", "no"]
    assert {r["site"] for r in rows} == {"camp"}
    assert {r["capability"] for r in rows} == {"armor"}


# --- Bad plan files ----------------------------------------------------


def good_rows() -> list[dict[str, Any]]:
    return [
        {
            "unit": "A2",
            "requirement": "R",
            "start": "2025-01-01",
            "end": "2025-03-02",
            "fixed": False,
        },
        {
            "unit": "A1",
            "requirement": "R",
            "start": "2025-01-31",
            "end": "2025-04-01",
            "fixed": False,
        },
    ]


def write_json(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def assert_plan_error(path: Path, field: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_plan(path)
    error = caught.value
    assert error.file == str(path)
    assert error.path == field, str(error)
    assert error.fix
    assert "plan.json" in str(error) and field in str(error)
    return error


def test_plan_not_json(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"deployments": [oops]}\n')
    with pytest.raises(InputError) as caught:
        load_plan(path)
    assert caught.value.path.startswith("line 1, column")
    assert "JSON" in caught.value.message
    assert caught.value.fix


def test_plan_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("")
    with pytest.raises(InputError) as caught:
        load_plan(path)
    # The fix talks about a plan, not about writing a scenario.
    assert "plan" in caught.value.fix
    assert "scenario" not in caught.value.fix


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "(top level)"),
        ({"format": "rotaplan-plan/1"}, "deployments"),
        ({"deployments": {"A2": "R"}}, "deployments"),
        ({"deployments": ["A2"]}, "deployments[0]"),
    ],
    ids=["top-level-list", "missing", "not-a-list", "row-not-object"],
)
def test_plan_structure_errors(tmp_path: Path, data: Any, field: str) -> None:
    assert_plan_error(write_json(tmp_path, data), field)


@pytest.mark.parametrize("key", ["unit", "requirement", "start", "end"])
def test_deployment_missing_a_field(tmp_path: Path, key: str) -> None:
    rows = good_rows()
    del rows[1][key]
    assert_plan_error(
        write_json(tmp_path, {"deployments": rows}), f"deployments[1].{key}"
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("start", "2025-02-30"),
        ("end", "01/04/2025"),
        ("start", None),
        ("end", ""),
    ],
)
def test_deployment_bad_date(tmp_path: Path, key: str, value: Any) -> None:
    rows = good_rows()
    rows[1][key] = value
    error = assert_plan_error(
        write_json(tmp_path, {"deployments": rows}), f"deployments[1].{key}"
    )
    assert "YYYY-MM-DD" in error.fix


def test_objective_not_a_number(tmp_path: Path) -> None:
    data = {"deployments": good_rows(), "objective": {"gap_days": "many"}}
    assert_plan_error(write_json(tmp_path, data), "objective")


def test_bound_not_a_number(tmp_path: Path) -> None:
    path = write_json(
        tmp_path, {"deployments": good_rows(), "bound": {"primary": "low"}}
    )
    with pytest.raises(InputError) as caught:
        load_plan(path)
    assert caught.value.path in ("bound", "bound.primary")
    assert caught.value.fix


def test_solver_not_an_object(tmp_path: Path) -> None:
    data = {"deployments": good_rows(), "solver": "greedy"}
    assert_plan_error(write_json(tmp_path, data), "solver")


@pytest.mark.parametrize("value", ["false", "no", 0.5])
def test_fixed_that_is_not_a_boolean(tmp_path: Path, value: Any) -> None:
    # "fixed": "false" written by another tool must not read as fixed
    # (and come back out of a rewrite or the CSV as a fixed tour).
    rows = good_rows()
    rows[0]["fixed"] = value
    assert_plan_error(
        write_json(tmp_path, {"deployments": rows}), "deployments[0].fixed"
    )


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("start", 0, "number, not a date"),
        ("end", 20250402, "number, not a date"),
        ("start", "20250131", "not a date"),
        ("start", "0001-01-01", "outside the years 1900 to 2199"),
        ("end", "9999-12-31", "outside the years 1900 to 2199"),
    ],
)
def test_deployment_date_as_number_or_out_of_range(
    tmp_path: Path, key: str, value: Any, words: str
) -> None:
    # date.fromisoformat takes 20250131 (and str() of a number); near
    # year 1 or 9999 the report ran off the calendar.
    rows = good_rows()
    rows[1][key] = value
    error = assert_plan_error(
        write_json(tmp_path, {"deployments": rows}), f"deployments[1].{key}"
    )
    assert words in error.message
    assert "YYYY-MM-DD" in error.fix or "1900-01-01" in error.fix


def test_plan_nested_too_deep(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("[" * 5000 + "]" * 5000)
    error = assert_plan_error(path, "(file)")
    assert "nested" in error.message and "plan" in error.fix


def test_plan_extra_nested_deep_names_the_key(tmp_path: Path) -> None:
    data = {"deployments": good_rows(), "notes": "@"}
    text = json.dumps(data).replace('"@"', "[" * 150 + "]" * 150)
    path = tmp_path / "plan.json"
    path.write_text(text)
    assert_plan_error(path, "notes")


def test_plan_number_of_thousands_of_digits(tmp_path: Path) -> None:
    data = {"deployments": good_rows(), "objective": {"gap_days": "@"}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data).replace('"@"', "9" * 5000))
    assert_plan_error(path, "objective.gap_days")


def test_plan_key_written_twice(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps({"deployments": good_rows()}).replace(
            '"unit": "A1"', '"unit": "A1", "unit": "A3"'
        )
    )
    error = assert_plan_error(path, "deployments[1].unit")
    assert "twice" in error.message


def test_plan_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("\ufeff" + json.dumps({"deployments": good_rows()}))
    assert len(load_plan(path).deployments) == 2


@pytest.mark.parametrize(
    "plan_text",
    [
        "",
        "[" * 5000 + "]" * 5000,
        json.dumps(
            {"deployments": [{**good_rows()[0], "start": "0001-01-01"}]}
        ),
        json.dumps({"deployments": [{**good_rows()[0], "end": "9999-12-31"}]}),
    ],
    ids=["empty", "deep", "year-1", "year-9999"],
)
def test_cli_refuses_bad_plans_without_a_traceback(
    tmp_path: Path, plan_text: str
) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    example = root / "examples" / "lithuania.yaml"
    plan = tmp_path / "plan.json"
    plan.write_text(plan_text, encoding="utf-8")
    cli = Path(sys.executable).with_name("rotaplan")
    runs = [
        ["check", example, plan],
        ["export", example, plan, "-o", tmp_path / "out.csv"],
        ["report", example, plan, "-o", tmp_path / "out.html"],
        ["compare", example, plan, plan],
    ]
    for args in runs:
        done = subprocess.run(
            [cli, *args], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert f"{plan}: " in done.stderr and "(fix: " in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]
