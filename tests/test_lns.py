"""Local search neighbourhoods, judged by the independent checker.

Re-planning one site over a window must give back a valid plan that is
better by the contract's objective, or nothing.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings

from rotaplan.analyze.check import check
from rotaplan.model import Instance, Plan, Scenario
from rotaplan.model.instance import Leg
from rotaplan.solve import solve
from rotaplan.solve.cpsat.engine import Settings
from rotaplan.solve.cpsat.lns import neighbourhood, solve_neighbourhood
from rotaplan.solve.shortfall import objective_of
from strategies import scenarios


def as_plan(scenario: Scenario, inst: Instance, legs: list[Leg]) -> Plan:
    return Plan(
        scenario=scenario.name,
        deployments=[inst.deployment(leg) for leg in legs],
    )


@settings(max_examples=20, deadline=None)
@given(scenario=scenarios())
def test_every_neighbourhood_gives_a_valid_better_plan_or_none(
    scenario: Scenario,
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
    window = (0, inst.horizon_end)
    # Also the smaller neighbourhoods aimed at an exercise's need.
    first = frozenset([min(u.capability for u in inst.units.values())])
    for site, only in itertools.product(inst.sites, (None, first)):
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
