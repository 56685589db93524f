"""The bound a full site forces: requirements and exercises there cannot
all have their units at once, so some are short in every plan.

Checked on hand-derived scenarios the optimizer must then prove, and on
random scenarios against plans of both planners judged by the checker
(with the rotation-cycle bound, the larger of the two as the optimizer
adds it).
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from hypothesis import given, settings

from rotaplan.analyze.check import check
from rotaplan.model import Instance, Scenario
from rotaplan.solve import solve
from rotaplan.solve.cpsat.bounds import availability_bound, short_floor
from rotaplan.solve.cpsat.pool_bound import cycle_excess
from rotaplan.solve.cpsat.site_bound import capacity_excess
from strategies import examples, scenarios
from test_cpsat import POLICY_50_100, exercise, one_site, requirement, unit


def capacity_bound(inst: Instance) -> float:
    floor = short_floor(inst)
    return availability_bound(inst, floor) + capacity_excess(
        inst, floor, inst.sites
    )


def one_battalion_site() -> Scenario:
    # The camp holds 600 troops: one battalion of 500 at a time. Armor
    # is wanted on days 0..300; infantry (priority 2) on days 100..150.
    # Two units of each; tours 50..100 days, no transit or handover,
    # dwell ratio 1, so each pool alone could cover its requirement.
    # On days 100..150 one of the two must be missing: the armor,
    # being cheaper, so 50 days short at best. Armor tours [0, 100),
    # [150, 250), [250, 300) by alternating units reach that.
    scenario = one_site(
        [
            unit("A1"),
            unit("A2"),
            unit("I1", "infantry"),
            unit("I2", "infantry"),
        ],
        [
            requirement(0, 300),
            {
                **requirement(100, 150, capability="infantry", priority=2),
                "id": "INF",
            },
        ],
        horizon=300,
        policy=POLICY_50_100,
    )
    return with_capacity(scenario, 600)


def with_capacity(scenario: Scenario, troops: int) -> Scenario:
    """``scenario`` with its one site holding ``troops``."""
    data = scenario.model_dump(mode="json")
    data["sites"][0]["capacity_troops"] = troops
    return Scenario.model_validate(data)


def test_a_full_site_forces_the_cheaper_requirement_short() -> None:
    scenario = one_battalion_site()
    inst = Instance.from_scenario(scenario)
    assert availability_bound(inst) == 0
    assert capacity_bound(inst) == 50
    result = solve(scenario, method="cpsat", time_limit=20, threads=1)
    verdict = check(scenario, result.plan)
    assert verdict.valid, verdict.violations
    assert verdict.measures.weighted_gap_days == 50
    assert result.status == "optimal"
    assert result.bound == 50
    # Ctrl-C still reaches Python after the bound's own small solves
    # (unless the shell started the tests with it ignored, as it does
    # background jobs).
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)


def test_an_exercise_at_a_full_site_is_short_in_every_plan() -> None:
    # As above, but the infantry requirement is gone and an exercise on
    # days 100..120 wants one infantry unit as well as the armor the
    # camp already holds. Infantry may not fill the armor requirement,
    # and there is no room for a second battalion: 20 exercise days
    # short in every plan (an infantry unit counts for an exercise only
    # while deployed to a requirement there, so give it one that ends
    # on day 300 at priority 0; holding it costs nothing, and wins
    # nothing either, as the armor then must leave).
    scenario = one_site(
        [unit("A1"), unit("A2"), unit("I1", "infantry")],
        [
            requirement(0, 300),
            {
                **requirement(0, 300, capability="infantry", priority=0),
                "id": "INF",
            },
        ],
        horizon=300,
        policy=POLICY_50_100,
        exercises=[exercise("E", 100, 120, 1, "infantry")],
    )
    scenario = with_capacity(scenario, 600)
    inst = Instance.from_scenario(scenario)
    assert availability_bound(inst) == 0
    assert capacity_bound(inst) == 20
    result = solve(scenario, method="cpsat", time_limit=20, threads=1)
    verdict = check(scenario, result.plan)
    assert verdict.valid, verdict.violations
    assert verdict.measures.primary == 20
    assert result.status == "optimal"


def assert_no_plan_below(scenario: Scenario, bound: float) -> None:
    """Both planners' plans are valid and none is below ``bound``."""
    for method in ("greedy", "cpsat"):
        result = solve(scenario, method=method, time_limit=3, threads=1)
        verdict = check(scenario, result.plan)
        assert verdict.valid, verdict.violations
        assert bound <= verdict.measures.primary + 1e-6


@settings(max_examples=examples(40), deadline=None)
@given(scenario=scenarios())
def test_no_valid_plan_is_below_either_bound(scenario: Scenario) -> None:
    inst = Instance.from_scenario(scenario)
    floor = short_floor(inst)
    assert_no_plan_below(
        scenario,
        availability_bound(inst, floor)
        + max(
            capacity_excess(inst, floor, inst.sites),
            cycle_excess(inst, floor),
        ),
    )
