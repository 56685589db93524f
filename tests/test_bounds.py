"""The fewest deployments each requirement needs in an optimal plan.

The count covers a profile of required presence as late and as long as
possible; it is checked against exhaustive search on small profiles,
against plans made by both planners and judged by the checker, and on a
hand-counted scenario the optimizer must then prove.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotaplan.analyze.check import check
from rotaplan.model import Instance, Plan, Scenario
from rotaplan.model.instance import Leg
from rotaplan.solve import solve
from rotaplan.solve.cpsat.bounds import (
    _fewest_covering,
    availability_bound,
    fewest_deployments,
    short_floor,
)
from rotaplan.solve.shortfall import shortfalls
from strategies import examples, scenarios
from test_cpsat import (
    POLICY_50_100,
    exercise,
    iso,
    one_site,
    requirement,
    unit,
)


def fewest_by_search(
    depth: list[int], held: list[tuple[int, int]], longest: int
) -> int:
    """Fewest spans of ``longest`` days (shorter ones never help) that
    with ``held`` cover each day ``i`` ``depth[i]`` deep, by trying
    every multiset of start days."""
    starts = range(-longest + 1, len(depth))
    for k in itertools.count():
        for chosen in itertools.combinations_with_replacement(starts, k):
            spans = [*held, *((s, s + longest) for s in chosen)]
            if all(
                sum(a <= i < b for a, b in spans) >= need
                for i, need in enumerate(depth)
            ):
                return k
    raise AssertionError("unreachable")


@settings(max_examples=examples(60), deadline=None)
@given(
    depth=st.lists(st.integers(0, 2), min_size=1, max_size=7),
    held=st.lists(
        st.tuples(st.integers(-2, 6), st.integers(1, 4)), max_size=2
    ),
    longest=st.integers(1, 4),
)
def test_covering_count_matches_exhaustive_search(
    depth: list[int], held: list[tuple[int, int]], longest: int
) -> None:
    spans = [(a, a + n) for a, n in held]
    assert _fewest_covering(
        0, np.array(depth), spans, longest
    ) == fewest_by_search(depth, spans, longest)


def forced_reliefs() -> Scenario:
    # One armor unit on days 0..600, tours 50..100 days, no transit or
    # handover, dwell ratio 1, five units (each can tour every 200
    # days, so units never run short). Exercises on days 140..150 and
    # 390..400 want two armor units.
    #
    # By hand: 600 days at 100 per tour is 6 tours, and the two
    # exercises waste 20 days, so counting days alone allows 7. But an
    # exercise is met either by a relief overlapping it or by an extra
    # tour. With both reliefs, the stretches 0..150, 140..400 and
    # 390..600 need 2 + 3 + 3 tours; with one relief, 400 + 3 tours or
    # 2 + 5 and one extra; with none, 6 + 2. Each way 8 tours.
    exercises = [
        exercise(f"E{i}", a, a + 10, 2) for i, a in enumerate((140, 390))
    ]
    return one_site(
        [unit(f"A{i}") for i in range(5)],
        [requirement(0, 600)],
        horizon=600,
        policy=POLICY_50_100,
        exercises=exercises,
    )


def test_reliefs_forced_by_exercises_are_counted() -> None:
    inst = Instance.from_scenario(forced_reliefs())
    assert fewest_deployments(inst) == {"R": 8}


def test_optimizer_proves_the_fewest_deployments() -> None:
    scenario = forced_reliefs()
    result = solve(scenario, method="cpsat", time_limit=20, threads=1)
    verdict = check(scenario, result.plan)
    assert verdict.valid, verdict.violations
    assert result.status == "optimal"
    assert verdict.measures.primary == 0
    assert verdict.measures.deployments == 8


def deployments_per_requirement(scenario: Scenario, plan: Any) -> Counter:
    return Counter(d.requirement for d in plan.deployments if not d.fixed)


def assert_no_plan_at_the_bound_has_fewer(
    scenario: Scenario, time_limit: float
) -> int:
    """Plans of both planners that reach the availability bound have
    at least the fewest deployments per requirement; returns how many
    plans reached it."""
    reached = 0
    inst = Instance.from_scenario(scenario)
    low = availability_bound(inst)
    fewest = fewest_deployments(inst)
    for method in ("greedy", "cpsat"):
        result = solve(
            scenario, method=method, time_limit=time_limit, threads=1
        )
        verdict = check(scenario, result.plan)
        assert verdict.valid, verdict.violations
        if verdict.measures.primary > low + 1e-6:
            continue
        reached += 1
        held = deployments_per_requirement(scenario, result.plan)
        for req_id, least in fewest.items():
            assert held[req_id] >= least, (method, req_id)
    return reached


@settings(max_examples=examples(25), deadline=None)
@given(scenario=scenarios())
def test_no_plan_at_the_availability_bound_has_fewer_deployments(
    scenario: Scenario,
) -> None:
    assert_no_plan_at_the_bound_has_fewer(scenario, time_limit=2)


@st.composite
def relief_scenarios(draw: st.DrawFn) -> Scenario:
    """One requirement, plenty of units, and exercises wanting one
    more unit than it has, at random days."""
    horizon = draw(st.integers(250, 700))
    count = draw(st.integers(1, 2))
    starts = draw(
        st.lists(st.integers(0, horizon - 20), max_size=3, unique=True)
    )
    exercises = [
        exercise(f"E{i}", a, a + draw(st.integers(5, 20)), count + 1)
        for i, a in enumerate(starts)
    ]
    return one_site(
        [unit(f"A{i}") for i in range(6 * count)],
        [requirement(0, horizon, count=count)],
        horizon=horizon,
        policy=POLICY_50_100,
        exercises=exercises,
    )


@settings(max_examples=examples(15), deadline=None)
@given(scenario=relief_scenarios())
def test_no_plan_without_gaps_has_fewer_deployments(
    scenario: Scenario,
) -> None:
    # The optimizer meets these exercises with reliefs, so its plan
    # always reaches the bound and is compared.
    assert assert_no_plan_at_the_bound_has_fewer(scenario, 20) >= 1


@pytest.mark.parametrize("count", [1, 2])
def test_deeper_requirements_need_more_deployments(count: int) -> None:
    # Counted without exercises: 600 days at up to 100 per tour, once
    # or twice over.
    scenario = one_site(
        [unit(f"A{i}") for i in range(8)],
        [requirement(0, 600, count=count)],
        horizon=600,
        policy=POLICY_50_100,
    )
    assert fewest_deployments(Instance.from_scenario(scenario)) == {
        "R": 6 * count
    }


def test_exercise_after_its_only_requirement_ends_is_unavoidable() -> None:
    # Engineers may only fill the engineer requirement, which ends on
    # day 100; the exercise on days 300..314 wants one. A unit counts
    # for an exercise only while deployed to a requirement at the site,
    # and a deployment counts only inside its requirement's window, so
    # all 14 days are short in every plan, and the optimizer proves it.
    scenario = one_site(
        [unit("E1", "engineer"), unit("A1"), unit("A2"), unit("A3")],
        [
            requirement(0, 400),
            {
                **requirement(0, 100, capability="engineer"),
                "id": "ENG",
            },
        ],
        horizon=400,
        policy=POLICY_50_100,
        exercises=[exercise("E", 300, 314, 1, "engineer")],
    )
    inst = Instance.from_scenario(scenario)
    assert availability_bound(inst) == 14
    result = solve(scenario, method="cpsat", time_limit=20, threads=1)
    verdict = check(scenario, result.plan)
    assert verdict.valid, verdict.violations
    assert verdict.measures.exercise_gap_days == 14
    assert verdict.measures.gap_days == 0
    assert result.status == "optimal"
    assert result.bound == 14


def test_short_days_above_the_floor_are_those_a_plan_could_help() -> None:
    # The optimizer skips its aimed local search when no short day is
    # above the floor: nothing there could be improved.
    # Handover 10: no tour counts before day 10 in any plan. The plan
    # below also leaves days 100..120 short, which a plan could help.
    scenario = one_site(
        [unit("A1"), unit("A2")],
        [requirement(0, 300)],
        horizon=300,
        policy={**POLICY_50_100, "handover_days": 10},
    )
    inst = Instance.from_scenario(scenario)
    legs = [
        Leg("A1", "R", 0, 100),
        Leg("A2", "R", 110, 210),
        Leg("A1", "R", 200, 300),
    ]
    every = {(s.start, s.end) for s in shortfalls(inst, legs)}
    avoidable = {
        (s.start, s.end) for s in shortfalls(inst, legs, short_floor(inst))
    }
    assert every == {(0, 10), (100, 120)}
    assert avoidable == {(100, 120)}


def test_blackouts_closer_than_a_round_trip_take_a_unit_away_once() -> None:
    # A1's blackouts on days 10..15 and 18..25 are 3 days apart, less
    # than its transit both ways (2 + 2), so it cannot count on days
    # 8..27; B1 can count throughout, and one 40-day tour of B1 covers
    # the requirement. No day is unavoidably short.
    scenario = one_site(
        [
            unit(
                "A1",
                blackouts=[
                    {"start": iso(10), "end": iso(15)},
                    {"start": iso(18), "end": iso(25)},
                ],
            ),
            unit("B1"),
        ],
        [requirement(0, 40)],
        horizon=60,
        policy={**POLICY_50_100, "transit_days": 2, "min_deployment_days": 10},
    )
    inst = Instance.from_scenario(scenario)
    assert availability_bound(inst) == 0
    tour = inst.deployment(Leg("B1", "R", 0, 40))
    verdict = check(scenario, Plan(scenario=scenario.name, deployments=[tour]))
    assert verdict.valid, verdict.violations
    assert verdict.measures.primary == 0
