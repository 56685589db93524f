"""Local search neighbourhoods, judged by the independent checker.

Re-planning one site over a window must give back a valid plan that is
better by the contract's objective, or nothing.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from rotaplan.analyze.check import check
from rotaplan.model import Instance, Plan, Scenario
from rotaplan.model.instance import Leg
from rotaplan.solve import solve
from rotaplan.solve.cpsat.engine import Settings
from rotaplan.solve.cpsat.lns import neighbourhood, solve_neighbourhood
from rotaplan.solve.shortfall import objective_of
from strategies import scenarios
from test_cpsat import one_site, requirement, unit


def as_plan(scenario: Scenario, inst: Instance, legs: list[Leg]) -> Plan:
    return Plan(
        scenario=scenario.name,
        deployments=[inst.deployment(leg) for leg in legs],
    )


@settings(max_examples=30, deadline=None)
@given(
    scenario=scenarios(),
    cut=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_every_neighbourhood_gives_a_valid_better_plan_or_none(
    scenario: Scenario, cut: tuple[float, float]
) -> None:
    inst = Instance.from_scenario(scenario)
    start = solve(scenario, method="greedy")
    legs = [inst.leg(d) for d in start.plan.deployments]
    fixed = {(f.unit, f.requirement, f.start, f.end) for f in inst.fixed}
    legs = [
        Leg(x.unit, x.requirement, x.start, x.end, fixed=True)
        if (x.unit, x.requirement, x.start, x.end) in fixed
        else x
        for x in legs
    ]
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
        new, _ = solve_neighbourhood(hood, Settings(threads=1), 2.0, None)
        if new is None:
            continue
        better = [*hood.kept, *new]
        verdict = check(scenario, as_plan(scenario, inst, better))
        assert verdict.valid, verdict.violations
        assert objective_of(inst, better) < objective_of(inst, legs)


def test_a_pinned_unit_still_owes_dwell_to_its_other_deployments() -> None:
    # A neighbourhood aimed at armor at the camp over days 150..160
    # frees A2's tour there (100..200) and pins what else is on site
    # then: I1's infantry tour 40..110. I1 could fill the camp's
    # infantry gap again from day 180 (dwell 70), but it is at the
    # other camp from day 180, so no plan of the neighbourhood may send
    # it: the result must be valid or nothing.
    policy = {
        "transit_days": 0,
        "handover_days": 0,
        "min_deployment_days": 10,
        "max_deployment_days": 100,
        "dwell_ratio": 1.0,
    }
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
        policy=policy,
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
