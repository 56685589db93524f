"""Local search neighbourhoods, judged by the independent checker.

Re-planning one site over a window must give back a valid plan that is
better by the contract's objective, or nothing.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotaplan.analyze.check import check
from rotaplan.model import Instance, Plan, Scenario
from rotaplan.model.instance import Leg
from rotaplan.solve import solve
from rotaplan.solve.cpsat import lns
from rotaplan.solve.cpsat.engine import Settings
from rotaplan.solve.cpsat.lns import (
    Neighbourhood,
    improve,
    neighbourhood,
    pool_neighbourhood,
    solve_neighbourhood,
)
from rotaplan.solve.shortfall import objective_of
from strategies import examples, scenarios
from test_cpsat import exercise, iso, one_site, requirement, unit

# No transit or handover, tours of 10 to 100 days, as long at home after.
SHORT_TOURS = {
    "transit_days": 0,
    "handover_days": 0,
    "min_deployment_days": 10,
    "max_deployment_days": 100,
    "dwell_ratio": 1.0,
}


def as_plan(scenario: Scenario, inst: Instance, legs: list[Leg]) -> Plan:
    return Plan(
        scenario=scenario.name,
        deployments=[inst.deployment(leg) for leg in legs],
    )


def greedy_legs(scenario: Scenario, inst: Instance) -> list[Leg]:
    """The greedy planner's plan as legs, its fixed ones marked so."""
    plan = solve(scenario, method="greedy").plan
    fixed = {(f.unit, f.requirement, f.start, f.end) for f in inst.fixed}
    return [
        Leg(leg.unit, leg.requirement, leg.start, leg.end, fixed=True)
        if (leg.unit, leg.requirement, leg.start, leg.end) in fixed
        else leg
        for leg in (inst.leg(d) for d in plan.deployments)
    ]


@settings(max_examples=examples(30), deadline=None)
@given(
    scenario=scenarios(),
    cut=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_every_neighbourhood_gives_a_valid_better_plan_or_none(
    scenario: Scenario, cut: tuple[float, float]
) -> None:
    inst = Instance.from_scenario(scenario)
    legs = greedy_legs(scenario, inst)
    # The whole horizon, and a window of it: deployments that reach
    # past it are pinned, and their units must still owe dwell.
    low, high = sorted(round(x * inst.horizon_end) for x in cut)
    windows = [(0, inst.horizon_end), (low, max(high, low + 1))]
    # Also the smaller neighbourhoods aimed at an exercise's need.
    first = frozenset([min(u.capability for u in inst.units.values())])
    for site, window, only in itertools.product(
        inst.sites, windows, (None, first)
    ):
        hood = neighbourhood(inst, legs, site, *window, only)
        if hood is None:
            continue
        assert_valid_and_better(scenario, inst, legs, hood)
    # And a capability's whole pool at every site, and every pool at
    # once (as when undoing a substitution).
    capabilities = sorted({u.capability for u in inst.units.values()})
    for pools, window in itertools.product(
        [*capabilities, frozenset(capabilities)], windows
    ):
        hood = pool_neighbourhood(inst, legs, pools, *window)
        if hood is not None:
            assert_valid_and_better(scenario, inst, legs, hood)


def assert_valid_and_better(
    scenario: Scenario, inst: Instance, legs: list[Leg], hood: Neighbourhood
) -> None:
    new, _ = solve_neighbourhood(hood, Settings(threads=1), 2.0, None)
    if new is None:
        return
    better = [*hood.kept, *new]
    verdict = check(scenario, as_plan(scenario, inst, better))
    assert verdict.valid, verdict.violations
    assert objective_of(inst, better) < objective_of(inst, legs)


def test_units_outside_the_neighbourhood_count_for_its_exercises() -> None:
    # A3's fixed tour at LATER (0..100, before LATER's own days) puts a
    # second armor unit on site for the exercise (40..60), so the plan
    # is short nowhere. A neighbourhood over days 0..150 re-plans R only
    # (LATER's days lie outside it) but must still count A3 for the
    # exercise: sending A2 for it is one more deployment for nothing.
    scenario = one_site(
        [unit("A1"), unit("A2"), unit("A3")],
        [
            requirement(0, 100),
            {**requirement(200, 300), "id": "LATER"},
        ],
        horizon=300,
        policy=SHORT_TOURS,
        exercises=[exercise("E", 40, 60, 2)],
        fixed=[
            {
                "unit": "A3",
                "requirement": "LATER",
                "start": iso(0),
                "end": iso(100),
            }
        ],
    )
    inst = Instance.from_scenario(scenario)
    legs = [
        Leg("A3", "LATER", 0, 100, fixed=True),
        Leg("A1", "R", 0, 100),
        Leg("A2", "LATER", 200, 300),
    ]
    assert check(scenario, as_plan(scenario, inst, legs)).valid
    assert objective_of(inst, legs)[0] == 0
    hood = neighbourhood(inst, legs, "camp", 0, 150)
    assert hood is not None
    assert set(hood.sub.requirements) == {"R"}
    assert_valid_and_better(scenario, inst, legs, hood)


def test_a_pinned_unit_still_owes_dwell_to_its_other_deployments() -> None:
    # A neighbourhood aimed at armor at the camp over days 150..160
    # frees A2's tour there (100..200) and pins what else is on site
    # then: I1's infantry tour 40..110. I1 could fill the camp's
    # infantry gap again from day 180 (dwell 70), but it is at the
    # other camp from day 180, so no plan of the neighbourhood may send
    # it: the result must be valid or nothing.
    scenario = one_site(
        [unit("A1"), unit("A2"), unit("I1", "infantry")],
        [
            requirement(0, 300),
            {**requirement(0, 300, capability="infantry"), "id": "INF"},
            {
                **requirement(0, 300, capability="infantry"),
                "id": "INF2",
                "site": "camp2",
            },
        ],
        horizon=300,
        policy=SHORT_TOURS,
        sites=[{"id": "camp"}, {"id": "camp2"}],
    )
    inst = Instance.from_scenario(scenario)
    legs = [
        Leg("A1", "R", 0, 100),
        Leg("A2", "R", 100, 200),
        Leg("A1", "R", 200, 300),
        Leg("I1", "INF", 40, 110),
        Leg("I1", "INF2", 180, 280),
    ]
    assert check(scenario, as_plan(scenario, inst, legs)).valid
    hood = neighbourhood(inst, legs, "camp", 150, 160, frozenset(["armor"]))
    assert hood is not None
    assert any(x.unit == "I1" for x in hood.sub.fixed)
    new, _ = solve_neighbourhood(hood, Settings(threads=1), 5.0, None)
    if new is not None:
        verdict = check(scenario, as_plan(scenario, inst, [*hood.kept, *new]))
        assert verdict.valid, verdict.violations


def test_a_defective_step_is_rejected_and_the_search_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One armor requirement over 300 days, A and B, tours of at most
    # 100 days and as long at home after. The start plan has only A's
    # first tour. The first neighbourhood answers with a plan that
    # breaks A's dwell (as a defective neighbourhood would); the checker
    # must turn it down, and the next steps still improve the plan.
    scenario = one_site(
        [unit("A"), unit("B")],
        [requirement(0, 300)],
        horizon=300,
        policy=SHORT_TOURS,
    )
    inst = Instance.from_scenario(scenario)
    start = [Leg("A", "R", 0, 100)]

    def judge(legs: list[Leg]) -> bool:
        return check(scenario, as_plan(scenario, inst, legs)).valid

    answers = iter([[Leg("A", "R", 0, 100), Leg("A", "R", 100, 200)]])

    def defective_then_exact(hood: Neighbourhood, *args: Any) -> Any:
        defect = next(answers, None)
        if defect is not None:
            return defect, 0.0
        return solve_neighbourhood(hood, *args)

    monkeypatch.setattr(lns, "solve_neighbourhood", defective_then_exact)
    best, log = improve(
        inst, start, Settings(threads=1), wall=30.0, work=None, accept=judge
    )
    assert [x["rejected"] for x in log[:1]] == [True]
    assert judge(best)
    assert objective_of(inst, best) < objective_of(inst, start)


def assert_no_site_alone_helps(inst: Instance, legs: list[Leg]) -> None:
    """Re-planning camp or camp2 alone over days 0..100 finds nothing
    better."""
    for site in ("camp", "camp2"):
        hood = neighbourhood(inst, legs, site, 0, 100)
        assert hood is not None
        assert (
            solve_neighbourhood(hood, Settings(threads=1), 10.0, None)[0]
            is None
        )


def test_a_pool_neighbourhood_moves_a_unit_between_sites() -> None:
    # Armor at camp (priority 2) and camp2 (priority 1), days 0..100.
    # A may serve all 100 days; B has a blackout from day 50, so it
    # gives 50 days at most. The plan sends A to camp2 and B to camp:
    # 50 short days at priority 2 (100). Re-planning one site cannot
    # help: at camp, A is held at camp2; at camp2, nothing better for
    # camp2 alone. The armor pool at both sites swaps them: A to camp,
    # B to camp2, 50 short days at priority 1 (50), the optimum.
    scenario = one_site(
        [
            unit("A"),
            unit("B", blackouts=[{"start": iso(50), "end": iso(100)}]),
        ],
        [
            requirement(0, 100, priority=2.0),
            {**requirement(0, 100, site="camp2"), "id": "R2"},
        ],
        horizon=100,
        policy=SHORT_TOURS,
        sites=[{"id": "camp"}, {"id": "camp2"}],
    )
    inst = Instance.from_scenario(scenario)
    legs = [Leg("A", "R2", 0, 100), Leg("B", "R", 0, 50)]
    assert check(scenario, as_plan(scenario, inst, legs)).valid
    assert_no_site_alone_helps(inst, legs)
    hood = pool_neighbourhood(inst, legs, "armor", 0, 100)
    assert hood is not None
    new, _ = solve_neighbourhood(hood, Settings(threads=1), 10.0, None)
    assert new is not None
    verdict = check(scenario, as_plan(scenario, inst, [*hood.kept, *new]))
    assert verdict.valid, verdict.violations
    assert verdict.measures.weighted_gap_days == 50


def test_the_search_undoes_substitutions_by_swapping_two_pools() -> None:
    # Armor asked at camp, infantry at camp2, days 0..100. A (armor)
    # serves camp2 by substitution (3 a day) and I (infantry) serves
    # camp by substitution (5 a day): no gap, penalty 800. Neither
    # site's neighbourhood can help (the other unit is held at the other
    # site), nor can either capability's pool alone (the other's
    # deployment stays). Freeing both pools swaps them: penalty 0, the
    # optimum, with the same two deployments.
    scenario = one_site(
        [unit("A"), unit("I", capability="infantry")],
        [
            requirement(0, 100),
            {
                **requirement(0, 100, site="camp2", capability="infantry"),
                "id": "R2",
            },
        ],
        horizon=100,
        policy=SHORT_TOURS,
        sites=[{"id": "camp"}, {"id": "camp2"}],
        substitutions=[
            {"capability": "armor", "by": "infantry", "penalty": 5.0},
            {"capability": "infantry", "by": "armor", "penalty": 3.0},
        ],
    )
    inst = Instance.from_scenario(scenario)
    start = [Leg("A", "R2", 0, 100), Leg("I", "R", 0, 100)]
    before = check(scenario, as_plan(scenario, inst, start))
    assert before.valid and before.measures.substitution_penalty == 800
    assert_no_site_alone_helps(inst, start)

    best, _ = improve(inst, start, Settings(threads=1), wall=30.0, work=None)
    after = check(scenario, as_plan(scenario, inst, best))
    assert after.valid, after.violations
    assert after.measures.weighted_gap_days == 0
    assert after.measures.substitution_penalty == 0
    assert after.measures.deployments == 2
