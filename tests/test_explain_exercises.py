"""Exercise gap explanations: the binding cause of each short window of
an exercise need, and a fix that, tried, closes it.

A unit counts for an exercise on the days it is effective at the
exercise's site with exactly the needed capability, whatever
requirement it serves (contract section 4). Each crafted scenario has
one clear cause; where a suggestion names a change, the change is made
and the scenario solved again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings

from rotaplan.analyze.check import check
from rotaplan.analyze.explain_exercises import (
    ExerciseGapExplanation,
    explain_exercise_gaps,
)
from rotaplan.analyze.sizing import (
    CAUSES,
    HORIZON_START,
    IN_DWELL,
    NO_ELIGIBLE_UNIT,
    PLANNER_CHOICE,
    TOO_FEW_UNITS,
    WINDOW_TOO_SHORT,
)
from rotaplan.model import Deployment, Plan, Scenario, build_scenario
from rotaplan.solve import solve
from strategies import examples, scenarios

ORIGIN = date(2030, 1, 1)
CLI = Path(sys.executable).with_name("rotaplan")
# 50 to 100 days on site, 1:1 dwell, 10 days transit and handover.
POLICY = {
    "transit_days": 10,
    "handover_days": 10,
    "min_deployment_days": 50,
    "max_deployment_days": 100,
    "dwell_ratio": 1.0,
}


def iso(day: int) -> str:
    return (ORIGIN + timedelta(days=day)).isoformat()


def on(day: int) -> date:
    return ORIGIN + timedelta(days=day)


def unit(uid: str, capability: str = "armor", **more: Any) -> dict[str, Any]:
    return {"id": uid, "capability": capability, "troops": 500, **more}


def scenario_data(
    units: list[dict[str, Any]], need: str = "armor", count: int = 2
) -> dict[str, Any]:
    """One armor requirement at ``camp`` for days 0 to 90; an exercise
    there on days 40 to 54 needing ``count`` units of ``need``."""
    return {
        "name": "exercise",
        "horizon": {"start": iso(0), "end": iso(400)},
        "defaults": POLICY,
        "sites": [{"id": "camp"}],
        "units": units,
        "requirements": [
            {
                "id": "R",
                "site": "camp",
                "capability": "armor",
                "start": iso(0),
                "end": iso(90),
            }
        ],
        "exercises": [
            {
                "id": "EX",
                "site": "camp",
                "start": iso(40),
                "end": iso(54),
                "needs": [{"capability": need, "count": count}],
            }
        ],
    }


def only_a_on_r(s: Scenario) -> Plan:
    """The plan a relay makes: A alone covers R, days 0 to 90."""
    return Plan(s.name, [Deployment("A", "R", on(0), on(90))])


def exercise_gap_days(data: dict[str, Any]) -> int:
    s = build_scenario(data)
    return solve(s, method="greedy").check.measures.exercise_gap_days


def explain(s: Scenario, plan: Plan) -> list[ExerciseGapExplanation]:
    verdict = check(s, plan)
    assert verdict.valid
    return explain_exercise_gaps(s, plan, verdict)


def test_one_unit_cannot_fill_a_need_for_two() -> None:
    data = scenario_data([unit("A")])
    s = build_scenario(data)
    (only,) = explain(s, only_a_on_r(s))
    assert (only.exercise, only.need, only.capability) == ("EX", 0, "armor")
    assert (only.start, only.end) == (on(40), on(54))
    assert (only.gap_days, only.peak_short) == (14, 1)
    assert only.cause == TOO_FEW_UNITS
    assert "needs 2 armor at camp; 1 armor unit in all" in only.message
    assert only.units == {"A": "on site and counting"}
    # A tour counting from day 40 arrives on day 30, leaves home on 20.
    assert (
        f"one more armor unit available from {iso(20)}, sent on R"
        in only.suggestions
    )
    # The fix, tried: with that unit the relay fills the exercise.
    before = exercise_gap_days(data)
    assert before == 14
    data["units"].append(unit("B", available_from=iso(20)))
    assert exercise_gap_days(data) == 0


def test_a_free_unit_the_plan_did_not_send() -> None:
    s = build_scenario(scenario_data([unit("A"), unit("B")]))
    plan = only_a_on_r(s)
    (only,) = explain(s, plan)
    assert only.cause == PLANNER_CHOICE
    assert only.message.startswith("B could have counted on 14 of these")
    assert only.suggestions[0] == (
        f"deploy B on R from {iso(30)} to {iso(90)}"
    )
    # The tour named keeps every rule and fills the exercise.
    better = Plan(
        s.name, [*plan.deployments, Deployment("B", "R", on(30), on(90))]
    )
    verdict = check(s, better)
    assert verdict.valid
    assert verdict.measures.exercise_gap_days == 0


def test_the_unit_relieved_could_have_stayed_for_the_exercise() -> None:
    # A leaves on day 60, B arrives on day 50 and counts from 60: on
    # days 55 to 60 only A counts, on 60 to 65 only B. A may stay 100
    # days, so it could have stayed until day 65; B could not come
    # sooner without staying more than 100 days.
    data = scenario_data([unit("A"), unit("B")])
    data["requirements"][0]["end"] = iso(200)
    data["exercises"][0].update(start=iso(55), end=iso(65))
    s = build_scenario(data)
    plan = Plan(
        s.name,
        [
            Deployment("A", "R", on(0), on(60)),
            Deployment("B", "R", on(50), on(150)),
        ],
    )
    (only,) = explain(s, plan)
    assert only.cause == PLANNER_CHOICE
    assert only.message.startswith("A could have counted on 5 more")
    assert only.suggestions[0] == (
        f"deploy A on R from {iso(0)} to {iso(65)} instead of {iso(0)} to "
        f"{iso(60)} on R"
    )
    assert only.units["B"].startswith(f"on R {iso(50)} to {iso(150)}")
    assert_sound(s, plan, only)


def test_the_other_unit_still_owes_dwell() -> None:
    # B came home 5 days before the horizon from a 100-day tour: at 1:1
    # it may leave again on day 95, too late for days 40 to 54.
    late = unit("B", last_return=iso(-5), last_deployment_days=100)
    data = scenario_data([unit("A"), late])
    s = build_scenario(data)
    (only,) = explain(s, only_a_on_r(s))
    assert only.cause == IN_DWELL
    assert only.message.startswith(
        f"the armor unit is still in dwell from its last tour: B ready "
        f"{iso(95)}"
    )
    assert only.units["B"].startswith(f"in dwell until {iso(95)}")
    # The relay cannot do better, as the explanation says.
    assert exercise_gap_days(data) == 14
    # The fix, tried: owing 20 days, B may leave on day 15 and count
    # from day 35.
    late["last_deployment_days"] = 20
    assert exercise_gap_days(data) == 0


def test_a_unit_free_after_the_requirement_ends_is_not_said_to_count() -> None:
    # B may leave again on day 95 (as above), after R ends on day 90:
    # no tour of it counts at camp, so there is no day it counts from.
    late = unit("B", last_return=iso(-5), last_deployment_days=100)
    s = build_scenario(scenario_data([unit("A"), late]))
    (only,) = explain(s, only_a_on_r(s))
    assert only.cause == IN_DWELL
    assert f"B ready {iso(95)}" in only.message
    assert "counts from" not in only.message
    assert f"cannot count before R ends {iso(90)}" in only.message
    # As said: B's earliest tour, from day 105, is not one R allows.
    tour = Deployment("B", "R", on(105), on(155))
    assert not check(
        s, Plan(s.name, [*only_a_on_r(s).deployments, tour])
    ).valid


def test_counts_of_one_are_worded_in_the_singular() -> None:
    # A counts from day 41: the exercise, from day 40, is one day short.
    data = scenario_data([unit("A")], count=1)
    s = build_scenario(data)
    (only,) = explain(s, Plan(s.name, [Deployment("A", "R", on(31), on(90))]))
    assert only.gap_days == 1
    assert f"{iso(40)} to {iso(41)}: 1 exercise gap day, " in str(only)


def test_too_short_a_requirement_at_the_horizon_start() -> None:
    # R starts with the horizon: no tour may start handover_days before
    # it, so it must hold a whole 50-day tour.
    data = scenario_data([unit("A")], count=1)
    data["requirements"][0]["end"] = iso(45)
    s = build_scenario(data)
    (only,) = explain(s, Plan(s.name, []))
    assert only.cause == WINDOW_TOO_SHORT
    (lengthen,) = only.suggestions
    found = re.fullmatch(r"lengthen R to at least (\d+) days", lengthen)
    assert found, lengthen
    days = int(found.group(1))
    assert days > 45
    data["requirements"][0]["end"] = iso(days - 1)
    assert exercise_gap_days(data) == 14
    data["requirements"][0]["end"] = iso(days)
    assert exercise_gap_days(data) < 14


def test_no_requirement_at_the_site_for_the_capability() -> None:
    engineers = unit("E", "engineers")
    data = scenario_data([unit("A"), engineers], need="engineers", count=1)
    s = build_scenario(data)
    (only,) = explain(s, only_a_on_r(s))
    assert only.cause == NO_ELIGIBLE_UNIT
    assert "only while deployed on a requirement at camp" in only.message
    assert "none that engineers units may fill" in only.message
    add = [x for x in only.suggestions if x.startswith("add a requirement")]
    assert add == [
        f"add a requirement at camp for engineers from {iso(40)} to "
        f"{iso(80)} or longer"
    ]
    assert any(
        x.startswith("or allow engineers to fill armor")
        for x in only.suggestions
    )
    # The fix, tried: with that requirement the engineers are there.
    assert exercise_gap_days(data) == 14
    data["requirements"].append(
        {
            "id": "R-ENG",
            "site": "camp",
            "capability": "engineers",
            "start": iso(40),
            "end": iso(80),
        }
    )
    assert exercise_gap_days(data) == 0


def test_an_exercise_at_the_horizon_start_is_the_horizon_s_doing() -> None:
    # R starts on day 10: A, arriving with the horizon, counts from day
    # 10, and no tour may start sooner, so days 0 to 10 stay short.
    data = scenario_data([unit("A"), unit("B")], count=1)
    data["requirements"][0]["start"] = iso(10)
    data["exercises"][0].update(start=iso(0), end=iso(20))
    s = build_scenario(data)
    (only,) = explain(s, only_a_on_r(s))
    assert (only.start, only.end) == (on(0), on(10))
    assert only.cause == HORIZON_START
    assert only.suggestions == [
        "list the tour already at camp under 'fixed:'",
        f"or move EX to start on or after {iso(10)}",
    ]
    # The fixes, tried: the exercise moved, or the tour already on site
    # listed, leaves no exercise gap.
    assert exercise_gap_days(data) == 10
    data["exercises"][0].update(start=iso(10), end=iso(30))
    assert exercise_gap_days(data) == 0
    data["exercises"][0].update(start=iso(0), end=iso(20))
    data["fixed"] = [
        {"unit": "A", "requirement": "R", "start": iso(-30), "end": iso(60)}
    ]
    assert exercise_gap_days(data) == 0


def applied(data: dict[str, Any], suggestion: str) -> dict[str, Any]:
    """The scenario with a no-requirement suggestion made, literally."""
    data = json.loads(json.dumps(data))
    add = re.match(
        r"add a requirement at (\S+) for (\S+) from (\S+) to (\S+) or longer",
        suggestion,
    )
    if add:
        site, capability, start, end = add.groups()
        data["requirements"].append(
            {
                "id": "ADDED",
                "site": site,
                "capability": capability,
                "start": start,
                "end": end,
            }
        )
    more = re.search(r"one more (\S+) unit available from (\S+)", suggestion)
    if more:
        capability, start = more.groups()
        data["units"].append(unit("NEW", capability, available_from=start))
    allow = re.search(
        r"allow (\S+) to fill (\S+) \(a substitution\)", suggestion
    )
    if allow:
        by, capability = allow.groups()
        data["substitutions"] = [{"capability": capability, "by": by}]
    assert add or more or allow, suggestion
    return data


def test_the_only_unit_held_elsewhere_needs_a_unit_to_send() -> None:
    # E, the only engineers unit, is on RT at another site until day
    # 100: a requirement for engineers at camp, or a substitution onto
    # R, would not bring it to the exercise on days 40 to 54.
    data = scenario_data(
        [unit("A"), unit("E", "engineers")], need="engineers", count=1
    )
    data["sites"].append({"id": "far"})
    data["requirements"].append(
        {
            "id": "RT",
            "site": "far",
            "capability": "engineers",
            "start": iso(10),
            "end": iso(100),
        }
    )
    s = build_scenario(data)
    plan = Plan(
        s.name,
        [*only_a_on_r(s).deployments, Deployment("E", "RT", on(0), on(100))],
    )
    (only,) = explain(s, plan)
    assert only.cause == NO_ELIGIBLE_UNIT
    assert f"E on RT until {iso(100)}" in only.message
    assert only.units == {"E": f"on RT until {iso(100)}"}
    assert only.suggestions
    # Each suggestion, made literally, fills the exercise.
    assert exercise_gap_days(data) == 14
    for suggestion in only.suggestions:
        assert exercise_gap_days(applied(data, suggestion)) == 0, suggestion


def test_exercise_gap_days_add_up_on_the_example_line() -> None:
    s = build_scenario(scenario_data([unit("A")]))
    (only,) = explain(s, only_a_on_r(s))
    assert str(only).startswith(
        f"EX needs 2 armor at camp, {iso(40)} to {iso(54)}: 14 exercise "
        "gap days, too-few-units: "
    )
    assert all(f"  - {x}" in str(only) for x in only.suggestions)
    d = json.loads(json.dumps(only.to_dict()))
    assert d["exercise"] == "EX" and d["need"] == 0
    assert (d["capability"], d["count"], d["site"]) == ("armor", 2, "camp")
    assert (d["start"], d["end"], d["days"]) == (iso(40), iso(54), 14)
    assert d["gap_days"] == 14 and d["cause"] == TOO_FEW_UNITS


def thinned(plan: Plan) -> Plan:
    """The plan without every other tour it chose: still valid (fewer
    tours only leave more dwell and room), and leaving units free."""
    chosen = [d for d in plan.deployments if not d.fixed]
    dropped = {id(d) for d in chosen[::2]}
    return Plan(
        plan.scenario, [d for d in plan.deployments if id(d) not in dropped]
    )


def assert_sound(s: Scenario, plan: Plan, e: ExerciseGapExplanation) -> None:
    """The tour a planner-choice explanation names keeps every rule,
    with the tour it stretches taken out; it only adds presence, so the
    exercise is less short and no requirement more so."""
    found = re.match(
        r"deploy (\S+) on (\S+) from (\S+) to (\S+)(?: instead of (.*))?$",
        e.suggestions[0],
    )
    assert found
    uid, req, start, end, instead = found.groups()
    replaced = {
        (uid, r, date.fromisoformat(a), date.fromisoformat(b))
        for a, b, r in re.findall(
            r"(\S+) to (\S+) on ([^;\s]+)", instead or ""
        )
    }
    others = [
        d
        for d in plan.deployments
        if (d.unit, d.requirement, d.start, d.end) not in replaced
    ]
    assert len(others) == len(plan.deployments) - len(replaced)
    extra = Deployment(
        uid, req, date.fromisoformat(start), date.fromisoformat(end)
    )
    before = check(s, plan)
    after = check(s, Plan(s.name, [*others, extra]))
    assert after.valid
    assert after.exercise_gaps[e.exercise] < before.exercise_gaps[e.exercise]
    assert after.measures.gap_days <= before.measures.gap_days


@settings(max_examples=examples(30), deadline=None)
@given(scenarios())
def test_explanations_account_for_every_exercise_gap_day(
    s: Scenario,
) -> None:
    result = solve(s, method="greedy")
    for plan in (result.plan, thinned(result.plan)):
        verdict = check(s, plan)
        assert verdict.valid
        explanations = explain_exercise_gaps(s, plan, verdict)
        assert explanations == explain_exercise_gaps(s, plan)
        assert sum(e.gap_days for e in explanations) == (
            verdict.measures.exercise_gap_days
        )
        for e in explanations:
            assert e.cause in CAUSES
            assert 0 < e.gap_days <= e.peak_short * e.days
            assert e.peak_short <= e.count
            json.dumps(e.to_dict())
            if e.cause == PLANNER_CHOICE:
                assert_sound(s, plan, e)


def test_solve_prints_and_writes_exercise_gaps(tmp_path: Path) -> None:
    scenario_file = tmp_path / "exercise.yaml"
    scenario_file.write_text(yaml.safe_dump(scenario_data([unit("A")])))
    plan_file = tmp_path / "plan.json"
    solved = subprocess.run(
        [
            str(CLI),
            "solve",
            scenario_file,
            "-o",
            plan_file,
            "--method",
            "greedy",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert solved.returncode == 0, solved.stderr
    head = (
        f"gap EX needs 2 armor at camp, {iso(40)} to {iso(54)}: 14 "
        "exercise gap days, too-few-units:"
    )
    assert head in solved.stderr
    assert "  - one more armor unit available from" in solved.stderr
    written = json.loads(plan_file.read_text())
    (entry,) = [
        e for e in written["explanations"] if e.get("exercise") == "EX"
    ]
    assert (entry["need"], entry["gap_days"]) == (0, 14)
    assert entry["cause"] == TOO_FEW_UNITS
