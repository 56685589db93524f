"""The CP-SAT optimizer, judged by the independent checker.

Tiny scenarios whose optimum follows by hand from the contract, solved
to that optimum with a proof; the model's own accounting against the
checker's; random valid scenarios through the checker and against the
relay planner; reproducibility, progress and Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from rotaplan.analyze.check import check
from rotaplan.io import load_scenario
from rotaplan.model import Instance, Plan, Scenario, build_scenario
from rotaplan.model.instance import Leg
from rotaplan.solve import METHODS, Progress, solve
from rotaplan.solve.cpsat.bounds import availability_bound
from rotaplan.solve.cpsat.model import RotaModel, evaluate
from rotaplan.solve.shortfall import primary_of
from strategies import examples, scenarios

ORIGIN = date(2030, 1, 1)
EXAMPLE = Path(__file__).parents[1] / "examples" / "lithuania.yaml"


def iso(day: int) -> str:
    return (ORIGIN + timedelta(days=day)).isoformat()


def day(d: date) -> int:
    return (d - ORIGIN).days


def one_site(
    units: list[dict[str, Any]],
    requirements: list[dict[str, Any]],
    *,
    horizon: int,
    policy: dict[str, Any],
    **more: Any,
) -> Scenario:
    """A scenario at one site, ``camp``, from day 0 to ``horizon``."""
    data: dict[str, Any] = {
        "name": "hand-built",
        "horizon": {"start": iso(0), "end": iso(horizon)},
        "defaults": policy,
        "sites": [{"id": "camp"}],
        "units": units,
        "requirements": requirements,
    }
    data.update(more)
    return build_scenario(data)


def unit(uid: str, capability: str = "armor", **more: Any) -> dict[str, Any]:
    return {"id": uid, "capability": capability, "troops": 500, **more}


def requirement(start: int, end: int, **more: Any) -> dict[str, Any]:
    return {
        "id": "R",
        "site": "camp",
        "capability": "armor",
        "start": iso(start),
        "end": iso(end),
        **more,
    }


def exercise(
    eid: str, start: int, end: int, count: int, capability: str = "armor"
) -> dict[str, Any]:
    """An exercise at ``camp`` wanting ``count`` units of a capability."""
    return {
        "id": eid,
        "site": "camp",
        "start": iso(start),
        "end": iso(end),
        "needs": [{"capability": capability, "count": count}],
    }


def legs_of(plan: Plan) -> list[tuple[str, int, int]]:
    return sorted((d.unit, day(d.start), day(d.end)) for d in plan.deployments)


def test_cpsat_is_the_default_method() -> None:
    assert METHODS[0] == "cpsat"
    assert "greedy" in METHODS


def dwell_bound_scenario() -> Scenario:
    """One unit, 400 days, tours of exactly 100 days, transit 5,
    handover 10, dwell ratio 1.5 (150 days home). Consecutive arrivals
    are at least 100 + 5 + 150 + 5 = 260 days apart, and a tour must end
    by day 400, so it can arrive twice at most (e.g. days 0 and 260).
    Each tour counts 100 - 10 = 90 days: 180 covered, 220 short."""
    return one_site(
        [unit("A")],
        [requirement(0, 400)],
        horizon=400,
        policy={
            "transit_days": 5,
            "handover_days": 10,
            "min_deployment_days": 100,
            "max_deployment_days": 100,
            "dwell_ratio": 1.5,
        },
    )


def test_gap_forced_by_dwell_is_proved_optimal() -> None:
    scenario = dwell_bound_scenario()
    result = solve(scenario, method="cpsat", time_limit=20, threads=1)
    assert result.check.valid
    assert result.status == "optimal"
    assert result.details["proved"] is True
    assert result.objective.gap_days == 220
    assert result.objective.deployments == 2
    assert result.bound == pytest.approx(220.0)
    assert result.plan.bound == pytest.approx(220.0)


POLICY_50_100 = {
    "transit_days": 0,
    "handover_days": 0,
    "min_deployment_days": 50,
    "max_deployment_days": 100,
    "dwell_ratio": 1.0,
}


def test_substitution_fills_only_what_own_units_cannot() -> None:
    # 200 days of armor; armor unit A tours 50..100 days and then stays
    # home as long as it was away. A first tour of x days lets it come
    # back at 2x and stay to day 200 if 200 - 2x <= 100: A covers
    # x + 200 - 2x = 200 - x <= 150 days. The mechanized unit M (penalty
    # 2 a day) must cover the other 50 or more, and tours at least 50:
    # no gap, penalty 2 * 50 = 100, three deployments (A, M, A).
    scenario = one_site(
        [unit("A"), unit("M", "mech")],
        [requirement(0, 200)],
        horizon=200,
        policy=POLICY_50_100,
        substitutions=[{"capability": "armor", "by": "mech", "penalty": 2}],
    )
    result = solve(scenario, method="cpsat", time_limit=20, threads=1)
    assert result.status == "optimal"
    assert result.objective.primary == 0
    assert result.objective.substitution_penalty == pytest.approx(100.0)
    assert result.objective.deployments == 3
    assert legs_of(result.plan) == [
        ("A", 0, 50),
        ("A", 100, 200),
        ("M", 50, 100),
    ]


def test_substitution_unused_when_own_units_suffice() -> None:
    # With a second armor unit B, A and B relay 100 days each: no gap,
    # no penalty, two deployments.
    scenario = one_site(
        [unit("A"), unit("B"), unit("M", "mech")],
        [requirement(0, 200)],
        horizon=200,
        policy=POLICY_50_100,
        substitutions=[{"capability": "armor", "by": "mech", "penalty": 2}],
    )
    result = solve(scenario, method="cpsat", time_limit=20, threads=1)
    assert result.status == "optimal"
    assert result.objective.primary == 0
    assert result.objective.substitution_penalty == 0
    assert result.objective.deployments == 2
    assert all(d.unit != "M" for d in result.plan.deployments)


def exercise_scenario() -> Scenario:
    # 300 days of one armor unit, an exercise on days 140..160 that
    # needs two; only A and B, tours 50..200 days, dwell ratio 1.
    return one_site(
        [unit("A"), unit("B")],
        [requirement(0, 300)],
        horizon=300,
        policy={**POLICY_50_100, "max_deployment_days": 200},
        exercises=[exercise("E", 140, 160, 2)],
    )


def test_exercise_needing_two_units_met_by_overlapping_relief() -> None:
    # 300 days with tours of at most 200 need two tours; each unit tours
    # once (a second tour would have to wait as long as the first).
    # Overlapping them across days 140..160 (say A 0..200, B 100..300)
    # puts two units there: no gap, no exercise gap, two deployments.
    result = solve(
        exercise_scenario(), method="cpsat", time_limit=20, threads=1
    )
    assert result.status == "optimal"
    assert result.objective.primary == 0
    assert result.objective.exercise_gap_days == 0
    assert result.objective.deployments == 2
    tours = legs_of(result.plan)
    first, second = sorted(tours, key=lambda t: t[1])
    assert first[2] >= 160 and second[1] <= 140


def test_relay_and_optimizer_both_overlap_the_relief() -> None:
    # The relay's relief for A (due on day 200) may come up to 130 days
    # forward to overlap an exercise that wants one more unit: B then
    # arrives for day 140 and, as above, nothing is short. Both methods
    # reach the optimum the optimizer proves.
    scenario = exercise_scenario()
    greedy = solve(scenario, method="greedy")
    best = solve(scenario, method="cpsat", time_limit=20, threads=1)
    assert greedy.check.valid and best.check.valid
    assert best.status == "optimal"
    assert greedy.objective.key() == best.objective.key()
    first, second = sorted(legs_of(greedy.plan), key=lambda t: t[1])
    assert first[2] >= 160 and second[1] <= 140


def test_lithuania_is_proved_optimal() -> None:
    scenario = load_scenario(EXAMPLE)
    result = solve(scenario, method="cpsat", time_limit=60, threads=2)
    greedy = solve(scenario, method="greedy")
    assert result.check.valid
    assert result.status == "optimal"
    assert result.bound == result.objective.primary
    assert result.objective.key() <= greedy.objective.key()
    # Fixed deployments appear unchanged.
    fixed = {(f.unit, f.requirement, f.start, f.end) for f in scenario.fixed}
    planned = {
        (d.unit, d.requirement, d.start, d.end)
        for d in result.plan.deployments
    }
    assert fixed <= planned


def model_measures(scenario: Scenario, plan: Plan) -> tuple[float, float, int]:
    """The measures of a plan by the optimizer model's accounting."""
    inst = Instance.from_scenario(scenario)
    rm = RotaModel(inst)
    legs = rm.canonical([inst.leg(d) for d in plan.deployments])
    values = rm.values_of(legs)
    obj = rm.objective
    return (
        evaluate(obj.primary, values) / obj.primary_scale.factor,
        evaluate(obj.penalty, values) / obj.penalty_scale.factor,
        evaluate(obj.deployments, values),
    )


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(load_scenario(EXAMPLE), id="lithuania"),
        pytest.param(exercise_scenario(), id="exercise"),
    ],
)
def test_model_objective_equals_checker_measures(scenario: Scenario) -> None:
    for method in ("greedy", "cpsat"):
        result = solve(scenario, method=method, time_limit=20, threads=2)
        measured = check(scenario, result.plan).measures
        primary, penalty, deployments = model_measures(scenario, result.plan)
        assert primary == pytest.approx(measured.primary)
        assert penalty == pytest.approx(measured.substitution_penalty)
        assert deployments == measured.deployments


@settings(max_examples=examples(12), deadline=None)
@given(scenario=scenarios())
def test_random_plans_are_valid_and_no_worse_than_greedy(
    scenario: Scenario,
) -> None:
    greedy = solve(scenario, method="greedy")
    best = solve(scenario, method="cpsat", time_limit=2, threads=1)
    verdict = check(scenario, best.plan)
    assert verdict.valid, verdict.violations
    assert best.objective.key() <= greedy.objective.key()
    # The bound is proved: never above the plan, never below what no
    # plan can avoid.
    assert best.bound <= best.objective.primary + 1e-6
    assert best.bound >= 0
    if best.status == "optimal":
        assert best.bound == pytest.approx(best.objective.primary)
    # The model's accounting of the plan is the checker's.
    primary, penalty, deployments = model_measures(scenario, best.plan)
    assert primary == pytest.approx(verdict.measures.primary)
    assert penalty == pytest.approx(verdict.measures.substitution_penalty)
    assert deployments == verdict.measures.deployments


@settings(max_examples=examples(12), deadline=None)
@given(scenario=scenarios())
def test_random_work_limited_solves_repeat_and_are_valid(
    scenario: Scenario,
) -> None:
    runs = [
        solve(
            scenario,
            method="cpsat",
            time_limit=120,
            threads=2,
            seed=1,
            work_limit=0.3,
        )
        for _ in range(2)
    ]
    for run in runs:
        verdict = check(scenario, run.plan)
        assert verdict.valid, verdict.violations
        assert run.plan.solver["reproducible"] is True
    assert legs_of(runs[0].plan) == legs_of(runs[1].plan)


@settings(max_examples=examples(25), deadline=None)
@given(scenario=scenarios())
def test_availability_bound_never_exceeds_a_valid_plan(
    scenario: Scenario,
) -> None:
    greedy = solve(scenario, method="greedy")
    inst = Instance.from_scenario(scenario)
    assert availability_bound(inst) <= greedy.objective.primary + 1e-6
    legs = [inst.leg(d) for d in greedy.plan.deployments]
    assert primary_of(inst, legs) == pytest.approx(greedy.objective.primary)


def test_same_seed_and_one_thread_give_the_same_plan() -> None:
    # Many plans are optimal here (A and B, say, can trade tours); one
    # thread finishing by proof picks the same one every time.
    scenario = exercise_scenario()
    runs = [
        solve(scenario, method="cpsat", time_limit=60, threads=1, seed=7)
        for _ in range(2)
    ]
    assert runs[0].status == "optimal"
    assert legs_of(runs[0].plan) == legs_of(runs[1].plan)


def test_work_limit_gives_the_same_plan_with_two_threads() -> None:
    # A work limit (CP-SAT's deterministic time) makes even a search cut
    # short reproducible: the same plan however the machine is loaded.
    runs = solved_twice(time_limit=60, seed=3, work_limit=0.5)
    assert runs[0].check.valid
    assert legs_of(runs[0].plan) == legs_of(runs[1].plan)


def solved_twice(**limits: Any) -> list[Any]:
    """The bundled example solved twice on two threads."""
    scenario = load_scenario(EXAMPLE)
    return [
        solve(scenario, method="cpsat", threads=2, **limits) for _ in range(2)
    ]


def test_work_limit_makes_the_local_search_reproducible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Large groups are searched locally, step by step; with a work limit
    # each step stops by work, not by the clock, so two runs on two
    # threads give the same plan, and say so.
    from rotaplan.solve.cpsat import solver

    monkeypatch.setattr(solver, "_WHOLE_MODEL_LIMIT", 0)
    runs = solved_twice(time_limit=120, seed=5, work_limit=3.0)
    assert any(p["phase"] == "local search" for p in runs[0].details["phases"])
    assert all(r.plan.solver["reproducible"] for r in runs)
    assert runs[0].check.valid
    assert legs_of(runs[0].plan) == legs_of(runs[1].plan)


def test_a_time_limit_that_cuts_a_work_limit_is_not_reproducible() -> None:
    result = solve(
        load_scenario(EXAMPLE),
        method="cpsat",
        time_limit=0.5,
        threads=2,
        work_limit=1000.0,
    )
    assert result.check.valid
    assert result.plan.solver["reproducible"] is False
    # Searching against the clock alone, no plan claims to be.
    free = solve(
        load_scenario(EXAMPLE), method="cpsat", time_limit=5, work_limit=None
    )
    assert free.plan.solver["reproducible"] is False


def test_by_default_a_scenario_solved_whole_is_reproducible() -> None:
    # No work limit given: every group is solved whole, so the search is
    # capped at a quarter of the time limit, and a rerun repeats it.
    runs = solved_twice(time_limit=12)
    for run in runs:
        assert run.check.valid
        assert run.plan.solver["work_limit"] == pytest.approx(3.0)
        assert run.plan.solver["work_limit_auto"] is True
        assert run.plan.solver["reproducible"] is True
    assert legs_of(runs[0].plan) == legs_of(runs[1].plan)


def test_by_default_a_scenario_needing_the_local_search_runs_by_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The local search's neighbourhoods are slow under CP-SAT's
    # reproducible search: unless a work limit is given, it keeps the
    # clock, and the plan does not claim to be reproducible.
    from rotaplan.solve.cpsat import solver

    monkeypatch.setattr(solver, "_WHOLE_MODEL_LIMIT", 0)
    result = solve(load_scenario(EXAMPLE), method="cpsat", time_limit=3)
    assert any(p["phase"] == "local search" for p in result.details["phases"])
    assert result.check.valid
    assert result.plan.solver["work_limit"] is None
    assert result.plan.solver["work_limit_auto"] is True
    assert result.plan.solver["reproducible"] is False


@pytest.mark.parametrize("limit", [0, -2.0, "soon"])
def test_a_work_limit_must_be_above_zero_auto_or_none(limit: object) -> None:
    with pytest.raises(ValueError, match="work_limit"):
        solve(load_scenario(EXAMPLE), method="cpsat", work_limit=limit)


def test_progress_reports_incumbent_and_bound() -> None:
    seen: list[Progress] = []
    result = solve(
        load_scenario(EXAMPLE),
        method="cpsat",
        time_limit=60,
        threads=2,
        progress=seen.append,
    )
    reported = [p for p in seen if p.incumbent is not None]
    assert reported
    last = reported[-1]
    assert last.bound is not None and last.bound <= last.incumbent + 1e-6
    assert last.incumbent == pytest.approx(result.objective.primary)
    # An incumbent is a plan the search holds: none beats the one
    # returned, and none is reported before there is a plan at all.
    assert all(
        p.incumbent >= result.objective.primary - 1e-6 for p in reported
    )
    assert all(p.elapsed >= 0 for p in seen)


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(ValueError, match="no_such_knob"):
        solve(
            load_scenario(EXAMPLE),
            method="cpsat",
            time_limit=1,
            no_such_knob=1,
        )


def test_engine_parameters_pass_through() -> None:
    # A CP-SAT parameter by name: here, stop at the first solution.
    result = solve(
        exercise_scenario(),
        method="cpsat",
        time_limit=5,
        threads=1,
        stop_after_first_solution=True,
    )
    assert result.check.valid


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread()
    or not hasattr(signal, "SIGINT")
    # A shell starts background jobs with Ctrl-C ignored.
    or signal.getsignal(signal.SIGINT) is signal.SIG_IGN,
    reason="needs the main thread and Ctrl-C reaching Python",
)
def test_ctrl_c_returns_the_best_plan_so_far() -> None:
    # A scenario that keeps the search busy (many units, a long
    # horizon), interrupted after a moment.
    units = [
        unit(f"U{i}", last_return=iso(-40 * i), last_deployment_days=90 + i)
        for i in range(14)
    ]
    scenario = one_site(
        units,
        [
            requirement(0, 2000, count=2),
            {**requirement(300, 900), "id": "SURGE"},
        ],
        horizon=2000,
        policy={
            "transit_days": 7,
            "handover_days": 9,
            "min_deployment_days": 60,
            "max_deployment_days": 200,
            "dwell_ratio": 2.5,
        },
        exercises=[
            exercise(f"E{k}", 100 + 300 * k, 114 + 300 * k, 4)
            for k in range(6)
        ],
    )
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        result = solve(
            scenario,
            method="cpsat",
            time_limit=120,
            threads=2,
            interruptible=True,
        )
    finally:
        timer.cancel()
    assert result.details["interrupted"] is True
    assert result.status == "feasible"
    assert result.check.valid
    # Python's own Ctrl-C handling is back in place afterwards.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_local_search_for_large_groups_keeps_plans_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Treat every group as too large to solve whole: the local search
    # runs instead, from the relay plan, and may only improve it.
    from rotaplan.solve.cpsat import solver

    monkeypatch.setattr(solver, "_WHOLE_MODEL_LIMIT", 0)
    scenario = exercise_scenario()
    greedy = solve(scenario, method="greedy")
    result = solve(scenario, method="cpsat", time_limit=5, threads=1)
    assert result.check.valid
    assert result.status == "feasible"
    assert result.objective.key() <= greedy.objective.key()
    # The overlap the relay misses is one neighbourhood away.
    assert result.objective.primary == 0
    assert result.bound <= result.objective.primary
    assert any(p["phase"] == "local search" for p in result.details["phases"])


def test_time_out_with_a_site_overloaded_keeps_the_last_sound_plan() -> None:
    # A solve whose time runs out with a site overloaded gives the
    # groups there their part of the last combined plan that overloaded
    # none (what an earlier level found), not the plan it started from.
    from rotaplan.solve.cpsat.groups import split
    from rotaplan.solve.cpsat.solver import (
        GroupOutcome,
        _fall_back,
        overloaded_sites,
    )

    scenario = one_site(
        [unit("A1"), unit("B1", "fires"), unit("B2", "fires")],
        [
            requirement(0, 200),
            requirement(0, 200, id="F", capability="fires"),
        ],
        horizon=200,
        policy={"transit_days": 0, "handover_days": 0, "dwell_ratio": 1.0},
        sites=[{"id": "camp", "capacity_troops": 1000}],
    )
    inst = Instance.from_scenario(scenario)
    a1 = Leg("A1", "R", 0, 200)
    b1, b2 = Leg("B1", "F", 0, 200), Leg("B2", "F", 0, 200)
    sound = [a1, b1]
    groups = split(inst, frozenset())
    found = {"A1": [a1], "B1": [b1, b2]}
    outcomes = [
        GroupOutcome(
            found["A1" if "A1" in g.units else "B1"], 0.0, 0.0, True, []
        )
        for g in groups
    ]
    assert overloaded_sites(inst, [a1, b1, b2]) == {"camp"}
    kept = _fall_back(inst, outcomes, sound, groups)
    legs = sorted((x for o in kept for x in o.legs), key=lambda x: x.unit)
    assert legs == [a1, b1]
    assert not any(o.proved for o in kept)


# A random scenario (found by the bound test) on which OR-Tools 9.15's
# symmetry detection raised an internal IndexError in one of the
# optimizer's probes: the solve must still give a valid plan.
SYMMETRY_FAILURE: dict[str, Any] = {
    "name": "Random presence",
    "horizon": {"start": "2025-01-01", "end": "2027-03-08"},
    "sites": [{"id": "S0", "capacity_troops": 926}],
    "requirements": [
        {
            "id": "R0",
            "site": "S0",
            "capability": "armor",
            "start": "2025-07-11",
            "end": "2026-12-14",
            "priority": 0.0,
        },
        {
            "id": "R1",
            "site": "S0",
            "capability": "armor",
            "start": "2024-12-22",
            "end": "2025-01-31",
            "priority": 0.0,
        },
        {
            "id": "R2",
            "site": "S0",
            "capability": "armor",
            "start": "2025-06-06",
            "end": "2025-12-02",
        },
        {
            "id": "R3",
            "site": "S0",
            "capability": "armor",
            "start": "2025-09-24",
            "end": "2027-10-09",
            "count": 2,
            "priority": 0.5,
        },
    ],
    "substitutions": [
        {"capability": "armor", "by": "artillery", "penalty": 0.0}
    ],
    "exercises": [
        {
            "id": "E0",
            "site": "S0",
            "start": "2025-01-01",
            "end": "2025-01-04",
            "needs": [
                {"capability": "armor", "count": 1},
                {"capability": "artillery", "count": 1},
            ],
        },
        {
            "id": "E1",
            "site": "S0",
            "start": "2025-05-20",
            "end": "2025-06-12",
            "needs": [
                {"capability": "armor", "count": 1},
                {"capability": "artillery", "count": 1},
            ],
        },
    ],
    "fixed": [
        {
            "unit": "U00",
            "requirement": "R0",
            "start": "2025-01-01",
            "end": "2025-08-10",
        },
        {
            "unit": "U01",
            "requirement": "R0",
            "start": "2025-07-11",
            "end": "2025-07-31",
        },
    ],
    "units": [
        {
            "id": "U00",
            "capability": "armor",
            "troops": 50,
            "transit_days": 0,
            "handover_days": 0,
            "min_deployment_days": 20,
            "max_deployment_days": 105,
            "dwell_ratio": 1.0,
            "blackouts": [{"start": "2026-02-25", "end": "2026-10-15"}],
        },
        {
            "id": "U01",
            "capability": "armor",
            "troops": 50,
            "component": "active",
            "transit_days": 0,
            "handover_days": 0,
            "max_deployment_days": 90,
            "dwell_ratio": 4.0,
            "available_until": "2027-11-27",
        },
        {
            "id": "U02",
            "capability": "artillery",
            "troops": 67,
            "last_return": "2023-08-10",
            "last_deployment_days": 228,
            "blackouts": [{"start": "2026-04-06", "end": "2026-06-14"}],
        },
        {
            "id": "U03",
            "capability": "armor",
            "troops": 160,
            "transit_days": 0,
            "handover_days": 0,
            "min_deployment_days": 30,
            "max_deployment_days": 100,
            "dwell_ratio": 0.0,
            "min_dwell_days": 167,
            "available_from": "2025-01-01",
        },
        {
            "id": "U04",
            "capability": "armor",
            "troops": 293,
            "available_from": "2025-10-21",
        },
    ],
}


def test_a_scenario_cp_sat_symmetry_fails_on_still_gets_a_plan() -> None:
    scenario = build_scenario(SYMMETRY_FAILURE)
    result = solve(scenario, method="cpsat", time_limit=3, threads=1)
    verdict = check(scenario, result.plan)
    assert verdict.valid, verdict.violations
    assert result.objective.key() == verdict.measures.key()


def test_a_cp_sat_internal_failure_is_retried_without_symmetry() -> None:
    from ortools.sat.python import cp_model

    from rotaplan.solve.cpsat.engine import solve_guarded

    class FailsWithSymmetry(cp_model.CpSolver):
        def solve(self, model: Any, callback: Any = None) -> Any:
            if self.parameters.symmetry_level != 0:
                raise IndexError(
                    "absl::container_internal::raw_hash_map<>::at"
                )
            return super().solve(model, callback)

    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    model.maximize(x)
    solver = FailsWithSymmetry()
    # CP-SAT's own Ctrl-C handler would outlive the solve and end the
    # test run at the next test's Ctrl-C.
    solver.parameters.catch_sigint_signal = False
    assert solve_guarded(solver, model) == cp_model.OPTIMAL
    assert solver.value(x) == 5
