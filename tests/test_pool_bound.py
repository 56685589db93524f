"""The bound from units' rotation cycles: over any stretch of days a
unit can count only so many, tours being followed by transit, dwell and
a handover before the next counts.

The most days one unit can count is checked against exhaustive search
over its tours; the bound against a hand-derived optimum and against
plans of both planners judged by the checker (on random scenarios in
test_site_bound, with the full-site bound).
"""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from rotaplan.model import Instance, Scenario
from rotaplan.model.scenario import Policy
from rotaplan.solve.cpsat.bounds import availability_bound, short_floor
from rotaplan.solve.cpsat.pool_bound import _most_counted, cycle_excess
from strategies import examples
from test_cpsat import dwell_bound_scenario, one_site, requirement, unit
from test_site_bound import assert_no_plan_below


def cycle_bound(inst: Instance) -> float:
    floor = short_floor(inst)
    return availability_bound(inst, floor) + cycle_excess(inst, floor)


def most_by_search(policy: Policy, days: int, free: bool) -> int:
    """Most days counted in ``[0, days)`` over every sequence of tours:
    the first may arrive from ``-handover`` on (``free``: the unit was
    home before) or at any time before."""
    h, t = policy.handover_days, policy.transit_days
    lengths = range(policy.min_deployment_days, policy.max_deployment_days + 1)

    @functools.cache
    def best(earliest: int) -> int:
        # Most counted from tours arriving on or after ``earliest``.
        out = 0
        for start in range(earliest, days):
            for d in lengths:
                counted = max(0, min(start + d, days) - max(start + h, 0))
                after = start + d + 2 * t + policy.dwell_after(d)
                out = max(out, counted + best(after))
        return out

    first = -h if free else -policy.max_deployment_days - 1
    return best(first)


@settings(max_examples=examples(60), deadline=None)
@given(
    transit=st.integers(0, 2),
    handover=st.integers(0, 2),
    shortest=st.integers(1, 3),
    extra=st.integers(0, 3),
    ratio=st.sampled_from([0.5, 1.0, 1.5, 2.0]),
    min_dwell=st.integers(0, 3),
    days=st.integers(0, 16),
)
def test_most_counted_days_match_exhaustive_search(
    transit: int,
    handover: int,
    shortest: int,
    extra: int,
    ratio: float,
    min_dwell: int,
    days: int,
) -> None:
    policy = Policy(
        transit_days=transit,
        handover_days=handover,
        min_deployment_days=shortest,
        max_deployment_days=shortest + extra,
        dwell_ratio=ratio,
        min_dwell_days=min_dwell,
    )
    free, mid_tour = _most_counted(policy, days)
    assert free[days] == most_by_search(policy, days, free=True)
    assert mid_tour[days] == most_by_search(policy, days, free=False)


def test_one_unit_owing_dwell_is_bounded_exactly() -> None:
    # 220 of 400 days short in every plan (see the scenario); counting
    # only the days the unit can reach sees just the first 10.
    inst = Instance.from_scenario(dwell_bound_scenario())
    assert availability_bound(inst) == 10
    assert cycle_bound(inst) == 220


def three_units_one_post() -> Scenario:
    """Three units for one post over 2,000 days: tours of exactly 100
    days, handover 10, transit 10, dwell 200."""
    return one_site(
        [unit("A"), unit("B"), unit("C")],
        [requirement(0, 2000)],
        horizon=2000,
        policy={
            "transit_days": 10,
            "handover_days": 10,
            "min_deployment_days": 100,
            "max_deployment_days": 100,
            "dwell_ratio": 2.0,
        },
    )


def test_three_units_cannot_hold_one_post_for_good() -> None:
    # Tours of 100 days with handover 10 count 90; transit 10 each way
    # and dwell 200 put 320 days between one tour's first counted day
    # and the next's. Three units count at most 270 of every 320 days
    # once the first tours are over, so over 2,000 days at least some
    # days are short, however the tours are placed; the checker's
    # figure for both planners' plans is never below the bound.
    scenario = three_units_one_post()
    inst = Instance.from_scenario(scenario)
    bound = cycle_bound(inst)
    assert bound > availability_bound(inst)
    assert_no_plan_below(scenario, bound)
